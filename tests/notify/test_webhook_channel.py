"""Webhook delivery against a real HTTP server on 127.0.0.1 that verifies every signature."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus

import httpx
import pytest

from services.notify.retry import Outcome, RetryPolicy
from services.notify.signing import (
    InvalidSecret,
    Secrets,
    WebhookVerificationError,
    generate_secret,
    verify,
)
from services.notify.webhook_channel import WebhookChannel
from services.runtime.localstack import free_port

SECRET = generate_secret()
PAYLOAD = b'{"type":"enrolment.confirmed","data":{"activity":"act_1","volunteer":"vol_1"}}'


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
            verify(self.secret, headers, body, now=datetime.now(UTC))
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
async def receiver(*replies: Reply, secret: Secrets = SECRET) -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver(secret, list(replies))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def channel(
    secret: Secrets = SECRET, timeout_seconds: float = 5.0
) -> AsyncIterator[WebhookChannel]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield WebhookChannel(client, secret, timeout_seconds=timeout_seconds)


async def test_200_is_delivered_with_a_signature_the_receiver_accepts() -> None:
    async with receiver(Reply(200)) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.DELIVERED
    assert attempt.status_code == 200
    assert attempt.error is None
    [request] = server.received
    assert request.rejection is None
    assert (request.method, request.path, request.body) == ("POST", "/hooks/esn", PAYLOAD)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == "msg_01"


async def test_500_is_retried() -> None:
    async with receiver(Reply(500)) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code == 500
    assert attempt.error == "HTTP 500"
    assert attempt.retry_after is None


async def test_400_is_given_up() -> None:
    async with receiver(Reply(400)) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.GIVE_UP
    assert attempt.status_code == 400


async def test_429_passes_retry_after_to_the_policy() -> None:
    async with receiver(Reply(429, {"Retry-After": "30"})) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code == 429
    assert attempt.retry_after == "30"
    assert RetryPolicy().next_delay(1, attempt.retry_after) == 30.0


async def test_503_retry_after_as_a_date() -> None:
    when = "Mon, 15 Mar 2027 12:02:00 GMT"
    async with receiver(Reply(503, {"Retry-After": when})) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.RETRY
    assert attempt.retry_after == when
    now = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
    assert RetryPolicy().next_delay(1, attempt.retry_after, now=now) == 120.0


async def test_retry_after_on_other_statuses_is_ignored() -> None:
    async with receiver(Reply(500, {"Retry-After": "9999"})) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.retry_after is None


async def test_a_receiver_that_never_answers_is_retried_after_the_timeout() -> None:
    async with receiver(Reply(hang=True)) as server, channel(timeout_seconds=0.3) as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))
        assert len(server.received) == 1  # the request arrived; the answer never came

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code is None
    assert attempt.error == "no answer within 0.3 s"


async def test_a_refused_connection_is_retried() -> None:
    port = free_port()  # free again once closed: nothing listens there
    async with channel() as webhooks:
        attempt = await webhooks.deliver(
            f"http://127.0.0.1:{port}/hooks", "msg_01", PAYLOAD, datetime.now(UTC)
        )

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code is None
    assert attempt.error is not None and "ConnectError" in attempt.error


async def test_redirects_are_not_followed_and_given_up() -> None:
    moved = Reply(301, {"Location": "http://127.0.0.1:1/elsewhere"})
    async with receiver(moved, Reply(200)) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.GIVE_UP
    assert attempt.status_code == 301
    assert len(server.received) == 1


async def test_a_receiver_with_another_secret_refuses_and_the_attempt_is_given_up() -> None:
    async with receiver(secret=generate_secret()) as server, channel() as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert server.received[0].rejection == "no webhook signature matches"
    assert attempt.outcome is Outcome.GIVE_UP
    assert attempt.status_code == 401


async def test_during_rotation_a_receiver_with_the_old_secret_still_accepts() -> None:
    old, new = generate_secret(), generate_secret()
    async with receiver(secret=old) as server, channel(secret=[new, old]) as webhooks:
        attempt = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert attempt.outcome is Outcome.DELIVERED
    assert len(server.received[0].headers["webhook-signature"].split(" ")) == 2


async def test_a_retry_keeps_the_id_and_signs_its_own_time() -> None:
    async with receiver(Reply(503), Reply(200)) as server, channel() as webhooks:
        first = await webhooks.deliver(
            server.url,
            "msg_01",
            PAYLOAD,
            datetime.fromtimestamp(int(datetime.now(UTC).timestamp()) - 60, UTC),
        )
        second = await webhooks.deliver(server.url, "msg_01", PAYLOAD, datetime.now(UTC))

    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.DELIVERED)
    ids = {request.headers["webhook-id"] for request in server.received}
    stamps = {request.headers["webhook-timestamp"] for request in server.received}
    assert ids == {"msg_01"}
    assert len(stamps) == 2


async def test_an_unusable_url_is_given_up() -> None:
    async with channel() as webhooks:
        attempt = await webhooks.deliver(
            "ftp://127.0.0.1/hooks", "msg_01", PAYLOAD, datetime.now(UTC)
        )

    assert attempt.outcome is Outcome.GIVE_UP
    assert attempt.error is not None and "unusable webhook URL" in attempt.error


async def test_a_malformed_secret_fails_at_construction() -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises(InvalidSecret):
            WebhookChannel(client, "not-a-secret")
