"""Builders of valid catalogue messages, for any test that needs one.

``valid_details()`` passes ``validate_activity_details``; pass keyword overrides for the fields a
test cares about. Overrides take the values ``ActivityDetails(...)`` takes, plus ``datetime`` for
``starts_at``/``ends_at``; ``None`` leaves a message field unset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_PUBLISHED,
    ACTIVITY_TYPE_VOLUNTEERING,
    OBJECTIVE_FOSTER_ACTIVE_CITIZENSHIP_AND_VOLUNTEERING,
    OBJECTIVE_RAISE_AWARENESS,
    Activity,
    ActivityDetails,
    ActivityState,
)
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_SOCIAL_INCLUSION,
    GeoPoint,
    Location,
)

# A fixed "now" for tests that must not depend on the clock.
FIXED_NOW = datetime(2027, 2, 15, 9, 30, tzinfo=UTC)
DAYS_UNTIL_START = 30
DURATION = timedelta(hours=3)

VALENCIA = (39.4699, -0.3763)
SECTION_ID = "esn-valencia-upv"


def timestamp(moment: datetime) -> Timestamp:
    """A Timestamp of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("use an aware datetime")
    ts = Timestamp()
    ts.FromDatetime(moment)
    return ts


def geo_point(latitude: float, longitude: float) -> GeoPoint:
    return GeoPoint(latitude=latitude, longitude=longitude)


def valencia_location(**overrides: Any) -> Location:
    """A physical location in Valencia, Spain."""
    fields: dict[str, Any] = {
        "online": False,
        "city": "Valencia",
        "country_code": "es",
        "venue": "Playa de la Malvarrosa, by the Balneario",
        "coordinates": geo_point(*VALENCIA),
    }
    fields.update(overrides)
    return Location(**fields)


def online_location(**overrides: Any) -> Location:
    """An online location with no place."""
    fields: dict[str, Any] = {"online": True}
    fields.update(overrides)
    return Location(**fields)


def activity_id(n: int) -> str:
    """A deterministic, valid ULID-shaped activity id; ids sort like ``n``."""
    return f"01J{n:023d}"


def valid_details(now: datetime | None = None, **overrides: Any) -> ActivityDetails:
    """A valid beach clean-up of ESN Valencia UPV, starting 30 days after ``now`` (default: the
    current time), for three hours."""
    starts = (now or datetime.now(UTC)).replace(microsecond=0) + timedelta(days=DAYS_UNTIL_START)
    fields: dict[str, Any] = {
        "title": "Beach clean-up at La Malvarrosa",
        "description": (
            "Join ESN Valencia UPV and local volunteers to clean up the beach.\n"
            "Gloves and bags are provided; bring water and sun cream."
        ),
        "goal": "Remove plastic from the beach before summer and talk about marine litter.",
        "type": ACTIVITY_TYPE_VOLUNTEERING,
        "causes": [CAUSE_ENVIRONMENTAL_SUSTAINABILITY, CAUSE_SOCIAL_INCLUSION],
        "sdgs": [14, 13],
        "objectives": [
            OBJECTIVE_FOSTER_ACTIVE_CITIZENSHIP_AND_VOLUNTEERING,
            OBJECTIVE_RAISE_AWARENESS,
        ],
        "section_id": SECTION_ID,
        "co_organiser_section_ids": ["esn-valencia-uv"],
        "starts_at": starts,
        "ends_at": starts + DURATION,
        "time_zone": "Europe/Madrid",
        "location": valencia_location(),
        "capacity": 25,
        "languages": ["en", "es"],
        "skills_wanted": ["teamwork", "Spanish"],
        "accessibility_notes": "Step-free meeting point; the sand is not wheelchair-friendly.",
        "week_edition": "",
    }
    fields.update(overrides)
    for name in ("starts_at", "ends_at"):
        if isinstance(fields[name], datetime):
            fields[name] = timestamp(fields[name])
    return ActivityDetails(**fields)


def valid_activity(
    details: ActivityDetails | None = None,
    *,
    id: str | None = None,
    state: ActivityState.ValueType = ACTIVITY_STATE_PUBLISHED,
    version: int = 1,
    now: datetime | None = None,
    **detail_overrides: Any,
) -> Activity:
    """An Activity around ``details`` (default: ``valid_details(now, **detail_overrides)``)."""
    if details is None:
        details = valid_details(now, **detail_overrides)
    elif detail_overrides:
        raise TypeError("pass either details or detail overrides")
    created = timestamp(now or datetime.now(UTC))
    return Activity(
        id=id or activity_id(1),
        details=details,
        state=state,
        version=version,
        seats_left=details.capacity,
        waitlist_length=0,
        created_at=created,
        updated_at=created,
    )
