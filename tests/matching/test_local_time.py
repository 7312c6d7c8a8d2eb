"""Wall-clock arithmetic of ranking against the standard library's zoneinfo: local times of
many instants at once, and whether activities fit a student's weekly slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.hard_filters import within_weekly_availability
from services.matching.local_time import local_seconds
from socialerasmus.matching.v1.matching_pb2 import AvailabilitySlot
from tests.matching.builders import activity, index_of

ZONES = (
    "UTC",
    "Europe/Madrid",
    "Europe/Dublin",  # its standard time is the summer one
    "Europe/Istanbul",  # no change since 2016
    "America/Sao_Paulo",  # changes until 2019 only
    "Australia/Lord_Howe",  # half-hour changes
    "Asia/Kolkata",
    "Pacific/Apia",  # skipped a whole day in 2011
)
EPOCH_2005 = int(datetime(2005, 1, 1, tzinfo=UTC).timestamp())
EPOCH_2035 = int(datetime(2035, 1, 1, tzinfo=UTC).timestamp())
WEEK_SECONDS = 7 * 86_400


def wall_clock(epoch: int, zone: str) -> datetime:
    """The local time of ``epoch`` in ``zone``, as a naive datetime."""
    return datetime.fromtimestamp(epoch, ZoneInfo(zone)).replace(tzinfo=None)


def seconds_since_1970(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    first=st.integers(EPOCH_2005, EPOCH_2035),
    spread=st.integers(0, 3 * 366 * 86_400),
    fractions=st.lists(st.floats(0, 1), min_size=1, max_size=40),
)
def test_local_seconds_agree_with_zoneinfo(
    zone: str, first: int, spread: int, fractions: list[float]
) -> None:
    epochs = np.array([first + int(f * spread) for f in fractions], np.int64)

    local = local_seconds(epochs, zone)

    assert local.tolist() == [seconds_since_1970(wall_clock(int(e), zone)) for e in epochs]


def fits_by_hand(
    starts: datetime, ends: datetime, slots: list[AvailabilitySlot], zone: str
) -> bool:
    """Inside one slot on the student's clock, the end counted from the start's Monday."""
    local_start = wall_clock(int(starts.timestamp()), zone)
    local_end = wall_clock(int(ends.timestamp()), zone)
    monday = datetime.combine(
        local_start.date() - timedelta(days=local_start.weekday()), datetime.min.time()
    )
    start_in_week = int((local_start - monday).total_seconds())
    end_in_week = int((local_end - monday).total_seconds())
    return any(
        (s.weekday - 1) * 86_400 + s.start_minute * 60 <= start_in_week
        and end_in_week <= (s.weekday - 1) * 86_400 + s.end_minute * 60
        for s in slots
    )


slot_strategy = st.builds(
    lambda weekday, start, length: AvailabilitySlot(
        weekday=weekday, start_minute=start, end_minute=min(start + length, 1440)
    ),
    st.integers(1, 7),
    st.integers(0, 1439),
    st.integers(1, 1440),
)


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    slots=st.lists(slot_strategy, min_size=1, max_size=8),
    spans=st.lists(
        st.tuples(st.integers(EPOCH_2005 // 60, EPOCH_2035 // 60), st.integers(1, 36 * 60)),
        min_size=1,
        max_size=6,
    ),
)
def test_weekly_availability_agrees_with_a_slot_by_slot_check(
    zone: str, slots: list[AvailabilitySlot], spans: list[tuple[int, int]]
) -> None:
    times = [
        (datetime.fromtimestamp(minute * 60, UTC), timedelta(minutes=length))
        for minute, length in spans
    ]
    index = index_of(
        *(
            activity(n, starts_at=starts, ends_at=starts + length)
            for n, (starts, length) in enumerate(times)
        )
    )
    rows = index.rows_of([activity(n).id for n in range(len(times))])

    fits = within_weekly_availability(index.columns, rows, slots, zone)

    assert fits.tolist() == [
        fits_by_hand(starts, starts + length, slots, zone) for starts, length in times
    ]
