"""Builders for matching tests: a valid volunteer profile, activities and a ready index.

``valid_profile()`` is an exchange student hosted by ESN Valencia UPV whom the default activity
of :func:`tests.catalogue.builders.valid_details` (a beach clean-up in Valencia, 30 days after
``now``) suits: every hard filter passes. Override fields by keyword, as with ``valid_details``;
``arrival``/``departure`` also take a ``datetime``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.matching.index import ActivityIndex
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_SOCIAL_INCLUSION,
)
from socialerasmus.matching.v1.matching_pb2 import (
    LANGUAGE_LEVEL_A2,
    LANGUAGE_LEVEL_B2,
    CauseInterest,
    LanguageSkill,
    VolunteerProfile,
)
from tests.catalogue.builders import FIXED_NOW, activity_id, timestamp, valid_activity

NOW = FIXED_NOW
"""A Monday, 2027-02-15 09:30 UTC; default activities start 30 days later, a Wednesday."""
ARRIVAL_BEFORE = timedelta(days=20)
STAY = timedelta(days=150)


def valid_profile(now: datetime = NOW, **overrides: Any) -> VolunteerProfile:
    """Ana, from Germany, in Valencia from 20 days before ``now`` for 150 days."""
    fields: dict[str, Any] = {
        "student_id": "ana",
        "host_section_id": "esn-valencia-upv",
        "home_country_code": "de",
        "languages": [
            LanguageSkill(code="en", level=LANGUAGE_LEVEL_B2),
            LanguageSkill(code="es", level=LANGUAGE_LEVEL_A2),
        ],
        "interests": [
            CauseInterest(cause=CAUSE_ENVIRONMENTAL_SUSTAINABILITY, weight=1.0),
            CauseInterest(cause=CAUSE_SOCIAL_INCLUSION, weight=0.5),
            CauseInterest(cause=CAUSE_CULTURE, weight=0.4),
        ],
        "skills": ["first aid", "photography"],
        "motivation": "I love the sea and want to help keep the beaches clean.",
        "arrival": now - ARRIVAL_BEFORE,
        "departure": now - ARRIVAL_BEFORE + STAY,
        "weekly_availability": [],
        "max_distance_km": 30.0,
        "time_zone": "Europe/Madrid",
        "suggestions_opt_in": True,
    }
    fields.update(overrides)
    for name in ("arrival", "departure"):
        if isinstance(fields[name], datetime):
            fields[name] = timestamp(fields[name])
    return VolunteerProfile(**fields)


def activity(n: int, *, version: int = 1, **detail_overrides: Any) -> Activity:
    """Activity number ``n``: the default beach clean-up of ``valid_details(NOW)``."""
    return valid_activity(id=activity_id(n), version=version, now=NOW, **detail_overrides)


def index_of(*activities: Activity) -> ActivityIndex:
    """An index holding ``activities``."""
    index = ActivityIndex()
    for item in activities:
        index.apply(item)
    return index
