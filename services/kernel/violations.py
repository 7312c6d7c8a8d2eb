"""The violations toolkit: small checks that report every problem of a request at once.

Each ``check_*`` adds what is wrong to a :class:`~services.runtime.errors.Violations` under the
field's path (``details.causes[2]``, ``profile.home_location.latitude``) and says whether the
value was fine; each ``*_item`` function checks one item of a repeated field for
:func:`check_repeated`. The services build their request rules from them, so a field they share
is worded the same everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from functools import cache
from typing import TypeVar
from zoneinfo import available_timezones

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel import limits
from services.runtime.errors import Violations
from socialerasmus.common.v1.common_pb2 import GeoPoint

__all__ = [
    "check_count",
    "check_enum",
    "check_geo_point",
    "check_pattern",
    "check_repeated",
    "check_text",
    "check_time_zone",
    "check_timestamp",
    "enum_item",
    "has_forbidden_chars",
    "is_time_zone",
    "known_numbers",
    "pattern_item",
    "total_nanos",
]

T = TypeVar("T")


def known_numbers(descriptor: EnumDescriptor, *, allow_zero: bool = False) -> frozenset[int]:
    """Numbers of an enum's declared values; proto3 enums are open, so others can arrive."""
    return frozenset(v.number for v in descriptor.values if allow_zero or v.number != 0)


# Entries of the system time zone database that are not places: "localtime" is the host's zone,
# "posixrules" a compiler default and "Factory" a placeholder meaning "zone not configured".
_NON_PLACE_ZONES = frozenset({"localtime", "posixrules", "Factory"})

# Line breaks and tabs are fine in multi-line text; every other C0/C1 control character is not.
_MULTILINE_ALLOWED = frozenset("\n\r\t")
# Besides control characters, single-line text must not hold the Unicode line/paragraph breaks.
_SINGLE_LINE_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@cache
def _time_zones() -> frozenset[str]:
    # Read once per process: scanning the zone database takes tens of milliseconds.
    return frozenset(available_timezones()) - _NON_PLACE_ZONES


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


def check_time_zone(v: Violations, field: str, value: str) -> bool:
    """A required IANA time zone name."""
    if not value:
        v.add(field, "required")
        return False
    if not is_time_zone(value):
        v.add(field, "must be an IANA time zone such as Europe/Madrid")
        return False
    return True


def has_forbidden_chars(value: str, *, multiline: bool) -> bool:
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
    if has_forbidden_chars(value, multiline=multiline):
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


def check_count(v: Violations, field: str, count: int, *, min_count: int, max_count: int) -> bool:
    """The count rule of :func:`check_repeated`, also for lists whose items have fields of
    their own."""
    if count < min_count:
        v.add(field, "required" if min_count == 1 else f"must have at least {min_count} values")
        return False
    if count > max_count:
        # Item errors of an oversized list would only be noise (and could be thousands of them).
        v.add(field, f"must have at most {max_count} values")
        return False
    return True


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
    if not check_count(v, field, len(values), min_count=min_count, max_count=max_count):
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
