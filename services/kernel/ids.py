"""Ids and codes every service reads the same way: their shapes, and how a bad one is told.

Patterns are meant for ``re.fullmatch`` (so a trailing newline never slips through, as it would
with ``^...$`` and ``re.match``). Each description completes "must be ...".
"""

from __future__ import annotations

import re
from typing import Final

from services.runtime.errors import InvalidArgument

__all__ = [
    "ACTIVITY_ID_DESCRIPTION",
    "ACTIVITY_ID_LENGTH",
    "ACTIVITY_ID_PATTERN",
    "COUNTRY_CODE_PATTERN",
    "COUNTRY_DESCRIPTION",
    "LANGUAGE_CODE_PATTERN",
    "LANGUAGE_DESCRIPTION",
    "SECTION_DESCRIPTION",
    "SECTION_ID_PATTERN",
    "STUDENT_ID_DESCRIPTION",
    "STUDENT_ID_PATTERN",
    "WEEK_DESCRIPTION",
    "WEEK_EDITION_PATTERN",
    "validate_activity_id",
    "validate_student_id",
]

# Opaque ids handed out by accounts.esn.org or the ESN platform calling us.
STUDENT_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
STUDENT_ID_DESCRIPTION: Final = "1 to 128 characters of letters, digits and _ . : @ -"

# ULID in canonical Crockford base32: 26 upper-case characters without I, L, O and U. 26 characters
# hold 130 bits but a ULID has 128, so the first character is at most "7". Lower case is not
# accepted: we only ever hand out the canonical form, so any other spelling is not one of our ids.
ACTIVITY_ID_PATTERN: Final = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
ACTIVITY_ID_LENGTH: Final = 26
ACTIVITY_ID_DESCRIPTION: Final = f"an activity id: a {ACTIVITY_ID_LENGTH}-character ULID"

# accounts.esn.org section ids: lower-case slugs such as "esn-tirana" or "esn-valencia-upv".
# Real ids carry accented lower-case letters too ("esn-köln", "esn-málaga"): any lower-case
# letter is allowed, but no upper case, spaces or punctuation other than "-".
SECTION_ID_PATTERN: Final = re.compile(r"[^\W_A-Z](?:[^\W_A-Z]|-){1,79}")
SECTION_DESCRIPTION: Final = "an ESN section id such as esn-tirana"

# ISO 3166-1 alpha-2, lower case as ESN writes it ("es", "it"). Only the shape is checked.
COUNTRY_CODE_PATTERN: Final = re.compile(r"[a-z]{2}")
COUNTRY_DESCRIPTION: Final = "a lower-case ISO 3166-1 alpha-2 code such as es"

# ISO 639-1 codes are two lower-case letters ("en", "es"). Only the shape is checked: keeping a
# table of assigned codes in sync is not worth it for a field matched by exact equality.
LANGUAGE_CODE_PATTERN: Final = re.compile(r"[a-z]{2}")
LANGUAGE_DESCRIPTION: Final = "a lower-case ISO 639-1 code such as en"

# SocialErasmus Week runs twice a year ("2027-spring", "2027-autumn").
WEEK_EDITION_PATTERN: Final = re.compile(r"\d{4}-(spring|autumn)")
WEEK_DESCRIPTION: Final = "a SocialErasmus Week edition such as 2027-spring"


def validate_student_id(value: str, field: str) -> None:
    if not value:
        raise InvalidArgument.single(field, "required")
    if STUDENT_ID_PATTERN.fullmatch(value) is None:
        raise InvalidArgument.single(field, f"must be {STUDENT_ID_DESCRIPTION}")


def validate_activity_id(value: str, field: str) -> None:
    if not value:
        raise InvalidArgument.single(field, "required")
    if ACTIVITY_ID_PATTERN.fullmatch(value) is None:
        raise InvalidArgument.single(field, f"must be {ACTIVITY_ID_DESCRIPTION}")
