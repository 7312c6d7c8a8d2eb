"""The local mailbox: real SMTP sessions in, files a person can open out."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from services.notify.email_channel import EmailChannel, SmtpSettings
from services.runtime.localstack import (
    LocalStack,
    LocalStackError,
    free_port,
    mail_dir,
    mailbox_server,
    port_answers,
)
from services.runtime.mailbox import (
    MailboxHandler,
    serve,
    stored_messages,
    with_charset_declared,
)

SENDER = "ESN SocialErasmus <noreply@socialerasmus.test>"
SUBJECT = "¡Únete! Limpieza de la playa con ESN Sevilla"
TEXT = "Hola Ana,\nESN Sevilla organiza una limpieza de la playa el sábado.\n"
HTML = "<p>Hola Ana,</p><p>ESN Sevilla organiza una <b>limpieza de la playa</b> el sábado.</p>"


def message(subject: str = SUBJECT, to: str = "ana@students.test", html: bool = True) -> bytes:
    """A message shaped like notify's: multipart/alternative, text first, UTF-8 throughout."""
    built = EmailMessage()
    built["From"] = SENDER
    built["To"] = to
    built["Subject"] = subject
    built.set_content(TEXT)
    if html:
        built.add_alternative(HTML, subtype="html")
    return built.as_bytes(policy=policy.SMTP)


def parse(path: Path) -> EmailMessage:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@dataclass
class Mailbox:
    dir: Path
    port: int


@pytest.fixture
async def mailbox(tmp_path: Path) -> AsyncIterator[Mailbox]:
    folder = tmp_path / "mail"
    async with serve(folder, "127.0.0.1", free_port()) as port:
        yield Mailbox(folder, port)


@pytest.fixture
def smtp_client(mailbox: Mailbox) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(hostname="127.0.0.1", port=mailbox.port, start_tls=False, timeout=5)


async def test_a_notify_email_is_stored_as_eml_html_and_txt(mailbox: Mailbox) -> None:
    settings = SmtpSettings("127.0.0.1", mailbox.port, None, None, starttls=False, sender=SENDER)
    channel = EmailChannel(settings)
    try:
        attempt = await channel.send(
            "ana@students.test",
            SUBJECT,
            text=TEXT,
            html=HTML,
            message_id="n_01",
            list_unsubscribe_url="https://socialerasmus.test/unsubscribe?token=t",
        )
    finally:
        await channel.close()

    assert attempt.status_code == 250
    [stored] = stored_messages(mailbox.dir)
    assert stored.subject == SUBJECT
    assert stored.sender == "noreply@socialerasmus.test"
    assert stored.recipients == ("ana@students.test",)
    assert stored.html == stored.path.with_suffix(".html")
    assert stored.text == stored.path.with_suffix(".txt")
    assert sorted(p.name for p in mailbox.dir.iterdir()) == sorted(
        [stored.path.name, stored.html.name, stored.text.name]
    ), "no temporary files are left behind"

    eml = parse(stored.path)
    assert eml["Subject"] == SUBJECT
    assert eml["Message-ID"] == "<n_01@socialerasmus.test>"
    assert eml["Return-Path"] == "<noreply@socialerasmus.test>"
    assert eml["Delivered-To"] == "ana@students.test"
    assert eml.get_content_type() == "multipart/alternative"
    html_part = eml.get_body(preferencelist=("html",))
    assert html_part is not None
    assert html_part.get_content().strip() == HTML

    html_bytes = stored.html.read_bytes()
    assert not html_bytes.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert html_bytes.decode("utf-8") == f'<meta charset="utf-8">\n{HTML}\n'
    assert stored.text.read_text(encoding="utf-8") == TEXT


async def test_several_messages_over_one_connection_list_in_arrival_order(
    mailbox: Mailbox, smtp_client: aiosmtplib.SMTP
) -> None:
    async with smtp_client:
        await smtp_client.ehlo()
        for n in range(5):
            await smtp_client.sendmail(
                "noreply@socialerasmus.test",
                [f"student{n}@students.test"],
                message(f"{SUBJECT} #{n}", to=f"student{n}@students.test"),
            )
            code, _ = await smtp_client.noop()
            assert code == 250

    stored = stored_messages(mailbox.dir)
    assert [m.subject for m in stored] == [f"{SUBJECT} #{n}" for n in range(5)]
    assert [m.recipients for m in stored] == [(f"student{n}@students.test",) for n in range(5)]
    assert all(m.html and m.html.exists() for m in stored)
    times = [m.received_at for m in stored]
    assert times == sorted(times)
    assert len(set(times)) == 5
    assert all(datetime.now(UTC) - t < timedelta(minutes=1) for t in times)


async def test_envelope_recipients_include_bcc_and_a_text_only_message_has_no_html(
    mailbox: Mailbox, smtp_client: aiosmtplib.SMTP
) -> None:
    async with smtp_client:
        await smtp_client.sendmail(
            "noreply@socialerasmus.test",
            ["ana@students.test", "board@esn-sevilla.test"],
            message(to="ana@students.test", html=False),
        )

    [stored] = stored_messages(mailbox.dir)
    assert stored.recipients == ("ana@students.test", "board@esn-sevilla.test")
    assert stored.html is None
    assert not stored.path.with_suffix(".html").exists()
    assert stored.text is not None
    assert stored.text.read_text(encoding="utf-8") == TEXT


async def test_a_message_that_cannot_be_stored_is_refused_temporarily(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "mail"
    blocked.write_text("a file where the folder should be")
    async with serve(blocked, "127.0.0.1", free_port()) as port:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=5)
        async with client:
            with pytest.raises(aiosmtplib.SMTPDataError) as refused:
                await client.sendmail("noreply@socialerasmus.test", ["ana@t.test"], message())
            code, _ = await client.noop()

    assert refused.value.code == 451, "the sender keeps the message and retries"
    assert code == 250, "the session stays usable"


async def test_stopping_closes_open_sessions(tmp_path: Path) -> None:
    async with serve(tmp_path / "mail", "127.0.0.1", free_port()) as port:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=5)
        await client.connect()
    try:
        with pytest.raises(aiosmtplib.SMTPException):
            await client.noop()
    finally:
        client.close()
    assert not port_answers(port)


def test_stored_messages_are_sorted_oldest_first_across_writers(tmp_path: Path) -> None:
    """Two mailboxes sharing a folder, and a clock that stands still within each."""
    start = datetime(2026, 3, 14, 9, 15, tzinfo=UTC)
    later = MailboxHandler(tmp_path, clock=lambda: start + timedelta(seconds=1))
    earlier = MailboxHandler(tmp_path, clock=lambda: start)
    later.store("a@t.test", ["x@t.test"], message("third"))
    later.store("a@t.test", ["x@t.test"], message("fourth"))
    earlier.store("a@t.test", ["x@t.test"], message("first"))
    earlier.store("a@t.test", ["x@t.test"], message("second"))

    stored = stored_messages(tmp_path)
    assert [m.subject for m in stored] == ["first", "second", "third", "fourth"]
    assert stored[0].received_at == start
    assert stored[1].received_at == start + timedelta(microseconds=1)


def test_a_hand_placed_eml_is_listed_by_its_file_time(tmp_path: Path) -> None:
    handler = MailboxHandler(tmp_path, clock=lambda: datetime(2026, 3, 14, tzinfo=UTC))
    handler.store("a@t.test", ["x@t.test"], message("stored"))
    placed = tmp_path / "saved.eml"
    placed.write_bytes(message("placed", to="Ana <ana@students.test>"))
    old = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    os.utime(placed, (old, old))

    first, second = stored_messages(tmp_path)
    assert (first.subject, first.recipients) == ("placed", ("ana@students.test",))
    assert first.received_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert first.html is None
    assert second.subject == "stored"


def test_an_absent_folder_holds_no_messages(tmp_path: Path) -> None:
    assert stored_messages(tmp_path / "never-created") == []


@pytest.fixture
def local_dir(tmp_path: Path) -> Path:
    return tmp_path / "local"


async def test_the_mailbox_process_stores_mail_and_stops_on_sigterm(local_dir: Path) -> None:
    server = mailbox_server(mail_dir(local_dir), free_port())
    await asyncio.to_thread(server.start)
    process = server.process
    assert process is not None
    try:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=server.port, timeout=5)
        async with client:
            for n in range(2):
                await client.sendmail("noreply@t.test", ["ana@t.test"], message(f"#{n}"))
    finally:
        server.stop()

    assert process.returncode == 0, "SIGTERM is a clean stop"
    assert not port_answers(server.port)
    assert [m.subject for m in stored_messages(local_dir / "mail")] == ["#0", "#1"]
    lines = [json.loads(line) for line in server.log_path.read_text().splitlines()]
    stored_lines = [line for line in lines if line["message"].startswith("stored ")]
    assert [line["subject"] for line in stored_lines] == ["#0", "#1"]
    assert server.log_path == local_dir / "logs" / "mailbox.log"


def ports(local_dir: Path, mail_port: int) -> LocalStack:
    return LocalStack(local_dir, nats_port=free_port(), redis_port=free_port(), mail_port=mail_port)


async def test_the_local_stack_starts_the_mailbox_and_stops_it(local_dir: Path) -> None:
    stack = ports(local_dir, free_port())
    await asyncio.to_thread(stack.start)
    try:
        assert stack.started_here == ["nats-server", "redis-server", "mailbox"]
        host, port = stack.smtp_address
        client = aiosmtplib.SMTP(hostname=host, port=port, timeout=5)
        async with client:
            await client.sendmail("noreply@t.test", ["ana@t.test"], message())
    finally:
        stack.stop()

    assert not port_answers(stack.mail_port)
    assert stack.mailbox_dir == local_dir / "mail"
    assert [m.subject for m in stored_messages(stack.mailbox_dir)] == [SUBJECT]


async def test_the_local_stack_reuses_a_mailbox_already_running(local_dir: Path) -> None:
    async with serve(local_dir / "elsewhere", "127.0.0.1", free_port()) as port:
        stack = ports(local_dir, port)
        await asyncio.to_thread(stack.start)
        try:
            assert stack.started_here == ["nats-server", "redis-server"]
        finally:
            stack.stop()
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=5)
        async with client:  # a mailbox it did not start is left running
            await client.sendmail("noreply@t.test", ["ana@t.test"], message())

    assert [m.subject for m in stored_messages(local_dir / "elsewhere")] == [SUBJECT]
    assert not mail_dir(local_dir).exists()


async def test_when_the_mailbox_cannot_start_the_stack_stops_what_it_started(
    local_dir: Path,
) -> None:
    with socket.socket() as taken:  # bound, not listening: nothing answers, yet bind fails
        taken.bind(("127.0.0.1", 0))
        stack = ports(local_dir, taken.getsockname()[1])
        with pytest.raises(LocalStackError, match="mailbox exited with 1"):
            await asyncio.to_thread(stack.start)

    assert stack.servers == []
    assert not port_answers(stack.nats_port)
    assert not port_answers(stack.redis_port)
    assert "mailbox not started" in (local_dir / "logs" / "mailbox.log").read_text()


def test_a_subject_folded_before_its_first_word_is_listed_without_the_fold(
    tmp_path: Path,
) -> None:
    raw = (
        b"From: noreply@socialerasmus.test\r\nTo: ana@students.test\r\n"
        b"Subject:\r\n A volunteering activity for you: Welcome clean-up at the beach\r\n"
        b"\r\nHello\r\n"
    )
    MailboxHandler(tmp_path).store("noreply@socialerasmus.test", ["ana@students.test"], raw)
    [stored] = stored_messages(tmp_path)
    assert stored.subject == "A volunteering activity for you: Welcome clean-up at the beach"


@pytest.mark.parametrize(
    "html",
    [
        '<!doctype html><html><head><meta charset="utf-8"></head><body>Olá</body></html>',
        '<html><head><META http-equiv="Content-Type" content="text/html; charset=UTF-8">',
    ],
)
def test_html_that_declares_its_charset_is_stored_as_it_came(html: str) -> None:
    assert with_charset_declared(html) == html
