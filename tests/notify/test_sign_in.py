"""Sign-in links through notify's gRPC API, over real Redis and a real SMTP receiver: sent to
the address of the settings without telling whether anyone has it, at most one a minute,
good for one sign-in, erased with the student."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import grpc
import pytest
from redis.asyncio import Redis

from services.notify import keys, sign_in
from services.notify.app import notify_parts
from services.notify.store import NotifyStore
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.erasure import Tombstones
from services.runtime.errors import InvalidArgument
from services.runtime.events import new_event_id
from services.runtime.server import serve
from services.runtime.status import field_violations
from socialerasmus.notify.v1 import notify_pb2 as pb
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, channel_to
from tests.notify.receivers import Mailbox, smtp_server
from tests.waiting import eventually

SECRET = b"test-link-secret"
SIGN_IN_URL = "https://web.test/sign-in/link"
PLATFORM = bearer("platform")


@dataclass
class Notify:
    stub: NotifyServiceStub
    store: NotifyStore
    redis: Redis
    mailbox: Mailbox

    def mails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mailbox.messages if m["To"] == address]


@pytest.fixture
async def notify(clean_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Notify]:
    with smtp_server() as (mailbox, port):
        for name, value in {
            "SE_NOTIFY_UNSUBSCRIBE_SECRET": SECRET.decode(),
            "SE_NOTIFY_SIGN_IN_URL": SIGN_IN_URL,
            "SE_SMTP_HOST": "127.0.0.1",
            "SE_SMTP_PORT": str(port),
            "SE_SMTP_STARTTLS": "false",
        }.items():
            monkeypatch.setenv(name, value)
        settings = clean_stack.settings("notify")
        tokens = TokenRegistry.from_file(settings.tokens_file)
        redis = Redis.from_url(clean_stack.redis_url)
        async with (
            connected(settings) as connections,
            serve(settings.listen, tokens, await notify_parts(connections, settings), 0.5) as run,
            channel_to(run.address) as channel,
        ):
            yield Notify(NotifyServiceStub(channel), NotifyStore(redis), redis, mailbox)
        await redis.aclose()


async def prefer(notify: Notify, student: str, email: str, **values: object) -> None:
    preferences = pb.Preferences(
        student_id=student,
        email=email,
        locale="en",
        time_zone="Europe/Madrid",
        frequency=pb.FREQUENCY_INSTANT,
    )
    for name, value in values.items():
        setattr(preferences, name, value)
    await notify.stub.SetPreferences(
        pb.SetPreferencesRequest(preferences=preferences), metadata=PLATFORM
    )


async def send(notify: Notify, **fields: str) -> pb.SendSignInLinkResponse:
    reply: pb.SendSignInLinkResponse = await notify.stub.SendSignInLink(
        pb.SendSignInLinkRequest(**fields), metadata=PLATFORM
    )
    return reply


async def redeem(notify: Notify, token: str, caller: str = "platform") -> str:
    reply: pb.RedeemSignInLinkResponse = await notify.stub.RedeemSignInLink(
        pb.RedeemSignInLinkRequest(token=token), metadata=bearer(caller)
    )
    return reply.student_id


def link_of(mail: EmailMessage) -> str:
    text = mail.get_body(("plain",))
    assert text is not None
    words: list[str] = text.get_content().split()
    [link] = [w for w in words if w.startswith(SIGN_IN_URL)]
    return link


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def refused(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    return error.value


async def test_a_link_goes_to_the_address_in_the_students_words_and_signs_in_once(
    notify: Notify,
) -> None:
    await prefer(notify, "ana", "Ana.Garcia@Students.example", locale="es", display_name="Ana")
    reply = await send(
        notify, email="  ana.garcia@STUDENTS.example ", return_path="/activities/01J0ABC"
    )
    assert reply.link_minutes == 15
    await eventually(
        lambda: bool(notify.mails_to("Ana.Garcia@Students.example")), "the sign-in mail"
    )
    [mail] = notify.mails_to("Ana.Garcia@Students.example")
    assert mail["Subject"] == "Tu enlace de acceso a SocialErasmus"
    assert "List-Unsubscribe" not in mail
    link = link_of(mail)
    assert parse_qs(urlsplit(link).query)["next"] == ["/activities/01J0ABC"]
    for part in ("plain", "html"):
        body = mail.get_body((part,))
        assert body is not None
        assert "¡Hola, Ana!" in body.get_content()
        assert "una sola vez, durante 15 minutos" in body.get_content()

    assert await redeem(notify, token_of(link)) == "ana"
    used = await refused(redeem(notify, token_of(link)))
    assert used.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "used already" in (used.details() or "")
    # The link's id is remembered only until the link expires.
    [used_key] = [k async for k in notify.redis.scan_iter(match="notify:sign-in-used:*")]
    expires_in = await notify.redis.pttl(used_key)
    assert 0 < expires_in <= 15 * 60 * 1000


async def test_the_answer_is_the_same_for_an_address_nobody_has(notify: Notify) -> None:
    await prefer(notify, "ana", "ana@students.example")
    await prefer(notify, "ana", "ana.new@students.example")  # the old one is nobody's now
    await prefer(notify, "ben", "")
    answers = [
        await send(notify, email=address)
        for address in ("nobody@students.example", "ana@students.example")
    ]
    answers.append(await send(notify, student_id="ben"))  # no address: nothing to send to
    answers.append(await send(notify, student_id="carla"))  # no settings at all
    assert len({a.SerializeToString() for a in answers}) == 1
    await send(notify, email="ana.new@students.example")
    await eventually(lambda: bool(notify.mails_to("ana.new@students.example")), "the sign-in mail")
    assert [m["To"] for m in notify.mailbox.messages] == ["ana.new@students.example"]


async def test_at_most_one_link_a_minute_and_by_student_id_too(notify: Notify) -> None:
    await prefer(notify, "ana", "ana@students.example", display_name="Ana")
    await prefer(notify, "ben", "shared@students.example")
    await prefer(notify, "eva", "shared@students.example")
    await send(notify, student_id="ana")
    await send(notify, email="ana@students.example")
    await send(notify, email="shared@students.example")  # each student of it gets their own
    await eventually(lambda: len(notify.mailbox.messages) >= 3, "three sign-in mails")
    assert len(notify.mails_to("ana@students.example")) == 1
    shared = notify.mails_to("shared@students.example")
    students = {await redeem(notify, token_of(link_of(m))) for m in shared}
    assert students == {"ben", "eva"}
    plain = notify.mails_to("ana@students.example")[0].get_body(("plain",))
    assert plain is not None and "Hi Ana," in plain.get_content().splitlines()


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({}, "email"),
        ({"email": "ana@students.example", "student_id": "ana"}, "student_id"),
        ({"email": "not-an-address"}, "email"),
        ({"student_id": "ana x"}, "student_id"),
        ({"student_id": "ana", "return_path": "//evil.example/"}, "return_path"),
        ({"student_id": "ana", "return_path": "https://evil.example/"}, "return_path"),
        ({"student_id": "ana", "return_path": "/a" * 300}, "return_path"),
    ],
)
async def test_a_bad_request_names_its_field(
    notify: Notify, request_fields: dict[str, str], field: str
) -> None:
    error = await refused(send(notify, **request_fields))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(field_violations(error)) == [field]


async def test_only_platforms_and_operators_send_and_redeem_links(notify: Notify) -> None:
    await prefer(notify, "ana", "ana@students.example")
    for caller in ("student", "coordinator"):
        error = await refused(
            notify.stub.SendSignInLink(
                pb.SendSignInLinkRequest(student_id="ana"), metadata=bearer(caller)
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert notify.mailbox.messages == []
    await notify.stub.SendSignInLink(
        pb.SendSignInLinkRequest(student_id="ana"), metadata=bearer("operator")
    )
    await eventually(lambda: bool(notify.mailbox.messages), "the sign-in mail")
    token = token_of(link_of(notify.mailbox.messages[0]))
    for caller in ("student", "other_coordinator"):
        error = await refused(redeem(notify, token, caller))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await redeem(notify, token, "operator") == "ana"  # not used up by the refusals


async def test_a_token_that_is_not_a_link_or_expired_is_invalid_argument(notify: Notify) -> None:
    now = datetime.now(UTC)
    for token in (
        "",
        "djE6MTc5NjY2MjI2MTphbmE.forged",
        sign_in.make_token(b"another-secret", "ana", now),
        sign_in.make_token(SECRET, "ana", now - timedelta(minutes=16)),
    ):
        error = await refused(redeem(notify, token))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert list(field_violations(error)) == ["token"]


def test_a_links_token_says_when_it_expires_and_is_no_other_token() -> None:
    now = datetime(2027, 3, 1, 9, tzinfo=UTC)
    token = sign_in.make_token(SECRET, "ana:erasmus", now)
    link = sign_in.read_token(SECRET, token, now + timedelta(minutes=14), timedelta(minutes=15))
    assert (link.student_id, link.expires_at) == ("ana:erasmus", now + timedelta(minutes=15))
    assert sign_in.make_token(SECRET, "ana", now) != sign_in.make_token(SECRET, "ana", now)
    with pytest.raises(InvalidArgument):
        sign_in.read_token(SECRET, token, now + timedelta(minutes=16), timedelta(minutes=15))
    assert sign_in.link_url("https://w.test/in", "t.k", "/x?y=1") == (
        "https://w.test/in?token=t.k&next=%2Fx%3Fy%3D1"
    )


async def test_erasure_takes_the_address_out_and_voids_the_links(notify: Notify) -> None:
    await prefer(notify, "ana", "ana@students.example")
    await send(notify, student_id="ana")
    await eventually(lambda: bool(notify.mailbox.messages), "the sign-in mail")
    token = token_of(link_of(notify.mailbox.messages[0]))
    assert await notify.store.students_with_email("ana@students.example") == ["ana"]

    tombstones = Tombstones(notify.redis, keys.PREFIX, 60)
    assert await tombstones.erase("ana", new_event_id())
    await notify.store.erase("ana")
    assert await notify.store.students_with_email("ana@students.example") == []
    assert [k async for k in notify.redis.scan_iter(match="notify:email*")] == []
    error = await refused(redeem(notify, token))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_addresses_saved_before_the_index_are_put_in_it_once(redis_client: Redis) -> None:
    store = NotifyStore(redis_client)
    saved = pb.Preferences(student_id="ana", email="ana@students.example", locale="en")
    await store.save_preferences(saved)
    # As an earlier version left them: preferences without the index, not yet migrated.
    digest = keys.address_digest("ana@students.example")
    await redis_client.delete(keys.students_with_email(digest), keys.email_of("ana"))
    assert await store.students_with_email("ana@students.example") == []
    assert await store.index_earlier_emails() == 1
    assert await store.students_with_email("ANA@students.example") == ["ana"]
    assert await store.index_earlier_emails() == 0
