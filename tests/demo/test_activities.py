"""The demo activities: varied, real sections, valid, and the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.catalogue.validation import validate_activity_details
from services.demo.activities import demo_activities, upcoming_weeks
from services.demo.templates import TEMPLATES, TRANSLATIONS
from services.kernel.sections import Section, load_sections
from socialerasmus.catalogue.v1.catalogue_pb2 import ActivityDetails
from socialerasmus.common.v1 import common_pb2

TODAY = date(2026, 11, 29)
COUNT = 300
SPRING_WEEK = (date(2027, 3, 22), date(2027, 3, 28))
AUTUMN_WEEK = (date(2027, 10, 25), date(2027, 10, 31))


@pytest.fixture(scope="module")
def sections() -> list[Section]:
    return load_sections()


@pytest.fixture(scope="module")
def activities(sections: list[Section]) -> list[ActivityDetails]:
    return demo_activities(sections, COUNT, today=TODAY)


def local_start(details: ActivityDetails) -> datetime:
    return details.starts_at.ToDatetime(tzinfo=UTC).astimezone(ZoneInfo(details.time_zone))


def test_makes_the_requested_number(activities: list[ActivityDetails]) -> None:
    assert len(activities) == COUNT


def test_every_activity_passes_validation(activities: list[ActivityDetails]) -> None:
    """What the seed command sends is accepted by the catalogue."""
    for details in activities:
        validate_activity_details(details)


def test_covers_all_six_causes_evenly(activities: list[ActivityDetails]) -> None:
    main_causes = Counter(details.causes[0] for details in activities)
    assert set(main_causes) == set(common_pb2.Cause.values()) - {common_pb2.CAUSE_UNSPECIFIED}
    assert min(main_causes.values()) >= COUNT // 6 - 1


def test_speaks_many_languages(activities: list[ActivityDetails]) -> None:
    """English everywhere, plus the section's own language; some texts are written in it."""
    languages = {language for details in activities for language in details.languages}
    assert len(languages) >= 5
    assert all(details.languages[0] == "en" for details in activities)
    assert {"es", "it", "de", "fr", "pt", "pl", "tr"} <= languages


def test_writes_some_titles_in_the_local_language(activities: list[ActivityDetails]) -> None:
    english_titles = {t.title.split("{")[0] for t in TEMPLATES}
    local = [
        d
        for d in activities
        if not any(d.title.startswith(prefix) for prefix in english_titles if prefix)
    ]
    assert 0 < len(local) < len(activities) // 2  # mainly English
    assert all(len(d.languages) == 2 for d in local)


def test_spreads_over_many_real_sections(
    sections: list[Section], activities: list[ActivityDetails]
) -> None:
    by_id = {s.section_id: s for s in sections}
    assert len({details.section_id for details in activities}) >= 50
    assert len({by_id[details.section_id].country_code for details in activities}) >= 20
    for details in activities:
        section = by_id[details.section_id]
        assert details.location.country_code == section.country_code
        for co_organiser in details.co_organiser_section_ids:
            assert by_id[co_organiser].city == section.city


def test_places_physical_activities_near_their_section(
    sections: list[Section], activities: list[ActivityDetails]
) -> None:
    by_id = {s.section_id: s for s in sections}
    online = [d for d in activities if d.location.online]
    assert 0.05 * COUNT <= len(online) <= 0.2 * COUNT
    for details in activities:
        if details.location.online:
            assert not details.location.HasField("coordinates")
            continue
        section = by_id[details.section_id]
        point = details.location.coordinates
        assert abs(point.latitude - section.latitude) <= 0.05
        assert abs(point.longitude - section.longitude) <= 0.05


def test_times_are_sensible(activities: list[ActivityDetails]) -> None:
    """Starts after today, within about six months unless in a Week, at daytime local hours."""
    horizon = TODAY + timedelta(days=200)
    for details in activities:
        start = local_start(details)
        duration = details.ends_at.ToDatetime() - details.starts_at.ToDatetime()
        assert start.date() > TODAY
        assert details.week_edition or start.date() <= horizon
        assert 7 <= start.hour <= 20
        assert timedelta(hours=2) <= duration <= timedelta(hours=6)
        assert 8 <= details.capacity <= 60


def test_uses_local_time_zones(activities: list[ActivityDetails]) -> None:
    zones = {(details.location.country_code, details.time_zone) for details in activities}
    assert ("es", "Europe/Madrid") in zones
    assert ("tr", "Europe/Istanbul") in zones
    assert ("it", "Europe/Rome") in zones


def test_both_2027_weeks_have_activities_inside_their_week(
    activities: list[ActivityDetails],
) -> None:
    editions = Counter(details.week_edition for details in activities if details.week_edition)
    assert set(editions) == {"2027-spring", "2027-autumn"}
    assert min(editions.values()) >= 0.05 * COUNT
    for details in activities:
        if details.week_edition:
            first, last = SPRING_WEEK if details.week_edition == "2027-spring" else AUTUMN_WEEK
            assert first <= local_start(details).date() <= last


def test_upcoming_weeks_are_the_last_full_weeks_of_march_and_october() -> None:
    assert upcoming_weeks(TODAY) == [
        ("2027-spring", SPRING_WEEK[0]),
        ("2027-autumn", AUTUMN_WEEK[0]),
    ]
    assert upcoming_weeks(date(2027, 3, 1)) == [
        ("2027-spring", SPRING_WEEK[0]),
        ("2027-autumn", AUTUMN_WEEK[0]),
    ]
    assert upcoming_weeks(date(2027, 3, 22))[0] == ("2027-autumn", AUTUMN_WEEK[0])


def test_same_seed_same_activities_and_longer_lists_extend_shorter_ones(
    sections: list[Section], activities: list[ActivityDetails]
) -> None:
    """Re-running the seed command proposes the same activity for the same request id."""
    assert demo_activities(sections, COUNT, today=TODAY) == activities
    assert demo_activities(sections, 40, today=TODAY) == activities[:40]
    assert demo_activities(sections, COUNT, today=TODAY, seed=8) != activities


def test_templates_are_varied() -> None:
    templates = TEMPLATES
    assert len(templates) >= 24
    per_cause = Counter(t.causes[0] for t in templates)
    assert len(per_cause) == 6
    assert min(per_cause.values()) >= 4
    keys = {t.key for t in templates}
    assert len(keys) == len(templates)
    for translations in TRANSLATIONS.values():
        assert {tr.template for tr in translations} <= keys


def test_rejects_impossible_requests(sections: list[Section]) -> None:
    assert demo_activities(sections, 0, today=TODAY) == []
    with pytest.raises(ValueError, match="negative"):
        demo_activities(sections, -1, today=TODAY)
    with pytest.raises(ValueError, match="section"):
        demo_activities([], 3, today=TODAY)
