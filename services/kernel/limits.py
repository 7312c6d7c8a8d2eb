"""The limits more than one service enforces, or must know as a client of another.

A profile and the activities it is matched with are checked alike (languages, skills, causes,
SDGs), every service reads times and coordinates the same way, and a tool that creates
activities keeps within the catalogue's text limits. Each service's own limits stay with it.

Lengths count Unicode code points (``len(str)``), not bytes. Minimum lengths are checked on the
stripped value, so a title of three spaces is empty; maximum lengths are checked on the value as
sent, because that is what gets stored.
"""

from __future__ import annotations

from typing import Final

# --- Vocabulary -------------------------------------------------------------------------------

# Distinct ISO 639-1 codes, on an activity and in a profile.
LANGUAGES_MIN: Final = 1
LANGUAGES_MAX: Final = 10

# ESN has exactly six causes, so "distinct" already implies at most six.
CAUSES_MIN: Final = 1
CAUSES_MAX: Final = 6

# UN Sustainable Development Goals are numbered 1 to 17; distinct, so at most 17 of them.
SDG_MIN: Final = 1
SDG_MAX: Final = 17
SDGS_MAX: Final = 17

# An activity's skills_wanted and a profile's skills are matched, so both share these bounds.
SKILLS_MAX: Final = 30
SKILL_MAX_CHARS: Final = 60

# --- Activity texts, for tools that create activities -----------------------------------------

TITLE_MIN_CHARS: Final = 3
TITLE_MAX_CHARS: Final = 120
DESCRIPTION_MAX_CHARS: Final = 5000

# --- Times and places -------------------------------------------------------------------------

# Times must fit the 12-digit, non-negative epoch used by the catalogue's ordering keys. The upper
# bound is the largest value a google.protobuf.Timestamp may hold (9999-12-31T23:59:59Z), which
# has exactly 12 digits.
TIMESTAMP_MIN_SECONDS: Final = 0
TIMESTAMP_MAX_SECONDS: Final = 253_402_300_799
NANOS_MAX: Final = 999_999_999

# WGS 84 degrees.
LATITUDE_MIN: Final = -90.0
LATITUDE_MAX: Final = 90.0
LONGITUDE_MIN: Final = -180.0
LONGITUDE_MAX: Final = 180.0

# --- Requests ---------------------------------------------------------------------------------

# Listings: "1 to 100; 0 means 20".
PAGE_SIZE_DEFAULT: Final = 20
PAGE_SIZE_MAX: Final = 100

# Page tokens are short; anything much longer was not made by us.
PAGE_TOKEN_MAX_CHARS: Final = 512

# Values in one repeated filter field (section_ids, country_codes, causes, ...). A bound keeps one
# request from making every match scan a huge set. There are about 250 countries and well under
# 1000 sections, and a filter naming more is not a filter.
FILTER_MAX_VALUES: Final = 250
