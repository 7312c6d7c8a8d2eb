"""Webhook delivery against a real HTTP server on 127.0.0.1 that verifies every signature."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest

from services.notify.retry import Outcome, RetryPolicy
from services.notify.signing import (
    InvalidSecret,
    Secrets,
    generate_secret,
)
from services.notify.webhook_channel import WebhookChannel
from services.runtime.localstack import free_port
from tests.notify.receivers import Reply, WebhookReceiver, webhook_receiver

SECRET = generate_secret()
PAYLOAD = b'{"type":"enrolment.confirmed","data":{"activity":"act_1","volunteer":"vol_1"}}'


def receiver(
    *replies: Reply, secret: Secrets = SECRET
) -> AbstractAsyncContextManager[WebhookReceiver]:
    return webhook_receiver(*replies, secret=secret)


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
