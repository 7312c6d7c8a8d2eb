"""The PHP example (php-cli with curl, no Composer) and the Node.js one (built-in fetch, no
npm packages) complete a student's journey against the real edge and services, run as a
platform developer runs them: list, recommend, enrol, read the inbox (Node from the
WatchInbox stream), and the field violation of bad input."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from tests.examples.conftest import EXAMPLES, Clients, a_suggestion_for

WELCOME_TITLE = "Welcome clean-up at La Malvarrosa beach"


def php_has_curl() -> bool:
    check = ["php", "-r", "exit(extension_loaded('curl') ? 0 : 1);"]
    return shutil.which("php") is not None and subprocess.run(check, check=False).returncode == 0


@dataclass(frozen=True)
class Script:
    command: tuple[str, ...]
    student: str
    inbox: str
    """How the script shows the inbox item it waited for."""


SCRIPTS = [
    pytest.param(
        Script(("php", str(EXAMPLES / "php" / "journey.php")), "piotr", "Inbox of piotr:\n  "),
        marks=pytest.mark.skipif(
            not php_has_curl(), reason="needs PHP with curl: apt-get install php-cli php-curl"
        ),
        id="php",
    ),
    pytest.param(
        Script(
            ("node", str(EXAMPLES / "node" / "journey.mjs")),
            "nora",
            "New in the inbox of nora (WatchInbox): ",
        ),
        marks=pytest.mark.skipif(
            shutil.which("node") is None, reason="needs Node.js 18+: apt-get install nodejs"
        ),
        id="node",
    ),
]


async def run(*command: str) -> tuple[int, str, str]:
    """``command``'s exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("script", SCRIPTS)
async def test_the_script_completes_a_journey(clients: Clients, script: Script) -> None:
    activity_id = await a_suggestion_for(clients.platform, script.student)
    code, output, errors = await run(
        *script.command, clients.platform.url, "token-of-platform", script.student
    )
    assert code == 0, output + errors

    listed = output.partition("Activities in Spain:\n")[2].partition("Recommended for")[0]
    assert f"  {activity_id}  {WELCOME_TITLE} (Valencia, starts " in listed, output
    assert (
        f"Recommended for {script.student}:\n  1. {activity_id}  {WELCOME_TITLE} (score "
    ) in output
    assert f"Enrolled {script.student} in {activity_id}: ENROLMENT_STATUS_CONFIRMED\n" in output
    item = (
        rf"{re.escape(script.inbox)}(.+\n  )*\[enrolment_confirmed\] .+ \(activity {activity_id}\)"
    )
    assert re.search(item, output), output
    assert (
        "Bad input (pageSize 1000): HTTP 400 invalid_argument\n"
        "  page_size: must be between 1 and 100\n"
    ) in output


@pytest.mark.parametrize("script", SCRIPTS)
async def test_the_script_says_when_the_token_is_refused(clients: Clients, script: Script) -> None:
    code, _, errors = await run(*script.command, clients.platform.url, "not-a-token")
    assert code == 1
    assert errors.startswith("HTTP 401 unauthenticated: "), errors
