"""The matching service's use cases: profiles, feedback, recommendations, reverse matching
and Week allocation, with who may do what.

Ranking, allocation and learning are pure modules; this module loads what they need from
the store and the index, calls them, and records the outcome with its event.
"""

from __future__ import annotations

import asyncio
import atexit
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ulid import ULID

from services.kernel.ids import validate_student_id
from services.matching import events, limits
from services.matching.allocation import TooLarge
from services.matching.detached_index import DetachedIndex
from services.matching.index import ActivityIndex
from services.matching.model import LiveModel, state_message
from services.matching.nearby import SectionMap
from services.matching.refit_worker import BrokenProcessPool, RefitWorker
from services.matching.store import MatchingStore, PastTheEnd, WeekTooLarge, iso_week
from services.matching.validation import (
    validate_allocate,
    validate_feedback,
    validate_feedback_batch,
    validate_list_allocation,
    validate_profile,
    validate_profiles,
    validate_recommend,
)
from services.matching.week_worker import WeekJob
from services.runtime import metrics
from services.runtime.auth import Principal, Role
from services.runtime.clock import Clock, utc_now
from services.runtime.config import SettingsError
from services.runtime.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Precondition,
    ResourceExhausted,
    Unavailable,
)
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, ActivityState
from socialerasmus.matching.v1.matching_pb2 import (
    AllocateWeekRequest,
    AllocateWeekResponse,
    Feedback,
    ListAllocationRequest,
    ListAllocationResponse,
    ModelState,
    RecommendRequest,
    RecommendResponse,
    VolunteerProfile,
)

WEEK_NICENESS = 10
"""How much lower the Week's worker runs than the serving process: a health check or a
Recommend that wakes the serving process takes the CPU from it at once, and the Week has the
rest. In back-to-back runs on two cores shared with other work, the slowest health check
during a 100,000-student Week took 0.7 to 1.0 s at the serving priority, 0.2 to 0.3 s at
this one."""
_SOLVER = RefitWorker(niceness=WEEK_NICENESS)
"""Where Week allocations run, from reading the profiles to serialising the allocation: a
process of its own, as each step holds the interpreter for seconds on a network-wide Week
(see week_worker). One for all services of this process (its first allocation spawns it,
about 4 s); allocations wait for each other there. Killed when the service stops
(:func:`week_worker_until_stopped`) or, failing that, when the process exits."""
atexit.register(_SOLVER.close)


async def week_worker_until_stopped(stop: asyncio.Event) -> None:
    """Kills the Week's worker once ``stop`` is set, and with it an allocation under way
    (its caller is told UNAVAILABLE): an exiting process would otherwise wait for it to
    finish, as a process pool waits for its calls before exit handlers run."""
    try:
        await stop.wait()
    finally:
        _SOLVER.close()


@dataclass(frozen=True, slots=True)
class MatchingPolicy:
    """Tunable limits of reverse matching."""

    weekly_suggestions: int = 3
    """Most suggestions one student receives per ISO week."""
    minimum_score: float = 0.35
    """Below this a suggestion is not worth a notification."""
    reach_km: float = 60.0
    """Students of sections this close to an activity are considered for it."""
    batch: int = 500
    relearn_seconds: float = 600.0
    """How often each replica refits the ranking from feedback."""
    snapshot_seconds: float = 300.0
    """How often a replica saves a snapshot of its activity index, if it moved since the
    stored one: a replica starting replays the events after it only."""
    week_processes: int = 0
    """Most processes that find a large Week's candidates at once (week_slices); 0: one per
    CPU this process may run on."""

    def processes_per_week(self) -> int:
        if self.week_processes > 0:
            return self.week_processes
        if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on (Linux)
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1


def policy_from_env(env: Mapping[str, str] | None = None) -> MatchingPolicy:
    """MatchingPolicy from SE_MATCHING_* variables (see .env.example)."""
    env = os.environ if env is None else env
    defaults = MatchingPolicy()
    try:
        return MatchingPolicy(
            weekly_suggestions=int(
                env.get("SE_MATCHING_WEEKLY_SUGGESTIONS") or defaults.weekly_suggestions
            ),
            minimum_score=float(env.get("SE_MATCHING_MIN_SCORE") or defaults.minimum_score),
            reach_km=float(env.get("SE_MATCHING_REACH_KM") or defaults.reach_km),
            relearn_seconds=float(
                env.get("SE_MATCHING_RELEARN_SECONDS") or defaults.relearn_seconds
            ),
            snapshot_seconds=float(
                env.get("SE_MATCHING_SNAPSHOT_SECONDS") or defaults.snapshot_seconds
            ),
            week_processes=int(env.get("SE_MATCHING_WEEK_PROCESSES") or defaults.week_processes),
        )
    except ValueError as error:
        raise SettingsError(f"SE_MATCHING_* variable malformed: {error}") from error


def _item_names(indices: Sequence[int], shown: int = 10) -> str:
    """``items[1], items[4]``; past ``shown`` items, how many more."""
    names = ", ".join(f"items[{index}]" for index in indices[:shown])
    more = len(indices) - shown
    return f"{names} and {more} more" if more > 0 else names


def _require_students(principal: Principal, student_ids: Sequence[str]) -> None:
    """The rule of Principal.require_student for every item of a batch, naming the items
    that break it."""
    refused = []
    for index, student_id in enumerate(student_ids):
        try:
            principal.require_student(student_id)
        except PermissionDenied:
            refused.append(index)
    if refused:
        raise PermissionDenied(
            f"students may act only for themselves: {_item_names(refused)} name another student"
        )


class MatchingService:
    def __init__(
        self,
        store: MatchingStore,
        index: ActivityIndex,
        model: Callable[[], LiveModel],
        sections: SectionMap,
        *,
        policy: MatchingPolicy = MatchingPolicy(),
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.index = index
        self.model = model
        self.sections = sections
        self.policy = policy
        self.clock = clock

    # Profiles ---------------------------------------------------------------------------

    async def upsert_profile(
        self, principal: Principal, profile: VolunteerProfile
    ) -> VolunteerProfile:
        validate_profile(profile)
        principal.require_student(profile.student_id)
        if self.sections.get(profile.host_section_id) is None:
            raise NotFound(f"section {profile.host_section_id} not found")
        stored = VolunteerProfile()
        stored.CopyFrom(profile)
        stored.updated_at.FromDatetime(self.clock())
        await self.store.save_profile(stored, events.profile_recreated(profile.student_id))
        return stored

    async def upsert_profiles(
        self, principal: Principal, profiles: Sequence[VolunteerProfile]
    ) -> list[VolunteerProfile]:
        """Every profile as :meth:`upsert_profile` saves one, all or none, in one step."""
        validate_profiles(profiles)
        _require_students(principal, [profile.student_id for profile in profiles])
        unknown = [
            index
            for index, profile in enumerate(profiles)
            if self.sections.get(profile.host_section_id) is None
        ]
        if unknown:
            raise NotFound(
                f"{_item_names(unknown)}: host_section_id names no section; nothing was saved"
            )
        now = self.clock()
        stored = []
        for profile in profiles:
            copy = VolunteerProfile()
            copy.CopyFrom(profile)
            copy.updated_at.FromDatetime(now)
            stored.append(copy)
        recreated = {p.student_id: events.profile_recreated(p.student_id) for p in stored}
        await self.store.save_profiles(stored, recreated)
        return stored

    async def get_profile(self, principal: Principal, student_id: str) -> VolunteerProfile:
        validate_student_id(student_id, "student_id")
        principal.require_student(student_id)
        return await self._require_profile(student_id)

    async def _require_profile(self, student_id: str) -> VolunteerProfile:
        profile = await self.store.profile(student_id)
        if profile is None:
            raise NotFound(f"no profile for student {student_id}")
        return profile

    async def erase_profile(self, principal: Principal, student_id: str) -> None:
        validate_student_id(student_id, "student_id")
        principal.require_student(student_id)
        await self.store.erase(student_id, events.profile_erased(student_id))

    # Feedback and recommendations -------------------------------------------------------

    async def record_feedback(self, principal: Principal, feedback: Feedback) -> None:
        validate_feedback(feedback)
        principal.require_student(feedback.student_id)
        recorded = Feedback()
        recorded.CopyFrom(feedback)
        if not recorded.HasField("occurred_at"):
            recorded.occurred_at.FromDatetime(self.clock())
        if not await self.store.record_feedback(recorded):
            raise FailedPrecondition(
                f"student {feedback.student_id} was erased: nothing is recorded about them"
                " until they create a profile again"
            )

    async def record_feedback_batch(self, principal: Principal, items: Sequence[Feedback]) -> int:
        """Every feedback event as :meth:`record_feedback` records one, all or none, in one
        step; returns how many were recorded."""
        validate_feedback_batch(items)
        _require_students(principal, [feedback.student_id for feedback in items])
        now = self.clock()
        recorded = []
        for feedback in items:
            copy = Feedback()
            copy.CopyFrom(feedback)
            if not copy.HasField("occurred_at"):
                copy.occurred_at.FromDatetime(now)
            recorded.append(copy)
        erased = await self.store.record_feedback_batch(recorded)
        if erased:
            raise FailedPrecondition(
                f"{_item_names(erased)}: the student was erased, and nothing is recorded about"
                " them until they create a profile again; nothing was recorded",
                [
                    Precondition(
                        "ERASED", f"items[{index}]", f"student {items[index].student_id} was erased"
                    )
                    for index in erased
                ],
            )
        return len(recorded)

    async def recommend(self, principal: Principal, request: RecommendRequest) -> RecommendResponse:
        k = validate_recommend(request)
        principal.require_student(request.student_id)
        profile, excluded = await self.store.profile_and_exclusions(request.student_id)
        if profile is None:
            raise NotFound(f"no profile for student {request.student_id}")
        model = self.model()
        similar = model.collaborative.scores_for(request.student_id)
        found = model.ranker.recommend(
            profile, k, request.filter, self.clock(), excluded, similar or None
        )
        metrics.RECOMMENDED_ACTIVITIES.inc(len(found.recommendations))
        if not found.recommendations:
            metrics.EMPTY_RECOMMENDATIONS.inc()
        return found

    async def model_state(self, principal: Principal) -> ModelState:
        principal.require_role(Role.OPERATOR, Role.PLATFORM)
        return state_message(self.model().state)

    # Reverse matching -------------------------------------------------------------------

    async def suggest_for(self, activity: Activity) -> int:
        """Suggest a newly published activity to the students it suits; returns how many
        suggestions were created. Safe to run again for the same activity."""
        if activity.state != ActivityState.ACTIVITY_STATE_PUBLISHED:
            return 0
        sections = self.sections.reaching(activity, self.policy.reach_km)
        students = await self.store.students_of_sections(sections)
        now = self.clock()
        week = iso_week(now)
        created = 0
        for start in range(0, len(students), self.policy.batch):
            profiles = await self.store.profiles(students[start : start + self.policy.batch])
            scored = self.model().ranker.score_students(activity, profiles, now, set())
            for match in scored:
                if match.score < self.policy.minimum_score:
                    continue
                event = events.suggestion_created(
                    match.student_id, activity, match.score, match.reasons, match.facts
                )
                outcome = await self.store.record_suggestion(
                    match.student_id, activity.id, week, self.policy.weekly_suggestions, event
                )
                created += outcome == "created"
                metrics.SUGGESTIONS.labels(outcome).inc()
        return created

    # Week allocation --------------------------------------------------------------------

    async def allocate_week(
        self, principal: Principal, request: AllocateWeekRequest
    ) -> AllocateWeekResponse:
        """The edition's students placed in its activities, by the same filters and score
        as Recommend, in the solver's worker process from start to end (week_worker): here
        the index is copied at once, so the allocation sees the activities as they are now,
        whatever the catalogue does meanwhile."""
        places, page_size = validate_allocate(request)
        principal.require_role(Role.OPERATOR, Role.PLATFORM)
        edition = request.week_edition
        rows = self.index.edition_rows(edition)
        if not rows.size:
            raise FailedPrecondition(f"no published activities in Week {edition}")
        most = limits.WEEK_STUDENTS_MAX
        students = await self.store.week_student_count(edition)
        if students > most:
            raise _too_many(edition, students, most)
        rows = self.index.edition_rows(edition)  # the index may have moved while Redis answered
        job = WeekJob(
            index=DetachedIndex.of(self.index),
            edition=edition,
            activity_ids=[self.index.activity_at(row).id for row in rows.tolist()],
            profiles=self.store.week_profiles_at(edition, most),
            now=math.floor(self.clock().timestamp()),
            weights=self.model().ranker.weights,
            sections=self.sections,
            max_places_per_student=places,
            page_size=page_size,
            proposed=limits.PROPOSED_ASSIGNMENTS_MAX,
            allocation_id=str(ULID()),
            processes=self.policy.processes_per_week(),
            block_entries=limits.ALLOCATION_BLOCK_ENTRIES,
        )
        try:
            outcome = await _SOLVER.run(job)
        except BrokenProcessPool:
            raise Unavailable(
                f"the worker allocating Week {edition} stopped (the service may be stopping)"
            ) from None
        except TooLarge as error:
            raise ResourceExhausted(f"Week {edition} is too large to allocate: {error}") from None
        except WeekTooLarge as error:
            raise _too_many(edition, error.students, most) from None
        page = outcome.page
        event = events.allocation_proposed(
            page.allocation_id,
            edition,
            list(outcome.proposed.assignments),
            page.objective,
            page.optimality_gap,
            assignments_total=page.assignments_total,
        )
        await self.store.save_allocation(page.allocation_id, outcome.stored, event)
        return page

    async def list_allocation(
        self, principal: Principal, request: ListAllocationRequest
    ) -> ListAllocationResponse:
        page_size, offset = validate_list_allocation(request)
        principal.require_role(Role.OPERATOR, Role.PLATFORM)
        try:
            page = await self.store.allocation_page(request.allocation_id, offset, page_size)
        except PastTheEnd:
            raise InvalidArgument.single(
                "page_token", "is past the end of the allocation"
            ) from None
        if page is None:
            raise NotFound(f"no allocation {request.allocation_id} (never made, or expired)")
        return page


def _too_many(edition: str, students: int, most: int) -> ResourceExhausted:
    return ResourceExhausted(
        f"Week {edition} has {students:,} students, more than the {most:,} one allocation takes"
    )
