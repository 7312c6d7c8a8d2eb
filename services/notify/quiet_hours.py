"""Quiet hours and weekly budgets, in the student's own time zone. Pure.

Quiet hours are a wall-clock window ``[quiet_start, quiet_end)`` in the student's zone, and may
cross midnight (22:00-08:00). Equal start and end mean no quiet hours. Daylight-saving changes
are handled by zoneinfo: when the end of the window falls in a skipped hour (clocks spring
forward past it), the window ends at the jump; when it falls in a repeated hour (clocks fall
back), it ends at the first time the wall clock shows it after ``now``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _require_utc_aware(now_utc: datetime) -> datetime:
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    return now_utc.astimezone(UTC)


def _require_wall_time(value: time, name: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} is a wall-clock time without a time zone")


def is_quiet(wall: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a wall-clock time lies inside ``[quiet_start, quiet_end)``."""
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= wall < quiet_end
    return wall >= quiet_start or wall < quiet_end  # the window crosses midnight


def _wall_to_utc(day: date, wall: time, zone: ZoneInfo, fold: int) -> datetime:
    return datetime.combine(day, wall, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def _exists(moment_utc: datetime, day: date, wall: time, zone: ZoneInfo) -> bool:
    local = moment_utc.astimezone(zone)
    return local.date() == day and local.time() == wall


def _first_reaching(day: date, wall: time, zone: ZoneInfo, not_before: datetime) -> datetime:
    """The first instant at or after ``not_before`` when the wall clock of ``zone`` on ``day``
    shows ``wall`` or later."""
    candidates = [_wall_to_utc(day, wall, zone, fold) for fold in (0, 1)]
    real = [moment for moment in candidates if _exists(moment, day, wall, zone)]
    if real:  # one instant, or two in a repeated hour: the first one still ahead
        ahead = [moment for moment in real if moment >= not_before]
        return min(ahead) if ahead else max(real)
    # ``wall`` is skipped by a forward jump. fold=1 maps it before the jump and fold=0 after;
    # the answer is the jump itself, found by bisection to the second.
    before, after = min(candidates), max(candidates)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        local = middle.astimezone(zone)
        if (local.date(), local.time()) >= (day, wall):
            after = middle
        else:
            before = middle
    return max(after.replace(microsecond=0), not_before)


def next_allowed(now_utc: datetime, time_zone: str, quiet_start: time, quiet_end: time) -> datetime:
    """The first instant (in UTC) at or after ``now_utc`` outside the quiet hours.

    Returns ``now_utc`` (as UTC) when it is not quiet. ``time_zone`` is an IANA name such as
    ``Europe/Madrid``; an unknown name raises ``zoneinfo.ZoneInfoNotFoundError``.
    """
    now = _require_utc_aware(now_utc)
    _require_wall_time(quiet_start, "quiet_start")
    _require_wall_time(quiet_end, "quiet_end")
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if not is_quiet(wall, quiet_start, quiet_end):
        return now
    end_day = local.date()
    if quiet_start > quiet_end and wall >= quiet_start:
        end_day += timedelta(days=1)  # evening part of a window that ends tomorrow morning
    return _first_reaching(end_day, quiet_end, zone, now)


def week_key(now_utc: datetime, time_zone: str) -> str:
    """The ISO week of ``now_utc`` in the student's zone, e.g. ``2027-W05``.

    Weekly budgets count per key, so a week starts on Monday 00:00 where the student is.
    """
    local = _require_utc_aware(now_utc).astimezone(ZoneInfo(time_zone))
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"
