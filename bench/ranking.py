"""Latency of Ranker.recommend over 100,000 activities of the real ESN sections.

Run: ``python -m bench.ranking`` (``--activities``, ``--profiles`` to change the sizes). Pure
in-process: the demo generator's activities are applied to an ActivityIndex one event at a
time, then 1,000 students of random sections ask for 10 recommendations each, within 30 km.
Online activities are candidates for everyone (the demo data has about 10% online), so they
make most of the work. The baseline, measured in the same run, is what the spatial grid saves:
one vectorised great-circle distance over every row of the index.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from bench.harness import save
from services.demo.activities import demo_activities
from services.demo.geography import language_of, time_zone_of
from services.kernel.sections import Section, load_sections
from services.matching.hard_filters import distances_km
from services.matching.index import ActivityIndex
from services.matching.ranking import Ranker
from services.matching.signals import Weights
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1.common_pb2 import Cause
from socialerasmus.matching.v1 import matching_pb2

MAX_DISTANCE_KM = 30.0
K = 10
WARM_UP = 50
MOTIVATIONS = (
    "I want to help keep the beaches and parks of my city clean.",
    "Quiero ayudar a niños con los deberes y conocer gente local.",
    "Vorrei fare volontariato con persone anziane e imparare l'italiano.",
    "Ich möchte mich für Geflüchtete engagieren und Deutsch üben.",
    "Je veux découvrir la culture locale et aider au musée.",
    "",
)
SLOTS = (
    (matching_pb2.WEEKDAY_MONDAY, 17 * 60, 21 * 60),
    (matching_pb2.WEEKDAY_WEDNESDAY, 16 * 60, 22 * 60),
    (matching_pb2.WEEKDAY_THURSDAY, 9 * 60, 13 * 60),
    (matching_pb2.WEEKDAY_SATURDAY, 9 * 60, 15 * 60),
    (matching_pb2.WEEKDAY_SUNDAY, 10 * 60, 20 * 60),
)


def build_index(sections: list[Section], count: int, now: datetime) -> tuple[ActivityIndex, float]:
    """The index, and the mean microseconds one apply took."""
    rng = random.Random(1)
    index = ActivityIndex()
    started = time.perf_counter()
    details = demo_activities(sections, count, today=now.date())
    print(f"generated {count} activities in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for number, item in enumerate(details):
        index.apply(
            catalogue_pb2.Activity(
                id=f"bench-{number:06d}",
                details=item,
                state=catalogue_pb2.ACTIVITY_STATE_PUBLISHED,
                version=1,
                seats_left=rng.randint(0, item.capacity),
            )
        )
    elapsed = time.perf_counter() - started
    print(f"applied {count} events in {elapsed:.1f} s")
    return index, elapsed / count * 1e6


def profile_of(
    rng: random.Random, number: int, section: Section, now: datetime
) -> matching_pb2.VolunteerProfile:
    arrival = now - timedelta(days=rng.randint(0, 60))
    causes = rng.sample(list(Cause.values())[1:], rng.randint(1, 3))
    profile = matching_pb2.VolunteerProfile(
        student_id=f"student-{number}",
        host_section_id=section.section_id,
        languages=[
            matching_pb2.LanguageSkill(code="en", level=matching_pb2.LANGUAGE_LEVEL_B2),
            matching_pb2.LanguageSkill(
                code=language_of(section), level=matching_pb2.LANGUAGE_LEVEL_A2
            ),
        ],
        interests=[
            matching_pb2.CauseInterest(cause=cause, weight=round(rng.uniform(0.3, 1.0), 2))
            for cause in causes
        ],
        skills=rng.sample(["teamwork", "photography", "tutoring", "cooking", "translation"], 2),
        motivation=rng.choice(MOTIVATIONS),
        weekly_availability=[
            matching_pb2.AvailabilitySlot(weekday=day, start_minute=start, end_minute=end)
            for day, start, end in rng.sample(SLOTS, rng.randint(0, 3))
        ],
        max_distance_km=MAX_DISTANCE_KM,
        time_zone=time_zone_of(section),
    )
    profile.arrival.FromDatetime(arrival)
    profile.departure.FromDatetime(arrival + timedelta(days=rng.randint(120, 180)))
    return profile


def latencies_ms(operation: Callable[[int], object], count: int) -> list[float]:
    for number in range(min(WARM_UP, count)):
        operation(number)
    measured = []
    for number in range(count):
        started = time.perf_counter()
        operation(number)
        measured.append((time.perf_counter() - started) * 1000)
    return measured


def summary(latencies: list[float]) -> dict[str, float]:
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "p50_ms": round(quantiles[49], 3),
        "p99_ms": round(quantiles[98], 3),
        "mean_ms": round(statistics.fmean(latencies), 3),
    }


def run(activity_count: int, profile_count: int) -> dict[str, object]:
    now = datetime.now(UTC).replace(microsecond=0)
    sections = load_sections()
    index, apply_us = build_index(sections, activity_count, now)
    rng = random.Random(2)
    profiles = [profile_of(rng, n, rng.choice(sections), now) for n in range(profile_count)]
    ranker = Ranker(index, Weights())
    no_filter = matching_pb2.RecommendFilter()
    found: dict[int, int] = {}

    def recommend(number: int) -> None:
        ranked = ranker.recommend(profiles[number], K, no_filter, now, set(), None)
        found[number] = len(ranked.recommendations)

    recommend_ms = summary(latencies_ms(recommend, profile_count))
    candidates = statistics.median(
        index.candidates_near(s.latitude, s.longitude, MAX_DISTANCE_KM).size
        for s in (rng.choice(sections) for _ in range(200))
    )
    every_row = np.arange(index.columns.rows)
    origins = [(s.latitude, s.longitude) for s in sections]
    scan_ms = summary(
        latencies_ms(lambda n: distances_km(index.columns, every_row, origins[n]), len(origins))
    )
    sample = (index.get(f"bench-{rng.randrange(activity_count):06d}") for _ in range(20))
    activities = [item for item in sample if item is not None]
    reverse_ms = summary(
        latencies_ms(
            lambda n: ranker.score_students(activities[n], profiles, now, set()), len(activities)
        )
    )
    online = index.online_rows().size
    print(f"index: {len(index)} activities, {apply_us:.0f} µs per event applied")
    print(f"candidates from grid + online (median): {candidates:.0f}, of which online: {online}")
    print(f"recommendations per request (mean): {statistics.fmean(found.values()):.2f} of {K}")
    for name, figures in (
        ("Ranker.recommend", recommend_ms),
        ("baseline full scan", scan_ms),
        (f"score_students x{profile_count}", reverse_ms),
    ):
        print(f"{name:<26} p50 {figures['p50_ms']:8.3f} ms  p99 {figures['p99_ms']:8.3f} ms")
    return {
        "activities": len(index),
        "profiles": profile_count,
        "max_distance_km": MAX_DISTANCE_KM,
        "k": K,
        "apply_mean_us": round(apply_us, 1),
        "candidates_median": candidates,
        "online_activities": online,
        "recommendations_mean": round(statistics.fmean(found.values()), 2),
        "recommend": recommend_ms,
        "baseline_full_scan_distance": scan_ms,
        f"score_students_{profile_count}_profiles": reverse_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=1000)
    args = parser.parse_args()
    print("saved", save("ranking", run(args.activities, args.profiles)))


if __name__ == "__main__":
    main()
