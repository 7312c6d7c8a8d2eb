"""Offline evaluation of the ranking against popularity and random baselines. Pure: no I/O,
no clock (the simulator takes its start date).

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

The synthetic world (:func:`simulate`) builds activities with the demo generator over real
ESN sections, students with latent cause preferences (their profile states a noisy version),
a latent taste group over kinds of activity (visible only through co-enrolment), and
feedback: each student comes across a random sample of the activities they could join, in
the month before each starts, up to three times until they decide; they join with a
probability rising with a utility of those latents, distance, skills and an activity
quality, plus noise, and otherwise sometimes save or dismiss it.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from services.demo.activities import demo_activities
from services.demo.geography import language_of, time_zone_of
from services.kernel.causes import CAUSES
from services.kernel.geo import distances_km
from services.kernel.ids import SECTION_ID_PATTERN
from services.kernel.sections import Section, load_sections
from services.matching.collaborative import CoEnrolmentModel
from services.matching.index import ActivityIndex
from services.matching.learning import (
    FeedbackRow,
    TrainingSet,
    examples_from_feedback,
    is_positive,
    training_set,
)
from services.matching.ranking import Ranker, SectionDirectory
from services.matching.signals import SIGNALS, Weights
from services.matching.training import FittedModel, at_ms, fit_model
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "DEFAULT_K",
    "SIMULATION_START",
    "TRAIN_SHARE",
    "Evaluation",
    "MethodScores",
    "Split",
    "SyntheticWorld",
    "catalogue_coverage",
    "cause_diversity",
    "evaluate",
    "ndcg_at_k",
    "new_positives",
    "precision_at_k",
    "recall_at_k",
    "simulate",
    "time_split",
]

DEFAULT_K = 10
TRAIN_SHARE = 0.8
SIMULATION_START = datetime(2027, 1, 11, tzinfo=UTC)
"""Default first day of the synthetic world (a Monday)."""

Kind = matching_pb2.FeedbackKind
Values = NDArray[np.float64]
_EXCLUDING = frozenset({Kind.FEEDBACK_KIND_DISMISSED})
"""Besides positives, what keeps an activity out of a student's list."""


def _at_ms(row: FeedbackRow) -> int:
    return at_ms(row)


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
    ordered = sorted(rows, key=_at_ms)
    if not ordered:
        return Split([], [], 0)
    split_ms = _at_ms(ordered[min(int(len(ordered) * train_share), len(ordered) - 1)])
    train = [row for row in ordered if _at_ms(row) < split_ms]
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


# --- Metrics ----------------------------------------------------------------------------------


def precision_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Relevant items among the first ``k``, over ``k`` (a shorter list is not rewarded)."""
    return sum(item in relevant for item in recommended[:k]) / k


def recall_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Relevant items among the first ``k``, over all relevant items; 0 when none is."""
    if not relevant:
        return 0.0
    return sum(item in relevant for item in recommended[:k]) / len(relevant)


def ndcg_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Binary-relevance NDCG: sum of 1/log2(rank + 1) over hits, over the best possible."""
    gains = sum(
        1 / math.log2(rank + 1)
        for rank, item in enumerate(recommended[:k], start=1)
        if item in relevant
    )
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return gains / ideal if ideal > 0 else 0.0


def catalogue_coverage(lists: Iterable[Sequence[str]], catalogue: Collection[str]) -> float:
    """Share of ``catalogue`` recommended at least once."""
    if not catalogue:
        return 0.0
    shown = {item for items in lists for item in items}
    return len(shown & set(catalogue)) / len(catalogue)


def cause_diversity(recommended: Sequence[str], causes_of: Mapping[str, Collection[int]]) -> int:
    """Distinct ESN causes among the recommended activities."""
    return len({cause for item in recommended for cause in causes_of.get(item, ())})


# --- Model ------------------------------------------------------------------------------------


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


# --- Synthetic world --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyntheticWorld:
    activities: list[catalogue_pb2.Activity]
    profiles: dict[str, matching_pb2.VolunteerProfile]
    feedback: list[dict[str, str]]
    """Rows as the feedback log holds them."""


_MOTIVATIONS: dict[int, tuple[str, ...]] = {
    CAUSES[0]: (
        "I love museums, history and local traditions and want to share culture.",
        "I want to discover the local culture, heritage and art of my host city.",
    ),
    CAUSES[1]: (
        "I want to help children and young people with school and learning.",
        "Teaching and mentoring pupils is what I enjoy most.",
    ),
    CAUSES[2]: (
        "I want to protect nature, clean beaches and parks and fight climate change.",
        "Sustainability matters to me: recycling, trees, clean rivers.",
    ),
    CAUSES[3]: (
        "I care about health, sport and well-being, and about people who are ill or alone.",
        "I would like to support mental health and healthy living.",
    ),
    CAUSES[4]: (
        "I want to build skills for my career and help others find jobs.",
        "Workshops on CVs, languages and employability interest me.",
    ),
    CAUSES[5]: (
        "I want to help refugees, homeless people and anyone left out to feel included.",
        "Social inclusion and fighting discrimination are close to my heart.",
    ),
}
_HOME_COUNTRIES = ("de", "fr", "it", "es", "pl", "pt", "nl", "tr", "gr", "cz", "ro", "se")
_HOME_LANGUAGES = {
    "de": "de",
    "fr": "fr",
    "it": "it",
    "es": "es",
    "pl": "pl",
    "pt": "pt",
    "nl": "nl",
    "tr": "tr",
    "gr": "el",
    "cz": "cs",
    "ro": "ro",
    "se": "sv",
}
_LOCAL_LEVELS = (
    matching_pb2.LANGUAGE_LEVEL_A1,
    matching_pb2.LANGUAGE_LEVEL_A2,
    matching_pb2.LANGUAGE_LEVEL_B1,
    matching_pb2.LANGUAGE_LEVEL_B2,
)
_MAX_DISTANCES_KM = (5.0, 10.0, 20.0, 30.0, 50.0)
_TASTE_GROUPS = 8
_SIMULATED_DAYS = 150
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_MAX_SHOWS = 3
"""An activity neither joined nor dismissed is suggested again, up to this many times."""
_LOOKAHEAD_MS = 30 * _DAY_MS
"""Students come across an activity in the month before it starts."""
_ENROL_THRESHOLD = 3.3
"""Utility at which enrolment is a coin toss; about one in eight shown activities is joined."""


def _pick_sections(count: int, rng: random.Random) -> list[Section]:
    """``count`` real sections the catalogue accepts, one per city."""
    by_city: dict[tuple[str, str], Section] = {}
    for section in load_sections():
        if SECTION_ID_PATTERN.fullmatch(section.section_id):
            by_city.setdefault((section.country_code, section.city), section)
    cities = sorted(by_city)
    return [by_city[city] for city in rng.sample(cities, min(count, len(cities)))]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class _Simulator:
    def __init__(self, sections: Sequence[Section], start: datetime, seed: int) -> None:
        self.sections = sections
        self.start = start
        self.rng = np.random.default_rng(seed)
        self.draw = random.Random(seed)

    def activities(self, count: int) -> list[catalogue_pb2.Activity]:
        details = demo_activities(self.sections, count, today=self.start.date(), seed=7)
        return [
            catalogue_pb2.Activity(
                id=f"sim-{number:05d}",
                details=item,
                state=catalogue_pb2.ACTIVITY_STATE_PUBLISHED,
                version=1,
                seats_left=item.capacity,
            )
            for number, item in enumerate(details)
        ]

    def profile(
        self,
        number: int,
        section: Section,
        preferences: NDArray[np.float64],
        skills: Sequence[str],
    ) -> matching_pb2.VolunteerProfile:
        rng, draw = self.rng, self.draw
        interests = [
            matching_pb2.CauseInterest(
                cause=cause, weight=round(float(np.clip(pref + rng.normal(0, 0.2), 0.05, 1)), 2)
            )
            for cause, pref in zip(CAUSES, preferences.tolist(), strict=True)
            if pref >= 0.3
        ]
        if draw.random() < 0.25:  # a stated interest the student does not really hold
            interests.append(
                matching_pb2.CauseInterest(
                    cause=draw.choice(CAUSES), weight=round(draw.uniform(0.2, 0.6), 2)
                )
            )
        home = draw.choice(_HOME_COUNTRIES)
        languages: dict[str, matching_pb2.LanguageLevel.ValueType] = {
            "en": draw.choice((matching_pb2.LANGUAGE_LEVEL_B2, matching_pb2.LANGUAGE_LEVEL_C1))
        }
        local = language_of(section)
        if local != "en":
            languages[local] = draw.choice(_LOCAL_LEVELS)
        languages[_HOME_LANGUAGES[home]] = matching_pb2.LANGUAGE_LEVEL_NATIVE
        top_cause = CAUSES[int(np.argmax(preferences))]
        arrival = self.start - timedelta(days=draw.randint(0, 30))
        profile = matching_pb2.VolunteerProfile(
            student_id=f"sim-student-{number:05d}",
            host_section_id=section.section_id,
            home_country_code=home,
            languages=[
                matching_pb2.LanguageSkill(code=code, level=level)
                for code, level in languages.items()
            ],
            interests=interests,
            skills=draw.sample(list(skills), min(len(skills), draw.randint(2, 4))),
            motivation=draw.choice(_MOTIVATIONS[top_cause]),
            max_distance_km=draw.choice(_MAX_DISTANCES_KM),
            time_zone=time_zone_of(section),
            suggestions_opt_in=True,
        )
        profile.arrival.FromDatetime(arrival)
        profile.departure.FromDatetime(arrival + timedelta(days=draw.randint(120, 200)))
        return profile

    def feedback(
        self,
        activities: Sequence[catalogue_pb2.Activity],
        profiles: Sequence[matching_pb2.VolunteerProfile],
        sections: Sequence[Section],
        preferences: NDArray[np.float64],
        groups: NDArray[np.int64],
    ) -> list[dict[str, str]]:
        rng, draw = self.rng, self.draw
        count = len(activities)
        starts = np.array([a.details.starts_at.seconds * 1000 for a in activities], np.int64)
        ends = np.array([a.details.ends_at.seconds * 1000 for a in activities], np.int64)
        online = np.array([a.details.location.online for a in activities])
        latitudes = np.array([a.details.location.coordinates.latitude for a in activities])
        longitudes = np.array([a.details.location.coordinates.longitude for a in activities])
        cause_columns = {cause: column for column, cause in enumerate(CAUSES)}
        cause_matrix = np.zeros((count, len(CAUSES)), np.bool_)
        for row, item in enumerate(activities):
            cause_matrix[row, [cause_columns[c] for c in item.details.causes]] = True
        wanted = [set(a.details.skills_wanted) for a in activities]
        quality = rng.normal(0, 0.5, count)
        kinds: dict[tuple[int, tuple[int, ...], bool], int] = {}
        kind_of = np.array(
            [
                kinds.setdefault(
                    (a.details.type, tuple(a.details.causes), a.details.location.online),
                    len(kinds),
                )
                for a in activities
            ]
        )
        taste = rng.normal(0, 1, (_TASTE_GROUPS, len(kinds)))
        affinity = 0.8 * taste[:, kind_of] + 0.6 * rng.normal(0, 1, (_TASTE_GROUPS, count))
        first_ms, last_ms = _ms(self.start), _ms(self.start + timedelta(days=_SIMULATED_DAYS))

        rows: list[dict[str, str]] = []
        for number, (profile, section) in enumerate(zip(profiles, sections, strict=True)):
            arrival, departure = profile.arrival.seconds * 1000, profile.departure.seconds * 1000
            reach = profile.max_distance_km
            distances = distances_km(section.latitude, section.longitude, latitudes, longitudes)
            near = np.where(online, 0.4, np.clip(1 - distances / reach, 0.0, 1.0))
            eligible = np.flatnonzero(
                (online | (distances <= reach))
                & (starts >= arrival)
                & (ends <= departure)
                & (starts > max(first_ms, arrival) + _DAY_MS)
            )
            if eligible.size == 0:
                continue
            size = min(eligible.size, int(rng.integers(15, 40)))
            shown = rng.choice(eligible, size=size, replace=False)
            skills = set(profile.skills)
            for activity in shown.tolist():
                low = max(first_ms, arrival, int(starts[activity]) - _LOOKAHEAD_MS)
                high = min(int(starts[activity]) - _DAY_MS, last_ms)
                if high <= low:
                    continue
                shows = sorted(rng.integers(low, high, int(rng.integers(1, _MAX_SHOWS + 1))))
                cause_pull = float(preferences[number][cause_matrix[activity]].max())
                skill_share = len(skills & wanted[activity]) / max(len(wanted[activity]), 1)
                utility = (
                    2.0 * cause_pull
                    + 1.5 * float(affinity[groups[number], activity])
                    + 0.8 * float(near[activity])
                    + 0.6 * skill_share
                    + float(quality[activity])
                    + float(rng.normal(0, 0.7))
                )
                enrol = 1 / (1 + math.exp(-2.0 * (utility - _ENROL_THRESHOLD)))
                events = self._events(
                    [int(at) for at in shows], int(starts[activity]), int(ends[activity]), enrol
                )
                rows += [
                    {
                        "student_id": profile.student_id,
                        "activity_id": activities[activity].id,
                        "kind": str(int(kind)),
                        "rating": str(rating),
                        "at_ms": str(moment),
                    }
                    for kind, rating, moment in events
                ]
        draw.shuffle(rows)  # the log's order is not the time order
        rows.sort(key=_at_ms)
        return rows

    def _events(
        self, shows: Sequence[int], starts: int, ends: int, enrol: float
    ) -> list[tuple[Kind.ValueType, int, int]]:
        """What one student does with one activity suggested at the instants ``shows``: it
        decides after one of them, and once enrolled or dismissed it is not shown again."""
        draw = self.draw
        decided = draw.randrange(len(shows))
        at = shows[decided]
        events: list[tuple[Kind.ValueType, int, int]] = [
            (Kind.FEEDBACK_KIND_SHOWN, 0, moment) for moment in shows[: decided + 1]
        ]
        if draw.random() < 0.4:
            events.append((Kind.FEEDBACK_KIND_OPENED, 0, at + draw.randint(1_000, 600_000)))
        later = [(Kind.FEEDBACK_KIND_SHOWN, 0, moment) for moment in shows[decided + 1 :]]
        if draw.random() < enrol:
            enrolled = at + draw.randint(60_000, min(3 * _DAY_MS, starts - at - _HOUR_MS))
            events.append((Kind.FEEDBACK_KIND_ENROLLED, 0, enrolled))
            if draw.random() < 0.85:
                events.append((Kind.FEEDBACK_KIND_ATTENDED, 0, ends))
                if draw.random() < 0.5:
                    rating = min(5, max(1, round(3 + 4 * (enrol - 0.5) + draw.gauss(0, 0.8))))
                    moment = ends + draw.randint(_HOUR_MS, 2 * _DAY_MS)
                    events.append((Kind.FEEDBACK_KIND_RATED, rating, moment))
        elif draw.random() < 0.5 * enrol:
            events.append((Kind.FEEDBACK_KIND_SAVED, 0, at + draw.randint(1_000, _HOUR_MS)))
            events += later
        elif draw.random() < 0.35 * (1 - enrol):
            events.append((Kind.FEEDBACK_KIND_DISMISSED, 0, at + draw.randint(1_000, 60_000)))
        else:
            events += later
        return events


def simulate(
    *,
    students: int = 2000,
    activities: int = 1200,
    sections: int = 40,
    seed: int = 7,
    start: datetime = SIMULATION_START,
) -> SyntheticWorld:
    """A seeded synthetic world: activities of ``sections`` real ESN sections (one per city),
    students hosted by the same sections, and feedback over about five months from
    ``start`` (see the module doc for how students decide)."""
    simulator = _Simulator(_pick_sections(sections, random.Random(seed)), start, seed)
    items = simulator.activities(activities)
    rng = simulator.rng
    host_sections = [simulator.draw.choice(simulator.sections) for _ in range(students)]
    raw = rng.gamma(0.6, 1.0, (students, len(CAUSES)))
    preferences = raw / raw.max(axis=1, keepdims=True)
    groups = rng.integers(0, _TASTE_GROUPS, students)
    skills_pool = sorted({skill for item in items for skill in item.details.skills_wanted})
    profiles = [
        simulator.profile(number, section, preferences[number], skills_pool)
        for number, section in enumerate(host_sections)
    ]
    feedback = simulator.feedback(items, profiles, host_sections, preferences, groups)
    return SyntheticWorld(items, {p.student_id: p for p in profiles}, feedback)
