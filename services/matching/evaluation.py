"""Offline evaluation of the ranking against popularity and random baselines: the protocol.
Pure: no I/O, no clock.

Protocol
--------

1. **Time split.** Feedback is ordered by time; the earliest ``train_share`` (80%) is the
   training window, the rest the test window. Every training row is strictly older than every
   test row, and the evaluation happens at the split instant: ``now`` is the first test row's
   time.
2. **Ground truth.** For each student, the activities with a positive event (enrolled,
   attended, saved, rated 4+) in the test window and none in the training window, among the
   activities open at the split (published by then and not started). Students with at least
   one are evaluated.
3. **The model** sees the training window only: weights learned from it
   (:func:`services.matching.training.fit_model`), the collaborative signal fitted on it,
   and the student's training enrolments, saves and dismissals excluded. It recommends through
   :meth:`Ranker.recommend` as the service does: hard filters, then the learned score, then
   diversity across causes. The cold-start row is the same ranker with the default weights
   and no collaborative signal, to show what learning adds.
4. **Baselines** rank every open activity but the student's excluded ones: by the number of
   students with a positive event in training (popularity), or in a seeded random order.
5. **Metrics** over the top ``k``: precision (hits / k), recall (hits / relevant), NDCG with
   binary relevance, averaged over the evaluated students; catalogue coverage (share of the
   open activities recommended to at least one evaluated student); cause diversity (mean
   number of distinct ESN causes in a top-k list). A last column, ``AUC(shown)``, scores
   each method's ranking of the pairs shown in the test window (joined or not, pairs already
   positive in training left out): it measures the response to a suggestion, which is what
   the weights are fitted on, while the top-k metrics also reward guessing which activities
   students will come across in the test window.

The data usually comes from the synthetic world of :mod:`services.matching.simulation`; the
metrics are those of :mod:`services.matching.ranking_metrics`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from services.matching.collaborative import CoEnrolmentModel
from services.matching.index import ActivityIndex
from services.matching.learning import (
    FeedbackRow,
    TrainingSet,
    examples_from_feedback,
    is_positive,
    training_set,
)
from services.matching.ranking import Ranker
from services.matching.ranking_metrics import (
    DEFAULT_K,
    catalogue_coverage,
    cause_diversity,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from services.matching.signals import SIGNALS, Weights
from services.matching.student import SectionDirectory
from services.matching.training import FittedModel, at_ms, fit_model
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "TRAIN_SHARE",
    "Evaluation",
    "MethodScores",
    "Split",
    "evaluate",
    "new_positives",
    "time_split",
]

TRAIN_SHARE = 0.8

Kind = matching_pb2.FeedbackKind
Values = NDArray[np.float64]
_EXCLUDING = frozenset({Kind.FEEDBACK_KIND_DISMISSED})
"""Besides positives, what keeps an activity out of a student's list."""


# --- Split ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Split:
    """Feedback cut in time: every ``train`` row is older than ``split_ms``, no test row is."""

    train: list[FeedbackRow]
    test: list[FeedbackRow]
    split_ms: int

    @property
    def split_at(self) -> datetime:
        return datetime.fromtimestamp(self.split_ms / 1000, UTC)


def time_split(rows: Iterable[FeedbackRow], train_share: float = TRAIN_SHARE) -> Split:
    """The earliest ``train_share`` of ``rows`` by time for training, the rest for testing.

    Rows at the cut instant all go to the test side, so the training window ends strictly
    before the first test row.
    """
    if not 0 < train_share < 1:
        raise ValueError("train_share must be between 0 and 1")
    ordered = sorted(rows, key=at_ms)
    if not ordered:
        return Split([], [], 0)
    split_ms = at_ms(ordered[min(int(len(ordered) * train_share), len(ordered) - 1)])
    train = [row for row in ordered if at_ms(row) < split_ms]
    return Split(train, ordered[len(train) :], split_ms)


def new_positives(split: Split) -> dict[str, set[str]]:
    """Per student, activities with a positive event in the test window and none before."""
    before = {(r["student_id"], r["activity_id"]) for r in split.train if is_positive(r)}
    found: dict[str, set[str]] = {}
    for row in split.test:
        pair = (row["student_id"], row["activity_id"])
        if is_positive(row) and pair not in before:
            found.setdefault(pair[0], set()).add(pair[1])
    return found


def _excluded(train: Iterable[FeedbackRow]) -> dict[str, set[str]]:
    """Per student, activities positive or dismissed in training: no method suggests them."""
    found: dict[str, set[str]] = {}
    for row in train:
        if is_positive(row) or int(row["kind"]) in _EXCLUDING:
            found.setdefault(row["student_id"], set()).add(row["activity_id"])
    return found


# --- Evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MethodScores:
    name: str
    precision: float
    recall: float
    ndcg: float
    coverage: float
    cause_diversity: float
    shown_auc: float | None
    """AUC of the method's score on the test window's shown pairs (joined or not); None
    when they are all of one class."""

    def as_dict(self) -> dict[str, float | None]:
        return {
            "precision_at_k": round(self.precision, 4),
            "recall_at_k": round(self.recall, 4),
            "ndcg_at_k": round(self.ndcg, 4),
            "catalogue_coverage": round(self.coverage, 4),
            "cause_diversity": round(self.cause_diversity, 3),
            "shown_auc": None if self.shown_auc is None else round(self.shown_auc, 4),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    k: int
    students: int
    """Students evaluated: those with a profile and at least one test positive."""
    activities: int
    open_activities: int
    """Activities not started at the split: the candidates, and coverage's denominator."""
    train_rows: int
    test_rows: int
    shown_pairs: int
    """Test-window examples the AUC column is computed on."""
    split_at: datetime
    model: FittedModel
    methods: list[MethodScores] = field(default_factory=list)

    def method(self, name: str) -> MethodScores:
        (found,) = [m for m in self.methods if m.name == name]
        return found

    def as_dict(self) -> dict[str, object]:
        weights = self.model.weights
        return {
            "k": self.k,
            "students_evaluated": self.students,
            "activities": self.activities,
            "open_activities": self.open_activities,
            "feedback_train_rows": self.train_rows,
            "feedback_test_rows": self.test_rows,
            "test_shown_pairs": self.shown_pairs,
            "split_at": self.split_at.isoformat(),
            "weights": {name: round(weights.of(name), 4) for name in SIGNALS},
            "weights_learned_from": weights.learned_from,
            "weights_chosen": self.model.validation.chosen,
            "weights_held_back_joins": self.model.validation.held_back,
            "weights_hit_rates": self.model.validation.hit_rates,
            "collaborative_students": self.model.collaborative.students,
            "collaborative_settings": self.model.tuning.settings.describe(),
            "collaborative_hit_rate": round(self.model.tuning.hit_rate, 4),
            "popularity_hit_rate": round(self.model.tuning.popularity_hit_rate, 4),
            "methods": {m.name: m.as_dict() for m in self.methods},
        }

    def table(self) -> str:
        k = self.k
        header = (
            f"{'method':<12}{f'P@{k}':>8}{f'R@{k}':>8}{f'NDCG@{k}':>9}"
            f"{'coverage':>10}{f'causes@{k}':>11}{'AUC(shown)':>12}"
        )
        lines = [header, "-" * len(header)]
        for m in self.methods:
            auc = "-" if m.shown_auc is None else f"{m.shown_auc:.4f}"
            lines.append(
                f"{m.name:<12}{m.precision:>8.4f}{m.recall:>8.4f}{m.ndcg:>9.4f}"
                f"{m.coverage:>10.3f}{m.cause_diversity:>11.2f}{auc:>12}"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        weights = ", ".join(f"{name} {self.model.weights.of(name):.3f}" for name in SIGNALS)
        return "\n".join(
            [
                f"split at {self.split_at:%Y-%m-%d %H:%M} UTC: {self.train_rows} feedback rows "
                f"for training, {self.test_rows} for testing",
                f"{self.students} students evaluated; {self.open_activities} of "
                f"{self.activities} activities open at the split; {self.shown_pairs} "
                "shown pairs in the test window",
                f"weights ({self.model.validation.chosen}, {self.model.examples} examples): "
                f"{weights}",
                f"held-back hit rate@10 on {self.model.validation.held_back} joins: "
                + ", ".join(f"{n} {r:.3f}" for n, r in self.model.validation.hit_rates.items()),
                f"collaborative: {self.model.collaborative.students} students, "
                f"{self.model.tuning.settings.describe()} (held-back hit rate "
                f"{self.model.tuning.hit_rate:.3f}, popularity "
                f"{self.model.tuning.popularity_hit_rate:.3f})",
            ]
        )


Recommender = Callable[[str], list[str]]
Scorer = Callable[[Sequence[tuple[str, str]], NDArray[np.float64]], NDArray[np.float64]]
"""Scores of (student, activity) pairs, given their signals under the default weights."""


@dataclass(frozen=True, slots=True)
class _Method:
    name: str
    recommend: Recommender
    score: Scorer


def evaluate(
    activities: Iterable[catalogue_pb2.Activity],
    profiles: Mapping[str, matching_pb2.VolunteerProfile],
    feedback: Iterable[FeedbackRow],
    *,
    k: int = DEFAULT_K,
    train_share: float = TRAIN_SHARE,
    seed: int = 0,
    sections: SectionDirectory | None = None,
) -> Evaluation:
    """Scores the model, the cold-start ranker, popularity and random (see the module doc).

    ``activities``: every activity the feedback may be about, as it was while published
    (only PUBLISHED ones are indexed, and not those with a ``published_at`` after the split),
    with seat counts that do not reflect test-window enrolments.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    split = time_split(feedback, train_share)
    now = split.split_at
    index = ActivityIndex()
    for item in activities:
        if not item.HasField("published_at") or item.published_at.seconds <= now.timestamp():
            index.apply(item)
    model = fit_model(split.train, index, profiles, now, sections=sections, seed=seed)

    held = [index.activity_at(int(row)) for row in np.flatnonzero(index.columns.published)]
    open_ids = sorted(a.id for a in held if a.details.starts_at.seconds > now.timestamp())
    open_set = set(open_ids)
    causes_of = {a.id: list(a.details.causes) for a in held}
    relevant = {
        student: found
        for student, positives in new_positives(split).items()
        if student in profiles and (found := positives & open_set)
    }
    students = sorted(relevant)
    excluded = _excluded(split.train)
    trained_pairs = {(r["student_id"], r["activity_id"]) for r in split.train if is_positive(r)}
    shown = training_set(
        Ranker(index, Weights(), sections),
        profiles,
        [
            e
            for e in examples_from_feedback(split.test)
            if (e.student_id, e.activity_id) not in trained_pairs
        ],
        now,
    )
    methods = _methods(
        index, model, profiles, now, k, excluded, trained_pairs, open_ids, sections, seed
    )
    scores = [
        _score(
            method,
            students=students,
            relevant=relevant,
            k=k,
            catalogue=open_ids,
            causes_of=causes_of,
            shown=shown,
        )
        for method in methods
    ]
    return Evaluation(
        k=k,
        students=len(students),
        activities=len(index),
        open_activities=len(open_ids),
        train_rows=len(split.train),
        test_rows=len(split.test),
        shown_pairs=len(shown.pairs),
        split_at=now,
        model=model,
        methods=scores,
    )


def _methods(  # noqa: PLR0917  (one call site, in order)
    index: ActivityIndex,
    model: FittedModel,
    profiles: Mapping[str, matching_pb2.VolunteerProfile],
    now: datetime,
    k: int,
    excluded: Mapping[str, Set[str]],
    trained_pairs: Set[tuple[str, str]],
    open_ids: Sequence[str],
    sections: SectionDirectory | None,
    seed: int,
) -> list[_Method]:
    """The model, the cold-start ranker, popularity and random, as recommenders and scorers."""
    no_filter = matching_pb2.RecommendFilter()
    similar = SIGNALS.index("similar_students")

    def ranked(weights: Weights, collaborative: CoEnrolmentModel | None) -> _Method:
        ranker = Ranker(index, weights, sections)

        def recommend(student: str) -> list[str]:
            found = ranker.recommend(
                profiles[student],
                k,
                no_filter,
                now,
                excluded.get(student, frozenset()),
                collaborative.scores_for(student) if collaborative is not None else None,
            )
            return [r.activity.id for r in found.recommendations]

        def score(pairs: Sequence[tuple[str, str]], signals: NDArray[np.float64]) -> Values:
            signals = signals.copy()
            if collaborative is not None:
                known: dict[str, dict[str, float]] = {}
                for row, (student, activity_id) in enumerate(pairs):
                    if student not in known:
                        known[student] = collaborative.scores_for(student)
                    signals[row, similar] = known[student].get(activity_id, 0.0)
            return np.clip(signals @ weights.values, 0.0, 1.0)

        return _Method("cold_start" if collaborative is None else "model", recommend, score)

    popularity = Counter(activity_id for _, activity_id in trained_pairs)
    by_popularity = sorted(open_ids, key=lambda a: (-popularity[a], a))

    def popular(student: str) -> list[str]:
        skip = excluded.get(student, frozenset())
        return [a for a in by_popularity if a not in skip][:k]

    def popularity_score(pairs: Sequence[tuple[str, str]], _: Values) -> Values:
        return np.array([popularity[a] for _, a in pairs], np.float64)

    chance = random.Random(seed)

    def randomly(student: str) -> list[str]:
        skip = excluded.get(student, frozenset())
        pool = [a for a in open_ids if a not in skip]
        return chance.sample(pool, min(k, len(pool)))

    def random_score(pairs: Sequence[tuple[str, str]], _: Values) -> Values:
        return np.random.default_rng(seed).random(len(pairs))

    return [
        ranked(model.weights, model.collaborative),
        ranked(Weights(), None),
        _Method("popularity", popular, popularity_score),
        _Method("random", randomly, random_score),
    ]


def _score(
    method: _Method,
    *,
    students: Sequence[str],
    relevant: Mapping[str, Set[str]],
    k: int,
    catalogue: Collection[str],
    causes_of: Mapping[str, Collection[int]],
    shown: TrainingSet,
) -> MethodScores:
    lists = {student: method.recommend(student) for student in students}
    count = max(len(students), 1)

    def mean(metric: Callable[[Sequence[str], Set[str], int], float]) -> float:
        return sum(metric(lists[s], relevant[s], k) for s in students) / count

    auc = None
    if np.unique(shown.labels).size == 2:
        auc = float(roc_auc_score(shown.labels, method.score(shown.pairs, shown.signals)))
    return MethodScores(
        name=method.name,
        precision=mean(precision_at_k),
        recall=mean(recall_at_k),
        ndcg=mean(ndcg_at_k),
        coverage=catalogue_coverage(lists.values(), catalogue),
        cause_diversity=sum(cause_diversity(lists[s], causes_of) for s in students) / count,
        shown_auc=auc,
    )
