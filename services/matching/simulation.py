"""A seeded synthetic world to evaluate the ranking offline (:mod:`services.matching.evaluation`).
Pure: no I/O, no clock (the simulator takes its start date).

The world (:func:`simulate`) builds activities with the demo generator over real
ESN sections, students with latent cause preferences (their profile states a noisy version),
a latent taste group over kinds of activity (visible only through co-enrolment), and
feedback: each student comes across a random sample of the activities they could join, in
the month before each starts, up to three times until they decide; they join with a
probability rising with a utility of those latents, distance, skills and an activity
quality, plus noise, and otherwise sometimes save or dismiss it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from services.demo.activities import demo_activities
from services.demo.geography import language_of, time_zone_of
from services.kernel.causes import CAUSES
from services.kernel.geo import distances_km
from services.kernel.ids import SECTION_ID_PATTERN
from services.kernel.sections import Section, load_sections
from services.matching.training import at_ms
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = ["SIMULATION_START", "SyntheticWorld", "simulate"]

SIMULATION_START = datetime(2027, 1, 11, tzinfo=UTC)
"""Default first day of the synthetic world (a Monday)."""

Kind = matching_pb2.FeedbackKind


@dataclass(frozen=True, slots=True)
class SyntheticWorld:
    activities: list[catalogue_pb2.Activity]
    profiles: dict[str, matching_pb2.VolunteerProfile]
    feedback: list[dict[str, str]]
    """Rows as the feedback log holds them."""


_MOTIVATIONS: dict[int, tuple[str, ...]] = {
    CAUSES[0]: (
        "I love museums, history and local traditions and want to share culture.",
        "I want to discover the local culture, heritage and art of my host city.",
    ),
    CAUSES[1]: (
        "I want to help children and young people with school and learning.",
        "Teaching and mentoring pupils is what I enjoy most.",
    ),
    CAUSES[2]: (
        "I want to protect nature, clean beaches and parks and fight climate change.",
        "Sustainability matters to me: recycling, trees, clean rivers.",
    ),
    CAUSES[3]: (
        "I care about health, sport and well-being, and about people who are ill or alone.",
        "I would like to support mental health and healthy living.",
    ),
    CAUSES[4]: (
        "I want to build skills for my career and help others find jobs.",
        "Workshops on CVs, languages and employability interest me.",
    ),
    CAUSES[5]: (
        "I want to help refugees, homeless people and anyone left out to feel included.",
        "Social inclusion and fighting discrimination are close to my heart.",
    ),
}
_HOME_COUNTRIES = ("de", "fr", "it", "es", "pl", "pt", "nl", "tr", "gr", "cz", "ro", "se")
_HOME_LANGUAGES = {
    "de": "de",
    "fr": "fr",
    "it": "it",
    "es": "es",
    "pl": "pl",
    "pt": "pt",
    "nl": "nl",
    "tr": "tr",
    "gr": "el",
    "cz": "cs",
    "ro": "ro",
    "se": "sv",
}
_LOCAL_LEVELS = (
    matching_pb2.LANGUAGE_LEVEL_A1,
    matching_pb2.LANGUAGE_LEVEL_A2,
    matching_pb2.LANGUAGE_LEVEL_B1,
    matching_pb2.LANGUAGE_LEVEL_B2,
)
_MAX_DISTANCES_KM = (5.0, 10.0, 20.0, 30.0, 50.0)
_TASTE_GROUPS = 8
_SIMULATED_DAYS = 150
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_MAX_SHOWS = 3
"""An activity neither joined nor dismissed is suggested again, up to this many times."""
_LOOKAHEAD_MS = 30 * _DAY_MS
"""Students come across an activity in the month before it starts."""
_ENROL_THRESHOLD = 3.3
"""Utility at which enrolment is a coin toss; about one in eight shown activities is joined."""


def _pick_sections(count: int, rng: random.Random) -> list[Section]:
    """``count`` real sections the catalogue accepts, one per city."""
    by_city: dict[tuple[str, str], Section] = {}
    for section in load_sections():
        if SECTION_ID_PATTERN.fullmatch(section.section_id):
            by_city.setdefault((section.country_code, section.city), section)
    cities = sorted(by_city)
    return [by_city[city] for city in rng.sample(cities, min(count, len(cities)))]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class _Simulator:
    def __init__(self, sections: Sequence[Section], start: datetime, seed: int) -> None:
        self.sections = sections
        self.start = start
        self.rng = np.random.default_rng(seed)
        self.draw = random.Random(seed)

    def activities(self, count: int) -> list[catalogue_pb2.Activity]:
        details = demo_activities(self.sections, count, today=self.start.date(), seed=7)
        return [
            catalogue_pb2.Activity(
                id=f"sim-{number:05d}",
                details=item,
                state=catalogue_pb2.ACTIVITY_STATE_PUBLISHED,
                version=1,
                seats_left=item.capacity,
            )
            for number, item in enumerate(details)
        ]

    def profile(
        self,
        number: int,
        section: Section,
        preferences: NDArray[np.float64],
        skills: Sequence[str],
    ) -> matching_pb2.VolunteerProfile:
        rng, draw = self.rng, self.draw
        interests = [
            matching_pb2.CauseInterest(
                cause=cause, weight=round(float(np.clip(pref + rng.normal(0, 0.2), 0.05, 1)), 2)
            )
            for cause, pref in zip(CAUSES, preferences.tolist(), strict=True)
            if pref >= 0.3
        ]
        if draw.random() < 0.25:  # a stated interest the student does not really hold
            interests.append(
                matching_pb2.CauseInterest(
                    cause=draw.choice(CAUSES), weight=round(draw.uniform(0.2, 0.6), 2)
                )
            )
        home = draw.choice(_HOME_COUNTRIES)
        languages: dict[str, matching_pb2.LanguageLevel.ValueType] = {
            "en": draw.choice((matching_pb2.LANGUAGE_LEVEL_B2, matching_pb2.LANGUAGE_LEVEL_C1))
        }
        local = language_of(section)
        if local != "en":
            languages[local] = draw.choice(_LOCAL_LEVELS)
        languages[_HOME_LANGUAGES[home]] = matching_pb2.LANGUAGE_LEVEL_NATIVE
        top_cause = CAUSES[int(np.argmax(preferences))]
        arrival = self.start - timedelta(days=draw.randint(0, 30))
        profile = matching_pb2.VolunteerProfile(
            student_id=f"sim-student-{number:05d}",
            host_section_id=section.section_id,
            home_country_code=home,
            languages=[
                matching_pb2.LanguageSkill(code=code, level=level)
                for code, level in languages.items()
            ],
            interests=interests,
            skills=draw.sample(list(skills), min(len(skills), draw.randint(2, 4))),
            motivation=draw.choice(_MOTIVATIONS[top_cause]),
            max_distance_km=draw.choice(_MAX_DISTANCES_KM),
            time_zone=time_zone_of(section),
            suggestions_opt_in=True,
        )
        profile.arrival.FromDatetime(arrival)
        profile.departure.FromDatetime(arrival + timedelta(days=draw.randint(120, 200)))
        return profile

    def feedback(
        self,
        activities: Sequence[catalogue_pb2.Activity],
        profiles: Sequence[matching_pb2.VolunteerProfile],
        sections: Sequence[Section],
        preferences: NDArray[np.float64],
        groups: NDArray[np.int64],
    ) -> list[dict[str, str]]:
        rng, draw = self.rng, self.draw
        count = len(activities)
        starts = np.array([a.details.starts_at.seconds * 1000 for a in activities], np.int64)
        ends = np.array([a.details.ends_at.seconds * 1000 for a in activities], np.int64)
        online = np.array([a.details.location.online for a in activities])
        latitudes = np.array([a.details.location.coordinates.latitude for a in activities])
        longitudes = np.array([a.details.location.coordinates.longitude for a in activities])
        cause_columns = {cause: column for column, cause in enumerate(CAUSES)}
        cause_matrix = np.zeros((count, len(CAUSES)), np.bool_)
        for row, item in enumerate(activities):
            cause_matrix[row, [cause_columns[c] for c in item.details.causes]] = True
        wanted = [set(a.details.skills_wanted) for a in activities]
        quality = rng.normal(0, 0.5, count)
        kinds: dict[tuple[int, tuple[int, ...], bool], int] = {}
        kind_of = np.array(
            [
                kinds.setdefault(
                    (a.details.type, tuple(a.details.causes), a.details.location.online),
                    len(kinds),
                )
                for a in activities
            ]
        )
        taste = rng.normal(0, 1, (_TASTE_GROUPS, len(kinds)))
        affinity = 0.8 * taste[:, kind_of] + 0.6 * rng.normal(0, 1, (_TASTE_GROUPS, count))
        first_ms, last_ms = _ms(self.start), _ms(self.start + timedelta(days=_SIMULATED_DAYS))

        rows: list[dict[str, str]] = []
        for number, (profile, section) in enumerate(zip(profiles, sections, strict=True)):
            arrival, departure = profile.arrival.seconds * 1000, profile.departure.seconds * 1000
            reach = profile.max_distance_km
            distances = distances_km(section.latitude, section.longitude, latitudes, longitudes)
            near = np.where(online, 0.4, np.clip(1 - distances / reach, 0.0, 1.0))
            eligible = np.flatnonzero(
                (online | (distances <= reach))
                & (starts >= arrival)
                & (ends <= departure)
                & (starts > max(first_ms, arrival) + _DAY_MS)
            )
            if eligible.size == 0:
                continue
            size = min(eligible.size, int(rng.integers(15, 40)))
            shown = rng.choice(eligible, size=size, replace=False)
            skills = set(profile.skills)
            for activity in shown.tolist():
                low = max(first_ms, arrival, int(starts[activity]) - _LOOKAHEAD_MS)
                high = min(int(starts[activity]) - _DAY_MS, last_ms)
                if high <= low:
                    continue
                shows = sorted(rng.integers(low, high, int(rng.integers(1, _MAX_SHOWS + 1))))
                cause_pull = float(preferences[number][cause_matrix[activity]].max())
                skill_share = len(skills & wanted[activity]) / max(len(wanted[activity]), 1)
                utility = (
                    2.0 * cause_pull
                    + 1.5 * float(affinity[groups[number], activity])
                    + 0.8 * float(near[activity])
                    + 0.6 * skill_share
                    + float(quality[activity])
                    + float(rng.normal(0, 0.7))
                )
                enrol = 1 / (1 + math.exp(-2.0 * (utility - _ENROL_THRESHOLD)))
                events = self._events(
                    [int(at) for at in shows], int(starts[activity]), int(ends[activity]), enrol
                )
                rows += [
                    {
                        "student_id": profile.student_id,
                        "activity_id": activities[activity].id,
                        "kind": str(int(kind)),
                        "rating": str(rating),
                        "at_ms": str(moment),
                    }
                    for kind, rating, moment in events
                ]
        draw.shuffle(rows)  # the log's order is not the time order
        rows.sort(key=at_ms)
        return rows

    def _events(
        self, shows: Sequence[int], starts: int, ends: int, enrol: float
    ) -> list[tuple[Kind.ValueType, int, int]]:
        """What one student does with one activity suggested at the instants ``shows``: it
        decides after one of them, and once enrolled or dismissed it is not shown again."""
        draw = self.draw
        decided = draw.randrange(len(shows))
        at = shows[decided]
        events: list[tuple[Kind.ValueType, int, int]] = [
            (Kind.FEEDBACK_KIND_SHOWN, 0, moment) for moment in shows[: decided + 1]
        ]
        if draw.random() < 0.4:
            events.append((Kind.FEEDBACK_KIND_OPENED, 0, at + draw.randint(1_000, 600_000)))
        later = [(Kind.FEEDBACK_KIND_SHOWN, 0, moment) for moment in shows[decided + 1 :]]
        if draw.random() < enrol:
            enrolled = at + draw.randint(60_000, min(3 * _DAY_MS, starts - at - _HOUR_MS))
            events.append((Kind.FEEDBACK_KIND_ENROLLED, 0, enrolled))
            if draw.random() < 0.85:
                events.append((Kind.FEEDBACK_KIND_ATTENDED, 0, ends))
                if draw.random() < 0.5:
                    rating = min(5, max(1, round(3 + 4 * (enrol - 0.5) + draw.gauss(0, 0.8))))
                    moment = ends + draw.randint(_HOUR_MS, 2 * _DAY_MS)
                    events.append((Kind.FEEDBACK_KIND_RATED, rating, moment))
        elif draw.random() < 0.5 * enrol:
            events.append((Kind.FEEDBACK_KIND_SAVED, 0, at + draw.randint(1_000, _HOUR_MS)))
            events += later
        elif draw.random() < 0.35 * (1 - enrol):
            events.append((Kind.FEEDBACK_KIND_DISMISSED, 0, at + draw.randint(1_000, 60_000)))
        else:
            events += later
        return events


def simulate(
    *,
    students: int = 2000,
    activities: int = 1200,
    sections: int = 40,
    seed: int = 7,
    start: datetime = SIMULATION_START,
) -> SyntheticWorld:
    """A seeded synthetic world: activities of ``sections`` real ESN sections (one per city),
    students hosted by the same sections, and feedback over about five months from
    ``start`` (see the module doc for how students decide)."""
    simulator = _Simulator(_pick_sections(sections, random.Random(seed)), start, seed)
    items = simulator.activities(activities)
    rng = simulator.rng
    host_sections = [simulator.draw.choice(simulator.sections) for _ in range(students)]
    raw = rng.gamma(0.6, 1.0, (students, len(CAUSES)))
    preferences = raw / raw.max(axis=1, keepdims=True)
    groups = rng.integers(0, _TASTE_GROUPS, students)
    skills_pool = sorted({skill for item in items for skill in item.details.skills_wanted})
    profiles = [
        simulator.profile(number, section, preferences[number], skills_pool)
        for number, section in enumerate(host_sections)
    ]
    feedback = simulator.feedback(items, profiles, host_sections, preferences, groups)
    return SyntheticWorld(items, {p.student_id: p for p in profiles}, feedback)
