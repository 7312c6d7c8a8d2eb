"""The catalogue's request rules. Pure functions: no I/O, no clock.

Every check reports through :class:`Violations`, so a request with several problems gets all of
them back in one ``InvalidArgument``, each under its field path (``details.causes[2]``,
``details.location.coordinates.latitude``). The checks themselves are the kernel's
(:mod:`services.kernel.violations`), shared with the other services. Time-dependent rules
("starts in the future") are not here: they belong to publishing and enrolment, which know the
current time.
"""

from __future__ import annotations

import math

from services.catalogue import limits
from services.kernel import limits as shared
from services.kernel.fields import sdg_item, skill_item, skill_key
from services.kernel.ids import (
    COUNTRY_CODE_PATTERN,
    COUNTRY_DESCRIPTION,
    LANGUAGE_CODE_PATTERN,
    LANGUAGE_DESCRIPTION,
    SECTION_DESCRIPTION,
    SECTION_ID_PATTERN,
    WEEK_DESCRIPTION,
    WEEK_EDITION_PATTERN,
)
from services.kernel.violations import (
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
from services.runtime.errors import Violations
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ActivityDetails,
    ActivityFilter,
    ActivityState,
    ActivityType,
    Objective,
    OnlineFilter,
)
from socialerasmus.common.v1.common_pb2 import Cause

__all__ = ["validate_activity_details", "validate_activity_filter", "validate_reason"]

_ACTIVITY_TYPES = known_numbers(ActivityType.DESCRIPTOR)
_CAUSES = known_numbers(Cause.DESCRIPTOR)
_OBJECTIVES = known_numbers(Objective.DESCRIPTOR)
_STATES = known_numbers(ActivityState.DESCRIPTOR)
_ONLINE_FILTERS = known_numbers(OnlineFilter.DESCRIPTOR, allow_zero=True)

_section_item = pattern_item(SECTION_ID_PATTERN, SECTION_DESCRIPTION)
_country_item = pattern_item(COUNTRY_CODE_PATTERN, COUNTRY_DESCRIPTION)
_language_item = pattern_item(LANGUAGE_CODE_PATTERN, LANGUAGE_DESCRIPTION)


# --- Activity details -------------------------------------------------------------------------


def validate_activity_details(details: ActivityDetails, field_prefix: str = "details") -> None:
    """Checks every field of ``details``; raises InvalidArgument listing all violations."""
    v = Violations()
    p = field_prefix

    check_text(
        v,
        f"{p}.title",
        details.title,
        required=True,
        min_chars=shared.TITLE_MIN_CHARS,
        max_chars=shared.TITLE_MAX_CHARS,
    )
    check_text(
        v,
        f"{p}.description",
        details.description,
        required=True,
        max_chars=shared.DESCRIPTION_MAX_CHARS,
        multiline=True,
    )
    check_text(v, f"{p}.goal", details.goal, max_chars=limits.GOAL_MAX_CHARS, multiline=True)
    check_enum(v, f"{p}.type", details.type, _ACTIVITY_TYPES, allow_unspecified=False)
    check_repeated(
        v,
        f"{p}.causes",
        details.causes,
        enum_item(_CAUSES),
        min_count=shared.CAUSES_MIN,
        max_count=shared.CAUSES_MAX,
    )
    check_repeated(v, f"{p}.sdgs", details.sdgs, sdg_item, max_count=shared.SDGS_MAX)
    check_repeated(
        v,
        f"{p}.objectives",
        details.objectives,
        enum_item(_OBJECTIVES),
        max_count=limits.OBJECTIVES_MAX,
    )
    check_pattern(
        v,
        f"{p}.section_id",
        details.section_id,
        SECTION_ID_PATTERN,
        SECTION_DESCRIPTION,
        required=True,
    )

    def co_organiser_item(value: str) -> str | None:
        problem = _section_item(value)
        if problem is None and value == details.section_id:
            return "is the organising section itself"
        return problem

    check_repeated(
        v,
        f"{p}.co_organiser_section_ids",
        details.co_organiser_section_ids,
        co_organiser_item,
        max_count=limits.CO_ORGANISERS_MAX,
    )
    _check_times(v, details, p)
    check_time_zone(v, f"{p}.time_zone", details.time_zone)
    _check_location(v, details, p)
    if not limits.CAPACITY_MIN <= details.capacity <= limits.CAPACITY_MAX:
        v.add(
            f"{p}.capacity",
            "required"
            if details.capacity == 0
            else f"must be between {limits.CAPACITY_MIN} and {limits.CAPACITY_MAX}",
        )
    check_repeated(
        v,
        f"{p}.languages",
        details.languages,
        _language_item,
        min_count=shared.LANGUAGES_MIN,
        max_count=shared.LANGUAGES_MAX,
    )
    check_repeated(
        v,
        f"{p}.skills_wanted",
        details.skills_wanted,
        skill_item,
        max_count=shared.SKILLS_MAX,
        key=skill_key,
    )
    check_text(
        v,
        f"{p}.accessibility_notes",
        details.accessibility_notes,
        max_chars=limits.ACCESSIBILITY_NOTES_MAX_CHARS,
        multiline=True,
    )
    check_pattern(
        v,
        f"{p}.week_edition",
        details.week_edition,
        WEEK_EDITION_PATTERN,
        WEEK_DESCRIPTION,
        required=False,
    )
    v.raise_if_any()


def _check_times(v: Violations, details: ActivityDetails, p: str) -> None:
    starts_ok = ends_ok = False
    if not details.HasField("starts_at"):
        v.add(f"{p}.starts_at", "required")
    else:
        starts_ok = check_timestamp(v, f"{p}.starts_at", details.starts_at)
    if not details.HasField("ends_at"):
        v.add(f"{p}.ends_at", "required")
    else:
        ends_ok = check_timestamp(v, f"{p}.ends_at", details.ends_at)
    if not (starts_ok and ends_ok):
        return
    duration = total_nanos(details.ends_at) - total_nanos(details.starts_at)
    max_nanos = limits.MAX_DURATION.days * 86_400 * 1_000_000_000
    if duration <= 0:
        v.add(f"{p}.ends_at", "must be after starts_at")
    elif duration > max_nanos:
        v.add(f"{p}.ends_at", f"must be at most {limits.MAX_DURATION.days} days after starts_at")


def _check_location(v: Violations, details: ActivityDetails, p: str) -> None:
    field = f"{p}.location"
    if not details.HasField("location"):
        v.add(field, "required: set online, or a city, country_code and coordinates")
        return
    location = details.location
    physical = not location.online
    check_text(
        v, f"{field}.city", location.city, required=physical, max_chars=limits.CITY_MAX_CHARS
    )
    check_pattern(
        v,
        f"{field}.country_code",
        location.country_code,
        COUNTRY_CODE_PATTERN,
        COUNTRY_DESCRIPTION,
        required=physical,
    )
    check_text(v, f"{field}.venue", location.venue, max_chars=limits.VENUE_MAX_CHARS)
    if location.HasField("coordinates"):
        check_geo_point(v, f"{field}.coordinates", location.coordinates)
    elif physical:
        v.add(f"{field}.coordinates", "required for an activity that is not online")


# --- Requests -------------------------------------------------------------------------------


def validate_reason(value: str, field: str, *, required: bool = True) -> None:
    """A cancellation reason shown to students: multi-line text of at most 500 characters."""
    v = Violations()
    check_text(
        v, field, value, required=required, max_chars=limits.REASON_MAX_CHARS, multiline=True
    )
    v.raise_if_any()


def validate_activity_filter(f: ActivityFilter, field_prefix: str = "filter") -> None:
    """Checks a listing filter; raises InvalidArgument listing all violations.

    Duplicates in the filter's repeated fields are harmless (they do not change the result) and
    are accepted.
    """
    v = Violations()
    p = field_prefix
    max_values = shared.FILTER_MAX_VALUES
    check_repeated(
        v, f"{p}.section_ids", f.section_ids, _section_item, max_count=max_values, distinct=False
    )
    check_repeated(
        v,
        f"{p}.country_codes",
        f.country_codes,
        _country_item,
        max_count=max_values,
        distinct=False,
    )
    _check_near(v, f, p)
    check_repeated(
        v, f"{p}.causes", f.causes, enum_item(_CAUSES), max_count=max_values, distinct=False
    )
    check_repeated(v, f"{p}.sdgs", f.sdgs, sdg_item, max_count=max_values, distinct=False)
    check_repeated(
        v, f"{p}.languages", f.languages, _language_item, max_count=max_values, distinct=False
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
    check_repeated(
        v, f"{p}.states", f.states, enum_item(_STATES), max_count=max_values, distinct=False
    )
    check_enum(v, f"{p}.online", f.online, _ONLINE_FILTERS, allow_unspecified=True)
    check_text(v, f"{p}.text_query", f.text_query, max_chars=limits.TEXT_QUERY_MAX_CHARS)
    v.raise_if_any()


def _check_near(v: Violations, f: ActivityFilter, p: str) -> None:
    has_near = f.HasField("near")
    radius = f.radius_km
    if has_near:
        check_geo_point(v, f"{p}.near", f.near)
    if not math.isfinite(radius):
        v.add(f"{p}.radius_km", "must be a finite number")
    elif radius == 0:
        if has_near:
            v.add(f"{p}.radius_km", "required when near is set")
    elif not 0 < radius <= limits.RADIUS_MAX_KM:
        v.add(f"{p}.radius_km", f"must be greater than 0 and at most {limits.RADIUS_MAX_KM:g}")
    elif not has_near:
        v.add(f"{p}.near", "required when radius_km is set")
