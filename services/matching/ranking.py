"""Ranking activities for a student, and students for an activity. Pure: no I/O, no clock.

A recommendation goes through five steps:

1. candidates: physical activities in the grid cells within the student's reach, and every
   online activity (:meth:`ActivityIndex.candidates_near`);
2. hard filters, each a small function over index columns returning a mask; the rows narrow
   after each;
3. signals in [0, 1], one column per name of :data:`SIGNALS`, and the score, their weighted
   sum, for every candidate left: the motivation's BM25 relevance too, read from the postings
   of its words, so no activity is out of reach of what a student writes;
4. diversity: maximal marginal relevance across ESN causes;
5. reasons in ESN terms, for the signals that made up the score, each with the facts it
   quotes (causes, distance, skills, seats...), and the facts every suggestion shares (its
   languages and start on the student's clock) apart, so that notify can word them in the
   student's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence, Set
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from services.matching.diversity import diversify, relevance_ranks
from services.matching.hard_filters import (
    has_any_cause,
    has_any_sdg,
    has_not_started,
    has_seats,
    in_week_edition,
    is_online,
    is_published,
    not_excluded,
    shares_language,
    starts_between,
    within_distance,
    within_mobility_period,
    within_weekly_availability,
)
from services.matching.index import ActivityIndex, Rows
from services.matching.reasons import (
    Pair,
    StudentMatch,
    add_reasons,
    pairs_of,
    write_match_facts,
)
from services.matching.signal_values import (
    Collaborative,
    cause_signal,
    motivation_signal,
    proximity_signal,
    similar_students_signal,
    skills_signal,
    urgency_signal,
)
from services.matching.signals import SIGNALS, Weights
from services.matching.student import SectionDirectory, Student, real_sections, student_of
from services.matching.vocabulary import explanation
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = ["Collaborative", "Ranker", "StudentMatch"]

Mask = NDArray[np.bool_]
Values = NDArray[np.float64]
Check = Callable[[Rows], Mask]


_ANY_ACTIVITY = matching_pb2.RecommendFilter(accept_waitlist=True)


class Ranker:
    """Recommends activities of an index to students, and scores students for an activity.

    ``sections`` resolves a profile's host section when it has no home location; by default,
    the real ESN sections of ``data/esn_sections.csv``.
    """

    def __init__(
        self,
        index: ActivityIndex,
        weights: Weights,
        sections: SectionDirectory | None = None,
    ) -> None:
        self._index = index
        self._weights = weights
        self._sections = sections if sections is not None else real_sections()

    @property
    def weights(self) -> Weights:
        return self._weights

    def recommend(  # noqa: PLR0917  (positional, as the matching service calls it)
        self,
        profile: matching_pb2.VolunteerProfile,
        k: int,
        filter: matching_pb2.RecommendFilter,
        now: datetime,
        excluded: Set[str],
        collaborative: Collaborative | None = None,
    ) -> matching_pb2.RecommendResponse:
        """Up to ``k`` activities for the student, most relevant first but diverse in causes;
        ``diversified`` when diversity changed the order by score alone.

        ``excluded``: ids of activities the student enrolled in or dismissed.
        ``collaborative``: the similar-students signal per activity id, if known.
        """
        if k <= 0:
            return matching_pb2.RecommendResponse()
        student = student_of(profile, self._index, self._sections)
        rows = self._eligible(
            student,
            self._candidates(student, filter),
            math.floor(now.timestamp()),
            filter,
            self._index.rows_of(excluded),
        )
        signals = self._signals(student, rows, collaborative)
        scores = np.clip(signals @ self._weights.values, 0.0, 1.0)
        picks = diversify(scores, self._index.columns.causes[rows], k, tie_breaks=rows)
        ranks = relevance_ranks(scores, rows, picks)
        pairs = pairs_of(student, self._index, rows[picks])
        # By score alone, the picks would rank 1, 2, 3, ...
        diversified = ranks != list(range(1, len(ranks) + 1))
        response = matching_pb2.RecommendResponse(diversified=diversified)
        for pair, pair_signals, score, rank in zip(
            pairs, signals[picks].tolist(), scores[picks].tolist(), ranks, strict=True
        ):
            self._fill_recommendation(
                response.recommendations.add(), pair, pair_signals, score, relevance_rank=rank
            )
        return response

    def score_students(
        self,
        activity: catalogue_pb2.Activity,
        profiles: Sequence[matching_pb2.VolunteerProfile],
        now: datetime,
        excluded_pairs: Set[tuple[str, str]],
        *,
        week_edition: str = "",
    ) -> list[StudentMatch]:
        """The students an activity suits, best first, with the reasons and facts to tell.

        Reverse matching: the filters and signals of :meth:`recommend` from the activity's
        side, for the activity as given (whether or not the index has caught up with it).
        ``excluded_pairs``: (student id, activity id) pairs never to match. ``week_edition``
        keeps only an activity of that SocialErasmus Week. No similar-students signal here.
        """
        if activity.state != catalogue_pb2.ACTIVITY_STATE_PUBLISHED:
            return []
        alone = ActivityIndex(self._index.encoder)
        alone.apply(activity)
        ranker = Ranker(alone, self._weights, self._sections)
        request = matching_pb2.RecommendFilter(week_edition=week_edition)
        rows = alone.rows_of([activity.id])
        no_rows = np.zeros(0, np.int64)
        epoch = math.floor(now.timestamp())
        found: list[StudentMatch] = []
        for profile in profiles:
            if (profile.student_id, activity.id) in excluded_pairs:
                continue
            student = student_of(profile, alone, self._sections)
            if ranker._eligible(student, rows, epoch, request, no_rows).size == 0:
                continue
            signals = ranker._signals(student, rows, None, self._index)
            score = float(np.clip(signals[0] @ self._weights.values, 0.0, 1.0))
            (pair,) = pairs_of(student, alone, rows)
            told = matching_pb2.Recommendation()
            add_reasons(told.reasons, pair, signals[0].tolist(), self._weights)
            write_match_facts(told.facts, pair)
            found.append(StudentMatch(profile.student_id, score, list(told.reasons), told.facts))
        found.sort(key=lambda match: (-match.score, match.student_id))
        return found

    def signals_for(
        self,
        profile: matching_pb2.VolunteerProfile,
        activity_ids: Sequence[str],
        now: datetime,
    ) -> tuple[list[str], NDArray[np.float64]]:
        """The signals of the student with each of ``activity_ids`` the index holds, for
        learning weights from feedback: (those ids in the order given, one row each with a
        column per name of SIGNALS).

        Computed as :meth:`recommend` computes them, motivation included for every row, but
        with no hard filter (feedback may concern an activity that has started or is full by
        now) and ``similar_students`` at 0 (the caller knows the collaborative signal).
        ``now`` is when the signals are asked for; none of them depends on the clock yet.
        """
        student = student_of(profile, self._index, self._sections)
        found = [(a, row) for a in activity_ids if (row := self._index.row_of(a)) is not None]
        if not found:
            return [], np.zeros((0, len(SIGNALS)))
        rows = np.array([row for _, row in found], np.int64)
        signals = self._signals(student, rows, None)
        return [activity_id for activity_id, _ in found], signals

    def candidate_signals(
        self,
        profile: matching_pb2.VolunteerProfile,
        now: datetime,
        excluded: Set[str],
        collaborative: Collaborative | None = None,
    ) -> tuple[Rows, NDArray[np.float64]]:
        """The rows :meth:`recommend` would weigh for the student at ``now`` with no request
        filter (full activities included), and their signals: what a set of weights is
        validated on, by where a later join ranks among them."""
        student = student_of(profile, self._index, self._sections)
        rows = self._eligible(
            student,
            self._candidates(student, _ANY_ACTIVITY),
            math.floor(now.timestamp()),
            _ANY_ACTIVITY,
            self._index.rows_of(excluded),
        )
        return rows, self._signals(student, rows, collaborative)

    def _candidates(self, student: Student, request: matching_pb2.RecommendFilter) -> Rows:
        reach = student.profile.max_distance_km
        if request.online_only or student.origin is None or reach <= 0:
            return self._index.online_rows()
        return self._index.candidates_near(*student.origin, reach)

    def _eligible(
        self,
        student: Student,
        rows: Rows,
        now: int,
        request: matching_pb2.RecommendFilter,
        excluded_rows: Rows,
    ) -> Rows:
        """The rows passing every hard filter; those that remove the most for their cost
        come first (online activities pass the language and distance filters alike)."""
        columns = self._index.columns
        profile = student.profile
        checks: list[Check] = [
            lambda r: is_published(columns, r),
            lambda r: has_not_started(columns, r, now),
            *self._request_checks(request),
            lambda r: within_mobility_period(columns, r, student.arrival, student.departure),
            lambda r: within_weekly_availability(
                columns, r, profile.weekly_availability, student.time_zone
            ),
            lambda r: has_seats(columns, r, request.accept_waitlist),
            lambda r: shares_language(columns, r, student.language_sets_shared),
            lambda r: within_distance(columns, r, student.origin, profile.max_distance_km),
            lambda r: not_excluded(r, excluded_rows),
        ]
        for check in checks:
            if rows.size == 0:
                break
            rows = rows[np.flatnonzero(check(rows))]  # faster than a boolean index
        return rows

    def _request_checks(self, request: matching_pb2.RecommendFilter) -> list[Check]:
        """Checks for the fields of a RecommendFilter that are set."""
        columns = self._index.columns
        checks: list[Check] = []
        if request.causes:
            checks.append(lambda r: has_any_cause(columns, r, request.causes))
        if request.sdgs:
            checks.append(lambda r: has_any_sdg(columns, r, request.sdgs))
        if request.online_only:
            checks.append(lambda r: is_online(columns, r))
        if request.HasField("starts_after") or request.HasField("starts_before"):
            after = request.starts_after.seconds if request.HasField("starts_after") else None
            before = request.starts_before.seconds if request.HasField("starts_before") else None
            checks.append(lambda r: starts_between(columns, r, after, before))
        if request.week_edition:
            edition = self._index.week_edition_id(request.week_edition)
            checks.append(lambda r: in_week_edition(columns, r, edition))
        if request.exclude_activity_ids:
            # Unknown and unpublished ids have no row: they exclude nothing.
            excluded = self._index.rows_of(request.exclude_activity_ids)
            checks.append(lambda r: not_excluded(r, excluded))
        return checks

    def _signals(
        self,
        student: Student,
        rows: Rows,
        collaborative: Collaborative | None,
        reference: ActivityIndex | None = None,
    ) -> NDArray[np.float64]:
        """One row per candidate, one column per signal of SIGNALS. ``reference``: the catalogue
        the motivation's relevance is measured in, when the index is not it."""
        columns = self._index.columns
        reach = student.profile.max_distance_km
        values = {
            "cause": cause_signal(columns, rows, student.cause_table),
            "motivation": motivation_signal(self._index, rows, student.motivation, reference),
            "skills": skills_signal(columns, rows, student.skill_sets_share),
            "proximity": proximity_signal(columns, rows, student.origin, reach),
            "urgency": urgency_signal(columns, rows, student.departure),
            "similar_students": similar_students_signal(self._index, rows, collaborative),
        }
        return np.column_stack([values[name] for name in SIGNALS])

    def _fill_recommendation(
        self,
        recommendation: matching_pb2.Recommendation,
        pair: Pair,
        signals: Sequence[float],
        score: float,
        *,
        relevance_rank: int,
    ) -> None:
        """Writes the recommendation in place, in the response: the activity is copied once."""
        add_reasons(recommendation.reasons, pair, signals, self._weights)
        write_match_facts(recommendation.facts, pair)
        recommendation.activity.CopyFrom(pair.activity)
        recommendation.score = score
        recommendation.explanation = explanation(recommendation.reasons, recommendation.facts)
        recommendation.relevance_rank = relevance_rank
