"""The collaborative signal: what students who joined the same activities joined too.

Pure: no I/O, no clock. Made for implicit, positive-only feedback (enrolled, attended,
saved; see :func:`services.matching.learning.interactions_from_feedback`), where most
students join one or two activities and a few activities draw most joins.

For a student who joined activities ``H``, activity ``j`` scores

    mean over i in H of  (co_joins(i, j) + m * share(j)) / (joins(i) + m)   +   beta * share(j)

``share(j)`` is ``j``'s share of all joins. The first term is the chance that a student who
joined ``i`` joined ``j`` too, smoothed toward popularity by ``m`` pseudo-joins, so a rarely
joined ``i`` says little and a much joined one says a lot; ``beta`` adds popularity on top.
A student with no history scores by popularity alone. Each activity keeps only its
NEIGHBOURS most co-joined others. Scores are divided by the student's best, so the signal
lies in [0, 1] and the best activity reads 1.

How much to trust co-joins over popularity depends on the data, so :func:`fit_tuned` picks
``m`` and ``beta`` (popularity alone among the choices) by the hit rate on the latest joins
held back, then refits on everything. A truncated SVD, scored by cosine or dot product,
ranked far below popularity on such data; see docs/design-notes.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_SETTINGS",
    "HELD_BACK_SHARE",
    "NEIGHBOURS",
    "SETTINGS_TRIED",
    "TOP_K",
    "CoEnrolmentModel",
    "Interaction",
    "KeyedModel",
    "KeyedScores",
    "Settings",
    "Tuning",
    "fit_tuned",
    "hit_rate",
    "top_k_chance",
]

NEIGHBOURS = 100
"""Co-joined activities kept per activity: the most co-joined; the rest weigh too little."""
HELD_BACK_SHARE = 0.1
"""Share of the latest joins held back to choose the settings."""
MAX_HELD_BACK = 2_000
"""Held-back joins scored at most (a seeded sample), which bounds the time to tune."""
TOP_K = 10
"""The hit rate counts a held-back join found in the top this many."""
_CHUNK = 256
"""Held-back students scored together."""


class Interaction(NamedTuple):
    student_id: str
    activity_id: str
    strength: float
    at_ms: int = 0


@dataclass(frozen=True, slots=True)
class Settings:
    smoothing: float | None
    """Pseudo-joins ``m`` toward popularity; None scores popularity alone."""
    popularity: float = 0.0
    """``beta``, popularity added on top of the co-joins."""

    def describe(self) -> str:
        if self.smoothing is None:
            return "popularity"
        return f"co-joins (m={self.smoothing:g}) + {self.popularity:g} x popularity"


DEFAULT_SETTINGS = Settings(smoothing=10.0, popularity=0.5)
SETTINGS_TRIED: tuple[Settings, ...] = (
    Settings(None),
    *(Settings(m, beta) for m in (0.0, 10.0, 100.0) for beta in (0.0, 0.5, 2.0, 8.0)),
)


@dataclass(frozen=True, slots=True)
class CoEnrolmentModel:
    """Co-joins, popularity and each student's joins, as seen in training.

    Build it with :meth:`fit` or :func:`fit_tuned`; an empty model (no joins) scores nothing.
    """

    activity_ids: tuple[str, ...]
    """Activities joined in training, the ones :meth:`scores_for` scores, in column order."""
    student_rows: dict[str, int]
    joined: sp.csr_matrix
    """Students x activities: the strongest strength of each pair joined."""
    follows: sp.csr_matrix
    """Activities x activities: ``co_joins(i, j) / (joins(i) + m)``, NEIGHBOURS per row."""
    smoothed: NDArray[np.float64]
    """Per activity ``i``: ``m / (joins(i) + m)``, the weight of popularity in its term."""
    share: NDArray[np.float64]
    """Each activity's share of all joins."""
    settings: Settings = field(default=DEFAULT_SETTINGS)

    @classmethod
    def empty(cls) -> CoEnrolmentModel:
        nothing = sp.csr_matrix((0, 0))
        return cls((), {}, nothing, nothing, np.zeros(0), np.zeros(0))

    @classmethod
    def fit(
        cls,
        interactions: Iterable[Interaction | tuple[str, str, float]],
        settings: Settings = DEFAULT_SETTINGS,
        *,
        neighbours: int = NEIGHBOURS,
    ) -> CoEnrolmentModel:
        """Count the interactions (a repeated pair keeps its strongest strength; strength 0
        or less is ignored)."""
        if neighbours < 1:
            raise ValueError("neighbours must be positive")
        kept = [(i[0], i[1], float(i[2])) for i in interactions if i[2] > 0]
        if not kept:
            return cls.empty()
        student_ids, student_rows = np.unique([s for s, _, _ in kept], return_inverse=True)
        activity_ids, activity_rows = np.unique([a for _, a, _ in kept], return_inverse=True)
        strengths = np.array([w for _, _, w in kept])
        joined = _strongest_per_pair(
            strengths, student_rows, activity_rows, (student_ids.size, activity_ids.size)
        )
        binary = joined.copy()
        binary.data[:] = 1.0
        joins = np.asarray(binary.sum(axis=0), np.float64).ravel()
        co_joins = (binary.T @ binary).tocsr()
        co_joins.setdiag(0)
        co_joins.eliminate_zeros()
        co_joins = _top_per_row(co_joins, neighbours)
        m = settings.smoothing if settings.smoothing is not None else 0.0
        denominators = joins + m
        follows = (sp.diags(1.0 / np.maximum(denominators, 1e-12)) @ co_joins).tocsr()
        return cls(
            tuple(activity_ids.tolist()),
            {student_id: row for row, student_id in enumerate(student_ids.tolist())},
            joined,
            follows,
            m / np.maximum(denominators, 1e-12),
            joins / joins.sum(),
            settings,
        )

    @property
    def students(self) -> int:
        return len(self.student_rows)

    @property
    def neighbour_pairs(self) -> int:
        """Co-joined pairs kept, a measure of the model's size."""
        return int(self.follows.nnz)

    def knows(self, student_id: str) -> bool:
        return student_id in self.student_rows

    def scores_for(self, student_id: str) -> dict[str, float]:
        """The signal per activity seen in training, in [0, 1] (see the module doc);
        popularity alone for a student not seen in training; empty for an empty model."""
        scores = self.normalised_scores(student_id)
        if scores is None:
            return {}
        return dict(zip(self.activity_ids, scores.tolist(), strict=True))

    def normalised_scores(self, student_id: str) -> NDArray[np.float64] | None:
        """What :meth:`scores_for` gives, as one value per column of :attr:`activity_ids`;
        None for an empty model."""
        row = self.student_rows.get(student_id)
        if row is None or not self.activity_ids:
            return self.popularity_scores()
        return _normalised(self.score_rows(self.joined[[row]])[0])

    def popularity_scores(self) -> NDArray[np.float64] | None:
        """The normalised scores of every student not seen in training; None for an empty
        model."""
        if not self.activity_ids:
            return None
        return _normalised(self.score_rows(sp.csr_matrix((1, len(self.share))))[0])

    def score_rows(self, histories: sp.csr_matrix) -> NDArray[np.float64]:
        """Unnormalised scores, one dense row per history (a row of :attr:`joined` or any
        students x activities matrix in the same columns)."""
        totals = np.asarray(histories.sum(axis=1), np.float64).ravel()
        popularity = np.broadcast_to(self.share, (histories.shape[0], self.share.size))
        if self.settings.smoothing is None:
            return np.array(popularity)
        safe = np.where(totals > 0, totals, 1.0)
        co_joined = np.asarray((histories @ self.follows).todense(), np.float64)
        prior_weight = np.where(
            totals > 0, (histories @ self.smoothed) / safe + self.settings.popularity, 1.0
        )
        result: NDArray[np.float64] = co_joined / safe[:, None] + prior_weight[:, None] * popularity
        return result


@dataclass(frozen=True, slots=True)
class KeyedScores:
    """One student's signal, read by activity key: the fast path of ranking, which finds
    a row's key in a column instead of looking ids up one by one."""

    values: NDArray[np.float64]
    """Per model column, in [0, 1]."""
    column_of_key: NDArray[np.int64]
    """Model column of each key, -1 for none."""

    def at_keys(self, keys: NDArray[np.int64]) -> NDArray[np.float64]:
        """The signal of each key, 0 for activities the model does not know."""
        columns = np.full(keys.shape, -1, np.int64)
        inside = (keys >= 0) & (keys < self.column_of_key.size)
        columns[inside] = self.column_of_key[keys[inside]]
        found = columns >= 0
        signal = np.zeros(keys.shape)
        signal[found] = self.values[columns[found]]
        return signal


class KeyedModel:
    """A model whose activities are found by key (e.g. :meth:`ActivityIndex.key_of`)."""

    def __init__(self, model: CoEnrolmentModel, keys: NDArray[np.int64]) -> None:
        """``keys``: the key of each of ``model.activity_ids``, in order."""
        if keys.shape != (len(model.activity_ids),):
            raise ValueError("one key per activity of the model")
        self.model = model
        self._column_of_key = np.full(int(keys.max()) + 1 if keys.size else 0, -1, np.int64)
        self._column_of_key[keys] = np.arange(keys.size)
        # Every student the model has not seen gets the same scores: popularity.
        self._popularity = model.popularity_scores()

    @classmethod
    def empty(cls) -> KeyedModel:
        return cls(CoEnrolmentModel.empty(), np.zeros(0, np.int64))

    def scores_for(self, student_id: str) -> KeyedScores | None:
        """The student's signal (see :meth:`CoEnrolmentModel.scores_for`); None when the
        model scores nothing."""
        if self.model.knows(student_id):
            values = self.model.normalised_scores(student_id)
        else:
            values = self._popularity
        return None if values is None else KeyedScores(values, self._column_of_key)


@dataclass(frozen=True, slots=True)
class Tuning:
    """How the settings were chosen."""

    settings: Settings
    hit_rate: float
    """Hit rate at 10 of the chosen settings on the held-back joins."""
    popularity_hit_rate: float
    """The same for popularity alone."""
    held_back: int
    """Held-back joins scored (those of students with earlier joins)."""


def fit_tuned(
    interactions: Sequence[Interaction],
    tried: Sequence[Settings] = SETTINGS_TRIED,
    *,
    seed: int = 0,
) -> tuple[CoEnrolmentModel, Tuning]:
    """The model with the settings of ``tried`` that find the most of the latest
    HELD_BACK_SHARE of joins (by ``at_ms``) from the earlier ones, refitted on all of
    ``interactions``. Popularity wins ties, then the earlier settings of ``tried``; with
    nothing to hold back, DEFAULT_SETTINGS."""
    positive = sorted((i for i in interactions if i.strength > 0), key=lambda i: i.at_ms)
    cut = len(positive) - int(len(positive) * HELD_BACK_SHARE)
    earlier, later = positive[:cut], positive[cut:]
    rates = [hit_rate(CoEnrolmentModel.fit(earlier, s), later, seed=seed) for s in tried]
    scored = rates[0][1] if rates else 0
    popularity = next(
        (rate for (rate, _), s in zip(rates, tried, strict=True) if s.smoothing is None), 0.0
    )
    if scored == 0:
        chosen, best = DEFAULT_SETTINGS, 0.0
    else:
        order = sorted(
            range(len(tried)),
            key=lambda n: (-rates[n][0], tried[n].smoothing is not None, n),
        )
        chosen, best = tried[order[0]], rates[order[0]][0]
    model = CoEnrolmentModel.fit(positive, chosen)
    return model, Tuning(chosen, best, popularity, scored)


def hit_rate(
    model: CoEnrolmentModel, held_back: Sequence[Interaction], *, seed: int = 0
) -> tuple[float, int]:
    """Share of held-back joins that ``model`` ranks in the top 10 (ties broken at random)
    of activities the student has not joined in training, and how many were scored: joins
    of students and activities the model knows, not joined in training; at most
    MAX_HELD_BACK, a seeded sample."""
    columns = {activity_id: n for n, activity_id in enumerate(model.activity_ids)}
    pairs = [
        (model.student_rows[i.student_id], column)
        for i in held_back
        if i.student_id in model.student_rows and (column := columns.get(i.activity_id)) is not None
    ]
    pairs = [(row, column) for row, column in pairs if model.joined[row, column] == 0]
    if len(pairs) > MAX_HELD_BACK:
        chosen = np.random.default_rng(seed).choice(len(pairs), MAX_HELD_BACK, replace=False)
        pairs = [pairs[n] for n in sorted(chosen)]
    if not pairs:
        return 0.0, 0
    hits = 0.0
    for start in range(0, len(pairs), _CHUNK):
        rows = np.array([row for row, _ in pairs[start : start + _CHUNK]])
        targets = np.array([column for _, column in pairs[start : start + _CHUNK]])
        histories = model.joined[rows]
        scores = model.score_rows(histories)
        scores[histories.nonzero()] = -np.inf
        hits += float(top_k_chance(scores, scores[np.arange(rows.size), targets]).sum())
    return hits / len(pairs), len(pairs)


def _normalised(scores: NDArray[np.float64]) -> NDArray[np.float64] | None:
    best = float(scores.max())
    return scores / best if best > 0 else None


def top_k_chance(
    scores: NDArray[np.float64], target: NDArray[np.float64], k: int = TOP_K
) -> NDArray[np.float64]:
    """For each row of ``scores`` (one score per item, the held-back item's among them), the
    chance that the item scoring ``target`` ranks in the top ``k`` when ties are broken at
    random."""
    above = (scores > target[:, None]).sum(axis=1)
    tied = (scores == target[:, None]).sum(axis=1)  # the item itself among them
    chance: NDArray[np.float64] = np.clip((k - above) / tied, 0.0, 1.0)
    return chance


def _strongest_per_pair(
    strengths: NDArray[np.float64],
    student_rows: NDArray[np.intp],
    activity_rows: NDArray[np.intp],
    shape: tuple[int, int],
) -> sp.csr_matrix:
    """Students x activities holding the strongest strength of each pair."""
    flat = student_rows.astype(np.int64) * shape[1] + activity_rows
    order = np.lexsort((-strengths, flat))
    first = np.ones(order.size, bool)
    first[1:] = flat[order][1:] != flat[order][:-1]
    keep = order[first]
    return sp.csr_matrix((strengths[keep], (student_rows[keep], activity_rows[keep])), shape=shape)


def _top_per_row(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """``matrix`` with only the ``keep`` largest entries of each row (ties by column)."""
    counts = np.diff(matrix.indptr)
    if counts.size == 0 or counts.max() <= keep:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(order.size) - np.repeat(matrix.indptr[:-1], counts)
    kept = order[rank < keep]
    return sp.csr_matrix(
        (matrix.data[kept], (rows[kept], matrix.indices[kept])), shape=matrix.shape
    )
