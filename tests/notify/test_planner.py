"""The notify planner: skips, channels, quiet hours, digests across DST, reminders, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.messages import MessageKind
from services.notify.planner import (
    TRANSACTIONAL_KINDS,
    Plan,
    channels_for,
    natural_key,
    next_digest_time,
    plan_suggestion,
    plan_transactional,
    reminder_time,
)
from socialerasmus.common.v1.common_pb2 import Cause
from socialerasmus.notify.v1.notify_pb2 import Frequency, Preferences, QuietHours

MADRID = "Europe/Madrid"
NIGHT = QuietHours(start_minute=22 * 60, end_minute=8 * 60)
EDITION = "2027-spring"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def prefs(**overrides: object) -> Preferences:
    fields: dict[str, object] = {
        "student_id": "stu-1",
        "email": "ana@example.org",
        "in_app": True,
        "time_zone": MADRID,
        "frequency": Frequency.FREQUENCY_INSTANT,
        "weekly_suggestion_budget": 3,
    }
    fields.update(overrides)
    return Preferences(**fields)  # type: ignore[arg-type]


def suggest(
    p: Preferences, now: datetime, causes: tuple[int, ...] = (Cause.CAUSE_CULTURE,)
) -> Plan:
    return plan_suggestion(p, "stu-1", "act-9", causes, EDITION, now)


NOON = utc(2027, 1, 15, 12, 0)  # 13:00 in Madrid, outside any quiet hours used here


# Skips ---------------------------------------------------------------------------------------


def test_instant_suggestion_is_sent_now_on_every_channel() -> None:
    plan = suggest(prefs(webhook_url="https://hooks.example.org/x"), NOON)

    assert plan.skip_reason == ""
    assert not plan.skipped
    assert plan.kind is MessageKind.SUGGESTION
    assert plan.channels == ("email", "webhook", "in_app")
    assert plan.send_at == NOON
    assert plan.digest is False
    assert plan.uses_budget is True


def test_suggestion_with_a_muted_cause_is_skipped() -> None:
    p = prefs(muted_causes=[Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY])
    causes = (Cause.CAUSE_CULTURE, Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY)

    plan = suggest(p, NOON, causes)

    assert plan.skip_reason == "cause muted"
    assert plan.skipped
    assert plan.channels == ()
    assert plan.uses_budget is False


def test_suggestion_without_muted_causes_among_its_own_is_sent() -> None:
    p = prefs(muted_causes=[Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY])

    assert suggest(p, NOON, (Cause.CAUSE_CULTURE, Cause.CAUSE_SOCIAL_INCLUSION)).skip_reason == ""


def test_unsubscribed_student_gets_no_suggestion_but_gets_the_confirmation() -> None:
    p = prefs(unsubscribed=True)

    suggestion = suggest(p, NOON)
    confirmation = plan_transactional(
        p, MessageKind.ENROLMENT_CONFIRMED, "stu-1", "act-9", EDITION, NOON
    )

    assert suggestion.skip_reason == "unsubscribed"
    assert suggestion.channels == ()
    assert confirmation.skip_reason == ""
    assert confirmation.channels == ("email", "in_app")
    assert confirmation.send_at == NOON
    assert confirmation.uses_budget is False
    assert confirmation.digest is False


def test_transactional_ignores_muted_causes_and_digest_frequency() -> None:
    p = prefs(muted_causes=[Cause.CAUSE_CULTURE], frequency=Frequency.FREQUENCY_WEEKLY_DIGEST)

    plan = plan_transactional(p, MessageKind.ACTIVITY_CANCELLED, "stu-1", "act-9", EDITION, NOON)

    assert plan.skip_reason == ""
    assert plan.digest is False
    assert plan.send_at == NOON


def test_no_channel_skips_suggestions_and_transactional_messages() -> None:
    p = prefs(email="", in_app=False)

    assert channels_for(p) == ()
    assert suggest(p, NOON).skip_reason == "no channel"
    reminder = plan_transactional(p, MessageKind.REMINDER, "stu-1", "act-9", EDITION, NOON)
    assert reminder.skip_reason == "no channel"
    assert reminder.channels == ()


def test_unsubscribe_is_reported_before_muted_cause_and_missing_channel() -> None:
    p = prefs(unsubscribed=True, email="", in_app=False, muted_causes=[Cause.CAUSE_CULTURE])

    assert suggest(p, NOON).skip_reason == "unsubscribed"


def test_planning_a_non_transactional_kind_as_transactional_is_an_error() -> None:
    for kind in (MessageKind.SUGGESTION, MessageKind.DIGEST):
        with pytest.raises(ValueError, match="not a transactional kind"):
            plan_transactional(prefs(), kind, "stu-1", "act-9", EDITION, NOON)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        suggest(prefs(), datetime(2027, 1, 15, 12, 0))


# Quiet hours ---------------------------------------------------------------------------------


def test_suggestion_at_2330_madrid_waits_until_0800_next_day() -> None:
    now = utc(2027, 1, 15, 22, 30)  # 23:30 CET

    plan = suggest(prefs(quiet_hours=NIGHT), now)

    assert plan.skip_reason == ""
    assert plan.send_at == utc(2027, 1, 16, 7, 0)  # 08:00 CET


@pytest.mark.parametrize("kind", sorted(TRANSACTIONAL_KINDS))
def test_transactional_messages_also_wait_for_quiet_hours(kind: MessageKind) -> None:
    now = utc(2027, 1, 15, 22, 30)  # 23:30 CET

    plan = plan_transactional(prefs(quiet_hours=NIGHT), kind, "stu-1", "act-9", EDITION, now)

    assert plan.skip_reason == ""
    assert plan.send_at == utc(2027, 1, 16, 7, 0)


def test_outside_quiet_hours_sends_now() -> None:
    assert suggest(prefs(quiet_hours=NIGHT), NOON).send_at == NOON


def test_unknown_time_zone_falls_back_to_utc() -> None:
    now = utc(2027, 1, 15, 23, 0)  # inside 22:00-08:00 in UTC

    plan = suggest(prefs(time_zone="Mars/Olympus_Mons", quiet_hours=NIGHT), now)

    assert plan.send_at == utc(2027, 1, 16, 8, 0)


# Digests -------------------------------------------------------------------------------------


def test_daily_digest_suggestion_is_collected_for_1800_today() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_DAILY_DIGEST)

    plan = suggest(p, NOON)

    assert plan.digest is True
    assert plan.uses_budget is True
    assert plan.skip_reason == ""
    assert plan.send_at == utc(2027, 1, 15, 17, 0)  # 18:00 CET


def test_daily_digest_across_the_spring_dst_change() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_DAILY_DIGEST)
    saturday_evening = utc(2027, 3, 27, 19, 0)  # 20:00 CET, after today's digest

    # Clocks go forward on Sunday 28 March 2027: 18:00 is then CEST (UTC+2).
    assert next_digest_time(p, saturday_evening) == utc(2027, 3, 28, 16, 0)
    assert next_digest_time(p, utc(2027, 3, 27, 12, 0)) == utc(2027, 3, 27, 17, 0)


def test_daily_digest_exactly_at_1800_moves_to_the_next_day() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_DAILY_DIGEST)

    assert next_digest_time(p, utc(2027, 1, 15, 17, 0)) == utc(2027, 1, 16, 17, 0)


def test_weekly_digest_goes_on_sunday_at_1800_across_dst_changes() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_WEEKLY_DIGEST)

    # Week of the spring change: Sunday 28 March 18:00 CEST.
    assert next_digest_time(p, utc(2027, 3, 22, 10, 0)) == utc(2027, 3, 28, 16, 0)
    # The Sunday before is still CET.
    assert next_digest_time(p, utc(2027, 3, 15, 10, 0)) == utc(2027, 3, 21, 17, 0)
    # Week of the autumn change: Sunday 31 October 18:00 CET again.
    assert next_digest_time(p, utc(2027, 10, 25, 10, 0)) == utc(2027, 10, 31, 17, 0)


def test_weekly_digest_after_sunday_1800_waits_a_week() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_WEEKLY_DIGEST)
    sunday_evening = utc(2027, 1, 17, 18, 0)  # Sunday 19:00 CET

    assert next_digest_time(p, sunday_evening) == utc(2027, 1, 24, 17, 0)
    assert next_digest_time(p, utc(2027, 1, 17, 10, 0)) == utc(2027, 1, 17, 17, 0)


def test_weekly_digest_suggestion_is_collected_for_sunday() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_WEEKLY_DIGEST)

    plan = suggest(p, NOON)  # Friday 15 January 2027

    assert plan.digest is True
    assert plan.send_at == utc(2027, 1, 17, 17, 0)


def test_digest_is_pushed_out_of_quiet_hours() -> None:
    evening_quiet = QuietHours(start_minute=17 * 60, end_minute=19 * 60 + 30)
    p = prefs(frequency=Frequency.FREQUENCY_DAILY_DIGEST, quiet_hours=evening_quiet)

    assert next_digest_time(p, NOON) == utc(2027, 1, 15, 18, 30)  # 19:30 CET


def test_muted_cause_wins_over_digest() -> None:
    p = prefs(frequency=Frequency.FREQUENCY_DAILY_DIGEST, muted_causes=[Cause.CAUSE_CULTURE])

    plan = suggest(p, NOON)

    assert plan.skip_reason == "cause muted"
    assert plan.digest is False


# Reminders -----------------------------------------------------------------------------------


def test_reminder_is_24_hours_before_start() -> None:
    start = utc(2027, 4, 10, 9, 0)

    assert reminder_time(start, start - timedelta(days=3)) == start - timedelta(hours=24)
    assert reminder_time(start, start - timedelta(hours=24)) == start - timedelta(hours=24)


def test_late_enrolment_is_reminded_2_hours_before_start() -> None:
    start = utc(2027, 4, 10, 9, 0)

    assert reminder_time(start, start - timedelta(hours=10)) == start - timedelta(hours=2)
    assert reminder_time(start, start - timedelta(hours=23, minutes=59)) == start - timedelta(
        hours=2
    )


def test_enrolment_within_2_hours_is_reminded_right_away() -> None:
    start = utc(2027, 4, 10, 9, 0)
    now = start - timedelta(minutes=30)

    assert reminder_time(start, now) == now


def test_no_reminder_once_the_activity_has_started() -> None:
    start = utc(2027, 4, 10, 9, 0)

    assert reminder_time(start, start) is None
    assert reminder_time(start, start + timedelta(hours=1)) is None


# Natural keys --------------------------------------------------------------------------------


def test_natural_key_is_stable_for_the_same_fact() -> None:
    first = suggest(prefs(), NOON)
    redelivered = suggest(prefs(quiet_hours=NIGHT), NOON + timedelta(hours=11))

    assert first.natural_key == redelivered.natural_key == "stu-1:act-9:suggestion:2027-spring"
    assert natural_key("stu-1", "act-9", MessageKind.SUGGESTION, EDITION) == first.natural_key


def test_natural_key_differs_per_kind_edition_student_and_activity() -> None:
    p = prefs()
    keys = {
        plan_transactional(p, kind, "stu-1", "act-9", EDITION, NOON).natural_key
        for kind in TRANSACTIONAL_KINDS
    }
    keys.add(suggest(p, NOON).natural_key)

    assert len(keys) == len(TRANSACTIONAL_KINDS) + 1
    base = natural_key("stu-1", "act-9", MessageKind.REMINDER, EDITION)
    assert natural_key("stu-1", "act-9", MessageKind.REMINDER, "2027-autumn") != base
    assert natural_key("stu-2", "act-9", MessageKind.REMINDER, EDITION) != base
    assert natural_key("stu-1", "act-8", MessageKind.REMINDER, EDITION) != base


def test_skipped_plans_keep_their_natural_key() -> None:
    plan = suggest(prefs(unsubscribed=True), NOON)

    assert plan.natural_key == "stu-1:act-9:suggestion:2027-spring"
