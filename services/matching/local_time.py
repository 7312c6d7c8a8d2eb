"""Wall-clock time in a time zone for many instants at once, daylight saving included.

Ranking compares an activity's start and end with the weekly slots a student gave on their own
clock, for thousands of activities per request: per-year tables of UTC offset changes, found
once per zone and year, turn that into one comparison per change of offset between the
earliest and the latest instant (a zone changes once or twice a year).
"""

from __future__ import annotations

import bisect
import calendar
import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

__all__ = ["DAY_SECONDS", "THURSDAY_TO_MONDAY", "WEEK_SECONDS", "local_seconds"]

DAY_SECONDS = 86_400
WEEK_SECONDS = 7 * DAY_SECONDS
THURSDAY_TO_MONDAY = 3 * DAY_SECONDS
"""1970-01-01 was a Thursday: shifted by three days, epoch weeks start on Mondays."""
_YEAR_STARTS = (
    np.arange("1970", "10000", dtype="datetime64[Y]").astype("datetime64[s]").astype(np.int64)
)
"""Epoch seconds of 1 January 00:00 UTC of every year a Timestamp may hold, from 1970."""


def _utc_offset(zone: ZoneInfo, epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, zone).utcoffset() or timedelta()
    return int(offset.total_seconds())


def _change_instant(zone: ZoneInfo, low: int, high: int) -> int:
    """The first second after ``low`` with another UTC offset than ``low``; ``high`` has one."""
    offset = _utc_offset(zone, low)
    while high - low > 1:
        middle = (low + high) // 2
        if _utc_offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


@functools.lru_cache(maxsize=1024)
def _offset_changes(time_zone: str, year: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Instants (epoch seconds) in ``year`` from which the zone's UTC offset holds, with those
    offsets; the first is the start of the year. Found day by day, then to the second."""
    zone = ZoneInfo(time_zone)
    start = calendar.timegm((year, 1, 1, 0, 0, 0))
    end = calendar.timegm((year + 1, 1, 1, 0, 0, 0))
    instants, offsets = [start], [_utc_offset(zone, start)]
    before = start
    for probe in [*range(start + DAY_SECONDS, end, DAY_SECONDS), end - 1]:
        offset = _utc_offset(zone, probe)
        if offset != offsets[-1]:
            instants.append(_change_instant(zone, before, probe))
            offsets.append(offset)
        before = probe
    return np.array(instants, np.int64), np.array(offsets, np.int64)


def local_seconds(epochs: NDArray[np.int64], time_zone: str) -> NDArray[np.int64]:
    """Wall-clock time in ``time_zone`` of each instant, as seconds since 1970-01-01 00:00.

    Offsets come from per-year tables of the years between the earliest and the latest
    instant, so keep the instants of one call within a few years of each other.
    """
    if epochs.size == 0:
        return epochs.copy()
    earliest, latest = int(epochs.min()), int(epochs.max())
    instants, offsets = _changes_between(time_zone, _year_of(earliest), _year_of(latest))
    # The offset at the earliest instant, then one step per change up to the latest: a zone
    # changes its offset once or twice a year, so a comparison per change beats a search
    first = bisect.bisect_right(instants, earliest) - 1
    last = bisect.bisect_right(instants, latest)
    shifted: NDArray[np.int64] = epochs + offsets[first]
    for change in range(first + 1, last):
        shifted += (epochs >= instants[change]) * (offsets[change] - offsets[change - 1])
    return shifted


def _year_of(epoch: int) -> int:
    return int(np.searchsorted(_YEAR_STARTS, epoch, side="right")) - 1


@functools.lru_cache(maxsize=1024)
def _changes_between(
    time_zone: str, first_year: int, last_year: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The instants and offsets of :func:`_offset_changes` for the years ``first_year`` to
    ``last_year`` (counted from 1970), joined."""
    tables = [_offset_changes(time_zone, 1970 + year) for year in range(first_year, last_year + 1)]
    instants = np.concatenate([instants for instants, _ in tables])
    offsets = np.concatenate([offsets for _, offsets in tables])
    return tuple(instants.tolist()), tuple(offsets.tolist())
