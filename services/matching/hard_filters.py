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
    # One call for both ends: the offset tables are looked up once
    local = local_seconds(np.concatenate((columns.starts[rows], columns.ends[rows])), time_zone)
    starts, ends = np.split(local + THURSDAY_TO_MONDAY, 2)
    # Seconds since the Monday 00:00 before the start (x - x // w * w is x % w, but faster),
    # and the end counted from the same Monday.
    start_in_week = starts - starts // WEEK_SECONDS * WEEK_SECONDS
    end_in_week = start_in_week + (ends - starts)
    openings, closings = _slot_bounds(slots)
    opened = np.searchsorted(openings, start_in_week, side="right") - 1
    return (opened >= 0) & (end_in_week <= closings[np.maximum(opened, 0)])


def _slot_bounds(
    slots: Sequence[matching_pb2.AvailabilitySlot],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Slot openings in seconds since Monday 00:00, ascending, and for each the latest closing
    of the slots opened by then: a span fits inside one slot iff it ends by the closing that
    goes with the last opening before its start."""
    bounds = sorted(
        (
            (s.weekday - 1) * DAY_SECONDS + s.start_minute * 60,
            (s.weekday - 1) * DAY_SECONDS + s.end_minute * 60,
        )
        for s in slots
    )
    openings = np.array([opening for opening, _ in bounds], np.int64)
    closings = np.maximum.accumulate(np.array([closing for _, closing in bounds], np.int64))
    return openings, closings


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
