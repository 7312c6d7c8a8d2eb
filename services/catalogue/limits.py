"""Every limit the catalogue enforces beyond the shared ones, in one place.

The limits a profile shares with an activity (languages, causes, SDGs, skills), the activity
texts other tools must respect, times, coordinates and pages are the kernel's
(:mod:`services.kernel.limits`), and the shapes of ids and codes too (:mod:`services.kernel.ids`).
Lengths count Unicode code points (``len(str)``), not bytes, checked as the kernel's are.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# --- Activity details -------------------------------------------------------------------------

GOAL_MAX_CHARS: Final = 1000
ACCESSIBILITY_NOTES_MAX_CHARS: Final = 1000
# Free-text parts of a location. Not in the brief; generous bounds so nothing real is rejected
# ("Llanfairpwllgwyngyll..." is 58 characters) while keeping stored records small.
CITY_MAX_CHARS: Final = 100
VENUE_MAX_CHARS: Final = 300

# activities.esn.org lists six objectives.
OBJECTIVES_MAX: Final = 6

CO_ORGANISERS_MAX: Final = 20

CAPACITY_MIN: Final = 1
CAPACITY_MAX: Final = 10_000

# Multi-week "activities" are programmes; they should be split into separate activities.
MAX_DURATION: Final = timedelta(days=31)

# --- Requests ---------------------------------------------------------------------------------

REASON_MAX_CHARS: Final = 500

TEXT_QUERY_MAX_CHARS: Final = 200

# Half of Earth's circumference is about 20,015 km, so 20,000 km covers practically the whole
# planet; anything larger is a client bug, not a wider search.
RADIUS_MAX_KM: Final = 20_000.0
