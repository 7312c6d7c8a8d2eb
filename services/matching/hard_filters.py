"""The hard filters of a recommendation: each a small function over index columns returning,
for the rows given, whether each passes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from services.kernel import geo
from services.matching.index import ActivityColumns, Rows, cause_bits, sdg_bits
from services.matching.local_time import (
    DAY_SECONDS,
    THURSDAY_TO_MONDAY,
    WEEK_SECONDS,
    local_seconds,
)
from socialerasmus.common.v1 import common_pb2
from socialerasmus.matching.v1 import matching_pb2

Mask = NDArray[np.bool_]
Values = NDArray[np.float64]


def is_published(columns: ActivityColumns, rows: Rows) -> Mask:
    return columns.published[rows]


def has_not_started(columns: ActivityColumns, rows: Rows, now: int) -> Mask:
    return columns.starts[rows] > now


def has_seats(columns: ActivityColumns, rows: Rows, accept_waitlist: bool) -> Mask:
    """Seats left, or any activity when the student accepts a waitlist: the catalogue waitlists
    every enrolment beyond capacity until the activity starts, so every full activity that has
    passed :func:`is_published` and :func:`has_not_started` has an open waitlist."""
    if accept_waitlist:
        return np.ones(rows.size, np.bool_)
    return columns.seats_left[rows] > 0


def within_mobility_period(
    columns: ActivityColumns, rows: Rows, arrival: int | None, departure: int | None
) -> Mask:
    """Starts at or after arrival and ends by departure; an unset bound does not restrict."""
    mask = np.ones(rows.size, np.bool_)
    if arrival is not None:
        mask &= columns.starts[rows] >= arrival
    if departure is not None:
        mask &= columns.ends[rows] <= departure
    return mask


def within_weekly_availability(
    columns: ActivityColumns,
    rows: Rows,
    slots: Sequence[matching_pb2.AvailabilitySlot],
    time_zone: str,
) -> Mask:
    """Start to end, on the student's clock, fits inside one slot; no slots means any time."""
    if not slots:
        return np.ones(rows.size, np.bool_)
    starts = local_seconds(columns.starts[rows], time_zone) + THURSDAY_TO_MONDAY
    # The end on the same clock, counted from the start: a span that crosses a change of
    # offset is as long on the wall as it is in UTC plus the change
    lengths = local_seconds(columns.ends[rows], time_zone) + THURSDAY_TO_MONDAY - starts
    # Seconds since the Monday 00:00 before the start (x - x // w * w is x % w, but faster)
    start_in_week = starts - starts // WEEK_SECONDS * WEEK_SECONDS
    latest_end = latest_slot_ends(slots)[start_in_week // 60]
    fits: Mask = start_in_week + lengths <= latest_end
    return fits


def latest_slot_ends(slots: Sequence[matching_pb2.AvailabilitySlot]) -> NDArray[np.int64]:
    """For each minute of the week since Monday 00:00, the latest end (in seconds since Monday
    00:00) of the slots opened by then, -1 before the first: a span fits inside one slot iff it
    ends by the value at the minute it starts in. One lookup per activity, whatever the number
    of slots."""
    ends = np.full(WEEK_SECONDS // 60, -1, np.int64)
    for slot in slots:
        opening = (slot.weekday - 1) * DAY_SECONDS // 60 + slot.start_minute
        if 0 <= opening < ends.size:
            ends[opening] = max(
                ends[opening], (slot.weekday - 1) * DAY_SECONDS + slot.end_minute * 60
            )
    return np.maximum.accumulate(ends)


def distances_km(
    columns: ActivityColumns, rows: Rows, origin: tuple[float, float] | None
) -> Values:
    """Great-circle distances from ``origin``: NaN for online rows, inf for the others when
    there is no origin."""
    physical = ~columns.online[rows]
    distances = np.full(rows.size, np.nan)
    if origin is None:
        distances[physical] = np.inf
        return distances
    places = rows[physical]
    distances[physical] = geo.distances_km(
        origin[0], origin[1], columns.latitudes[places], columns.longitudes[places]
    )
    return distances


def within_distance(
    columns: ActivityColumns,
    rows: Rows,
    origin: tuple[float, float] | None,
    max_distance_km: float,
) -> Mask:
    """Online, or no further than ``max_distance_km`` from ``origin``."""
    return columns.online[rows] | (distances_km(columns, rows, origin) <= max_distance_km)


def shares_language(columns: ActivityColumns, rows: Rows, language_sets_shared: Mask) -> Mask:
    """``language_sets_shared``: per language set of the index, whether the student speaks
    one of its languages."""
    return language_sets_shared[columns.language_sets[rows]]


def not_excluded(rows: Rows, excluded_rows: Rows) -> Mask:
    """Not among ``excluded_rows``: activities the student enrolled in or dismissed, or that
    the request excludes."""
    return ~np.isin(rows, excluded_rows)


def has_any_cause(
    columns: ActivityColumns, rows: Rows, causes: Sequence[common_pb2.Cause.ValueType]
) -> Mask:
    mask: Mask = (columns.causes[rows] & cause_bits(causes)) != 0
    return mask


def has_any_sdg(columns: ActivityColumns, rows: Rows, sdgs: Sequence[int]) -> Mask:
    """Has at least one of the UN Sustainable Development Goals ``sdgs``."""
    mask: Mask = (columns.sdgs[rows] & np.uint32(sdg_bits(sdgs))) != 0
    return mask


def is_online(columns: ActivityColumns, rows: Rows) -> Mask:
    return columns.online[rows]


def starts_between(
    columns: ActivityColumns, rows: Rows, after: int | None, before: int | None
) -> Mask:
    """Starts at or after ``after`` and before ``before``; an unset bound does not restrict."""
    starts = columns.starts[rows]
    mask = np.ones(rows.size, np.bool_)
    if after is not None:
        mask &= starts >= after
    if before is not None:
        mask &= starts < before
    return mask


def in_week_edition(columns: ActivityColumns, rows: Rows, week_edition_id: int) -> Mask:
    return np.asarray(columns.week_editions[rows] == week_edition_id)
