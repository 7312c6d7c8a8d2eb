"""Validation of matching requests. Pure functions: no I/O, no clock.

Built from the kernel's checks (:mod:`services.kernel.violations`), as the catalogue's rules
are, so both services word their violations the same way and agree on every shared format (ids,
language codes, Week editions). Each function reports all problems at once in one
``InvalidArgument``, each under its field path (``profile.languages[1].code``,
``profile.weekly_availability[0].end_minute``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.fields import sdg_item, skill_item, skill_key
from services.kernel.ids import (
    ACTIVITY_ID_DESCRIPTION,
    ACTIVITY_ID_PATTERN,
    COUNTRY_CODE_PATTERN,
    COUNTRY_DESCRIPTION,
    LANGUAGE_CODE_PATTERN,
    LANGUAGE_DESCRIPTION,
    SECTION_DESCRIPTION,
    SECTION_ID_PATTERN,
    STUDENT_ID_DESCRIPTION,
    STUDENT_ID_PATTERN,
    WEEK_DESCRIPTION,
    WEEK_EDITION_PATTERN,
)
from services.kernel.violations import (
    check_count,
    check_enum,
    check_geo_point,
    check_pattern,
    check_repeated,
    check_text,
    check_time_zone,
    check_timestamp,
    enum_item,
    known_numbers,
    pattern_item,
    total_nanos,
)
from services.matching import limits
from services.runtime.errors import Violations
from socialerasmus.common.v1.common_pb2 import Cause
from socialerasmus.matching.v1.matching_pb2 import (
    FEEDBACK_KIND_RATED,
    AllocateWeekRequest,
    AvailabilitySlot,
    CauseInterest,
    Feedback,
    FeedbackKind,
    LanguageLevel,
    LanguageSkill,
    ListAllocationRequest,
    RecommendFilter,
    RecommendRequest,
    VolunteerProfile,
    Weekday,
)

__all__ = [
    "validate_allocate",
    "validate_feedback",
    "validate_feedback_batch",
    "validate_profile",
    "validate_profiles",
    "validate_recommend",
]

_CAUSES = known_numbers(Cause.DESCRIPTOR)
_LEVELS = known_numbers(LanguageLevel.DESCRIPTOR)
_WEEKDAYS = known_numbers(Weekday.DESCRIPTOR)
_FEEDBACK_KINDS = known_numbers(FeedbackKind.DESCRIPTOR)

_NANOS_PER_DAY = 86_400 * 1_000_000_000

_activity_id_item = pattern_item(ACTIVITY_ID_PATTERN, ACTIVITY_ID_DESCRIPTION)


# --- Volunteer profile ------------------------------------------------------------------------


def validate_profile(profile: VolunteerProfile, field_prefix: str = "profile") -> None:
    """Checks every field of ``profile``; raises InvalidArgument listing all violations.

    ``updated_at`` is not checked: it is output only, and the service overwrites it.
    """
    v = Violations()
    _check_profile(v, profile, field_prefix)
    v.raise_if_any()


def validate_profiles(profiles: Sequence[VolunteerProfile]) -> None:
    """Checks an UpsertProfiles request: 1 to BATCH_ITEMS_MAX profiles of distinct students,
    each as :func:`validate_profile` checks one, under ``items[i]``."""
    v = Violations()
    if check_count(v, "items", len(profiles), min_count=1, max_count=limits.BATCH_ITEMS_MAX):
        first_index: dict[str, int] = {}
        for index, profile in enumerate(profiles):
            _check_profile(v, profile, f"items[{index}]")
            earlier = first_index.setdefault(profile.student_id, index)
            if earlier != index and profile.student_id:
                v.add(f"items[{index}].student_id", f"duplicate of items[{earlier}].student_id")
    v.raise_if_any()


def _check_profile(v: Violations, profile: VolunteerProfile, p: str) -> None:

    _check_student_id(v, f"{p}.student_id", profile.student_id)
    check_pattern(
        v,
        f"{p}.host_section_id",
        profile.host_section_id,
        SECTION_ID_PATTERN,
        SECTION_DESCRIPTION,
        required=True,
    )
    check_pattern(
        v,
        f"{p}.home_country_code",
        profile.home_country_code,
        COUNTRY_CODE_PATTERN,
        COUNTRY_DESCRIPTION,
        required=False,
    )
    _check_languages(v, f"{p}.languages", profile.languages)
    _check_interests(v, f"{p}.interests", profile.interests)
    check_repeated(
        v,
        f"{p}.skills",
        profile.skills,
        skill_item,
        max_count=limits.SKILLS_MAX,
        key=skill_key,
    )
    check_text(
        v,
        f"{p}.motivation",
        profile.motivation,
        max_chars=limits.MOTIVATION_MAX_CHARS,
        multiline=True,
    )
    _check_mobility(v, profile, p)
    _check_availability(v, f"{p}.weekly_availability", profile.weekly_availability)
    _check_max_distance(v, f"{p}.max_distance_km", profile.max_distance_km)
    check_time_zone(v, f"{p}.time_zone", profile.time_zone)
    if profile.HasField("home_location"):
        check_geo_point(v, f"{p}.home_location", profile.home_location)
    check_repeated(
        v,
        f"{p}.week_editions",
        profile.week_editions,
        pattern_item(WEEK_EDITION_PATTERN, WEEK_DESCRIPTION),
        max_count=limits.WEEK_EDITIONS_MAX,
    )


def _check_student_id(v: Violations, field: str, value: str) -> bool:
    return check_pattern(
        v,
        field,
        value,
        STUDENT_ID_PATTERN,
        STUDENT_ID_DESCRIPTION,
        required=True,
    )


def _check_languages(v: Violations, field: str, languages: Sequence[LanguageSkill]) -> None:
    if not check_count(
        v, field, len(languages), min_count=limits.LANGUAGES_MIN, max_count=limits.LANGUAGES_MAX
    ):
        return
    first_index: dict[str, int] = {}
    for index, skill in enumerate(languages):
        item = f"{field}[{index}]"
        if check_pattern(
            v,
            f"{item}.code",
            skill.code,
            LANGUAGE_CODE_PATTERN,
            LANGUAGE_DESCRIPTION,
            required=True,
        ):
            if skill.code in first_index:
                v.add(f"{item}.code", f"duplicate of {field}[{first_index[skill.code]}].code")
            else:
                first_index[skill.code] = index
        check_enum(v, f"{item}.level", skill.level, _LEVELS, allow_unspecified=False)


def _check_interests(v: Violations, field: str, interests: Sequence[CauseInterest]) -> None:
    if not check_count(v, field, len(interests), min_count=0, max_count=limits.INTERESTS_MAX):
        return
    first_index: dict[int, int] = {}
    for index, interest in enumerate(interests):
        item = f"{field}[{index}]"
        if check_enum(v, f"{item}.cause", interest.cause, _CAUSES, allow_unspecified=False):
            if interest.cause in first_index:
                v.add(f"{item}.cause", f"duplicate of {field}[{first_index[interest.cause]}].cause")
            else:
                first_index[interest.cause] = index
        weight = interest.weight
        if not math.isfinite(weight):
            v.add(f"{item}.weight", "must be a finite number")
        elif not limits.INTEREST_WEIGHT_MIN <= weight <= limits.INTEREST_WEIGHT_MAX:
            low, high = limits.INTEREST_WEIGHT_MIN, limits.INTEREST_WEIGHT_MAX
            v.add(f"{item}.weight", f"must be between {low:g} and {high:g}")


def _check_mobility(v: Violations, profile: VolunteerProfile, p: str) -> None:
    arrival_ok = _check_required_timestamp(
        v, f"{p}.arrival", profile.arrival, present=profile.HasField("arrival")
    )
    departure_ok = _check_required_timestamp(
        v, f"{p}.departure", profile.departure, present=profile.HasField("departure")
    )
    if not (arrival_ok and departure_ok):
        return
    length = total_nanos(profile.departure) - total_nanos(profile.arrival)
    if length <= 0:
        v.add(f"{p}.departure", "must be after arrival")
    elif length > limits.MOBILITY_MAX.days * _NANOS_PER_DAY:
        v.add(f"{p}.departure", f"must be at most {limits.MOBILITY_MAX.days} days after arrival")


def _check_required_timestamp(v: Violations, field: str, ts: Timestamp, *, present: bool) -> bool:
    if not present:
        v.add(field, "required")
        return False
    return check_timestamp(v, field, ts)


def _check_availability(v: Violations, field: str, slots: Sequence[AvailabilitySlot]) -> None:
    if not check_count(v, field, len(slots), min_count=0, max_count=limits.AVAILABILITY_SLOTS_MAX):
        return
    valid: list[tuple[int, AvailabilitySlot]] = []
    for index, slot in enumerate(slots):
        item = f"{field}[{index}]"
        ok = check_enum(v, f"{item}.weekday", slot.weekday, _WEEKDAYS, allow_unspecified=False)
        bounds_ok = True
        for name, minute in (("start_minute", slot.start_minute), ("end_minute", slot.end_minute)):
            if not limits.MINUTE_MIN <= minute <= limits.MINUTE_MAX:
                v.add(
                    f"{item}.{name}",
                    f"must be between {limits.MINUTE_MIN} and {limits.MINUTE_MAX}",
                )
                bounds_ok = False
        if bounds_ok and slot.end_minute <= slot.start_minute:
            v.add(f"{item}.end_minute", "must be after start_minute")
            bounds_ok = False
        if not (ok and bounds_ok):
            continue
        # Touching slots (one ends at 10:00, the next starts at 10:00) do not overlap.
        for earlier_index, earlier in valid:
            if (
                earlier.weekday == slot.weekday
                and slot.start_minute < earlier.end_minute
                and earlier.start_minute < slot.end_minute
            ):
                v.add(item, f"overlaps {field}[{earlier_index}] on the same weekday")
                break
        else:
            valid.append((index, slot))


def _check_max_distance(v: Violations, field: str, value: float) -> None:
    if not math.isfinite(value):
        v.add(field, "must be a finite number")
    elif not 0 <= value <= limits.MAX_DISTANCE_KM_MAX:
        v.add(field, f"must be between 0 and {limits.MAX_DISTANCE_KM_MAX:g}")


# --- Feedback ---------------------------------------------------------------------------------


def validate_feedback(feedback: Feedback, field_prefix: str = "feedback") -> None:
    """Checks a feedback event; raises InvalidArgument listing all violations.

    ``occurred_at`` is optional (the service then uses the time it was received); when set it
    must be a valid timestamp.
    """
    v = Violations()
    _check_feedback(v, feedback, field_prefix)
    v.raise_if_any()


def validate_feedback_batch(items: Sequence[Feedback]) -> None:
    """Checks a RecordFeedbackBatch request: 1 to BATCH_ITEMS_MAX feedback events, each as
    :func:`validate_feedback` checks one, under ``items[i]``."""
    v = Violations()
    if check_count(v, "items", len(items), min_count=1, max_count=limits.BATCH_ITEMS_MAX):
        for index, feedback in enumerate(items):
            _check_feedback(v, feedback, f"items[{index}]")
    v.raise_if_any()


def _check_feedback(v: Violations, feedback: Feedback, p: str) -> None:
    _check_student_id(v, f"{p}.student_id", feedback.student_id)
    check_pattern(
        v,
        f"{p}.activity_id",
        feedback.activity_id,
        ACTIVITY_ID_PATTERN,
        ACTIVITY_ID_DESCRIPTION,
        required=True,
    )
    kind_ok = check_enum(v, f"{p}.kind", feedback.kind, _FEEDBACK_KINDS, allow_unspecified=False)
    rating = feedback.rating
    if kind_ok and feedback.kind == FEEDBACK_KIND_RATED:
        if rating == 0:
            v.add(f"{p}.rating", "required with FEEDBACK_KIND_RATED")
        elif not limits.RATING_MIN <= rating <= limits.RATING_MAX:
            v.add(f"{p}.rating", f"must be between {limits.RATING_MIN} and {limits.RATING_MAX}")
    elif kind_ok:
        if rating != 0:
            v.add(f"{p}.rating", "must be unset (0) unless kind is FEEDBACK_KIND_RATED")
    elif not 0 <= rating <= limits.RATING_MAX:
        # The kind is wrong, so which rating rule applies is unknown; only the range is certain.
        v.add(f"{p}.rating", f"must be between {limits.RATING_MIN} and {limits.RATING_MAX}")
    if feedback.HasField("occurred_at"):
        check_timestamp(v, f"{p}.occurred_at", feedback.occurred_at)


# --- Requests ---------------------------------------------------------------------------------


def validate_recommend(request: RecommendRequest) -> int:
    """Checks a Recommend request; returns how many recommendations to give (0 means 10)."""
    v = Violations()
    _check_student_id(v, "student_id", request.student_id)
    k = request.k
    if k == 0:
        k = limits.RECOMMEND_K_DEFAULT
    elif not 1 <= k <= limits.RECOMMEND_K_MAX:
        v.add("k", f"must be between 1 and {limits.RECOMMEND_K_MAX}")
    _check_filter(v, request.filter, "filter")
    v.raise_if_any()
    return k


def _check_filter(v: Violations, f: RecommendFilter, p: str) -> None:
    # Duplicate causes do not change the result, so they are accepted (as in a listing filter).
    check_repeated(
        v,
        f"{p}.causes",
        f.causes,
        enum_item(_CAUSES),
        max_count=limits.FILTER_CAUSES_MAX,
        distinct=False,
    )
    after_ok = f.HasField("starts_after") and check_timestamp(
        v, f"{p}.starts_after", f.starts_after
    )
    before_ok = f.HasField("starts_before") and check_timestamp(
        v, f"{p}.starts_before", f.starts_before
    )
    if after_ok and before_ok and total_nanos(f.starts_before) <= total_nanos(f.starts_after):
        v.add(f"{p}.starts_before", "must be after starts_after")
    check_pattern(
        v,
        f"{p}.week_edition",
        f.week_edition,
        WEEK_EDITION_PATTERN,
        WEEK_DESCRIPTION,
        required=False,
    )
    # A platform may send what it shows and what the student hid in one list, overlapping.
    check_repeated(
        v,
        f"{p}.exclude_activity_ids",
        f.exclude_activity_ids,
        _activity_id_item,
        max_count=limits.FILTER_EXCLUDED_ACTIVITIES_MAX,
        distinct=False,
    )
    # Distinct, as on an activity: with 17 goals, a duplicate is a client mistake.
    check_repeated(v, f"{p}.sdgs", f.sdgs, sdg_item, max_count=limits.FILTER_SDGS_MAX)


def validate_allocate(request: AllocateWeekRequest) -> tuple[int, int]:
    """Checks an AllocateWeek request; returns the places per student (0 means 1) and the
    page size (0 means the default) to use."""
    v = Violations()
    check_pattern(
        v,
        "week_edition",
        request.week_edition,
        WEEK_EDITION_PATTERN,
        WEEK_DESCRIPTION,
        required=True,
    )
    places = request.max_places_per_student
    if places == 0:
        places = limits.MAX_PLACES_DEFAULT
    elif not 1 <= places <= limits.MAX_PLACES_MAX:
        v.add("max_places_per_student", f"must be between 1 and {limits.MAX_PLACES_MAX}")
    page_size = _page_size(v, request.page_size)
    v.raise_if_any()
    return places, page_size


def _page_size(v: Violations, page_size: int) -> int:
    if page_size == 0:
        return limits.ALLOCATION_PAGE_DEFAULT
    if not 1 <= page_size <= limits.ALLOCATION_PAGE_MAX:
        v.add("page_size", f"must be between 1 and {limits.ALLOCATION_PAGE_MAX}")
    return page_size


def validate_list_allocation(request: ListAllocationRequest) -> tuple[int, int]:
    """Checks a ListAllocation request; returns the page size and the offset the token holds."""
    v = Violations()
    if not request.allocation_id:
        v.add("allocation_id", "is required")
    elif len(request.allocation_id) > limits.ALLOCATION_ID_MAX_LENGTH:
        v.add("allocation_id", f"must be at most {limits.ALLOCATION_ID_MAX_LENGTH} characters")
    page_size = _page_size(v, request.page_size)
    token = request.page_token
    offset = 0
    if token:
        if token.isascii() and token.isdigit() and len(token) <= 10:
            offset = int(token)
        else:
            v.add("page_token", "is not a token given by AllocateWeek or ListAllocation")
    v.raise_if_any()
    return page_size, offset
