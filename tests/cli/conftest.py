"""The CLI run in process, against the services running in process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.cli.main import main
from tests.client.servers import Running, running_services
from tests.conftest import Stack


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Awaitable[Outcome]]


@pytest.fixture(autouse=True)
def local_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No token or address from the machine: an empty local folder, no SE_* variables."""
    for name in ("SE_TOKEN", "SE_CATALOGUE_ADDRESS", "SE_MATCHING_ADDRESS", "SE_NOTIFY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "local"
    monkeypatch.setenv("SE_LOCAL_DIR", str(folder))
    monkeypatch.setenv("COLUMNS", "200")  # wide tables: no words cut across lines
    return folder


@pytest.fixture
def dev_tokens(local_dir: Path) -> None:
    """The run command's dev tokens file, holding the test suite's tokens."""
    local_dir.mkdir(parents=True, exist_ok=True)
    roles = ("operator", "platform", "coordinator", "student")
    tokens = {role: f"token-of-{role}" for role in roles}
    (local_dir / "dev-tokens.json").write_text(json.dumps(tokens))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Runs ``main(argv)`` off the event loop (the services run on it) and captures output."""

    async def run(*argv: str) -> Outcome:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(argv))
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return run


@pytest.fixture
async def running(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    """The services, found by the CLI through SE_*_ADDRESS."""
    async with running_services(clean_stack, monkeypatch) as services:
        monkeypatch.setenv("SE_CATALOGUE_ADDRESS", services.catalogue)
        monkeypatch.setenv("SE_MATCHING_ADDRESS", services.matching)
        monkeypatch.setenv("SE_NOTIFY_ADDRESS", services.notify)
        yield services
