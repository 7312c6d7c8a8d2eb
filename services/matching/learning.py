"""Learning the signal weights from feedback. Pure: no I/O, no clock.

Feedback rows are what :meth:`MatchingStore.feedback_log` returns: ``student_id``,
``activity_id``, ``kind`` (a FeedbackKind number, as text), ``rating`` and ``at_ms``.

A (student, activity) pair is a positive example when the student enrolled, attended, saved
it or rated it 4 or more; a negative one when it was only shown or dismissed, with no
positive at any time in the rows given. Platforms that record joins only give positives, so
negatives are also sampled: activities drawn at random that the student did not join
(:func:`sampled_negatives`). Weights come from a logistic regression of the label on the
signals, its negative coefficients clipped to 0, normalised, and shrunk toward a prior (the
cold-start weights) the more the fewer examples there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from services.matching.collaborative import Interaction
from services.matching.ranking import Ranker
from services.matching.signals import SIGNALS, Weights
from socialerasmus.matching.v1.matching_pb2 import FeedbackKind, VolunteerProfile

__all__ = [
    "INTERACTION_STRENGTH",
    "MIN_EXAMPLES",
    "NEGATIVES_PER_POSITIVE",
    "NEGATIVE_KINDS",
    "POSITIVE_KINDS",
    "POSITIVE_RATING",
    "Example",
    "FeedbackRow",
    "TrainingSet",
    "examples_from_feedback",
    "interactions_from_feedback",
    "is_positive",
    "learn_weights",
    "sampled_negatives",
    "training_set",
]

FeedbackRow = Mapping[str, str]
"""One entry of the feedback log (see the module docstring)."""

POSITIVE_KINDS = frozenset(
    {
        FeedbackKind.FEEDBACK_KIND_ENROLLED,
        FeedbackKind.FEEDBACK_KIND_ATTENDED,
        FeedbackKind.FEEDBACK_KIND_SAVED,
    }
)
"""Kinds that are positive whatever their rating (RATED is positive from POSITIVE_RATING)."""
POSITIVE_RATING = 4
NEGATIVE_KINDS = frozenset({FeedbackKind.FEEDBACK_KIND_SHOWN, FeedbackKind.FEEDBACK_KIND_DISMISSED})
INTERACTION_STRENGTH: dict[int, float] = {
    FeedbackKind.FEEDBACK_KIND_SAVED: 0.5,
    FeedbackKind.FEEDBACK_KIND_ENROLLED: 1.0,
    FeedbackKind.FEEDBACK_KIND_ATTENDED: 1.0,
    FeedbackKind.FEEDBACK_KIND_RATED: 1.0,
}
"""How strongly a positive event ties a student to an activity (collaborative signal)."""
NEGATIVES_PER_POSITIVE = 3
"""Activities sampled as not joined, per positive example."""
MIN_EXAMPLES = 20
"""Fewer examples than this, and the prior is returned as it is."""
_SIMILAR_STUDENTS = SIGNALS.index("similar_students")


def _kind(row: FeedbackRow) -> int:
    return int(row["kind"])


def is_positive(row: FeedbackRow) -> bool:
    """Enrolled, attended, saved, or rated POSITIVE_RATING or more."""
    kind = _kind(row)
    if kind == FeedbackKind.FEEDBACK_KIND_RATED:
        return int(row.get("rating") or 0) >= POSITIVE_RATING
    return kind in POSITIVE_KINDS


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled (student, activity) pair."""

    student_id: str
    activity_id: str
    label: int
    """1 positive, 0 negative."""
    at_ms: int
    """When the label was decided: the first positive event, or the last negative one."""


def examples_from_feedback(rows: Iterable[FeedbackRow]) -> list[Example]:
    """One example per (student, activity) pair with a positive, shown or dismissed event:
    positive when any event of the pair is positive, else negative. Pairs with only other
    events (opened, a low rating) give none. Sorted by time, then student and activity."""
    first_positive: dict[tuple[str, str], int] = {}
    last_negative: dict[tuple[str, str], int] = {}
    for row in rows:
        pair = (row["student_id"], row["activity_id"])
        at_ms = int(row["at_ms"])
        if is_positive(row):
            first_positive[pair] = min(at_ms, first_positive.get(pair, at_ms))
        elif _kind(row) in NEGATIVE_KINDS:
            last_negative[pair] = max(at_ms, last_negative.get(pair, at_ms))
    examples = [Example(s, a, 1, at_ms) for (s, a), at_ms in first_positive.items()]
    examples += [
        Example(s, a, 0, at_ms)
        for (s, a), at_ms in last_negative.items()
        if (s, a) not in first_positive
    ]
    examples.sort(key=lambda e: (e.at_ms, e.student_id, e.activity_id))
    return examples


def sampled_negatives(
    examples: Sequence[Example],
    activity_ids: Sequence[str],
    *,
    per_positive: int = NEGATIVES_PER_POSITIVE,
    seed: int = 0,
) -> list[Example]:
    """For each positive of ``examples``, ``per_positive`` activities of ``activity_ids``
    drawn uniformly, as negatives at the positive's time: the student has no example of
    them (no positive, nothing shown), and each is drawn once per student."""
    if not activity_ids:
        return []
    rng = np.random.default_rng(seed)
    known: dict[str, set[str]] = {}
    for example in examples:
        known.setdefault(example.student_id, set()).add(example.activity_id)
    negatives: list[Example] = []
    for example in examples:
        if example.label != 1:
            continue
        taken = known[example.student_id]
        drawn = _draw_untaken(rng, activity_ids, taken, per_positive)
        taken.update(drawn)
        negatives += [Example(example.student_id, a, 0, example.at_ms) for a in drawn]
    return negatives


def _draw_untaken(
    rng: np.random.Generator, activity_ids: Sequence[str], taken: set[str], wanted: int
) -> list[str]:
    """Up to ``wanted`` distinct ids of ``activity_ids`` not in ``taken``, drawn uniformly:
    by rejection while most are free, from the free ones listed otherwise."""
    if len(taken) * 2 < len(activity_ids):
        drawn: list[str] = []
        while len(drawn) < wanted:
            activity_id = activity_ids[int(rng.integers(len(activity_ids)))]
            if activity_id not in taken and activity_id not in drawn:
                drawn.append(activity_id)
        return drawn
    free = [a for a in activity_ids if a not in taken]
    if not free:
        return []
    chosen = rng.choice(len(free), min(wanted, len(free)), replace=False)
    return [free[int(n)] for n in chosen]


def interactions_from_feedback(rows: Iterable[FeedbackRow]) -> list[Interaction]:
    """(student, activity, strength, first positive time) of every pair with a positive
    event, its strongest one counting (see INTERACTION_STRENGTH), for
    :class:`CoEnrolmentModel`."""
    strengths: dict[tuple[str, str], float] = {}
    first_at: dict[tuple[str, str], int] = {}
    for row in rows:
        if is_positive(row):
            pair = (row["student_id"], row["activity_id"])
            strength = INTERACTION_STRENGTH[_kind(row)]
            strengths[pair] = max(strength, strengths.get(pair, 0.0))
            at_ms = int(row["at_ms"])
            first_at[pair] = min(at_ms, first_at.get(pair, at_ms))
    return [
        Interaction(s, a, strength, first_at[(s, a)])
        for (s, a), strength in sorted(strengths.items())
    ]


class TrainingSet(NamedTuple):
    signals: NDArray[np.float64]
    """One row per example, one column per name of SIGNALS."""
    labels: NDArray[np.int64]
    pairs: list[tuple[str, str]]
    """(student id, activity id) of each row."""


def training_set(
    ranker: Ranker,
    profiles: Mapping[str, VolunteerProfile],
    examples: Sequence[Example],
    now: datetime,
    collaborative: Callable[[str], Mapping[str, float]] | None = None,
) -> TrainingSet:
    """The signals (one row per example the ranker can score), labels and pairs of
    ``examples``, grouped by student.

    Examples of students without a profile, or of activities no longer in the index, are
    left out. ``collaborative(student_id)`` gives the similar-students signal per activity;
    pass one fitted only on feedback from before the examples, or it reads their labels.
    """
    by_student: dict[str, dict[str, int]] = {}
    for example in examples:
        if example.student_id in profiles:
            by_student.setdefault(example.student_id, {})[example.activity_id] = example.label
    blocks: list[NDArray[np.float64]] = []
    labels: list[int] = []
    pairs: list[tuple[str, str]] = []
    for student_id, labelled in by_student.items():
        found, signals = ranker.signals_for(profiles[student_id], list(labelled), now)
        if not found:
            continue
        if collaborative is not None:
            scores = collaborative(student_id)
            if scores:
                column = [scores.get(activity_id, 0.0) for activity_id in found]
                signals[:, _SIMILAR_STUDENTS] = np.clip(column, 0.0, 1.0)
        blocks.append(signals)
        labels.extend(labelled[activity_id] for activity_id in found)
        pairs.extend((student_id, activity_id) for activity_id in found)
    if not blocks:
        return TrainingSet(np.zeros((0, len(SIGNALS))), np.zeros(0, np.int64), [])
    return TrainingSet(np.vstack(blocks), np.array(labels, np.int64), pairs)


def learn_weights(
    signals: NDArray[np.float64],
    labels: NDArray[np.int64],
    prior: Weights,
    prior_strength: float = 200.0,
) -> Weights:
    """Weights that separate positive from negative examples, shrunk toward ``prior``.

    ``signals``: one row per example, one column per name of SIGNALS; ``labels``: 1 or 0.
    A class-balanced logistic regression's coefficients, clipped at 0 and normalised, are
    blended with the prior as ``n / (n + prior_strength)`` of the learned weights. With fewer
    than MIN_EXAMPLES examples, a single class, or no positive coefficient, the prior is
    returned unchanged (the cold start).
    """
    if signals.shape != (labels.shape[0], len(SIGNALS)):
        raise ValueError(f"signals must be (n, {len(SIGNALS)}) with one label per row")
    if prior_strength < 0:
        raise ValueError("prior_strength must not be negative")
    n = int(labels.shape[0])
    if n < MIN_EXAMPLES or np.unique(labels).size < 2:
        return prior
    # Imported here: scikit-learn takes seconds to import, which a serving process would pay
    # at every start while refits run in their own process
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    model = LogisticRegression(class_weight="balanced", max_iter=1000)
    model.fit(signals, labels)
    coefficients = np.clip(np.asarray(model.coef_[0], np.float64), 0.0, None)
    if coefficients.sum() <= 0:
        return prior
    learned = coefficients / coefficients.sum()
    share = n / (n + prior_strength)
    return Weights(share * learned + (1 - share) * prior.values, learned_from=n)
