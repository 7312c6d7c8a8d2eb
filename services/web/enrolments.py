"""A student's enrolments, found through the catalogue's API.

The catalogue has no call that lists one student's enrolments (it lists an activity's), so
the app looks where a student's activities can be: the activities of their host section, the
online ones, and those within their travel distance (as Recommend reaches them), from a few
months back on; and asks each activity's enrolments, a few at a time, for theirs. That costs
one call per activity in reach: fine for a section's catalogue, not for a country's. A
``ListStudentEnrolments`` RPC in the catalogue (which already indexes each student's
activities for erasure) would replace this module with one call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from google.protobuf.timestamp_pb2 import Timestamp

from services.client import SocialErasmusClient
from services.web.places import sections
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as match

LOOK_BACK: Final = timedelta(days=120)
"""Activities that ended longer ago than this are not looked at."""
MOST_ACTIVITIES: Final = 400
"""At most this many activities are asked about for one student."""
AT_ONCE: Final = 16
STATES: Final = (
    cat.ACTIVITY_STATE_PUBLISHED,
    cat.ACTIVITY_STATE_CANCELLED,
    cat.ACTIVITY_STATE_COMPLETED,
)
HELD: Final = (cat.ENROLMENT_STATUS_CONFIRMED, cat.ENROLMENT_STATUS_WAITLISTED)


@dataclass(frozen=True, slots=True)
class Place:
    """A student's place in one activity."""

    activity: cat.Activity
    enrolment: cat.Enrolment


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def reach_filters(profile: match.VolunteerProfile, now: datetime) -> list[cat.ActivityFilter]:
    """Where the student's activities can be: their section's, online, within their reach."""
    after = _stamp(now - LOOK_BACK)
    base = {"states": STATES, "starts_after": after}
    filters = [
        cat.ActivityFilter(online=cat.ONLINE_FILTER_ONLINE_ONLY, **base),  # type: ignore[arg-type]
    ]
    if profile.host_section_id:
        filters.append(cat.ActivityFilter(section_ids=[profile.host_section_id], **base))  # type: ignore[arg-type]
    home = profile.home_location if profile.HasField("home_location") else None
    if home is None and (section := sections().get(profile.host_section_id)) is not None:
        home = common.GeoPoint(latitude=section.latitude, longitude=section.longitude)
    if home is not None and profile.max_distance_km > 0:
        filters.append(
            cat.ActivityFilter(near=home, radius_km=profile.max_distance_km, **base)  # type: ignore[arg-type]
        )
    return filters


async def _activities(
    client: SocialErasmusClient, filters: list[cat.ActivityFilter]
) -> AsyncIterator[cat.Activity]:
    seen: set[str] = set()
    for activity_filter in filters:
        async for activity in client.iter_activities(activity_filter):
            if activity.id not in seen:
                seen.add(activity.id)
                yield activity
            if len(seen) >= MOST_ACTIVITIES:
                return


async def enrolment_of(
    client: SocialErasmusClient, activity_id: str, student_id: str
) -> cat.Enrolment | None:
    """The student's confirmed or waitlisted enrolment in the activity, if any."""
    token = ""
    while True:
        page = await client.list_enrolments(activity_id, HELD, page_size=100, page_token=token)
        for enrolment in page.enrolments:
            if enrolment.student_id == student_id:
                return enrolment
        token = page.next_page_token
        if not token:
            return None


async def places_of(
    client: SocialErasmusClient, profile: match.VolunteerProfile, now: datetime
) -> list[Place]:
    """The student's places, soonest first."""
    limit = asyncio.Semaphore(AT_ONCE)
    student_id = profile.student_id

    async def place(activity: cat.Activity) -> Place | None:
        async with limit:
            enrolment = await enrolment_of(client, activity.id, student_id)
        return None if enrolment is None else Place(activity, enrolment)

    activities = [a async for a in _activities(client, reach_filters(profile, now))]
    found = await asyncio.gather(*(place(activity) for activity in activities))
    held = [p for p in found if p is not None]
    return sorted(held, key=lambda p: (p.activity.details.starts_at.seconds, p.activity.id))
