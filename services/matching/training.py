"""Fitting the ranking model from feedback: the collaborative signal, then the weights.

Used by the live service (services.matching.model) and by the offline evaluation, so both
learn the same way. Feedback ordered by time is cut into three windows: the earliest
(*history*), the middle (*training*) and the latest HELD_BACK_SHARE (*held back*).

1. **Collaborative models** (:func:`prepare`, pure counting over the feedback alone, so the
   service runs it in another process): one fitted on the history gives the
   similar-students column of the training examples, so no example reads its own label; one
   fitted on everything before the held-back window scores the validation; one fitted on
   everything is served. Each is tuned by :func:`services.matching.collaborative.fit_tuned`.
2. **Training examples** from the training window: positives, the pairs shown or dismissed
   without a join, and NEGATIVES_PER_POSITIVE sampled activities per positive, so that
   positive-only feedback (joins alone) teaches too. At most MAX_TRAINING_POSITIVES
   positives, of a seeded sample of students.
3. **Candidate weights**: those in use, the cold-start ones, and logistic regressions on the
   shown negatives, on the sampled ones and on both, each blended with the cold start at
   BLEND_SHARES.
4. **Validation**: for each student with held-back joins (at most MAX_HELD_BACK_JOINS
   joins), every activity ``recommend`` would weigh for them at the start of the held-back
   window (earlier joins left out, full activities kept), and the share of their held-back
   joins each candidate ranks in the top 10 (ties broken at random), averaged over students.
   Diversity is left out: it reorders the top, not what reaches it.
5. **Choice**: the candidate with the best figure, if it beats the weights in use by more
   than SIGNIFICANCE standard errors of the paired difference; else the weights in use.
   A refit is adopted only when it does better on held-back feedback than what is serving.

:func:`refit` yields where the caller may run other work (a :class:`Pause`), run a step in
another process (an :class:`Offload`) or fetch profiles (a :class:`NeedProfiles`), so the
same steps serve the live service (:mod:`services.matching.model`) and the offline
evaluation (:func:`fit_model`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from services.matching.collaborative import (
    CoEnrolmentModel,
    KeyedModel,
    Tuning,
    fit_tuned,
    top_k_chance,
)
from services.matching.index import ActivityIndex
from services.matching.learning import (
    Example,
    FeedbackRow,
    examples_from_feedback,
    interactions_from_feedback,
    learn_weights,
    sampled_negatives,
)
from services.matching.ranking import Ranker
from services.matching.signals import SIGNALS, Weights
from services.matching.student import SectionDirectory
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "BLEND_SHARES",
    "HELD_BACK_SHARE",
    "MAX_HELD_BACK_JOINS",
    "MAX_TRAINING_POSITIVES",
    "Candidate",
    "FeedbackSource",
    "FittedModel",
    "NeedProfiles",
    "Offload",
    "Pause",
    "Prepared",
    "Validation",
    "at_ms",
    "fit_model",
    "prepare",
    "refit",
    "run_inline",
    "weight_candidates",
]

HELD_BACK_SHARE = 0.2
"""The latest share of the feedback held back to validate the weights."""
MAX_HELD_BACK_JOINS = 3_000
"""Held-back joins validated on at most (a seeded sample): each student's rank a whole
catalogue."""
MAX_TRAINING_POSITIVES = 5_000
"""Positive training examples at most; six weights need no more."""
SIGNIFICANCE = 2.0
"""Standard errors by which a candidate must beat the weights in use on held-back joins:
a gain within the noise of the sample is not a gain."""
BLEND_SHARES = (0.25, 0.5, 1.0)
"""Shares of a regression's weights, the rest the cold start's, tried as candidates."""
_SLICE_SECONDS = 0.002
"""Work done between two pauses at most, about (a student's signals are not cut)."""
_SIMILAR_STUDENTS = SIGNALS.index("similar_students")

Profiles = Mapping[str, matching_pb2.VolunteerProfile]
FeedbackSource = Sequence[FeedbackRow] | Callable[[], Sequence[FeedbackRow]]
"""The feedback rows, or a picklable callable reading them where :func:`prepare` runs."""
T = TypeVar("T")


class _Slices:
    """Says when a slice of work is used up: the clock here only paces the pauses."""

    def __init__(self) -> None:
        self._since = time.perf_counter()

    def used_up(self) -> bool:
        now = time.perf_counter()
        if now - self._since < _SLICE_SECONDS:
            return False
        self._since = now
        return True


def at_ms(row: FeedbackRow) -> int:
    return int(row["at_ms"])


# --- What the steps yield -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pause:
    """The caller may let other work run here."""


@dataclass(frozen=True, slots=True)
class Offload:
    """A pure, CPU-bound step the caller may run in another process; send back its result."""

    function: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class NeedProfiles:
    """Send back the profiles of these students (those that exist)."""

    student_ids: tuple[str, ...]


Step = Pause | Offload | NeedProfiles


def run_inline(steps: Generator[Step, Any, T], profiles: Profiles) -> T:
    """Runs the steps here and now, profiles read from ``profiles``."""
    reply: Any = None
    while True:
        try:
            step = steps.send(reply)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        if isinstance(step, Offload):
            reply = step.function(*step.args)
        elif isinstance(step, NeedProfiles):
            reply = {s: profiles[s] for s in step.student_ids if s in profiles}
        else:
            reply = None


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    weights: Weights


@dataclass(frozen=True, slots=True)
class Validation:
    """How the weights were chosen."""

    held_back: int
    """Held-back joins the candidates were ranked on."""
    hit_rates: dict[str, float]
    """Hit rate at 10 per candidate name, among them ``in_use`` and ``cold_start``."""
    chosen: str
    """The candidate adopted; ``in_use`` when none did better."""

    @property
    def adopted(self) -> bool:
        return self.chosen != "in_use"


@dataclass(frozen=True, slots=True)
class FittedModel:
    """What the model learned from the feedback."""

    weights: Weights
    collaborative: CoEnrolmentModel
    examples: int
    """Labelled examples the candidate weights were fitted on."""
    feedback_rows: int
    tuning: Tuning
    """How the collaborative model served was tuned."""
    validation: Validation


# --- Step 1: counting, in another process --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExampleTable:
    """Training examples grouped by student, as flat columns: quick to send between
    processes, where a list of objects is slow to unpickle."""

    students: list[str]
    """One per group."""
    bounds: NDArray[np.int64]
    """Group ``g`` is rows ``bounds[g]`` to ``bounds[g + 1]``."""
    activity_ids: list[str]
    labels: NDArray[np.int64]
    sampled: NDArray[np.bool_]
    """Whether each row is a sampled negative (not from the feedback)."""
    similar: NDArray[np.float64]
    """The similar-students signal of each row, from the history alone."""

    @classmethod
    def of(
        cls, examples: Sequence[Example], sampled_from: int, similar: NDArray[np.float64]
    ) -> ExampleTable:
        order = sorted(range(len(examples)), key=lambda n: examples[n].student_id)
        students = [examples[n].student_id for n in order]
        starts = [n for n in range(len(order)) if n == 0 or students[n] != students[n - 1]]
        return cls(
            [students[n] for n in starts],
            np.array([*starts, len(order)], np.int64),
            [examples[n].activity_id for n in order],
            np.array([examples[n].label for n in order], np.int64),
            np.array([n >= sampled_from for n in order], bool),
            similar[order] if order else np.zeros(0),
        )


@dataclass(frozen=True, slots=True)
class Prepared:
    """What :func:`prepare` makes of the feedback."""

    training: ExampleTable
    held_back: list[Example]
    """Held-back joins to validate on."""
    held_back_from_ms: int
    """When the held-back window starts: the instant the validation recommends at."""
    joined_before: dict[str, set[str]]
    """Per held-back student, the activities joined before the held-back window."""
    validation_model: CoEnrolmentModel
    model: CoEnrolmentModel
    tuning: Tuning
    feedback_rows: int


def prepare(feedback: FeedbackSource, activity_ids: Sequence[str], seed: int = 0) -> Prepared:
    """Windows, examples and the three collaborative models (see the module doc). Pure but
    for reading ``feedback`` when it is a callable, and picklable in and out, so it may run
    in another process."""
    ordered = sorted(feedback() if callable(feedback) else feedback, key=at_ms)
    held_from = len(ordered) - int(len(ordered) * HELD_BACK_SHARE)
    train_from = held_from // 2
    history, before = ordered[:train_from], ordered[:held_from]
    rng = np.random.default_rng(seed)

    examples = _bounded_positives(examples_from_feedback(ordered[train_from:held_from]), rng)
    sampled_from = len(examples)
    examples += sampled_negatives(examples, activity_ids, seed=seed)
    history_model, _ = fit_tuned(interactions_from_feedback(history), seed=seed)
    similar = _similar_column(history_model, examples)

    joined_before: dict[str, set[str]] = {}
    for interaction in interactions_from_feedback(before):
        joined_before.setdefault(interaction.student_id, set()).add(interaction.activity_id)
    held_back = [
        e
        for e in examples_from_feedback(ordered[held_from:])
        if e.label == 1 and e.activity_id not in joined_before.get(e.student_id, set())
    ]
    if len(held_back) > MAX_HELD_BACK_JOINS:
        chosen = np.sort(rng.choice(len(held_back), MAX_HELD_BACK_JOINS, replace=False))
        held_back = [held_back[n] for n in chosen]
    validation_model, _ = fit_tuned(interactions_from_feedback(before), seed=seed)
    model, tuning = fit_tuned(interactions_from_feedback(ordered), seed=seed)
    return Prepared(
        ExampleTable.of(examples, sampled_from, similar),
        held_back,
        at_ms(ordered[held_from]) if held_from < len(ordered) else 0,
        {e.student_id: joined_before.get(e.student_id, set()) for e in held_back},
        validation_model,
        model,
        tuning,
        len(ordered),
    )


def _bounded_positives(examples: list[Example], rng: np.random.Generator) -> list[Example]:
    """All examples of a seeded sample of students holding at most MAX_TRAINING_POSITIVES
    positives between them."""
    positives = sum(e.label for e in examples)
    if positives <= MAX_TRAINING_POSITIVES:
        return examples
    per_student: dict[str, int] = {}
    for example in examples:
        per_student[example.student_id] = per_student.get(example.student_id, 0) + example.label
    students = sorted(per_student)
    kept: set[str] = set()
    counted = 0
    for n in rng.permutation(len(students)):
        kept.add(students[n])
        counted += per_student[students[n]]
        if counted >= MAX_TRAINING_POSITIVES:
            break
    return [e for e in examples if e.student_id in kept]


def _similar_column(model: CoEnrolmentModel, examples: Sequence[Example]) -> NDArray[np.float64]:
    column = np.zeros(len(examples))
    scores: dict[str, dict[str, float]] = {}
    for n, example in enumerate(examples):
        if example.student_id not in scores:
            scores[example.student_id] = model.scores_for(example.student_id)
        column[n] = scores[example.student_id].get(example.activity_id, 0.0)
    return column


# --- Steps 2 to 5 ---------------------------------------------------------------------------


def refit(
    feedback: FeedbackSource,
    index: ActivityIndex,
    now: datetime,
    *,
    in_use: Weights,
    prior: Weights | None = None,
    sections: SectionDirectory | None = None,
    seed: int = 0,
) -> Generator[Step, Any, FittedModel]:
    """The model fitted on ``feedback`` (see the module doc), as steps to drive.

    ``in_use``: the weights serving, as they act: without the similar-students signal when
    no collaborative model is serving."""
    prior = prior or Weights()
    prepared: Prepared = yield Offload(prepare, (feedback, index.activity_ids(), seed))
    students = set(prepared.training.students) | {e.student_id for e in prepared.held_back}
    profiles: Profiles = yield NeedProfiles(tuple(sorted(students)))
    ranker = Ranker(index, prior, sections)

    signals, labels, shown = yield from _training_signals(ranker, prepared, profiles, now)
    candidates: list[Candidate] = yield Offload(
        weight_candidates, (signals, labels, shown, prior, in_use)
    )
    validation = yield from _validate(ranker, index, prepared, profiles, candidates)
    chosen = next(c.weights for c in candidates if c.name == validation.chosen)
    return FittedModel(
        chosen,
        prepared.model,
        int(labels.shape[0]),
        prepared.feedback_rows,
        prepared.tuning,
        validation,
    )


def _training_signals(
    ranker: Ranker, prepared: Prepared, profiles: Profiles, now: datetime
) -> Generator[Step, Any, tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]]:
    """Signals, labels, and whether each negative was shown (not sampled)."""
    table = prepared.training
    blocks: list[NDArray[np.float64]] = []
    taken: list[NDArray[np.int64]] = []
    slices = _Slices()
    for group, student in enumerate(table.students):
        profile = profiles.get(student)
        if profile is None:
            continue
        first, end = int(table.bounds[group]), int(table.bounds[group + 1])
        wanted = {table.activity_ids[n]: n for n in range(first, end)}
        found, block = ranker.signals_for(profile, list(wanted), now)
        if found:
            rows = np.array([wanted[a] for a in found], np.int64)
            block[:, _SIMILAR_STUDENTS] = table.similar[rows]
            blocks.append(block)
            taken.append(rows)
        if slices.used_up():
            yield Pause()
    if not blocks:
        return np.zeros((0, len(SIGNALS))), np.zeros(0, np.int64), np.zeros(0, bool)
    rows = np.concatenate(taken)
    return np.vstack(blocks), table.labels[rows], ~table.sampled[rows]


def weight_candidates(
    signals: NDArray[np.float64],
    labels: NDArray[np.int64],
    shown: NDArray[np.bool_],
    prior: Weights,
    in_use: Weights,
) -> list[Candidate]:
    """The candidate weights of the module doc (step 3). Pure: may run in another process."""
    candidates = [
        Candidate("in_use", in_use),
        Candidate("cold_start", prior),
        Candidate("cold_start without similar students", prior.without("similar_students")),
    ]
    positive = labels == 1
    subsets = {
        "shown": positive | (shown & ~positive),
        "sampled": positive | (~shown & ~positive),
        "shown+sampled": np.ones(labels.shape, bool),
    }
    for name, rows in subsets.items():
        learned = learn_weights(signals[rows], labels[rows], prior, prior_strength=0.0)
        if learned is prior:
            continue
        for share in BLEND_SHARES:
            values = share * learned.values + (1 - share) * prior.values
            weights = Weights(values, learned_from=int(rows.sum()))
            candidates.append(Candidate(f"{name} x{share:g}", weights))
    return candidates


def _validate(
    ranker: Ranker,
    index: ActivityIndex,
    prepared: Prepared,
    profiles: Profiles,
    candidates: Sequence[Candidate],
) -> Generator[Step, Any, Validation]:
    matrix = np.column_stack([c.weights.values for c in candidates])
    split = datetime.fromtimestamp(prepared.held_back_from_ms / 1000, UTC)
    keyed = KeyedModel(
        prepared.validation_model, index.keys_of(prepared.validation_model.activity_ids)
    )
    joins: dict[str, list[int]] = {}
    for join in prepared.held_back:
        target = index.row_of(join.activity_id)
        if join.student_id in profiles and target is not None:
            joins.setdefault(join.student_id, []).append(target)
    hits: list[NDArray[np.float64]] = []  # per join, one column per candidate
    slices = _Slices()
    for student, targets in joins.items():
        rows, signals = ranker.candidate_signals(
            profiles[student],
            split,
            prepared.joined_before.get(student, set()),
            keyed.scores_for(student),
        )
        scores = np.clip(signals @ matrix, 0.0, 1.0)
        # One row per candidate weights: where each held-back join ranks under them.
        by_candidate = scores.T
        found = [
            top_k_chance(by_candidate, mine)
            for mine in scores[np.flatnonzero(np.isin(rows, targets))]
        ]
        if found:  # the student's recall: each student counts once, however many joins
            hits.append(np.mean(found, axis=0))
        if slices.used_up():
            yield Pause()
    table = np.vstack(hits) if hits else np.zeros((0, len(candidates)))
    return Validation(
        int(table.shape[0]),
        {c.name: round(float(r), 4) for c, r in zip(candidates, _means(table), strict=True)},
        candidates[_chosen(table)].name,
    )


def _means(table: NDArray[np.float64]) -> NDArray[np.float64]:
    if table.shape[0] == 0:
        return np.zeros(table.shape[1])
    means: NDArray[np.float64] = table.mean(axis=0)
    return means


def _chosen(table: NDArray[np.float64]) -> int:
    """The column (0 is the weights in use) with the best mean hit, if it beats column 0 by
    more than SIGNIFICANCE standard errors of their paired difference; else 0."""
    if table.shape[0] < 2:
        return 0
    best = int(np.argmax(_means(table)))
    gain = table[:, best] - table[:, 0]
    error = float(gain.std(ddof=1)) / np.sqrt(gain.size)
    return best if float(gain.mean()) > SIGNIFICANCE * error and gain.mean() > 0 else 0


def fit_model(
    train: Sequence[FeedbackRow],
    index: ActivityIndex,
    profiles: Profiles,
    now: datetime,
    *,
    prior: Weights | None = None,
    in_use: Weights | None = None,
    sections: SectionDirectory | None = None,
    seed: int = 0,
) -> FittedModel:
    """The model fitted on ``train`` alone, here and now. ``in_use`` defaults to what a
    service serves before its first refit: the prior with no similar-students signal, as it
    has no collaborative model yet."""
    prior = prior or Weights()
    in_use = in_use or prior.without("similar_students")
    steps = refit(train, index, now, in_use=in_use, prior=prior, sections=sections, seed=seed)
    return run_inline(steps, profiles)
