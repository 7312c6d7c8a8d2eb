"""Quiet hours in the student's zone: windows across midnight, DST in Europe/Madrid, weeks."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from services.notify.quiet_hours import is_quiet, next_allowed, week_key

MADRID = "Europe/Madrid"
NIGHT = (time(22, 0), time(8, 0))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_outside_quiet_hours_now_is_allowed() -> None:
    now = utc(2027, 1, 15, 12, 0)  # 13:00 in Madrid (CET)

    assert next_allowed(now, MADRID, *NIGHT) == now


def test_late_evening_waits_for_the_next_morning() -> None:
    now = utc(2027, 1, 15, 22, 30)  # 23:30 in Madrid

    assert next_allowed(now, MADRID, *NIGHT) == utc(2027, 1, 16, 7, 0)  # 08:00 CET


def test_after_midnight_waits_for_the_same_morning() -> None:
    now = utc(2027, 1, 16, 2, 0)  # 03:00 in Madrid

    assert next_allowed(now, MADRID, *NIGHT) == utc(2027, 1, 16, 7, 0)


def test_the_window_starts_inclusive_and_ends_exclusive() -> None:
    assert next_allowed(utc(2027, 1, 15, 21, 0), MADRID, *NIGHT) == utc(2027, 1, 16, 7, 0)
    assert next_allowed(utc(2027, 1, 16, 7, 0), MADRID, *NIGHT) == utc(2027, 1, 16, 7, 0)
    just_before = utc(2027, 1, 15, 20, 59, second=59)
    assert next_allowed(just_before, MADRID, *NIGHT) == just_before


def test_a_daytime_window() -> None:
    lunch = (time(13, 0), time(15, 0))

    assert next_allowed(utc(2027, 1, 15, 12, 30), MADRID, *lunch) == utc(2027, 1, 15, 14, 0)
    assert next_allowed(utc(2027, 1, 15, 14, 30), MADRID, *lunch) == utc(2027, 1, 15, 14, 30)


def test_equal_start_and_end_mean_no_quiet_hours() -> None:
    now = utc(2027, 1, 15, 23, 0)

    assert next_allowed(now, MADRID, time(22, 0), time(22, 0)) == now


def test_the_night_before_spring_forward_is_one_hour_shorter_in_utc() -> None:
    # 2027-03-28: Madrid moves from CET (+1) to CEST (+2) at 02:00 local (01:00 UTC).
    now = utc(2027, 3, 27, 22, 0)  # 23:00 CET

    assert next_allowed(now, MADRID, *NIGHT) == utc(2027, 3, 28, 6, 0)  # 08:00 CEST


def test_the_night_before_fall_back_is_one_hour_longer_in_utc() -> None:
    # 2027-10-31: Madrid moves from CEST (+2) back to CET (+1) at 03:00 local (01:00 UTC).
    now = utc(2027, 10, 30, 21, 0)  # 23:00 CEST

    assert next_allowed(now, MADRID, *NIGHT) == utc(2027, 10, 31, 7, 0)  # 08:00 CET


def test_a_window_ending_in_the_skipped_hour_ends_at_the_jump() -> None:
    # 02:30 never happens in Madrid on 2027-03-28: at 01:00 UTC, 02:00 CET becomes 03:00 CEST.
    now = utc(2027, 3, 28, 0, 15)  # 01:15 CET

    allowed = next_allowed(now, MADRID, time(22, 0), time(2, 30))

    assert allowed == utc(2027, 3, 28, 1, 0)
    assert allowed.astimezone(ZoneInfo(MADRID)).time() == time(3, 0)


def test_a_window_ending_in_the_repeated_hour_ends_at_its_first_occurrence() -> None:
    # 02:30 happens twice in Madrid on 2027-10-31: 00:30 UTC (CEST) and 01:30 UTC (CET).
    window = (time(22, 0), time(2, 30))

    assert next_allowed(utc(2027, 10, 30, 23, 0), MADRID, *window) == utc(2027, 10, 31, 0, 30)
    # At 02:15 CET (the second time 02:15 comes) the wall clock is inside the window again.
    assert next_allowed(utc(2027, 10, 31, 1, 15), MADRID, *window) == utc(2027, 10, 31, 1, 30)


def test_other_zones() -> None:
    now = utc(2027, 1, 15, 22, 30)

    assert next_allowed(now, "Europe/Istanbul", *NIGHT) == utc(2027, 1, 16, 5, 0)  # +03
    assert next_allowed(now, "Europe/Lisbon", *NIGHT) == utc(2027, 1, 16, 8, 0)  # +00


def test_results_are_in_utc_even_for_other_aware_inputs() -> None:
    now = datetime(2027, 1, 15, 23, 30, tzinfo=ZoneInfo(MADRID))

    allowed = next_allowed(now, MADRID, *NIGHT)

    assert allowed == utc(2027, 1, 16, 7, 0)
    assert allowed.tzinfo is UTC


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(datetime(2027, 1, 15, 12), MADRID, *NIGHT)
    with pytest.raises(ValueError, match="wall-clock"):
        next_allowed(utc(2027, 1, 15, 12), MADRID, time(22, tzinfo=UTC), time(8))
    with pytest.raises(ZoneInfoNotFoundError):
        next_allowed(utc(2027, 1, 15, 12), "Europe/Atlantis", *NIGHT)


def test_is_quiet() -> None:
    assert is_quiet(time(23), *NIGHT)
    assert is_quiet(time(0), *NIGHT)
    assert not is_quiet(time(8), *NIGHT)
    assert not is_quiet(time(12), *NIGHT)


def test_week_key_follows_the_students_zone() -> None:
    sunday_night_utc = utc(2027, 1, 10, 23, 30)  # Sunday in UTC, Monday 00:30 in Madrid

    assert week_key(sunday_night_utc, "UTC") == "2027-W01"
    assert week_key(sunday_night_utc, MADRID) == "2027-W02"


def test_week_key_uses_the_iso_year() -> None:
    assert week_key(utc(2027, 1, 1, 12), MADRID) == "2026-W53"
    assert week_key(utc(2025, 12, 29, 12), MADRID) == "2026-W01"
