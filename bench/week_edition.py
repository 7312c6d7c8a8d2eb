"""A synthetic SocialErasmus Week edition served by the real matching process, for
``bench.allocation``: activities published to JetStream as the catalogue's relay would, and
profiles written to Redis in the matching store's layout.

Activities are the demo catalogue's (real ESN sections, causes, languages, texts), all moved
into one Week: 7 days, starting 9:00 to 19:00 UTC for 2 to 4 hours, with capacities summing to
about the number of students. Students belong to the sections in proportion to their
activities, speak English and their section's language, opt in to the edition, and take the
profile of ``bench.ranking`` (0 to 3 weekly availability slots, 30 km reach).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from redis.asyncio import Redis

from bench.ranking import profile_of
from bench.recommend import published
from services.demo.activities import demo_activities
from services.kernel.sections import Section, load_sections
from services.matching import keys
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as pb

EDITION = "2027-spring"
WEEK_START = datetime(2027, 3, 22, tzinfo=UTC)
WRITE_CHUNK = 5000


def week_activities(count: int, students: int, seed: int, now: datetime) -> list[cat.Activity]:
    """``count`` published activities of the edition (see the module doc)."""
    rng = np.random.default_rng(seed)
    details = demo_activities(load_sections(), count, today=now.date(), seed=seed)
    day = rng.integers(0, 7, count)
    hour = rng.integers(9, 20, count)
    hours = rng.integers(2, 5, count)
    raw = rng.lognormal(np.log(8), 0.6, count)
    capacity = np.maximum(1, np.round(raw * students / raw.sum())).astype(int)
    activities = []
    for n, item in enumerate(details):
        starts = WEEK_START + timedelta(days=int(day[n]), hours=int(hour[n]))
        item.week_edition = EDITION
        item.capacity = int(capacity[n])
        item.starts_at.FromDatetime(starts)
        item.ends_at.FromDatetime(starts + timedelta(hours=int(hours[n])))
        activities.append(published(item, now))
    return activities


def week_profiles(
    count: int, activities: list[cat.Activity], seed: int, now: datetime
) -> list[pb.VolunteerProfile]:
    """``count`` students of the activities' sections, opted in to the edition."""
    rng = random.Random(seed)
    by_id = {s.section_id: s for s in load_sections()}
    homes: list[Section] = [by_id[a.details.section_id] for a in activities]
    profiles = []
    for n in range(count):
        profile = profile_of(rng, n, rng.choice(homes), now)
        profile.week_editions.append(EDITION)
        profile.arrival.FromDatetime(WEEK_START - timedelta(days=rng.randint(10, 90)))
        profile.departure.FromDatetime(WEEK_START + timedelta(days=rng.randint(30, 120)))
        profiles.append(profile)
    return profiles


async def write_profiles(redis: Redis, profiles: list[pb.VolunteerProfile]) -> None:
    """The keys ``MatchingStore.save_profile`` writes for a new profile, pipelined."""
    for start in range(0, len(profiles), WRITE_CHUNK):
        async with redis.pipeline(transaction=False) as pipe:
            for profile in profiles[start : start + WRITE_CHUNK]:
                pipe.set(keys.profile(profile.student_id), profile.SerializeToString())
                for edition in profile.week_editions:
                    pipe.sadd(keys.week_students(edition), profile.student_id)
            await pipe.execute()
