"""The catalogue's use cases: who may do what, validation, life cycle, storage, events.

Each method takes the calling principal and plain values, and returns protobuf values; the
gRPC adapter only unpacks requests and packs responses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from ulid import ULID

from services.catalogue import activities, events, keys
from services.catalogue.changes import changed_fields as details_changed
from services.catalogue.filters import (
    ORDERING_KEY_PATTERN,
    ActivityMatcher,
    filter_fingerprint,
)
from services.catalogue.store import (
    ATTENDANCE_NOT_OPEN,
    ATTENDANCE_TOO_EARLY,
    NAME_BY_STATUS,
    CatalogueStore,
    EnrolOutcome,
    attendance_without_place,
)
from services.catalogue.validation import (
    validate_activity_details,
    validate_activity_filter,
    validate_reason,
)
from services.kernel.ids import ACTIVITY_ID_PATTERN, validate_activity_id, validate_student_id
from services.kernel.pages import decode_page_token, encode_page_token, validate_page_size
from services.runtime import metrics
from services.runtime.auth import Principal, Role
from services.runtime.clock import Clock, utc_now
from services.runtime.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.runtime.events import OutgoingEvent
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    Activity,
    ActivityDetails,
    ActivityFilter,
    ActivityState,
    Enrolment,
    EnrolmentStatus,
    StudentEnrolment,
)

SCAN_BATCH_MAX = 256
"""Most index entries a list call reads in one round trip. The first read asks for one more
than the page needs, which is all it takes when the filter keeps every entry (the common
listing, and the one entry more tells whether another page follows); while the filter turns
entries away, each next read asks for four times as many, up to this."""
SCAN_BUDGET = 4096
"""Most index entries one list call examines; a page may come back short (with a token)
rather than let one selective filter scan the whole catalogue in a single request."""
STALE_RETRIES = 20
CAPACITY_MAX_PROMOTIONS = 10_000 * 2
"""Bound of the promotion loop: the largest capacity, with room for concurrent changes."""
SEQUENCE_PATTERN = re.compile(r"\d{1,19}")
PLACE_KEY_PATTERN = re.compile(r"\d{13}:" + ACTIVITY_ID_PATTERN.pattern)
"""A student's enrolment in the index of theirs: when it was made (ms) and the activity."""

ENROLMENT_OUTCOMES = {
    EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED: "confirmed",
    EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED: "waitlisted",
}
"""Label values of the enrolment counter for new enrolments; repeated ones count as existing."""

ATTENDANCE_STATES = (
    ActivityState.ACTIVITY_STATE_PUBLISHED,
    ActivityState.ACTIVITY_STATE_COMPLETED,
)
"""Attendance is kept for activities that took place (or are taking place)."""

PUBLIC_STATES = (
    ActivityState.ACTIVITY_STATE_PUBLISHED,
    ActivityState.ACTIVITY_STATE_CANCELLED,
    ActivityState.ACTIVITY_STATE_COMPLETED,
)


class CatalogueService:
    def __init__(self, store: CatalogueStore, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    # Who may see and manage what ------------------------------------------------------

    @staticmethod
    def _manages(principal: Principal, activity: Activity) -> bool:
        return principal.acts_for_anyone or (
            principal.role is Role.COORDINATOR
            and principal.section_id == activity.details.section_id
        )

    def _require_manager(self, principal: Principal, activity: Activity) -> None:
        principal.require_role(Role.OPERATOR, Role.PLATFORM, Role.COORDINATOR)
        principal.require_section(activity.details.section_id)

    async def _visible(self, principal: Principal, activity_id: str) -> Activity:
        activity = await self.store.require(activity_id)
        if not activities.is_public(activity) and not self._manages(principal, activity):
            raise NotFound(f"activity {activity_id} not found")  # never published: private
        return activity

    # Activities -----------------------------------------------------------------------

    async def create(
        self, principal: Principal, details: ActivityDetails, request_id: str
    ) -> Activity:
        validate_activity_details(details)
        if len(request_id) > 128:
            raise InvalidArgument.single("request_id", "must be at most 128 characters")
        principal.require_role(Role.OPERATOR, Role.PLATFORM, Role.COORDINATOR)
        principal.require_section(details.section_id)
        activity_id = str(ULID())
        if request_id:
            scoped = f"{principal.role}:{principal.section_id}:{request_id}"
            activity_id = await self.store.claim_create_request(scoped, activity_id)
            existing = await self.store.get(activity_id)
            if existing is not None:
                return existing
        activity = activities.new_activity(activity_id, details, self.clock())
        await self.store.save(activity, None, None)
        return await self.store.require(activity_id)

    async def get(self, principal: Principal, activity_id: str) -> Activity:
        validate_activity_id(activity_id, "activity_id")
        return await self._visible(principal, activity_id)

    async def update(
        self,
        principal: Principal,
        activity_id: str,
        expected_version: int,
        details: ActivityDetails,
    ) -> Activity:
        validate_activity_id(activity_id, "activity_id")
        if expected_version <= 0:
            raise InvalidArgument.single("expected_version", "must be the version you read")
        validate_activity_details(details)
        current = await self._visible(principal, activity_id)
        self._require_manager(principal, current)
        if details.section_id != current.details.section_id:
            principal.require_section(details.section_id)
        if current.version != expected_version:
            raise Aborted(f"activity is at version {current.version}, not {expected_version}")
        changed = activities.updated(current, details, self.clock())
        fields = details_changed(current.details, details)
        await self.store.save(changed, current, events.activity_updated(changed, fields))
        if details.capacity > current.details.capacity:
            await self._fill_seats_from_waitlist(activity_id)
        return await self.store.require(activity_id)

    async def _transition(
        self,
        principal: Principal,
        activity_id: str,
        expected_version: int,
        change: Callable[[Activity], Activity],
        event: Callable[[Activity], OutgoingEvent],
    ) -> Activity:
        """Apply a state change; without an expected version, retry on concurrent edits."""
        validate_activity_id(activity_id, "activity_id")
        if expected_version < 0:
            raise InvalidArgument.single("expected_version", "must not be negative")
        for _ in range(STALE_RETRIES):
            current = await self._visible(principal, activity_id)
            self._require_manager(principal, current)
            if expected_version and current.version != expected_version:
                raise Aborted(f"activity is at version {current.version}, not {expected_version}")
            changed = change(current)
            try:
                await self.store.save(changed, current, event(changed))
            except Aborted:
                if expected_version:
                    raise
                continue
            return await self.store.require(activity_id)
        raise Aborted("activity keeps changing; try again")

    async def publish(
        self, principal: Principal, activity_id: str, expected_version: int
    ) -> Activity:
        return await self._transition(
            principal,
            activity_id,
            expected_version,
            lambda a: activities.published(a, self.clock()),
            events.activity_published,
        )

    async def cancel(self, principal: Principal, activity_id: str, reason: str) -> Activity:
        validate_reason(reason, "reason")
        return await self._transition(
            principal,
            activity_id,
            0,
            lambda a: activities.cancelled(a, reason.strip(), self.clock()),
            events.activity_cancelled,
        )

    async def complete(self, principal: Principal, activity_id: str) -> Activity:
        return await self._transition(
            principal,
            activity_id,
            0,
            lambda a: activities.completed(a, self.clock()),
            events.activity_completed,
        )

    async def list_activities(
        self, principal: Principal, activity_filter: ActivityFilter, page_size: int, token: str
    ) -> tuple[list[Activity], str]:
        validate_activity_filter(activity_filter)
        size = validate_page_size(page_size, "page_size")
        states = set(activity_filter.states) or {ActivityState.ACTIVITY_STATE_PUBLISHED}
        if ActivityState.ACTIVITY_STATE_DRAFT in states and principal.role is Role.STUDENT:
            raise PermissionDenied("students cannot list drafts")
        fingerprint = filter_fingerprint(activity_filter)
        after = (
            decode_page_token(token, fingerprint, key_pattern=ORDERING_KEY_PATTERN) if token else ""
        )
        matcher = ActivityMatcher.from_filter(activity_filter)
        index, lower, upper = self._index_for(activity_filter)
        after = max(after, lower)
        found: list[Activity] = []
        scanned, last_key, exhausted = 0, after, False
        batch_size = min(size + 1, SCAN_BATCH_MAX)
        while len(found) < size and scanned < SCAN_BUDGET and not exhausted:
            batch = await self.store.scan(index, last_key, upper, batch_size, matcher.words)
            exhausted = len(batch) < batch_size
            batch_size = min(batch_size * 4, SCAN_BATCH_MAX)
            for key, activity in batch:
                scanned += 1
                last_key = key
                if activity is None or not matcher.matches(activity):
                    continue
                if not activities.is_public(activity) and not self._manages(principal, activity):
                    continue
                found.append(activity)
                if len(found) == size:
                    exhausted = exhausted and key == batch[-1][0]
                    break
        await self.store.fill_seats(found)
        next_token = "" if exhausted else encode_page_token(last_key, fingerprint)
        return found, next_token

    @staticmethod
    def _index_for(activity_filter: ActivityFilter) -> tuple[str, str, str]:
        """The narrowest index for a filter, and the key range its start times allow."""
        if len(activity_filter.section_ids) == 1:
            index = keys.order_by_section(activity_filter.section_ids[0])
        elif activity_filter.week_edition:
            index = keys.order_by_edition(activity_filter.week_edition)
        else:
            index = keys.ORDER_ALL
        lower = upper = ""
        if activity_filter.HasField("starts_after"):
            # Keys sort as "<12-digit epoch>:<id>": just below the first key at that second.
            lower = f"{activity_filter.starts_after.seconds - 1:012d}:~"
        if activity_filter.HasField("starts_before"):
            upper = f"{activity_filter.starts_before.seconds + 1:012d}:"
        return index, lower, upper

    # Enrolments -----------------------------------------------------------------------

    def _require_enrolment_actor(
        self, principal: Principal, activity: Activity, student_id: str
    ) -> None:
        """The section's managers act for any student; a student only for themself."""
        if not self._manages(principal, activity):
            principal.require_student(student_id)

    async def enrol(self, principal: Principal, activity_id: str, student_id: str) -> EnrolOutcome:
        validate_activity_id(activity_id, "activity_id")
        validate_student_id(student_id, "student_id")
        activity = await self._visible(principal, activity_id)
        self._require_enrolment_actor(principal, activity, student_id)
        now = self.clock()
        now_ms = int(now.timestamp() * 1000)
        snapshot = Enrolment(activity_id=activity_id, student_id=student_id)
        snapshot.created_at.FromMilliseconds(now_ms)
        snapshot.updated_at.FromMilliseconds(now_ms)
        snapshot.status = EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED
        confirmed = events.enrolment_confirmed(snapshot)
        snapshot.status = EnrolmentStatus.ENROLMENT_STATUS_WAITLISTED
        waitlisted = events.enrolment_waitlisted(snapshot)
        outcome = await self.store.enrol(activity_id, student_id, now_ms, confirmed, waitlisted)
        counted = ENROLMENT_OUTCOMES.get(outcome.enrolment.status) if outcome.created else None
        metrics.ENROLMENTS.labels(counted or "existing").inc()
        return outcome

    async def _promoted_event(
        self, activity_id: str, student_id: str, now_ms: int
    ) -> OutgoingEvent | None:
        waiting = await self.store.enrolment(activity_id, student_id)
        if waiting is None:
            return None
        waiting.status = EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED
        waiting.promoted = True
        waiting.waitlist_position = 0
        waiting.updated_at.FromMilliseconds(now_ms)
        return events.enrolment_promoted(waiting)

    async def _fill_seats_from_waitlist(self, activity_id: str) -> None:
        """Give seats added by a capacity increase to waiting students, in their order."""
        for _ in range(CAPACITY_MAX_PROMOTIONS):
            head = await self.store.waitlist_head(activity_id)
            if not head:
                return
            now_ms = int(self.clock().timestamp() * 1000)
            event = await self._promoted_event(activity_id, head, now_ms)
            if event is None:
                continue
            if await self.store.promote_head(activity_id, head, now_ms, event) == "full":
                return

    async def cancel_enrolment(
        self, principal: Principal, activity_id: str, student_id: str
    ) -> tuple[Enrolment, Enrolment | None]:
        validate_activity_id(activity_id, "activity_id")
        validate_student_id(student_id, "student_id")
        activity = await self._visible(principal, activity_id)
        self._require_enrolment_actor(principal, activity, student_id)
        for _ in range(STALE_RETRIES):
            current = await self.store.enrolment(activity_id, student_id)
            if current is None or current.status == EnrolmentStatus.ENROLMENT_STATUS_CANCELLED:
                raise NotFound(f"student {student_id} is not enrolled in {activity_id}")
            now_ms = int(self.clock().timestamp() * 1000)
            cancelled = Enrolment()
            cancelled.CopyFrom(current)
            cancelled.status = EnrolmentStatus.ENROLMENT_STATUS_CANCELLED
            cancelled.waitlist_position = 0
            cancelled.ClearField("attended")
            cancelled.ClearField("attendance_marked_at")
            cancelled.updated_at.FromMilliseconds(now_ms)
            successor = await self._successor(activity_id, current, now_ms)
            if successor is None:
                continue
            head, promoted_event = successor
            result = await self.store.cancel_enrolment(
                current,
                head,
                now_ms,
                events.enrolment_cancelled(cancelled, current.status),
                promoted_event,
            )
            if result is None:
                continue
            promoted = await self.store.enrolment(activity_id, result) if result else None
            return cancelled, promoted
        raise Aborted("the waitlist keeps changing; try again")

    async def _successor(
        self, activity_id: str, leaving: Enrolment | None, now_ms: int
    ) -> tuple[str, OutgoingEvent | None] | None:
        """Who takes the seat ``leaving`` frees: the head of the waitlist and the event of
        their promotion ('' and None when no seat is freed or nobody waits), or None when the
        head left meanwhile and the caller must read again."""
        if leaving is None or leaving.status != EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED:
            return "", None
        head = await self.store.waitlist_head(activity_id)
        if not head:
            return "", None
        promoted_event = await self._promoted_event(activity_id, head, now_ms)
        return None if promoted_event is None else (head, promoted_event)

    async def erase_enrolments(self, student_id: str) -> int:
        """Erase every enrolment of a student whose data is erased; returns in how many
        activities. A confirmed seat goes to the head of the waitlist in the same step, with
        its promotion event; the student's tombstone is set before, so no enrolment of them
        can appear meanwhile. Safe to repeat."""
        activity_ids = await self.store.activities_of(student_id)
        for activity_id in sorted(activity_ids):
            await self._erase_enrolment(activity_id, student_id)
        return len(activity_ids)

    async def _erase_enrolment(self, activity_id: str, student_id: str) -> None:
        for _ in range(STALE_RETRIES):
            current = await self.store.enrolment(activity_id, student_id)
            now_ms = int(self.clock().timestamp() * 1000)
            successor = await self._successor(activity_id, current, now_ms)
            if successor is None:
                continue
            head, promoted_event = successor
            held = (
                current.status
                if current is not None
                else EnrolmentStatus.ENROLMENT_STATUS_UNSPECIFIED
            )
            erased_event = events.enrolment_erased(activity_id, held)
            erased = await self.store.erase_enrolment(
                activity_id, student_id, current, head, now_ms, erased_event, promoted_event
            )
            if erased is not None:
                return
        raise Aborted("the waitlist keeps changing; try again")

    async def mark_attendance(
        self, principal: Principal, activity_id: str, student_id: str, attended: bool
    ) -> tuple[Enrolment, bool]:
        """Record whether a confirmed student attended an activity that has started; returns
        the enrolment and whether the mark changed. For the section's coordinators and
        operators only: attendance is what the organisers saw, not what a platform reports."""
        validate_activity_id(activity_id, "activity_id")
        validate_student_id(student_id, "student_id")
        activity = await self._visible(principal, activity_id)
        principal.require_role(Role.OPERATOR, Role.COORDINATOR)
        principal.require_section(activity.details.section_id)
        if activity.state not in ATTENDANCE_STATES:
            raise FailedPrecondition(ATTENDANCE_NOT_OPEN)
        now = self.clock()
        if activity.details.starts_at.seconds > int(now.timestamp()):
            raise FailedPrecondition(ATTENDANCE_TOO_EARLY)
        for _ in range(STALE_RETRIES):
            current = await self.store.enrolment(activity_id, student_id)
            if current is None:
                raise NotFound(f"student {student_id} is not enrolled in {activity_id}")
            if current.status != EnrolmentStatus.ENROLMENT_STATUS_CONFIRMED:
                status = NAME_BY_STATUS.get(current.status, "not confirmed")
                raise FailedPrecondition(attendance_without_place(student_id, status))
            if current.HasField("attendance_marked_at") and current.attended == attended:
                return current, False
            marked = Enrolment()
            marked.CopyFrom(current)
            marked.attended = attended
            marked.attendance_marked_at.FromMilliseconds(int(now.timestamp() * 1000))
            outcome = await self.store.mark_attendance(
                marked, current.updated_at.ToMilliseconds(), events.attendance_marked(marked)
            )
            if outcome == "marked":
                return marked, True
            if outcome == "unchanged":
                return await self.store.enrolment(activity_id, student_id) or marked, False
        raise Aborted("the enrolment keeps changing; try again")

    async def list_enrolments(
        self,
        principal: Principal,
        activity_id: str,
        statuses: list[EnrolmentStatus.ValueType],
        page_size: int,
        token: str,
    ) -> tuple[list[Enrolment], str]:
        validate_activity_id(activity_id, "activity_id")
        size = validate_page_size(page_size, "page_size")
        _validate_statuses(statuses)
        activity = await self._visible(principal, activity_id)
        self._require_manager(principal, activity)
        fingerprint = hashlib.sha256(f"{activity_id}:{sorted(statuses)}".encode()).hexdigest()[:16]
        after = (
            int(decode_page_token(token, fingerprint, key_pattern=SEQUENCE_PATTERN)) if token else 0
        )
        wanted: set[EnrolmentStatus.ValueType] = set(statuses)
        found: list[Enrolment] = []
        batch_size = min(size + 1, SCAN_BATCH_MAX)
        read_beyond = False  # the last read holds entries after the page's last one
        while len(found) < size:
            batch = await self.store.list_enrolments(activity_id, after, batch_size)
            if not batch:
                return found, ""
            for position, (seq, enrolment) in enumerate(batch):
                after = seq
                if not wanted or enrolment.status in wanted:
                    found.append(enrolment)
                    if len(found) == size:
                        read_beyond = position < len(batch) - 1
                        break
            batch_size = min(batch_size * 4, SCAN_BATCH_MAX)
        more = read_beyond or await self.store.list_enrolments(activity_id, after, 1)
        return found, encode_page_token(str(after), fingerprint) if more else ""

    async def list_student_enrolments(
        self,
        principal: Principal,
        student_id: str,
        statuses: list[EnrolmentStatus.ValueType],
        page_size: int,
        token: str,
    ) -> tuple[list[StudentEnrolment], str]:
        """One student's enrolments with their activities, in the order they were made: for
        the student themself, platforms and operators (a coordinator sees their section's
        activities' enrolments, not a student's across sections)."""
        validate_student_id(student_id, "student_id")
        size = validate_page_size(page_size, "page_size")
        _validate_statuses(statuses)
        principal.require_role(Role.OPERATOR, Role.PLATFORM, Role.STUDENT)
        principal.require_student(student_id)
        wanted = sorted(set(statuses)) or sorted(NAME_BY_STATUS)
        fingerprint = hashlib.sha256(f"student:{student_id}:{wanted}".encode()).hexdigest()[:16]
        after = ""
        if token:
            after = decode_page_token(token, fingerprint, key_pattern=PLACE_KEY_PATTERN)
        places = await self.store.student_places(student_id, wanted, after, size + 1)
        found = [
            StudentEnrolment(enrolment=held[0], activity=held[1])
            for _, held in places[:size]
            if held is not None  # moved to another status as it was read: listed there
        ]
        more = len(places) > size
        return found, encode_page_token(places[size - 1][0], fingerprint) if more else ""


def _validate_statuses(statuses: list[EnrolmentStatus.ValueType]) -> None:
    for index, status in enumerate(statuses):
        if status not in EnrolmentStatus.values() or status == 0:
            raise InvalidArgument.single(f"statuses[{index}]", "unknown enrolment status")
