"""The signals of a recommendation, each in [0, 1] for every candidate row: how well the
activity fits the student's causes, motivation, skills, reach and time left, and what
similar students joined. Their names and weights are in :mod:`~services.matching.signals`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from services.matching.collaborative import KeyedScores
from services.matching.hard_filters import distances_km
from services.matching.index import ActivityColumns, ActivityIndex, Rows
from services.matching.local_time import DAY_SECONDS
from services.matching.text import Query

Values = NDArray[np.float64]

ONLINE_PROXIMITY = 0.5
"""Proximity of an online activity: neither near nor far."""
DEPARTURE_HORIZON_DAYS = 60
"""An activity ending this many days or more before the student leaves is not urgent."""


def cause_signal(columns: ActivityColumns, rows: Rows, cause_table: Values) -> Values:
    """The student's strongest interest among the activity's causes."""
    return cause_table[columns.causes[rows]]


def motivation_signal(
    index: ActivityIndex,
    rows: Rows,
    motivation: Query,
    reference: ActivityIndex | None = None,
) -> Values:
    """BM25 relevance of the activity's text to the motivation, relative to the activity that
    matches it best (1); 0 without a motivation. ``reference``: the catalogue to weigh words
    by and to find that best activity in, when ``index`` is not the catalogue."""
    return index.text_relevance(rows, motivation, reference)


def skills_signal(columns: ActivityColumns, rows: Rows, skill_sets_share: Values) -> Values:
    """Share of the activity's wanted skills the student has (per skill set of the index)."""
    return skill_sets_share[columns.skill_sets[rows]]


def proximity_signal(
    columns: ActivityColumns,
    rows: Rows,
    origin: tuple[float, float] | None,
    max_distance_km: float,
) -> Values:
    """1 at the student's door, falling linearly to 0 at their maximum distance; online 0.5."""
    if max_distance_km > 0:
        distances = distances_km(columns, rows, origin)
        nearness = np.clip(1 - distances / max_distance_km, 0.0, 1.0)
    else:
        nearness = np.zeros(rows.size)
    return np.where(columns.online[rows], ONLINE_PROXIMITY, nearness)


def scarcity(columns: ActivityColumns, rows: Rows) -> Values:
    capacities = np.maximum(columns.capacities[rows], 1)
    return np.clip(1 - columns.seats_left[rows] / capacities, 0.0, 1.0)


def departure_nearness(columns: ActivityColumns, rows: Rows, departure: int | None) -> Values:
    if departure is None:
        return np.zeros(rows.size)
    days_left_after = (departure - columns.ends[rows]) / DAY_SECONDS
    return np.clip(1 - days_left_after / DEPARTURE_HORIZON_DAYS, 0.0, 1.0)


def urgency_signal(columns: ActivityColumns, rows: Rows, departure: int | None) -> Values:
    """Mean of scarcity (share of seats taken) and how soon the student leaves afterwards."""
    return (scarcity(columns, rows) + departure_nearness(columns, rows, departure)) / 2


Collaborative = Mapping[str, float] | KeyedScores
"""The similar-students signal of one student: per activity id, or by activity key."""


def similar_students_signal(
    index: ActivityIndex, rows: Rows, collaborative: Collaborative | None
) -> Values:
    """The caller's collaborative score of each row, clipped to [0, 1]; 0 when absent."""
    if isinstance(collaborative, KeyedScores):
        return np.clip(collaborative.at_keys(index.columns.keys[rows]), 0.0, 1.0)
    signal = np.zeros(rows.size)
    known = {
        row: value
        for activity_id, value in (collaborative or {}).items()
        if (row := index.row_of(activity_id)) is not None
    }
    if not known:
        return signal
    known_rows = np.fromiter(known, np.int64, len(known))
    order = np.argsort(known_rows)
    known_rows = known_rows[order]
    values = np.fromiter(known.values(), np.float64, len(known))[order]
    positions = np.minimum(np.searchsorted(known_rows, rows), known_rows.size - 1)
    found = known_rows[positions] == rows
    signal[found] = np.clip(values[positions[found]], 0.0, 1.0)
    return signal
