"""Real receivers for the notify tests: an SMTP server (aiosmtpd) that keeps what it accepts
and an HTTP server that verifies each webhook's signature and answers as scripted."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http import HTTPStatus
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from services.notify.signing import Secrets, WebhookVerificationError, verify
from services.runtime.localstack import free_port


@dataclass
class Mailbox:
    """An aiosmtpd handler that stores what it accepts and counts connections (EHLOs)."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    """Each accepted message as it came over the wire."""
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    ehlos: int = 0
    data_started: threading.Event = field(default_factory=threading.Event)

    async def handle_EHLO(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.ehlos += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: Any,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("full@"):
            return "452 4.2.2 Mailbox full, try later"
        if address.startswith("busy@"):
            return "421 4.3.2 Shutting down, closing channel"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        if "spamtrap@students.test" in envelope.rcpt_tos:
            return "554 5.7.1 Message rejected"
        if "slow@students.test" in envelope.rcpt_tos:
            self.data_started.set()
            await asyncio.sleep(30)
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.raw.append(content)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int | None = None, **kwargs: Any) -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = port or free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, server_hostname="mx.socialerasmus.test", **kwargs
    )
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    """Read the request, then never answer."""


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    rejection: str | None
    """Why ``verify`` refused the request, or None when the signature was good."""


class WebhookReceiver:
    """A minimal HTTP/1.1 server: one request per connection, scripted answers.

    Requests whose signature does not verify get 401, whatever the script says.
    """

    def __init__(self, secret: Secrets, replies: list[Reply]) -> None:
        self.secret = secret
        self.replies = list(replies)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        """The receiver's time, against which signature timestamps are checked."""
        self.received: list[Received] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/esn"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            self._handlers.discard(task)
            writer.close()
            with suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = (await reader.readline()).decode("latin-1").split()
        if len(request_line) != 3:
            return
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        try:
            verify(self.secret, headers, body, now=self.clock())
            rejection = None
        except WebhookVerificationError as error:
            rejection = str(error)
        self.received.append(Received(request_line[0], request_line[1], headers, body, rejection))
        reply = self.replies.pop(0) if self.replies else Reply()
        if rejection is not None:
            reply = Reply(401)
        if reply.hang:
            await asyncio.Event().wait()
        head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"{name}: {value}" for name, value in reply.headers.items()]
        head += ["content-length: 2", "connection: close", "", ""]
        writer.write("\r\n".join(head).encode("latin-1") + b"ok")
        await writer.drain()


@asynccontextmanager
async def webhook_receiver(*replies: Reply, secret: Secrets) -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver(secret, list(replies))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
