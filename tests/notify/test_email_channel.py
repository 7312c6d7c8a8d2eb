"""E-mail delivery against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from services.notify.email_channel import EmailChannel
from services.notify.retry import DeliveryAttempt, Outcome
from services.runtime.localstack import free_port
from services.runtime.smtp import SmtpSettings
from tests.notify.receivers import smtp_server

SENDER = "ESN SocialErasmus <noreply@socialerasmus.test>"
UNSUBSCRIBE = "https://socialerasmus.test/unsubscribe?token=t0k3n"
SUBJECT = "¡Únete! Limpieza de la playa con ESN Sevilla"
TEXT = "Hola Ana,\nESN Sevilla organiza una limpieza de la playa el sábado.\n"
HTML = "<p>Hola Ana,</p><p>ESN Sevilla organiza una <b>limpieza de la playa</b> el sábado.</p>"


def settings(port: int, **overrides: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "username": None,
        "password": None,
        "starttls": False,
        "sender": SENDER,
        "timeout": 5.0,
    }
    values.update(overrides)
    return SmtpSettings(**values)


@asynccontextmanager
async def email_channel(port: int, **overrides: Any) -> AsyncIterator[EmailChannel]:
    probe = overrides.pop("probe_idle_seconds", 10.0)
    channel = EmailChannel(settings(port, **overrides), probe_idle_seconds=probe)
    try:
        yield channel
    finally:
        await channel.close()


async def send(
    channel: EmailChannel, to: str = "ana@students.test", message_id: str = "n_01"
) -> DeliveryAttempt:
    return await channel.send(
        to,
        SUBJECT,
        text=TEXT,
        html=HTML,
        message_id=message_id,
        list_unsubscribe_url=UNSUBSCRIBE,
    )


async def test_the_message_arrives_with_text_and_html_and_unsubscribe_headers() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            attempt = await send(channel)

    assert attempt.outcome is Outcome.DELIVERED
    assert attempt.status_code == 250
    [message] = mailbox.messages
    assert mailbox.envelopes == [("noreply@socialerasmus.test", ["ana@students.test"])]
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    assert text.get_content().replace("\r\n", "\n") == TEXT
    assert html.get_content().strip() == HTML
    assert message["Subject"] == SUBJECT
    assert message["From"] == SENDER
    assert message["To"] == "ana@students.test"
    assert message["Message-ID"] == "<n_01@socialerasmus.test>"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Date"]


async def test_a_long_unsubscribe_url_stays_a_plain_url_on_the_wire() -> None:
    url = "https://platform.test/unsubscribe?token=" + "x" * 120
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            attempt = await channel.send(
                "ana@students.test",
                SUBJECT,
                text=TEXT,
                html=HTML,
                message_id="n_02",
                list_unsubscribe_url=url,
            )
    assert attempt.outcome is Outcome.DELIVERED
    [raw] = mailbox.raw
    assert raw.startswith(b"From: ")
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in raw


async def test_two_sends_reuse_one_connection() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            first = await send(channel, message_id="n_01")
            second = await send(channel, message_id="n_02")

    assert (first.outcome, second.outcome) == (Outcome.DELIVERED, Outcome.DELIVERED)
    assert len(mailbox.messages) == 2
    assert mailbox.ehlos == 1
    assert channel.connections_opened == 1


async def test_concurrent_sends_serialise_on_the_one_connection() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            attempts = await asyncio.gather(*(send(channel, message_id=f"n_{n}") for n in range(6)))

    assert {attempt.outcome for attempt in attempts} == {Outcome.DELIVERED}
    assert sorted(str(m["Message-ID"]) for m in mailbox.messages) == [
        f"<n_{n}@socialerasmus.test>" for n in range(6)
    ]
    assert mailbox.ehlos == 1


async def test_a_permanent_refusal_is_given_up_and_the_connection_stays_usable() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            refused = await send(channel, to="gone@students.test")
            after = await send(channel)

    assert refused.outcome is Outcome.GIVE_UP
    assert refused.status_code == 550
    assert after.outcome is Outcome.DELIVERED
    assert len(mailbox.messages) == 1
    assert mailbox.ehlos == 1


async def test_a_temporary_refusal_is_retried() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            attempt = await send(channel, to="full@students.test")

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code == 452
    assert mailbox.messages == []


async def test_a_rejection_after_data_is_given_up_and_the_connection_stays_usable() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            rejected = await send(channel, to="spamtrap@students.test")
            after = await send(channel)

    assert (rejected.outcome, rejected.status_code) == (Outcome.GIVE_UP, 554)
    assert after.outcome is Outcome.DELIVERED
    assert mailbox.ehlos == 1


async def test_a_closing_server_is_retried_on_a_new_connection() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            closing = await send(channel, to="busy@students.test")
            after = await send(channel)

    assert (closing.outcome, closing.status_code) == (Outcome.RETRY, 421)
    assert after.outcome is Outcome.DELIVERED
    assert mailbox.ehlos == 2
    assert channel.connections_opened == 2


async def test_a_send_cancelled_mid_transaction_does_not_poison_the_connection() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            stuck = asyncio.create_task(send(channel, to="slow@students.test"))
            assert await asyncio.to_thread(mailbox.data_started.wait, 5)
            stuck.cancel()
            after = await send(channel)

    assert stuck.cancelled()
    assert after.outcome is Outcome.DELIVERED
    assert channel.connections_opened == 2


async def test_a_server_that_is_down_is_retried() -> None:
    async with email_channel(free_port()) as channel:
        attempt = await send(channel)

    assert attempt.outcome is Outcome.RETRY
    assert attempt.status_code is None
    assert attempt.error is not None


async def test_a_restarted_server_is_reconnected_to_without_losing_the_message() -> None:
    port = free_port()
    channel = EmailChannel(settings(port), probe_idle_seconds=0.0)  # probe before every reuse
    try:
        with smtp_server(port) as (first_box, _):
            first = await send(channel, message_id="n_01")
        # The channel and its connection outlive the server; a new one takes the same port.
        with smtp_server(port) as (second_box, _):
            second = await send(channel, message_id="n_02")
    finally:
        await channel.close()

    assert (first.outcome, second.outcome) == (Outcome.DELIVERED, Outcome.DELIVERED)
    assert len(first_box.messages) == 1
    assert [str(m["Message-ID"]) for m in second_box.messages] == ["<n_02@socialerasmus.test>"]
    assert channel.connections_opened == 2


async def test_close_quits_and_a_later_send_reconnects() -> None:
    with smtp_server() as (mailbox, port):
        async with email_channel(port) as channel:
            await send(channel, message_id="n_01")
            await channel.close()
            await channel.close()  # closing twice is harmless
            attempt = await send(channel, message_id="n_02")

    assert attempt.outcome is Outcome.DELIVERED
    assert mailbox.ehlos == 2
    assert channel.connections_opened == 2


def _authenticate(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
    return AuthResult(success=good, handled=False)  # aiosmtpd answers 235 or 535


async def test_login_happens_once_per_connection() -> None:
    auth: dict[str, Any] = {"authenticator": _authenticate, "auth_require_tls": False}
    with smtp_server(**auth) as (mailbox, port):
        async with email_channel(port, username="notify", password="s3cret") as channel:
            first = await send(channel, message_id="n_01")
            second = await send(channel, message_id="n_02")
        async with email_channel(port, username="notify", password="wrong") as refused:
            denied = await send(refused, message_id="n_03")

    assert (first.outcome, second.outcome) == (Outcome.DELIVERED, Outcome.DELIVERED)
    assert channel.connections_opened == 1
    assert denied.outcome is Outcome.GIVE_UP  # 535: a permanent reply
    assert denied.status_code == 535
    assert len(mailbox.messages) == 2


def test_the_password_is_not_in_the_settings_repr() -> None:
    assert "s3cret" not in repr(settings(25, username="notify", password="s3cret"))
