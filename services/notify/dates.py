"""Dates and times as a student reads them: their own time zone, their own language.

A small formatter over a :class:`~services.notify.locales.Catalogue` (weekday, day, month
name and 24-hour HH:MM, plus the zone abbreviation or UTC offset), so that no system
locale or extra dependency is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.notify.locales import Catalogue

__all__ = ["format_date", "format_when", "load_zone", "zone_label"]

_SECONDS_PER_HOUR = 3600
_SECONDS_PER_MINUTE = 60


def load_zone(name: str) -> ZoneInfo | None:
    """The IANA zone of that name, or ``None`` when empty or unknown."""
    if not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_label(moment: datetime) -> str:
    """ "CEST", "GMT", "UTC" where the zone has a letter abbreviation, else "UTC+3"."""
    name = moment.tzname() or ""
    if name.isascii() and name.isalpha():
        return name
    offset = moment.utcoffset() or timedelta(0)
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), _SECONDS_PER_HOUR)
    minutes = rest // _SECONDS_PER_MINUTE
    if not hours and not minutes:
        return "UTC"
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def format_date(moment: datetime, catalogue: Catalogue) -> str:
    """The local date of ``moment``: "Saturday 12 April", "sobota, 12 kwietnia"."""
    day = catalogue.day_names.get(moment.day, str(moment.day))
    return catalogue.date_format.format(
        weekday=catalogue.weekdays[moment.weekday()],
        day=day,
        month=catalogue.months[moment.month - 1],
    )


def format_when(starts_at: datetime, ends_at: datetime, zone: tzinfo, catalogue: Catalogue) -> str:
    """When an activity takes place, in ``zone``: "Saturday 12 April, 10:00\u201313:00 CEST".

    A span over midnight names both days; an end not after the start is left out. The
    zone shown is the one at the start (a span over a daylight-saving change keeps it).
    """
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    values = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "zone": zone_label(start)}
    if end <= start:
        return catalogue.moment_format.format(date=format_date(start, catalogue), **values)
    if end.date() == start.date():
        return catalogue.range_format.format(date=format_date(start, catalogue), **values)
    return catalogue.span_format.format(
        start_date=format_date(start, catalogue),
        end_date=format_date(end, catalogue),
        **values,
    )
