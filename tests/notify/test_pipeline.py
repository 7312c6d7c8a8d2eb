"""From facts to messages: every kind, every channel, the student's preferences, exactly once.

Real Redis, a real SMTP server and a real HTTP receiver that verifies each signature; the
clock is the test's, so quiet hours, digests and reminders are checked at chosen moments.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from services.notify import keys
from services.notify.jobs import reminder_timer_id
from services.notify.messages import MessageKind
from services.notify.retry import RetryPolicy
from services.notify.schedule import Change, ClaimedJob, Outcome
from services.notify.store import default_preferences
from services.notify.unsubscribe import read_token
from services.runtime import metrics
from services.runtime.erasure import Tombstones
from services.runtime.events import new_event_id
from socialerasmus.catalogue.v1.catalogue_pb2 import ActivityState, EnrolmentStatus
from socialerasmus.common.v1.common_pb2 import Cause
from socialerasmus.notify.v1.notify_pb2 import DeliveryStatus, Frequency
from tests.conftest import Stack
from tests.notify.pipeline import (
    MANAGE_URL,
    SECRET,
    T0,
    UNSUBSCRIBE_URL,
    Pipeline,
    activity,
    enrolment,
    pipeline,
    suggestion,
)
from tests.notify.receivers import Reply
from tests.waiting import eventually

DELIVERED = DeliveryStatus.DELIVERY_STATUS_DELIVERED
FAILED = DeliveryStatus.DELIVERY_STATUS_FAILED
SKIPPED = DeliveryStatus.DELIVERY_STATUS_SKIPPED
RETRYING = DeliveryStatus.DELIVERY_STATUS_RETRYING


@pytest.fixture
async def p(clean_stack: Stack) -> AsyncIterator[Pipeline]:
    metrics.expose(metrics.NOTIFY_FAMILIES)  # as notify's wiring does
    async with pipeline(clean_stack.redis_url) as running:
        yield running


def sent(kind: str, channel: str) -> float:
    labels = {"kind": kind, "channel": channel, "outcome": "delivered"}
    return metrics.REGISTRY.get_sample_value("se_notifications_total", labels) or 0.0


async def test_a_suggestion_reaches_inbox_mail_and_webhook_once(p: Pipeline) -> None:
    mails_before = sent("suggestion", "email")
    await p.prefer("ana")
    beach = activity()
    await p.intake.activity_published(beach)

    event = suggestion("ana", beach)
    await p.intake.suggestion_created(event)
    await p.intake.suggestion_created(event)  # redelivered
    assert await p.send_due() == 3

    [item] = await p.inbox("ana")
    assert item.kind == "suggestion"
    assert "Beach clean-up with ESN Valencia" in item.subject
    [mail] = p.mails_to("ana")
    assert mail["Subject"] == item.subject
    html = mail.get_body(("html",))
    assert html is not None
    assert "Playa de la Malvarrosa" in html.get_content()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [hook] = p.hooks_for("ana")
    assert hook["activity_id"] == beach.id
    assert hook["message_id"] == item.id == mail["Message-ID"].strip("<>").split("@")[0]
    assert [r.rejection for r in p.hooks.received] == [None]
    statuses = {(d.channel, d.status) for d in await p.store.deliveries("ana")}
    assert statuses == {("email", DELIVERED), ("webhook", DELIVERED), ("in_app", DELIVERED)}
    assert await p.schedule.pending() == 0
    assert sent("suggestion", "email") == mails_before + 1


async def test_the_unsubscribe_link_of_a_mail_names_the_student(p: Pipeline) -> None:
    await p.prefer("ana", webhook_url="")
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()

    [mail] = p.mails_to("ana")
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://platform.test/unsubscribe?token=")
    token = parse_qs(urlparse(link).query)["token"][0]
    assert read_token(SECRET, token, p.clock.now) == "ana"
    text = mail.get_body(("plain",))
    assert text is not None
    assert link in text.get_content()


async def test_a_confirmation_links_to_the_settings_and_offers_no_unsubscribing(
    p: Pipeline,
) -> None:
    """Unsubscribing does not stop transactional mail, so it carries the settings link and
    no List-Unsubscribe header; a suggestion keeps both, as the SMTP server received them."""
    await p.prefer("ana", webhook_url="", locale="de")
    beach = activity()
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    await p.send_due()

    mails = {m["Subject"]: m for m in p.mails_to("ana")}
    [confirmation] = [m for subject, m in mails.items() if "bestätigt" in subject]
    [offer] = [m for m in mails.values() if m is not confirmation]
    assert "List-Unsubscribe" not in confirmation
    assert "List-Unsubscribe-Post" not in confirmation
    for part in ("plain", "html"):
        body = confirmation.get_body((part,))
        assert body is not None
        content = body.get_content()
        assert MANAGE_URL in content
        assert UNSUBSCRIBE_URL not in content
        assert "auch dann, wenn" in content  # why it comes though unsubscribed, in German
    assert offer["List-Unsubscribe"].startswith(f"<{UNSUBSCRIBE_URL}?token=")
    plain = offer.get_body(("plain",))
    assert plain is not None and MANAGE_URL in plain.get_content()


async def test_muted_causes_and_unsubscribing_stop_suggestions_not_confirmations(
    p: Pipeline,
) -> None:
    beach = activity()
    await p.intake.activity_published(beach)
    await p.prefer("ana", muted_causes=[Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY])
    await p.prefer("ben", unsubscribed=True)
    for student in ("ana", "ben"):
        result = await p.intake.suggestion_created(suggestion(student, beach))
        assert result.messages == 0
    await p.send_due()
    assert p.mailbox.messages == []
    reasons = {d.student_id: d.reason for d in await p.store.deliveries("ana")}
    reasons |= {d.student_id: d.reason for d in await p.store.deliveries("ben")}
    assert reasons == {"ana": "cause muted", "ben": "unsubscribed"}

    await p.confirm("ben", beach)
    await p.send_due()
    [mail] = p.mails_to("ben")
    assert "Beach clean-up" in mail["Subject"]
    assert p.kinds("ben") == ["enrolment_confirmed"] * 3


async def test_the_weekly_budget_caps_suggestions_and_resets_next_week(p: Pipeline) -> None:
    await p.prefer("ana", weekly_suggestion_budget=2, email="", webhook_url="")
    acts = [activity(f"act-{n}", title=f"Activity {n}") for n in range(4)]
    outcomes = [await p.intake.suggestion_created(suggestion("ana", a)) for a in acts[:3]]
    assert [o.messages for o in outcomes] == [1, 1, 0]
    assert outcomes[2].skipped == ["weekly suggestion budget used"]
    await p.send_due()
    assert len(await p.inbox("ana")) == 2

    p.clock.advance(days=7)
    fourth = suggestion("ana", acts[3], occurred_at=p.clock.now)
    assert (await p.intake.suggestion_created(fourth)).messages == 1


async def test_quiet_hours_delay_and_never_drop(p: Pipeline) -> None:
    # 22:00 to 08:00 in Madrid; 23:30 there is 22:30 UTC in March (UTC+1).
    await p.prefer("ana", time_zone="Europe/Madrid", quiet_hours=(22 * 60, 8 * 60))
    p.clock.now = datetime(2027, 3, 1, 22, 30, tzinfo=UTC)
    await p.intake.suggestion_created(suggestion("ana", activity(), occurred_at=p.clock.now))
    assert await p.send_due() == 0
    assert p.mailbox.messages == []

    p.clock.now = datetime(2027, 3, 2, 6, 59, tzinfo=UTC)  # 07:59 in Madrid
    assert await p.send_due() == 0
    p.clock.now = datetime(2027, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Madrid
    assert await p.send_due() == 3
    assert len(p.mails_to("ana")) == 1


async def test_a_daily_digest_collects_suggestions_until_18_local(p: Pipeline) -> None:
    await p.prefer(
        "ana",
        frequency=Frequency.FREQUENCY_DAILY_DIGEST,
        time_zone="Europe/Rome",
        webhook_url="",
        weekly_suggestion_budget=10,
    )
    acts = [
        activity(f"act-{n}", title=f"Activity {n}", starts_at=T0 + timedelta(days=n + 2))
        for n in range(3)
    ]
    for act in acts:
        await p.intake.suggestion_created(suggestion("ana", act))
    assert await p.send_due() == 0
    assert await p.inbox("ana") == []

    p.clock.now = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 18:00 in Rome
    await p.send_due()
    [mail] = p.mails_to("ana")
    [item] = await p.inbox("ana")
    assert item.kind == "digest"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    positions = [text.index(f"Activity {n}") for n in range(3)]
    assert positions == sorted(positions)  # soonest first
    assert await p.schedule.digest_items("ana") == {}

    # The next suggestion starts the next day's digest.
    later = activity("act-later", title="Activity later", starts_at=T0 + timedelta(days=9))
    await p.intake.suggestion_created(suggestion("ana", later, occurred_at=p.clock.now))
    p.clock.now = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)
    await p.send_due()
    assert len(p.mails_to("ana")) == 2


@pytest.mark.parametrize(
    ("locale", "word"),
    [
        ("en", "confirmed"),
        ("es", "confirmada"),
        ("it", "confermat"),
        ("de", "bestätigt"),
        ("fr", "confirmé"),
        ("pt-BR", "confirmad"),
        ("pl", "potwierdz"),
        ("tr", "onay"),
        ("sv", "confirmed"),  # no Swedish catalogue: English
    ],
)
async def test_a_confirmation_speaks_the_student_s_language(
    p: Pipeline, locale: str, word: str
) -> None:
    await p.prefer("ana", locale=locale, webhook_url="")
    beach = activity()
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.send_due()
    [mail] = p.mails_to("ana")
    text = mail.get_body(("plain",))
    assert text is not None
    assert word in f"{mail['Subject']} {text.get_content()}".lower()


async def test_mails_greet_the_student_by_the_name_of_their_settings(p: Pipeline) -> None:
    """The name comes from the preferences as they are when the message goes: a student who
    removes it is greeted without one."""
    await p.prefer("ana", webhook_url="", locale="es", display_name="Ana")
    beach = activity()
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.send_due()
    [mail] = p.mails_to("ana")
    for part in ("plain", "html"):
        body = mail.get_body((part,))
        assert body is not None
        assert "¡Hola, Ana!" in body.get_content()
    await p.prefer("ana", webhook_url="", locale="es", display_name="")
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    await p.send_due()
    [_, offer] = p.mails_to("ana")
    plain = offer.get_body(("plain",))
    assert plain is not None
    assert "¡Hola!" in plain.get_content() and "Ana" not in plain.get_content()


async def test_confirmation_reminder_and_a_second_enrolment(p: Pipeline) -> None:
    await p.prefer("ana", webhook_url="")
    beach = activity(starts_at=T0 + timedelta(days=3))
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.send_due()
    assert [i.kind for i in await p.inbox("ana")] == ["enrolment_confirmed"]
    due = await p.schedule.due_time(reminder_timer_id("ana", beach.id))
    assert due == T0 + timedelta(days=2)

    p.clock.now = T0 + timedelta(days=2)
    await p.send_due()
    assert [i.kind for i in await p.inbox("ana")] == ["reminder", "enrolment_confirmed"]
    assert await p.schedule.pending() == 0

    # Cancelled and enrolled again: told again, as it is a new enrolment.
    await p.intake.enrolment_cancelled(enrolment("ana", beach.id))
    await p.confirm("ana", beach, at=p.clock.now + timedelta(minutes=1))
    await p.send_due()
    assert [i.kind for i in await p.inbox("ana")].count("enrolment_confirmed") == 2


async def test_waitlisted_then_promoted_gets_both_messages_and_only_then_a_reminder(
    p: Pipeline,
) -> None:
    await p.prefer("ana", email="", webhook_url="")
    beach = activity()
    await p.intake.activity_published(beach)
    waiting = enrolment("ana", status=EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED, position=2)
    await p.intake.enrolment_changed(MessageKind.ENROLMENT_WAITLISTED, waiting, T0)
    assert await p.schedule.due_time(reminder_timer_id("ana", beach.id)) is None
    promoted = enrolment("ana", updated_at=T0 + timedelta(hours=1))
    await p.intake.enrolment_changed(MessageKind.ENROLMENT_PROMOTED, promoted, T0)
    await p.send_due()
    items = {i.kind: i for i in await p.inbox("ana")}
    assert set(items) == {"enrolment_waitlisted", "enrolment_promoted"}
    assert "2" in items["enrolment_waitlisted"].text
    assert await p.schedule.due_time(reminder_timer_id("ana", beach.id)) is not None


async def test_a_moved_activity_moves_the_reminder_and_tells_everyone_enrolled(
    p: Pipeline,
) -> None:
    for student in ("ana", "ben"):
        await p.prefer(student, webhook_url="")
    beach = activity(starts_at=T0 + timedelta(days=5))
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.intake.enrolment_changed(
        MessageKind.ENROLMENT_WAITLISTED,
        enrolment("ben", status=EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED, position=1),
        T0,
    )
    await p.send_due()

    moved = activity(starts_at=T0 + timedelta(days=8), version=2)
    result = await p.intake.activity_updated(moved, ["starts_at", "ends_at"], T0)
    assert result.messages == 2
    again = await p.intake.activity_updated(moved, ["starts_at", "ends_at"], T0)  # redelivered
    assert (again.messages, again.duplicates) == (0, 2)
    await p.send_due()
    assert await p.schedule.due_time(reminder_timer_id("ana", beach.id)) == T0 + timedelta(days=7)
    assert await p.schedule.due_time(reminder_timer_id("ben", beach.id)) is None
    for student in ("ana", "ben"):
        kinds = [m["Subject"] for m in p.mails_to(student)]
        assert len(kinds) == 2, kinds

    # The old reminder time passes: nothing. The new one: one reminder.
    p.clock.now = T0 + timedelta(days=4)
    await p.send_due()
    assert [i.kind for i in await p.inbox("ana")].count("reminder") == 0
    p.clock.now = T0 + timedelta(days=7)
    await p.send_due()
    assert [i.kind for i in await p.inbox("ana")].count("reminder") == 1


async def test_a_cancelled_activity_withdraws_reminders_and_tells_everyone(p: Pipeline) -> None:
    for student in ("ana", "ben", "eva"):
        await p.prefer(student, webhook_url="")
    beach = activity(starts_at=T0 + timedelta(days=5))
    await p.intake.activity_published(beach)
    await p.confirm("ana", beach)
    await p.confirm("ben", beach)
    await p.intake.enrolment_cancelled(enrolment("ben", beach.id))  # ben left before
    await p.intake.enrolment_changed(
        MessageKind.ENROLMENT_WAITLISTED,
        enrolment("eva", status=EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED, position=1),
        T0,
    )
    await p.send_due()
    assert await p.schedule.due_time(reminder_timer_id("ben", beach.id)) is None

    cancelled = activity(starts_at=T0 + timedelta(days=5), version=2)
    cancelled.state = ActivityState.ACTIVITY_STATE_CANCELLED
    await p.intake.activity_cancelled(cancelled, "Storm warning for the coast", T0)
    await p.intake.activity_cancelled(cancelled, "Storm warning for the coast", T0)
    await p.send_due()
    assert await p.schedule.due_time(reminder_timer_id("ana", beach.id)) is None
    for student in ("ana", "eva"):
        [notice] = [i for i in await p.inbox(student) if i.kind == "activity_cancelled"]
        assert "Storm warning" in notice.text
    assert not [i for i in await p.inbox("ben") if i.kind == "activity_cancelled"]
    p.clock.now = T0 + timedelta(days=4, hours=1)
    await p.send_due()
    assert not [i for i in await p.inbox("ana") if i.kind == "reminder"]


async def test_webhook_5xx_is_retried_with_back_off_and_4xx_fails_to_the_report(
    p: Pipeline,
) -> None:
    await p.prefer("ana", email="", in_app=False)
    p.hooks.replies[:] = [Reply(503), Reply(500), Reply(200)]
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()
    [job_id] = [d.message_id for d in await p.store.deliveries("ana")]
    [status] = await p.store.deliveries("ana", job_id)
    assert (status.status, status.attempts, status.reason) == (RETRYING, 1, "HTTP 503")
    assert await p.schedule.due_time(f"{job_id}:webhook") == T0 + timedelta(seconds=2)

    p.clock.advance(seconds=2)
    await p.send_due()
    assert await p.schedule.due_time(f"{job_id}:webhook") == p.clock.now + timedelta(seconds=4)
    p.clock.advance(seconds=4)
    await p.send_due()
    [status] = await p.store.deliveries("ana", job_id)
    assert (status.status, status.attempts) == (DELIVERED, 3)
    assert len(p.hooks.received) == 3
    assert len({r.headers["webhook-id"] for r in p.hooks.received}) == 1

    p.hooks.replies[:] = [Reply(410)]
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    await p.send_due()
    [(failed, job)] = [(d, j) for d, j in p.reports if d.status == FAILED]
    assert (failed.reason, failed.attempts, job.channel) == ("HTTP 410", 1, "webhook")
    assert await p.schedule.pending() == 0


async def test_retries_stop_at_the_policy_s_last_attempt(clean_stack: Stack) -> None:
    async with pipeline(
        clean_stack.redis_url, RetryPolicy(max_attempts=2, base_seconds=1, jitter=0)
    ) as p:
        await p.prefer("ana", email="", in_app=False)
        p.hooks.replies[:] = [Reply(500), Reply(502)]
        await p.intake.suggestion_created(suggestion("ana", activity()))
        await p.send_due()
        p.clock.advance(seconds=1)
        await p.send_due()
        [(failed, _)] = [(d, j) for d, j in p.reports if d.status == FAILED]
        assert (failed.reason, failed.attempts) == ("HTTP 502", 2)
        assert await p.schedule.pending() == 0


async def test_a_refused_mailbox_fails_for_good_and_other_channels_still_deliver(
    p: Pipeline,
) -> None:
    await p.prefer("ana", email="gone@students.test")
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()
    by_channel = {d.channel: d for d in await p.store.deliveries("ana")}
    assert by_channel["email"].status == FAILED
    assert "550" in by_channel["email"].reason
    assert by_channel["webhook"].status == by_channel["in_app"].status == DELIVERED


async def test_a_channel_turned_off_before_sending_is_skipped(p: Pipeline) -> None:
    await p.prefer("ana", quiet_hours=(0, 23 * 60 + 59))
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.prefer("ana", email="", quiet_hours=(0, 0))
    p.clock.advance(days=1)
    await p.send_due()
    by_channel = {d.channel: d.status for d in await p.store.deliveries("ana")}
    assert by_channel == {"email": SKIPPED, "webhook": DELIVERED, "in_app": DELIVERED}
    assert p.mailbox.messages == []


async def test_two_dispatchers_share_the_schedule_and_send_each_message_once(
    clean_stack: Stack,
) -> None:
    async with pipeline(clean_stack.redis_url) as first, pipeline(clean_stack.redis_url) as second:
        students = [f"student-{n:02d}" for n in range(30)]
        for student in students:
            await first.prefer(student, webhook_url="", quiet_hours=(0, 0))
        beach = activity()
        for student in students:
            await first.intake.suggestion_created(suggestion(student, beach))
            await second.intake.suggestion_created(suggestion(student, beach))  # replica 2
        await asyncio.gather(first.send_due(), second.send_due())
        mails = first.mailbox.messages + second.mailbox.messages
        assert sorted(m["To"] for m in mails) == sorted(f"{s}@students.test" for s in students)
        for student in students:
            assert len(await first.inbox(student)) == 1


async def test_stale_facts_update_the_view_but_announce_nothing(p: Pipeline) -> None:
    await p.prefer("ana")
    beach = activity()
    await p.intake.activity_published(beach)
    p.clock.advance(days=2)
    result = await p.intake.suggestion_created(suggestion("ana", beach, occurred_at=T0))
    assert result.skipped == ["event too old to announce"]
    old = enrolment("ana", updated_at=T0)
    await p.intake.enrolment_changed(MessageKind.ENROLMENT_CONFIRMED, old, T0)
    await p.send_due()
    assert p.mailbox.messages == []
    assert await p.projection.attendees(beach.id) == {"ana": "confirmed"}


async def test_erasure_removes_every_trace_of_the_student(p: Pipeline) -> None:
    await p.prefer(
        "ana", frequency=Frequency.FREQUENCY_WEEKLY_DIGEST, quiet_hours=(0, 0), webhook_url=""
    )
    beach = activity()
    await p.intake.activity_published(beach)
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    await p.confirm("ana", beach)
    await p.send_due()
    assert await p.inbox("ana")
    assert await p.schedule.pending() == 2  # reminder and weekly digest

    await p.intake.profile_erased("ana")
    left = [k async for k in p.redis.scan_iter(match="*ana*")]
    assert left == []
    assert await p.schedule.pending() == 0
    assert await p.projection.attendees(beach.id) == {}
    assert await p.redis.hlen(keys.jobs()) == 0


async def test_facts_about_an_erased_student_create_nothing(p: Pipeline) -> None:
    """After the tombstone: late enrolment and suggestion events, and a job that was claimed
    just before the erasure, leave no key, no message and no delivery record."""
    await p.prefer("ana", webhook_url="")
    beach = activity()
    await p.intake.activity_published(beach)
    await p.intake.suggestion_created(suggestion("ana", activity("act-2")))
    claimed = await p.schedule.claim_due(p.clock.now, 60, 10)  # being sent when erased
    assert len(claimed) == 2  # e-mail and inbox

    await Tombstones(p.redis, keys.PREFIX, 60).erase("ana", new_event_id())
    await p.intake.profile_erased("ana")
    late = await p.intake.suggestion_created(suggestion("ana", activity("act-3")))
    confirmed = await p.intake.enrolment_changed(
        MessageKind.ENROLMENT_CONFIRMED, enrolment("ana"), p.clock.now
    )
    for job in claimed:
        await p.dispatcher.handle(job)
    await p.send_due()

    assert late.skipped == confirmed.skipped == ["student erased"]
    assert [k async for k in p.redis.scan_iter(match="*ana*")] == []
    assert p.mails_to("ana") == [] and p.reports == []
    assert await p.projection.attendees(beach.id) == {}
    assert not await p.store.save_preferences(default_preferences("ana"))


async def test_an_enrolment_before_its_activity_is_known_is_retried_not_lost(
    p: Pipeline,
) -> None:
    with pytest.raises(LookupError):
        await p.intake.enrolment_changed(
            MessageKind.ENROLMENT_CONFIRMED, enrolment("ana", "act-unknown"), T0
        )
    assert await p.schedule.pending() == 0


async def test_a_suggestion_made_while_its_digest_goes_out_waits_for_the_next_one(
    p: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    await p.prefer("ana", frequency=Frequency.FREQUENCY_DAILY_DIGEST, webhook_url="")
    first = activity("act-1", title="Activity one", starts_at=T0 + timedelta(days=3))
    second = activity("act-2", title="Activity two", starts_at=T0 + timedelta(days=4))
    await p.intake.suggestion_created(suggestion("ana", first))
    apply = p.schedule.apply
    arrived: list[object] = []

    async def suggestion_arrives_first(change: Change) -> Outcome:
        # The second suggestion lands between reading the digest's items and replacing its
        # timer with the deliveries.
        if change.digest_delete and not arrived:
            arrived.append(
                await p.intake.suggestion_created(suggestion("ana", second, p.clock.now))
            )
        return await apply(change)

    monkeypatch.setattr(p.schedule, "apply", suggestion_arrives_first)
    p.clock.now = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
    await p.send_due()
    assert arrived
    [mail] = p.mails_to("ana")
    text = mail.get_body(("plain",))
    assert text is not None
    assert "Activity one" in text.get_content()
    assert "Activity two" not in text.get_content()
    assert set(await p.schedule.digest_items("ana")) == {"act-2"}

    p.clock.now = datetime(2027, 3, 2, 18, 0, tzinfo=UTC)
    await p.send_due()
    assert len(p.mails_to("ana")) == 2


async def test_an_unreadable_job_is_dropped_instead_of_blocking_the_schedule(
    p: Pipeline,
) -> None:
    await p.prefer("ana", email="", webhook_url="")
    await p.redis.hset(keys.jobs(), "broken", "{not json")
    await p.redis.zadd(keys.schedule(), {"broken": 0})
    await p.intake.suggestion_created(suggestion("ana", activity()))
    await p.send_due()
    assert len(await p.inbox("ana")) == 1
    assert await p.schedule.pending() == 0


async def test_a_wake_up_during_an_empty_claim_is_not_lost(
    p: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    await p.prefer("ana", email="", webhook_url="")
    p.dispatcher.poll_seconds = 60.0  # only a wake-up can make it look again in time
    claim_due = p.schedule.claim_due
    claims = 0

    async def suggestion_during_the_first_claim(*args: Any) -> list[ClaimedJob]:
        nonlocal claims
        claims += 1
        claimed = await claim_due(*args)
        if claims == 1:  # nothing was due; a suggestion arrives before this claim returns
            await p.intake.suggestion_created(suggestion("ana", activity()))
        return claimed

    monkeypatch.setattr(p.schedule, "claim_due", suggestion_during_the_first_claim)
    stop = asyncio.Event()
    running = asyncio.create_task(p.dispatcher.run(stop))
    try:

        async def delivered() -> bool:
            return bool(await p.inbox("ana"))

        await eventually(delivered, "the suggestion in the inbox")
        assert len(await p.inbox("ana")) == 1
    finally:
        stop.set()
        p.dispatcher.wake()
        await running
