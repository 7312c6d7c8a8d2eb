"""Every limit the catalogue enforces, in one place.

Lengths count Unicode code points (``len(str)``), not bytes. Minimum lengths are checked on the
stripped value, so a title of three spaces is empty; maximum lengths are checked on the value as
sent, because that is what gets stored. Patterns are meant for ``re.fullmatch`` (so a trailing
newline never slips through, as it would with ``^...$`` and ``re.match``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

# --- Activity details -------------------------------------------------------------------------

TITLE_MIN_CHARS: Final = 3
TITLE_MAX_CHARS: Final = 120
DESCRIPTION_MAX_CHARS: Final = 5000
GOAL_MAX_CHARS: Final = 1000
ACCESSIBILITY_NOTES_MAX_CHARS: Final = 1000
# Free-text parts of a location. Not in the brief; generous bounds so nothing real is rejected
# ("Llanfairpwllgwyngyll..." is 58 characters) while keeping stored records small.
CITY_MAX_CHARS: Final = 100
VENUE_MAX_CHARS: Final = 300

# ESN has exactly six causes, so "distinct" already implies at most six.
CAUSES_MIN: Final = 1
CAUSES_MAX: Final = 6

# UN Sustainable Development Goals are numbered 1 to 17; distinct, so at most 17 of them.
SDG_MIN: Final = 1
SDG_MAX: Final = 17
SDGS_MAX: Final = 17

# activities.esn.org lists six objectives.
OBJECTIVES_MAX: Final = 6

CO_ORGANISERS_MAX: Final = 20

LANGUAGES_MIN: Final = 1
LANGUAGES_MAX: Final = 10
# ISO 639-1 codes are two lower-case letters ("en", "es"). Only the shape is checked: keeping a
# table of assigned codes in sync is not worth it for a field matched by exact equality.
LANGUAGE_CODE_PATTERN: Final = re.compile(r"[a-z]{2}")

SKILLS_MAX: Final = 30
SKILL_MAX_CHARS: Final = 60

CAPACITY_MIN: Final = 1
CAPACITY_MAX: Final = 10_000

# Multi-week "activities" are programmes; they should be split into separate activities.
MAX_DURATION: Final = timedelta(days=31)

# SocialErasmus Week runs twice a year ("2027-spring", "2027-autumn").
WEEK_EDITION_PATTERN: Final = re.compile(r"\d{4}-(spring|autumn)")

# accounts.esn.org section ids: lower-case slugs such as "esn-tirana" or "esn-valencia-upv".
# Real ids carry accented lower-case letters too ("esn-köln", "esn-málaga"): any lower-case
# letter is allowed, but no upper case, spaces or punctuation other than "-".
SECTION_ID_PATTERN: Final = re.compile(r"[^\W_A-Z](?:[^\W_A-Z]|-){1,79}")

# ISO 3166-1 alpha-2, lower case as ESN writes it ("es", "it"). Shape only, as for languages.
COUNTRY_CODE_PATTERN: Final = re.compile(r"[a-z]{2}")

# Activity times must fit the 12-digit, non-negative epoch used by ordering keys
# (services.catalogue.filters.ordering_key). The upper bound is the largest value a
# google.protobuf.Timestamp may hold (9999-12-31T23:59:59Z), which has exactly 12 digits.
TIMESTAMP_MIN_SECONDS: Final = 0
TIMESTAMP_MAX_SECONDS: Final = 253_402_300_799
NANOS_MAX: Final = 999_999_999

# WGS 84 degrees.
LATITUDE_MIN: Final = -90.0
LATITUDE_MAX: Final = 90.0
LONGITUDE_MIN: Final = -180.0
LONGITUDE_MAX: Final = 180.0

# --- Requests ---------------------------------------------------------------------------------

REASON_MAX_CHARS: Final = 500

# ListActivities/ListEnrolments: "1 to 100; 0 means 20".
PAGE_SIZE_DEFAULT: Final = 20
PAGE_SIZE_MAX: Final = 100

TEXT_QUERY_MAX_CHARS: Final = 200

# Half of Earth's circumference is about 20,015 km, so 20,000 km covers practically the whole
# planet; anything larger is a client bug, not a wider search.
RADIUS_MAX_KM: Final = 20_000.0

# Values in one repeated filter field (section_ids, country_codes, ...). Not in the brief: a
# bound keeps one request from making every match() call scan a huge set. There are about 250
# countries and well under 1000 sections, and a listing filter naming more is not a filter.
FILTER_MAX_VALUES: Final = 250

# Opaque ids handed out by accounts.esn.org or the ESN platform calling us.
STUDENT_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")

# ULID in canonical Crockford base32: 26 upper-case characters without I, L, O and U. 26 characters
# hold 130 bits but a ULID has 128, so the first character is at most "7". Lower case is not
# accepted: we only ever hand out the canonical form, so any other spelling is not one of our ids.
ACTIVITY_ID_PATTERN: Final = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
ACTIVITY_ID_LENGTH: Final = 26

# Page tokens are short; anything much longer was not made by us.
PAGE_TOKEN_MAX_CHARS: Final = 512
