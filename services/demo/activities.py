"""Realistic SocialErasmus activities of real ESN sections, for local runs, demos and tests.

Pure and deterministic: the same sections, count, ``today`` and seed give the same activities,
and a longer list starts with the shorter one (activity ``i`` does not depend on ``count``), so
seeding with request ids ``seed-{i}`` stays idempotent when ``--count`` grows. What the
activities say comes from the templates (:mod:`services.demo.templates`); where they happen,
from :mod:`services.demo.geography`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

from services.demo.geography import city_name, language_of, time_zone_of
from services.demo.templates import (
    ONLINE_ACCESS,
    ONLINE_VENUE,
    TEMPLATES,
    TRANSLATIONS,
    Days,
    Template,
    Translation,
)
from services.kernel.causes import CAUSES, CauseValue
from services.kernel.ids import SECTION_ID_PATTERN
from services.kernel.sections import Section
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2

__all__ = ["demo_activities", "upcoming_weeks"]

ONLINE_SHARE = 0.10
"""About this share of activities happens online."""
LOCAL_LANGUAGE_SHARE = 0.4
"""Where a translation exists, this share of a section's activities is written in its language."""
HORIZON_DAYS = 180
"""Activities outside the Weeks start within this many days after ``today``."""
_WEEK_EVERY = 5
"""Every fifth activity belongs to a SocialErasmus Week, alternating spring and autumn."""
_REUSE_SECTION_SHARE = 0.2
"""Share of activities given to a section that already has one (active sections run several)."""
_CO_ORGANISED_SHARE = 0.15
"""Share of activities co-organised with another section of the same city, where there is one."""


def _week_monday(year: int, month: int) -> date:
    """Monday of the last Monday-to-Sunday week that lies wholly inside March or October."""
    day = date(year, month, 25)  # both months have 31 days, so a week from the 25th still fits
    return day - timedelta(days=day.weekday())


def upcoming_weeks(today: date) -> list[tuple[str, date]]:
    """The next two SocialErasmus Weeks starting after ``today``: (edition, Monday) pairs.

    Spring Weeks take the last full week of March and autumn Weeks the last full week of
    October, so on 2026-11-29 they are ``2027-spring`` (22-28 March) and ``2027-autumn``
    (25-31 October).
    """
    weeks: list[tuple[str, date]] = []
    year = today.year
    while len(weeks) < 2:
        for season, month in (("spring", 3), ("autumn", 10)):
            monday = _week_monday(year, month)
            if monday > today and len(weeks) < 2:
                weeks.append((f"{year}-{season}", monday))
        year += 1
    return weeks


def _matches(day: date, days: Days) -> bool:
    if days == "weekday":
        return day.weekday() < 5
    if days == "weekend":
        return day.weekday() >= 5
    return True


def _timestamp(moment: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(moment.astimezone(UTC))
    return ts


def _eligible(sections: Sequence[Section]) -> list[Section]:
    """Sections whose id the catalogue accepts (some accounts.esn.org ids have accents)."""
    return [s for s in sections if SECTION_ID_PATTERN.fullmatch(s.section_id)]


class _Generator:
    def __init__(self, sections: Sequence[Section], today: date, seed: int) -> None:
        self._rng = random.Random(seed)
        self._today = today
        self._weeks = upcoming_weeks(today)
        self._order = list(sections)
        self._rng.shuffle(self._order)
        self._next = 0
        self._used: list[Section] = []
        self._by_city: dict[tuple[str, str], list[Section]] = {}
        for section in self._order:
            self._by_city.setdefault((section.country_code, section.city), []).append(section)
        self._by_key = {t.key: t for t in TEMPLATES}
        self._causes: list[CauseValue] = []

    def activity(self, index: int) -> catalogue_pb2.ActivityDetails:
        rng = self._rng
        section = self._section()
        cause = self._cause()
        online = rng.random() < ONLINE_SHARE
        template, translation = self._template(section, cause, online=online)

        week_edition = ""
        if index % _WEEK_EVERY == _WEEK_EVERY - 1:
            week_edition, monday = self._weeks[(index // _WEEK_EVERY) % 2]
            day = rng.choice(
                [
                    d
                    for d in (monday + timedelta(days=k) for k in range(7))
                    if _matches(d, template.days)
                ]
            )
        else:
            day = self._today + timedelta(days=rng.randint(1, HORIZON_DAYS))
            while not _matches(day, template.days):
                day += timedelta(days=1)

        zone = time_zone_of(section)
        local_start = datetime.combine(
            day, time(rng.choice(template.start_hours), rng.choice((0, 0, 30))), ZoneInfo(zone)
        )
        local_end = local_start + timedelta(hours=rng.choice(template.durations))
        city = city_name(section)
        fields = {"city": city, "section": section.name}
        if translation is None:
            title = template.title.format(**fields)
            description = template.description.format(**fields)
            if week_edition:
                year, season = week_edition.split("-")
                description += f" Part of SocialErasmus Week, {season} {year}."
        else:
            title = translation.title.format(**fields)
            description = translation.description.format(**fields)

        location = common_pb2.Location(online=online, city=city, country_code=section.country_code)
        if online:
            location.venue = ONLINE_VENUE
        else:
            location.venue = template.venue
            location.coordinates.latitude = round(section.latitude + rng.uniform(-0.015, 0.015), 6)
            location.coordinates.longitude = round(section.longitude + rng.uniform(-0.02, 0.02), 6)

        neighbours = [
            s
            for s in self._by_city[(section.country_code, section.city)]
            if s.section_id != section.section_id
        ]
        co_organisers = (
            [rng.choice(neighbours).section_id]
            if neighbours and rng.random() < _CO_ORGANISED_SHARE
            else []
        )
        local = language_of(section)
        skill_count = min(len(template.skills), rng.randint(2, 3))
        chosen_skills = set(rng.sample(template.skills, skill_count))

        return catalogue_pb2.ActivityDetails(
            title=title,
            description=description,
            goal=template.goal.format(**fields),
            type=template.type,
            causes=template.causes,
            sdgs=template.sdgs,
            objectives=template.objectives,
            section_id=section.section_id,
            co_organiser_section_ids=co_organisers,
            starts_at=_timestamp(local_start),
            ends_at=_timestamp(local_end),
            time_zone=zone,
            location=location,
            capacity=rng.randint(*template.capacity),
            languages=["en"] if local == "en" else ["en", local],
            skills_wanted=[s for s in template.skills if s in chosen_skills],
            accessibility_notes=ONLINE_ACCESS if online else template.accessibility,
            week_edition=week_edition,
        )

    def _section(self) -> Section:
        rng = self._rng
        if self._used and rng.random() < _REUSE_SECTION_SHARE:
            return rng.choice(self._used)
        section = self._order[self._next % len(self._order)]
        self._next += 1
        self._used.append(section)
        return section

    def _cause(self) -> CauseValue:
        """Causes in shuffled rounds of six, so every cause gets its share."""
        if not self._causes:
            self._causes = list(CAUSES)
            self._rng.shuffle(self._causes)
        return self._causes.pop()

    def _template(
        self, section: Section, cause: CauseValue, *, online: bool
    ) -> tuple[Template, Translation | None]:
        rng = self._rng
        candidates = [t for t in TEMPLATES if t.causes[0] == cause and t.online == online]
        keys = {t.key for t in candidates}
        translations = [
            tr for tr in TRANSLATIONS.get(language_of(section), ()) if tr.template in keys
        ]
        if translations and rng.random() < LOCAL_LANGUAGE_SHARE:
            translation = rng.choice(translations)
            return self._by_key[translation.template], translation
        return rng.choice(candidates), None


def demo_activities(
    sections: Sequence[Section], count: int, *, today: date, seed: int = 7
) -> list[catalogue_pb2.ActivityDetails]:
    """``count`` plausible SocialErasmus activities of the given sections, starting after today.

    Activities cover ESN's six causes in equal shares, about 10% happen online, and every fifth
    belongs to one of the next two SocialErasmus Weeks (see :func:`upcoming_weeks`), the others
    starting within about six months. Sections whose id the catalogue would reject are skipped.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if count == 0:
        return []
    eligible = _eligible(sections)
    if not eligible:
        raise ValueError("no section with a valid section id to organise activities")
    generator = _Generator(eligible, today, seed)
    return [generator.activity(i) for i in range(count)]
