"""Listing activities: filter matching, ordering keys and page tokens. Pure functions, no I/O.

Listings are ordered by ``(starts_at, id)`` through :func:`ordering_key`, a string that sorts
lexicographically in that order, so a store can keep activities in a sorted set and page with a
keyset: the page token carries the last key returned, bound to a fingerprint of the filter so a
token cannot be replayed against another filter.

The matcher assumes a filter that passed
:func:`services.catalogue.validation.validate_activity_filter`; on other input it does not raise
but its answers are unspecified.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field

from services.catalogue import limits
from services.kernel.geo import Origin
from services.kernel.text import fold_text
from services.runtime.errors import InvalidArgument
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
    "ANY_PAGE_KEY_PATTERN",
    "ORDERING_KEY_PATTERN",
    "ActivityMatcher",
    "decode_page_token",
    "encode_page_token",
    "filter_fingerprint",
    "ordering_key",
]

_ORDERING_SECONDS_DIGITS = 12
_MAX_ORDERING_SECONDS = 10**_ORDERING_SECONDS_DIGITS - 1
ORDERING_KEY_PATTERN = re.compile(
    rf"\d{{{_ORDERING_SECONDS_DIGITS}}}:{limits.ACTIVITY_ID_PATTERN.pattern}"
)

# What decode_page_token accepts as a key unless told otherwise: printable ASCII, no spaces.
# Listings pass a stricter pattern (ORDERING_KEY_PATTERN for activities) when they have one.
ANY_PAGE_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,256}")

_NANOS_PER_SECOND = 1_000_000_000
_PAGE_TOKEN_VERSION = 1
# Bump when matching semantics change, so tokens minted under the old rules stop being accepted.
_FINGERPRINT_VERSION = 1
_FINGERPRINT_HEX_CHARS = 16  # 64 bits: plenty to tell apart the filters of one client

# --- Text -------------------------------------------------------------------------------------


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
        # "\n" keeps a word from matching across two fields; words never hold whitespace.
        haystack = fold_text(
            f"{details.title}\n{details.description}\n{details.goal}\n{details.location.city}"
        )
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


# --- Ordering and pages -----------------------------------------------------------------------


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


def encode_page_token(last_key: str, filter_fingerprint: str) -> str:
    """An opaque token (URL-safe base64 of JSON, unpadded) for the page after ``last_key``."""
    payload = json.dumps(
        {"v": _PAGE_TOKEN_VERSION, "k": last_key, "f": filter_fingerprint},
        sort_keys=True,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii").rstrip("=")


def decode_page_token(
    token: str,
    filter_fingerprint: str,
    field: str = "page_token",
    *,
    key_pattern: re.Pattern[str] = ANY_PAGE_KEY_PATTERN,
) -> str:
    r"""The last key carried by ``token``; InvalidArgument on ``field`` if the token is not one
    we made for this filter or its key does not fully match ``key_pattern``. The default accepts
    any short printable key; pass ``ORDERING_KEY_PATTERN`` for activity listings, or the shape of
    your own keys (``re.compile(r"\d{1,19}")``), so a forged key fails here as InvalidArgument.

    Tokens are not signed: a client can forge one, but only to start a listing it may run
    anyway at another position, so binding to the filter and checking the shape is enough.
    """
    invalid = InvalidArgument.single(field, "invalid page token; list again without it")
    if not token or len(token) > limits.PAGE_TOKEN_MAX_CHARS:
        raise invalid
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if not isinstance(payload, dict) or set(payload) != {"v", "k", "f"}:
        raise invalid
    version, key, fingerprint = payload["v"], payload["k"], payload["f"]
    if (
        version != _PAGE_TOKEN_VERSION
        or not isinstance(key, str)
        or not isinstance(fingerprint, str)
    ):
        raise invalid
    # Only our exact encoding is accepted, which also rejects edits to the unused padding bits.
    if key_pattern.fullmatch(key) is None or encode_page_token(key, fingerprint) != token:
        raise invalid
    if fingerprint != filter_fingerprint:
        raise InvalidArgument.single(
            field, "page token was issued for a different filter; list again without it"
        )
    return key
