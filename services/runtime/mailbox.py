"""A local mailbox: an SMTP server that keeps every message it receives as files.

With no SMTP server configured, the local stack points notify's e-mail channel here, so
what would have gone out can be opened and read: each message becomes
``<dir>/<UTC time>-<id>.eml`` (the message as received, for any mail client), plus
``.html`` and ``.txt`` files beside it holding the decoded HTML and text parts, for a
browser or an editor. Nothing is relayed anywhere.

The server speaks plain ESMTP (no TLS, no AUTH), keeps a connection open for as many
messages as the client sends, and replies 250 only once the files are on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import secrets
import signal
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from services.runtime.clock import Clock, utc_now
from services.runtime.logs import configure_logging

log = logging.getLogger(__name__)

SERVER_NAME = "localhost"
"""Host name in the greeting; fixed, so no per-connection DNS lookup of this machine."""
NAME_TIME_FORMAT = "%Y%m%dT%H%M%S_%fZ"
"""UTC time at the start of file names: sorts as it reads, and holds no dots or colons
(a dot would confuse ``Path.with_suffix``, a colon is not allowed on every file system)."""
_CHARSET = re.compile(r"<meta[^>]+charset", re.IGNORECASE)
STORED = "250 2.0.0 Message stored"
NOT_STORED = "451 4.3.0 Message not stored; try again later"
"""A temporary failure (disk full, folder removed): the sender keeps the message and retries."""
SHUTTING_DOWN = b"421 4.3.2 Mailbox shutting down\r\n"
STOP_TIMEOUT_SECONDS = 5.0
"""Longest wait on shutdown for open connections to close."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message in the mailbox folder, as listed by :func:`stored_messages`."""

    path: Path
    """The ``.eml`` file."""
    subject: str
    """Decoded (RFC 2047 encoded words become text)."""
    sender: str
    recipients: tuple[str, ...]
    """Envelope recipients (``Delivered-To``), else the ``To`` and ``Cc`` addresses."""
    received_at: datetime
    html: Path | None
    """The decoded HTML part, when the message has one."""
    text: Path | None
    """The decoded text part, when the message has one."""


def with_charset_declared(html: str) -> str:
    """The HTML with a UTF-8 declaration in front when it has none where browsers look (the
    first 1,024 bytes), so that a file opened from disk reads as the UTF-8 it is written in."""
    if _CHARSET.search(html[:1024]):
        return html
    return f'<meta charset="utf-8">\n{html}'


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file in the same folder, then rename over ``path``.

    A rename within one folder is atomic, so a reader sees the whole file or none of it.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _readable_parts(raw: bytes) -> dict[str, str]:
    """The decoded HTML and text bodies, by the suffix of the file that will hold them."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage):
        return {}
    parts: dict[str, str] = {}
    for subtype, suffix in (("html", ".html"), ("plain", ".txt")):
        body = message.get_body(preferencelist=(subtype,))
        if body is not None:
            parts[suffix] = str(body.get_content()).replace("\r\n", "\n")
    return parts


class MailboxHandler:
    """The aiosmtpd handler: every accepted message is written to ``mail_dir``.

    File names start with the receiving time; the handler keeps them strictly increasing,
    so messages that arrive within one clock tick still list in arrival order.
    """

    def __init__(self, mail_dir: Path, clock: Clock = utc_now) -> None:
        self.mail_dir = mail_dir
        self._clock = clock
        self._last_time: datetime | None = None

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        # The files are small and local: writing them on the loop keeps "stored, then 250".
        try:
            stored = self.store(
                envelope.mail_from or "", envelope.rcpt_tos, envelope.original_content or b""
            )
        except OSError:
            log.exception("message not stored", extra={"dir": str(self.mail_dir)})
            return NOT_STORED
        log.info(
            "stored %s",
            stored.path.name,
            extra={
                "subject": stored.subject,
                "sender": stored.sender,
                "recipients": list(stored.recipients),
            },
        )
        return STORED

    def store(self, sender: str, recipients: Sequence[str], content: bytes) -> StoredMessage:
        """Write one message; the ``.eml`` goes last, so once it is listed, all its files are.

        ``Return-Path`` and ``Delivered-To`` lines are put on top of the message, as a final
        delivery does, so the envelope (including Bcc recipients) stays visible.
        """
        received_at = self._next_time()
        name = f"{received_at.strftime(NAME_TIME_FORMAT)}-{secrets.token_hex(3)}"
        trace = [f"Return-Path: <{sender}>", *(f"Delivered-To: {r}" for r in recipients)]
        # SMTPUTF8 addresses arrive decoded with surrogateescape: encode them back as sent.
        raw = "".join(f"{line}\r\n" for line in trace).encode("utf-8", "surrogateescape")
        raw += content
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        eml = self.mail_dir / f"{name}.eml"
        companions: dict[str, Path] = {}
        try:
            parts = _readable_parts(raw)
        except Exception:  # a malformed part must not cost the message: the .eml still has it
            log.warning("parts not decoded", extra={"file": eml.name}, exc_info=True)
            parts = {}
        for suffix, body in parts.items():
            companion = eml.with_suffix(suffix)
            readable = with_charset_declared(body) if suffix == ".html" else body
            _write_atomically(companion, readable.encode("utf-8"))
            companions[suffix] = companion
        _write_atomically(eml, raw)
        return _describe(eml, received_at, companions)

    def _next_time(self) -> datetime:
        now = self._clock().astimezone(UTC)
        if self._last_time is not None and now <= self._last_time:
            now = self._last_time + timedelta(microseconds=1)
        self._last_time = now
        return now


def _received_at(eml: Path) -> datetime:
    """The time in the file name; the modification time for files named otherwise."""
    stamp = eml.stem.partition("-")[0]
    try:
        return datetime.strptime(stamp, NAME_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(eml.stat().st_mtime, UTC)


def _describe(eml: Path, received_at: datetime, companions: dict[str, Path]) -> StoredMessage:
    with eml.open("rb") as file:
        headers = BytesParser(policy=policy.default).parse(file, headersonly=True)
    recipients = [str(r) for r in headers.get_all("Delivered-To") or []]
    if not recipients:
        listed = [str(v) for v in (headers.get_all("To") or []) + (headers.get_all("Cc") or [])]
        recipients = [address for _, address in getaddresses(listed) if address]
    sender = str(headers.get("Return-Path") or headers.get("From") or "").strip("<>")
    return StoredMessage(
        path=eml,
        # A header folded before its first word unfolds with a leading space.
        subject=str(headers.get("Subject") or "").strip(),
        sender=sender,
        recipients=tuple(recipients),
        received_at=received_at,
        html=companions.get(".html"),
        text=companions.get(".txt"),
    )


def stored_messages(mail_dir: Path) -> list[StoredMessage]:
    """The messages in ``mail_dir``, oldest first; an absent folder holds none."""
    if not mail_dir.is_dir():
        return []
    messages = []
    for eml in mail_dir.glob("*.eml"):
        companions = {
            suffix: eml.with_suffix(suffix)
            for suffix in (".html", ".txt")
            if eml.with_suffix(suffix).exists()
        }
        with contextlib.suppress(FileNotFoundError):  # removed while listing
            messages.append(_describe(eml, _received_at(eml), companions))
    return sorted(messages, key=lambda m: (m.received_at, m.path.name))


@dataclass
class _Sessions:
    """The connections of one server, so that stopping it can close them."""

    open: set[_Session] = field(default_factory=set)
    stopping: bool = False


class _Session(SMTP):
    """One SMTP connection, registered in ``sessions`` from set-up until it is lost."""

    def __init__(
        self, handler: MailboxHandler, sessions: _Sessions, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(handler, hostname=SERVER_NAME, enable_SMTPUTF8=True, loop=loop)
        self._sessions = sessions
        self.ended = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._sessions.open.add(self)
        if self._sessions.stopping:  # accepted just as the server stopped listening
            self.shut()

    def eof_received(self) -> bool:
        """Close when the client stops sending: aiosmtpd would otherwise keep the
        half-closed connection open until its idle timeout."""
        super().eof_received()
        return False

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        self._sessions.open.discard(self)
        self.ended.set()

    def shut(self) -> None:
        """Reply 421 (RFC 5321, section 3.8) and close; ``ended`` is set once it is closed."""
        transport = self.transport
        if transport is not None and not transport.is_closing():
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(SHUTTING_DOWN)
            transport.close()


@contextlib.asynccontextmanager
async def serve(mail_dir: Path, host: str, port: int) -> AsyncIterator[int]:
    """Run the mailbox on the current event loop; yields the port it listens on.

    On exit it stops listening, closes the connections still open and waits for them to
    end, so no session outlives the block. Clients keep their connection between messages
    (notify does), so waiting for them to leave could take forever; a message not yet
    acknowledged is resent by its sender, one acknowledged is already on disk.
    """
    loop = asyncio.get_running_loop()
    handler = MailboxHandler(mail_dir)
    sessions = _Sessions()
    server = await loop.create_server(lambda: _Session(handler, sessions, loop), host, port)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        sessions.stopping = True
        # Stop accepting first, and let connections already accepted finish their set-up
        # before close(): CPython 3.11 leaks the socket of one accepted while closing.
        for listener in server.sockets:
            loop.remove_reader(listener.fileno())
        await asyncio.sleep(0)
        server.close()
        await asyncio.sleep(0)  # their sessions register now
        ending = list(sessions.open)
        for session in ending:
            session.shut()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(s.ended.wait() for s in ending)), STOP_TIMEOUT_SECONDS
            )
        for session in list(sessions.open):  # a client that stopped reading
            if isinstance(session.transport, asyncio.WriteTransport):
                session.transport.abort()
        await server.wait_closed()


async def run(mail_dir: Path, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with serve(mail_dir, host, port) as bound:
        log.info("mailbox listening", extra={"address": f"{host}:{bound}", "dir": str(mail_dir)})
        await stop.wait()
    log.info("mailbox stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.runtime.mailbox",
        description="SMTP server that stores every message it receives as files in a folder.",
    )
    parser.add_argument("--dir", type=Path, required=True, help="folder for the messages")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    args = parser.parse_args(argv)
    configure_logging("mailbox")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    try:
        asyncio.run(run(args.dir, args.host, args.port))
    except OSError as error:  # typically: the port is taken
        log.error("mailbox not started: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
