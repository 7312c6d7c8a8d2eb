"""Listing activities: filter matching, ordering keys and filter fingerprints. Pure functions.

Listings are ordered by ``(starts_at, id)`` through :func:`ordering_key`, a string that sorts
lexicographically in that order, so a store can keep activities in a sorted set and page with a
keyset: the page token (:mod:`services.kernel.pages`) carries the last key returned, bound to
the filter's fingerprint so a token cannot be replayed against another filter.

The matcher assumes a filter that passed
:func:`services.catalogue.validation.validate_activity_filter`; on other input it does not raise
but its answers are unspecified.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from services.kernel.geo import Origin
from services.kernel.ids import ACTIVITY_ID_PATTERN
from services.kernel.text import fold_text
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_PUBLISHED,
    ONLINE_FILTER_IN_PERSON_ONLY,
    ONLINE_FILTER_ONLINE_ONLY,
    ONLINE_FILTER_UNSPECIFIED,
    Activity,
    ActivityDetails,
    ActivityFilter,
)
from socialerasmus.common.v1.common_pb2 import Location

__all__ = [
    "ORDERING_KEY_PATTERN",
    "ActivityMatcher",
    "filter_fingerprint",
    "ordering_key",
]

_ORDERING_SECONDS_DIGITS = 12
_MAX_ORDERING_SECONDS = 10**_ORDERING_SECONDS_DIGITS - 1
ORDERING_KEY_PATTERN = re.compile(
    rf"\d{{{_ORDERING_SECONDS_DIGITS}}}:{ACTIVITY_ID_PATTERN.pattern}"
)

_NANOS_PER_SECOND = 1_000_000_000
# Bump when matching semantics change, so tokens minted under the old rules stop being accepted.
_FINGERPRINT_VERSION = 1
_FINGERPRINT_HEX_CHARS = 16  # 64 bits: plenty to tell apart the filters of one client

# --- Text -------------------------------------------------------------------------------------


def search_text(details: ActivityDetails) -> str:
    """What the words of a text query are looked for in: title, description, goal and city,
    folded as the words are (a word matches where it is part of this text)."""
    # "\n" keeps a word from matching across two fields; words never hold whitespace.
    return fold_text(
        f"{details.title}\n{details.description}\n{details.goal}\n{details.location.city}"
    )


def _query_words(text_query: str) -> tuple[str, ...]:
    # Folding first: NFKD may turn some characters (no-break space, ...) into plain spaces.
    return tuple(dict.fromkeys(fold_text(text_query).split()))


# --- Matching ---------------------------------------------------------------------------------


def _timestamp_nanos(seconds: int, nanos: int) -> int:
    return seconds * _NANOS_PER_SECOND + nanos


@dataclass(frozen=True, slots=True)
class ActivityMatcher:
    """An ActivityFilter compiled for fast repeated ``matches`` calls.

    Empty sets and ``None`` do not filter. Build it with :meth:`from_filter`.
    """

    states: frozenset[int] = frozenset({ACTIVITY_STATE_PUBLISHED})
    section_ids: frozenset[str] = frozenset()
    country_codes: frozenset[str] = frozenset()
    causes: frozenset[int] = frozenset()
    sdgs: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    # Epoch nanoseconds; starts_after is inclusive, starts_before exclusive.
    starts_after: int | None = None
    starts_before: int | None = None
    week_edition: str = ""
    online: int = ONLINE_FILTER_UNSPECIFIED
    # (latitude, longitude) in degrees; the radius check applies only with a positive radius_km.
    near: tuple[float, float] | None = None
    radius_km: float = 0.0
    # Folded, distinct words of the text query, all of which must appear.
    words: tuple[str, ...] = ()
    _near_rad: Origin | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.near is not None and self.radius_km > 0:
            object.__setattr__(self, "_near_rad", Origin.at(*self.near))

    @classmethod
    def from_filter(cls, f: ActivityFilter) -> ActivityMatcher:
        return cls(
            states=frozenset(f.states) or frozenset({ACTIVITY_STATE_PUBLISHED}),
            section_ids=frozenset(f.section_ids),
            country_codes=frozenset(f.country_codes),
            causes=frozenset(f.causes),
            sdgs=frozenset(f.sdgs),
            languages=frozenset(f.languages),
            starts_after=(
                _timestamp_nanos(f.starts_after.seconds, f.starts_after.nanos)
                if f.HasField("starts_after")
                else None
            ),
            starts_before=(
                _timestamp_nanos(f.starts_before.seconds, f.starts_before.nanos)
                if f.HasField("starts_before")
                else None
            ),
            week_edition=f.week_edition,
            online=f.online,
            near=(f.near.latitude, f.near.longitude) if f.HasField("near") else None,
            radius_km=f.radius_km,
            words=_query_words(f.text_query),
        )

    def matches(self, activity: Activity) -> bool:
        """True when the activity passes every set filter. Cheapest checks run first."""
        if activity.state not in self.states:
            return False
        details = activity.details
        return (
            self._matches_labels(details)
            and self._matches_time(details)
            and self._matches_near(details.location)
            and self._matches_text(details)
        )

    def _matches_labels(self, details: ActivityDetails) -> bool:
        location = details.location
        return (
            (not self.section_ids or details.section_id in self.section_ids)
            and (not self.week_edition or details.week_edition == self.week_edition)
            and (not self.country_codes or location.country_code in self.country_codes)
            and (self.online != ONLINE_FILTER_ONLINE_ONLY or location.online)
            and (self.online != ONLINE_FILTER_IN_PERSON_ONLY or not location.online)
            and (not self.causes or not self.causes.isdisjoint(details.causes))
            and (not self.sdgs or not self.sdgs.isdisjoint(details.sdgs))
            and (not self.languages or not self.languages.isdisjoint(details.languages))
        )

    def _matches_time(self, details: ActivityDetails) -> bool:
        if self.starts_after is None and self.starts_before is None:
            return True
        starts = _timestamp_nanos(details.starts_at.seconds, details.starts_at.nanos)
        return (self.starts_after is None or starts >= self.starts_after) and (
            self.starts_before is None or starts < self.starts_before
        )

    def _matches_near(self, location: Location) -> bool:
        if self._near_rad is None:
            return True
        if location.online or not location.HasField("coordinates"):
            return False
        point = location.coordinates
        return self._near_rad.km_to(point.latitude, point.longitude) <= self.radius_km

    def _matches_text(self, details: ActivityDetails) -> bool:
        if not self.words:
            return True
        haystack = search_text(details)
        return all(word in haystack for word in self.words)

    def fingerprint(self) -> str:
        """Short hash of what this matcher keeps; equal for filters that mean the same."""
        canonical = {
            "v": _FINGERPRINT_VERSION,
            "states": sorted(self.states),
            "section_ids": sorted(self.section_ids),
            "country_codes": sorted(self.country_codes),
            "causes": sorted(self.causes),
            "sdgs": sorted(self.sdgs),
            "languages": sorted(self.languages),
            "starts_after": self.starts_after,
            "starts_before": self.starts_before,
            "week_edition": self.week_edition,
            "online": self.online,
            "near": list(self.near) if self._near_rad is not None and self.near else None,
            "radius_km": self.radius_km if self._near_rad is not None else None,
            "words": sorted(self.words),
        }
        encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()[:_FINGERPRINT_HEX_CHARS]


def filter_fingerprint(f: ActivityFilter) -> str:
    """Short sha256 of the filter's meaning: reordering or repeating values does not change it."""
    return ActivityMatcher.from_filter(f).fingerprint()


# --- Ordering ---------------------------------------------------------------------------------


def ordering_key(activity: Activity) -> str:
    """``"<12-digit epoch seconds of starts_at>:<id>"``; sorts as ``(starts_at, id)``.

    Sub-second parts of starts_at are ignored: activities starting in the same second are
    ordered by id. Raises ValueError for a start before 1970 or past the year 33658, which
    validation never lets through.
    """
    seconds = activity.details.starts_at.seconds
    if not 0 <= seconds <= _MAX_ORDERING_SECONDS:
        raise ValueError(f"starts_at {seconds} does not fit an ordering key")
    return f"{seconds:0{_ORDERING_SECONDS_DIGITS}d}:{activity.id}"
