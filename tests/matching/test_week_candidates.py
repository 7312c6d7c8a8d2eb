"""Week candidates for all students at once are the activities one Recommend per student
would list, with the same scores; and the unplaced reasons follow from them."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import numpy as np

from services.demo.activities import demo_activities
from services.kernel.sections import load_sections
from services.matching.index import ActivityIndex
from services.matching.ranking import Ranker
from services.matching.signals import Weights
from services.matching.week_candidates import (
    PER_STUDENT,
    WeekCandidates,
    unplaced_reasons,
    week_candidates,
)
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.common.v1.common_pb2 import GeoPoint
from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.matching.builders import valid_profile

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
WEEK = datetime(2027, 3, 22, tzinfo=UTC)
EDITION = "2027-spring"
TIME_ZONES = ("Europe/Madrid", "Europe/Lisbon", "UTC", "Europe/Helsinki")


def edition_index(rng: random.Random) -> ActivityIndex:
    """Demo activities of 30 sections, most moved into one Week (some in none)."""
    sections = load_sections()[:30]
    index = ActivityIndex()
    for n, details in enumerate(demo_activities(sections, 300, today=NOW.date(), seed=3)):
        starts = WEEK + timedelta(days=rng.randrange(7), hours=rng.randrange(8, 21))
        details.week_edition = EDITION if n % 7 else ""
        details.starts_at.FromDatetime(starts)
        details.ends_at.FromDatetime(starts + timedelta(hours=rng.randrange(1, 4)))
        index.apply(
            cat.Activity(
                id=f"act-{n:04d}",
                details=details,
                state=cat.ACTIVITY_STATE_PUBLISHED,
                version=1,
                seats_left=rng.randrange(details.capacity + 1),
            )
        )
    return index


def student(rng: random.Random, n: int) -> pb.VolunteerProfile:
    """Students of varied origin, reach, languages, time zones, availability and stay."""
    section = rng.choice(load_sections()[:30])
    slots = [
        pb.AvailabilitySlot(
            weekday=pb.Weekday.ValueType(rng.randrange(1, 8)),
            start_minute=(start := rng.randrange(0, 20) * 60),
            end_minute=start + rng.randrange(2, 10) * 60,
        )
        for _ in range(rng.choice((0, 0, 1, 2, 3)))
    ]
    profile = valid_profile(
        NOW,
        student_id=f"stu-{n:03d}",
        host_section_id=section.section_id,
        max_distance_km=rng.choice((0.0, 5.0, 30.0, 300.0)),
        weekly_availability=slots,
        time_zone=rng.choice(TIME_ZONES),
        motivation=rng.choice(("", "I want to help at the museum.", "Beach clean-up, sea")),
        skills=rng.sample(["teamwork", "photography", "cooking", "first aid"], 2),
        departure=WEEK + timedelta(days=rng.choice((-3, 3, 60))),
        week_editions=[EDITION],
    )
    if rng.random() < 0.3:
        profile.home_location.CopyFrom(
            GeoPoint(
                latitude=section.latitude + rng.uniform(-0.2, 0.2),
                longitude=section.longitude + rng.uniform(-0.2, 0.2),
            )
        )
    if rng.random() < 0.1:
        del profile.languages[:]
        profile.languages.add(code="fi", level=pb.LANGUAGE_LEVEL_NATIVE)
    return profile


def candidates_of(
    seed: int,
) -> tuple[ActivityIndex, list[pb.VolunteerProfile], WeekCandidates]:
    rng = random.Random(seed)
    index = edition_index(rng)
    profiles = [student(rng, n) for n in range(150)]
    found = week_candidates(
        index,
        profiles,
        EDITION,
        now=math.floor(NOW.timestamp()),
        weights=Weights(),
        sections={s.section_id: s for s in load_sections()},
    )
    return index, profiles, found


def test_candidates_are_what_recommend_lists_for_each_student() -> None:
    index, profiles, found = candidates_of(11)
    ranker = Ranker(index, Weights())
    request = pb.RecommendFilter(week_edition=EDITION, accept_waitlist=True)
    listed_any = 0
    for n, profile in enumerate(profiles):
        expected = {
            r.activity.id: r.score
            for r in ranker.recommend(profile, PER_STUDENT, request, NOW, set()).recommendations
        }
        mine = found.student == n
        got = {
            index.activity_at(int(row)).id: fit
            for row, fit in zip(found.row[mine], found.fit[mine], strict=True)
        }
        assert got.keys() == expected.keys(), profile.student_id
        for activity_id, score in expected.items():
            assert math.isclose(got[activity_id], score, abs_tol=1e-12)
        assert found.eligible[n] == bool(expected)
        listed_any += bool(expected)
    assert 0 < listed_any < len(profiles)  # the instance has students with and without
    assert (~found.in_reach).any()
    assert (found.in_reach & ~found.eligible).any()


def test_each_unplaced_student_gets_the_first_reason_that_applies() -> None:
    _, profiles, found = candidates_of(5)
    placed = found.eligible & (np.arange(len(profiles)) % 2 == 0)
    reasons = unplaced_reasons(found, placed)
    assert (reasons[placed] == pb.UNPLACED_REASON_UNSPECIFIED).all()
    assert (reasons[~found.in_reach] == pb.UNPLACED_REASON_NO_CANDIDATE_IN_REACH).all()
    clashing = found.in_reach & ~found.eligible
    assert (reasons[clashing] == pb.UNPLACED_REASON_CLASHES).all()
    assert (reasons[found.eligible & ~placed] == pb.UNPLACED_REASON_CAPACITY).all()
