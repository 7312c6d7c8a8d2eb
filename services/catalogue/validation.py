"""Validation of catalogue requests. Pure functions: no I/O, no clock.

Every check reports through :class:`Violations`, so a request with several problems gets all of
them back in one ``InvalidArgument``, each under its field path (``details.causes[2]``,
``details.location.coordinates.latitude``). Time-dependent rules ("starts in the future") are not
here: they belong to publishing and enrolment, which know the current time.

The small checks (``check_text``, ``check_repeated``, ...) are public because the matching
service validates profiles with them too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from functools import cache
from typing import TypeVar
from zoneinfo import available_timezones

from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.catalogue import limits
from services.runtime.errors import InvalidArgument, Violations
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ActivityDetails,
    ActivityFilter,
    ActivityState,
    ActivityType,
    Objective,
    OnlineFilter,
)
from socialerasmus.common.v1.common_pb2 import Cause, GeoPoint

__all__ = [
    "COUNTRY_DESCRIPTION",
    "LANGUAGE_DESCRIPTION",
    "SECTION_DESCRIPTION",
    "WEEK_DESCRIPTION",
    "changed_fields",
    "check_enum",
    "check_geo_point",
    "check_pattern",
    "check_repeated",
    "check_text",
    "check_timestamp",
    "enum_item",
    "is_time_zone",
    "known_numbers",
    "pattern_item",
    "sdg_item",
    "skill_item",
    "total_nanos",
    "validate_activity_details",
    "validate_activity_filter",
    "validate_activity_id",
    "validate_page_size",
    "validate_reason",
    "validate_student_id",
]

T = TypeVar("T")


def known_numbers(descriptor: EnumDescriptor, *, allow_zero: bool = False) -> frozenset[int]:
    """Numbers of an enum's declared values; proto3 enums are open, so others can arrive."""
    return frozenset(v.number for v in descriptor.values if allow_zero or v.number != 0)


_ACTIVITY_TYPES = known_numbers(ActivityType.DESCRIPTOR)
_CAUSES = known_numbers(Cause.DESCRIPTOR)
_OBJECTIVES = known_numbers(Objective.DESCRIPTOR)
_STATES = known_numbers(ActivityState.DESCRIPTOR)
_ONLINE_FILTERS = known_numbers(OnlineFilter.DESCRIPTOR, allow_zero=True)

# Entries of the system time zone database that are not places: "localtime" is the host's zone,
# "posixrules" a compiler default and "Factory" a placeholder meaning "zone not configured".
_NON_PLACE_ZONES = frozenset({"localtime", "posixrules", "Factory"})

# Line breaks and tabs are fine in multi-line text; every other C0/C1 control character is not.
_MULTILINE_ALLOWED = frozenset("\n\r\t")
# Besides control characters, single-line text must not hold the Unicode line/paragraph breaks.
_SINGLE_LINE_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


# --- Small checks -----------------------------------------------------------------------------


@cache
def _time_zones() -> frozenset[str]:
    # Read once per process: scanning the zone database takes tens of milliseconds.
    return frozenset(available_timezones()) - _NON_PLACE_ZONES


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


def _has_forbidden_chars(value: str, *, multiline: bool) -> bool:
    if value.isascii() and value.isprintable():  # fast path for the common case
        return False
    for char in value:
        category = unicodedata.category(char)
        if multiline:
            if category == "Cc" and char not in _MULTILINE_ALLOWED:
                return True
        elif category in _SINGLE_LINE_FORBIDDEN_CATEGORIES:
            return True
    return False


def check_text(
    v: Violations,
    field: str,
    value: str,
    *,
    max_chars: int,
    required: bool = False,
    min_chars: int = 1,
    multiline: bool = False,
) -> bool:
    """Free text: stripped minimum length, maximum length as sent, no control characters."""
    stripped_len = len(value.strip())
    if stripped_len == 0:
        if required:
            v.add(field, "required")
            return False
        if not value:
            return True
    if stripped_len < min_chars:
        v.add(field, f"must be at least {min_chars} characters long")
        return False
    if len(value) > max_chars:
        v.add(field, f"must be at most {max_chars} characters long")
        return False
    if _has_forbidden_chars(value, multiline=multiline):
        if multiline:
            v.add(field, "must not contain control characters other than line breaks and tabs")
        else:
            v.add(field, "must be a single line without control characters")
        return False
    return True


def check_pattern(
    v: Violations,
    field: str,
    value: str,
    pattern: re.Pattern[str],
    description: str,
    *,
    required: bool,
) -> bool:
    if not value:
        if required:
            v.add(field, "required")
            return False
        return True
    if pattern.fullmatch(value) is None:
        v.add(field, f"must be {description}")
        return False
    return True


def check_enum(
    v: Violations, field: str, value: int, known: frozenset[int], *, allow_unspecified: bool
) -> bool:
    if value == 0 and not allow_unspecified:
        v.add(field, "required")
        return False
    if value != 0 and value not in known:
        v.add(field, f"unknown value {value}")
        return False
    return True


def pattern_item(pattern: re.Pattern[str], description: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if pattern.fullmatch(value) else f"must be {description}"

    return check


def enum_item(known: frozenset[int]) -> Callable[[int], str | None]:
    def check(value: int) -> str | None:
        if value == 0:
            return "must not be UNSPECIFIED"
        return None if value in known else f"unknown value {value}"

    return check


def check_repeated(
    v: Violations,
    field: str,
    values: Sequence[T],
    check_item: Callable[[T], str | None],
    *,
    min_count: int = 0,
    max_count: int,
    distinct: bool = True,
    key: Callable[[T], Hashable] = lambda item: item,
) -> list[T]:
    """Checks the count, every item (as ``field[i]``) and duplicates; returns the valid items."""
    if len(values) < min_count:
        v.add(field, "required" if min_count == 1 else f"must have at least {min_count} values")
        return []
    if len(values) > max_count:
        # Item errors of an oversized list would only be noise (and could be thousands of them).
        v.add(field, f"must have at most {max_count} values")
        return []
    valid: list[T] = []
    first_index: dict[Hashable, int] = {}
    for index, item in enumerate(values):
        problem = check_item(item)
        if problem is not None:
            v.add(f"{field}[{index}]", problem)
            continue
        if distinct:
            k = key(item)
            if k in first_index:
                v.add(f"{field}[{index}]", f"duplicate of {field}[{first_index[k]}]")
                continue
            first_index[k] = index
        valid.append(item)
    return valid


def check_timestamp(v: Violations, field: str, ts: Timestamp) -> bool:
    if not limits.TIMESTAMP_MIN_SECONDS <= ts.seconds <= limits.TIMESTAMP_MAX_SECONDS:
        v.add(field, "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
        return False
    if not 0 <= ts.nanos <= limits.NANOS_MAX:
        v.add(field, "nanos must be between 0 and 999999999")
        return False
    return True


def total_nanos(ts: Timestamp) -> int:
    return ts.seconds * 1_000_000_000 + ts.nanos


def check_geo_point(v: Violations, field: str, point: GeoPoint) -> bool:
    ok = True
    for name, value, low, high in (
        ("latitude", point.latitude, limits.LATITUDE_MIN, limits.LATITUDE_MAX),
        ("longitude", point.longitude, limits.LONGITUDE_MIN, limits.LONGITUDE_MAX),
    ):
        if not math.isfinite(value):
            v.add(f"{field}.{name}", "must be a finite number")
            ok = False
        elif not low <= value <= high:
            v.add(f"{field}.{name}", f"must be between {low:g} and {high:g}")
            ok = False
    if ok and point.latitude == 0 and point.longitude == 0:
        # 0,0 is open sea off West Africa: in practice it means the coordinates were never filled.
        v.add(field, "0,0 is not a plausible place; the coordinates look unset")
        ok = False
    return ok


def skill_item(value: str) -> str | None:
    stripped = value.strip()
    if not stripped:
        return "must not be empty"
    if len(value) > limits.SKILL_MAX_CHARS:
        return f"must be at most {limits.SKILL_MAX_CHARS} characters long"
    if _has_forbidden_chars(value, multiline=False):
        return "must be a single line without control characters"
    return None


def sdg_item(value: int) -> str | None:
    if limits.SDG_MIN <= value <= limits.SDG_MAX:
        return None
    return f"must be between {limits.SDG_MIN} and {limits.SDG_MAX}"


SECTION_DESCRIPTION = "an ESN section id such as esn-tirana"
COUNTRY_DESCRIPTION = "a lower-case ISO 3166-1 alpha-2 code such as es"
LANGUAGE_DESCRIPTION = "a lower-case ISO 639-1 code such as en"
WEEK_DESCRIPTION = "a SocialErasmus Week edition such as 2027-spring"
_section_item = pattern_item(limits.SECTION_ID_PATTERN, SECTION_DESCRIPTION)
_country_item = pattern_item(limits.COUNTRY_CODE_PATTERN, COUNTRY_DESCRIPTION)
_language_item = pattern_item(limits.LANGUAGE_CODE_PATTERN, LANGUAGE_DESCRIPTION)


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
        min_chars=limits.TITLE_MIN_CHARS,
        max_chars=limits.TITLE_MAX_CHARS,
    )
    check_text(
        v,
        f"{p}.description",
        details.description,
        required=True,
        max_chars=limits.DESCRIPTION_MAX_CHARS,
        multiline=True,
    )
    check_text(v, f"{p}.goal", details.goal, max_chars=limits.GOAL_MAX_CHARS, multiline=True)
    check_enum(v, f"{p}.type", details.type, _ACTIVITY_TYPES, allow_unspecified=False)
    check_repeated(
        v,
        f"{p}.causes",
        details.causes,
        enum_item(_CAUSES),
        min_count=limits.CAUSES_MIN,
        max_count=limits.CAUSES_MAX,
    )
    check_repeated(v, f"{p}.sdgs", details.sdgs, sdg_item, max_count=limits.SDGS_MAX)
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
        limits.SECTION_ID_PATTERN,
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
    if not details.time_zone:
        v.add(f"{p}.time_zone", "required")
    elif not is_time_zone(details.time_zone):
        v.add(f"{p}.time_zone", "must be an IANA time zone such as Europe/Madrid")
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
        min_count=limits.LANGUAGES_MIN,
        max_count=limits.LANGUAGES_MAX,
    )
    check_repeated(
        v,
        f"{p}.skills_wanted",
        details.skills_wanted,
        skill_item,
        max_count=limits.SKILLS_MAX,
        key=lambda skill: skill.strip().casefold(),
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
        limits.WEEK_EDITION_PATTERN,
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
        limits.COUNTRY_CODE_PATTERN,
        COUNTRY_DESCRIPTION,
        required=physical,
    )
    check_text(v, f"{field}.venue", location.venue, max_chars=limits.VENUE_MAX_CHARS)
    if location.HasField("coordinates"):
        check_geo_point(v, f"{field}.coordinates", location.coordinates)
    elif physical:
        v.add(f"{field}.coordinates", "required for an activity that is not online")


# --- Request fields ---------------------------------------------------------------------------


def validate_activity_id(value: str, field: str) -> None:
    if not value:
        raise InvalidArgument.single(field, "required")
    if limits.ACTIVITY_ID_PATTERN.fullmatch(value) is None:
        raise InvalidArgument.single(
            field, f"must be an activity id: a {limits.ACTIVITY_ID_LENGTH}-character ULID"
        )


def validate_student_id(value: str, field: str) -> None:
    if not value:
        raise InvalidArgument.single(field, "required")
    if limits.STUDENT_ID_PATTERN.fullmatch(value) is None:
        raise InvalidArgument.single(
            field, "must be 1 to 128 characters of letters, digits and _ . : @ -"
        )


def validate_reason(value: str, field: str, *, required: bool = True) -> None:
    """A cancellation reason shown to students: multi-line text of at most 500 characters."""
    v = Violations()
    check_text(
        v, field, value, required=required, max_chars=limits.REASON_MAX_CHARS, multiline=True
    )
    v.raise_if_any()


def validate_page_size(value: int, field: str) -> int:
    """Returns the page size to use: 0 means the default; outside 0..100 is rejected."""
    if value == 0:
        return limits.PAGE_SIZE_DEFAULT
    if not 1 <= value <= limits.PAGE_SIZE_MAX:
        raise InvalidArgument.single(field, f"must be between 1 and {limits.PAGE_SIZE_MAX}")
    return value


def validate_activity_filter(f: ActivityFilter, field_prefix: str = "filter") -> None:
    """Checks a listing filter; raises InvalidArgument listing all violations.

    Duplicates in the filter's repeated fields are harmless (they do not change the result) and
    are accepted.
    """
    v = Violations()
    p = field_prefix
    max_values = limits.FILTER_MAX_VALUES
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
        limits.WEEK_EDITION_PATTERN,
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


# --- Changes ----------------------------------------------------------------------------------


def changed_fields(old: ActivityDetails, new: ActivityDetails) -> list[str]:
    """Top-level ActivityDetails field names whose value differs, in declaration order.

    A message field that is set on one side only counts as changed even when the set value is
    empty, so clearing ``location`` is reported.
    """
    return [
        fd.name
        for fd in ActivityDetails.DESCRIPTOR.fields
        if _field_value(old, fd) != _field_value(new, fd)
    ]


def _field_value(message: Message, fd: FieldDescriptor) -> object:
    if fd.message_type is not None and not fd.is_repeated and not message.HasField(fd.name):
        return None
    return getattr(message, fd.name)
