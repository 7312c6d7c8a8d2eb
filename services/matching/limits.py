"""Every limit the matching service enforces, in one place.

Lengths count Unicode code points, as in the catalogue. Formats shared with the catalogue (student,
section and activity ids, language and country codes, Week editions) are not repeated here: they
live in :mod:`services.kernel.ids`, and the limits below that mirror an activity field are taken
from :mod:`services.kernel.limits`, so a profile and the activities it is matched with are always
checked alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from services.kernel import limits as shared

# --- Volunteer profile ------------------------------------------------------------------------

# Distinct ISO 639-1 codes, as on an activity.
LANGUAGES_MIN: Final = shared.LANGUAGES_MIN  # 1
LANGUAGES_MAX: Final = shared.LANGUAGES_MAX  # 10

# Distinct causes: ESN has six, so at most six interests. None at all is fine (cold start).
INTERESTS_MAX: Final = shared.CAUSES_MAX  # 6
INTEREST_WEIGHT_MIN: Final = 0.0  # not interested
INTEREST_WEIGHT_MAX: Final = 1.0  # very interested

# Matched against an activity's skills_wanted, so both sides share the same bounds.
SKILLS_MAX: Final = shared.SKILLS_MAX  # 30
SKILL_MAX_CHARS: Final = shared.SKILL_MAX_CHARS  # 60

MOTIVATION_MAX_CHARS: Final = 2000

# Three windows a day, every day of the week.
AVAILABILITY_SLOTS_MAX: Final = 21
# Minutes after midnight; 1440 is the end of the day, so a slot may end at midnight.
MINUTE_MIN: Final = 0
MINUTE_MAX: Final = 1440

# 0 means online only. 500 km is a long train ride: beyond it, nothing is "local" any more.
MAX_DISTANCE_KM_MAX: Final = 500.0

# Arrival to departure. An Erasmus+ study mobility lasts at most 12 months; 400 days leaves room
# for an orientation week before and the exam period after.
MOBILITY_MAX: Final = timedelta(days=400)

# SocialErasmus Week runs twice a year; four editions cover any mobility period.
WEEK_EDITIONS_MAX: Final = 4

# --- Requests ---------------------------------------------------------------------------------

# Recommend: "1 to 50; 0 means 10".
RECOMMEND_K_DEFAULT: Final = 10
RECOMMEND_K_MAX: Final = 50

# Values in RecommendFilter.causes; duplicates are harmless, as in a catalogue listing filter.
FILTER_CAUSES_MAX: Final = shared.FILTER_MAX_VALUES

# RecommendFilter.sdgs: distinct goals, as on an activity, so at most all seventeen.
FILTER_SDGS_MAX: Final = shared.SDGS_MAX  # 17

# RecommendFilter.exclude_activity_ids: what a platform already shows or a student hid. A few
# pages of results and a long hidden list fit; more is not a filter but a copy of the catalogue,
# and each id costs a lookup on every request.
FILTER_EXCLUDED_ACTIVITIES_MAX: Final = 500

# AllocateWeek: "1 to 5; 0 means 1".
MAX_PLACES_DEFAULT: Final = 1
MAX_PLACES_MAX: Final = 5

# UpsertProfiles and RecordFeedbackBatch: items per call. A platform importing history sends
# thousands of calls' worth in a few hundred; 500 keeps one call's Redis step (a transaction or
# one Lua script over every item) short enough not to hold up other requests, and a request of
# typical profiles (about 1 KB each) well under gRPC's 4 MiB message limit.
BATCH_ITEMS_MAX: Final = 500

# Feedback rating, only with FEEDBACK_KIND_RATED (0 with every other kind).
RATING_MIN: Final = 1
RATING_MAX: Final = 5
ALLOCATION_PAGE_DEFAULT: Final = 10_000
"""Assignments per AllocateWeek response, and items per ListAllocation page, by default."""
ALLOCATION_PAGE_MAX: Final = 20_000
"""At most 3.4 MB of assignments with 128-character student ids: inside gRPC's 4 MB default."""
ALLOCATION_BLOCK_ENTRIES: Final = 1_000
"""Entries per block of a stored allocation (see allocation_blocks): a default page of 10,000
reads 10 or 11 blocks."""
PROPOSED_ASSIGNMENTS_MAX: Final = 5_000
"""Assignments an allocation.proposed event carries, at most 850 kB: NATS refuses more than
1 MB by default, and one refused message would hold up the outbox behind it."""
ALLOCATION_ID_MAX_LENGTH: Final = 64
WEEK_STUDENTS_MAX: Final = 400_000
"""Students of one Week edition that AllocateWeek takes: with at most 20 candidates each, the
solver's limit of pairs (``allocation.MAX_PAIRS``). For 350,000 the matching process peaked
at 0.3 GB and its worker, where the whole allocation runs, at 1.8 GB, so about 2.4 GB together
here. Beyond, RESOURCE_EXHAUSTED before any profile is read."""
