"""Validation of activity details, request fields and listing filters."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from ulid import ULID

from services.catalogue import limits
from services.catalogue.changes import changed_fields
from services.catalogue.validation import (
    validate_activity_details,
    validate_activity_filter,
    validate_reason,
)
from services.kernel import limits as shared
from services.kernel.ids import validate_activity_id, validate_student_id
from services.kernel.pages import validate_page_size
from services.runtime.errors import FieldViolation, InvalidArgument
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_CANCELLED,
    ACTIVITY_STATE_DRAFT,
    ACTIVITY_TYPE_UNSPECIFIED,
    ACTIVITY_TYPE_WORKSHOP,
    OBJECTIVE_RAISE_AWARENESS,
    OBJECTIVE_UNSPECIFIED,
    ONLINE_FILTER_IN_PERSON_ONLY,
    ActivityDetails,
    ActivityFilter,
)
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_EDUCATION_AND_YOUTH,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_HEALTH_AND_WELLBEING,
    CAUSE_SKILLS_AND_EMPLOYABILITY,
    CAUSE_SOCIAL_INCLUSION,
    CAUSE_UNSPECIFIED,
    GeoPoint,
)
from tests.catalogue.builders import (
    FIXED_NOW,
    SECTION_ID,
    geo_point,
    online_location,
    timestamp,
    valencia_location,
    valid_details,
)

START = FIXED_NOW.replace(microsecond=0) + timedelta(days=30)
ALL_CAUSES = [
    CAUSE_CULTURE,
    CAUSE_EDUCATION_AND_YOUTH,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_HEALTH_AND_WELLBEING,
    CAUSE_SKILLS_AND_EMPLOYABILITY,
    CAUSE_SOCIAL_INCLUSION,
]


def details(**overrides: Any) -> ActivityDetails:
    return valid_details(FIXED_NOW, **overrides)


def violations(d: ActivityDetails, field_prefix: str = "details") -> list[FieldViolation]:
    with pytest.raises(InvalidArgument) as caught:
        validate_activity_details(d, field_prefix)
    return caught.value.violations


def fields_of(error: InvalidArgument) -> list[str]:
    return [v.field for v in error.violations]


def ts(seconds: int, nanos: int = 0) -> Timestamp:
    return Timestamp(seconds=seconds, nanos=nanos)


# --- Valid details ----------------------------------------------------------------------------


def test_builder_details_are_valid_with_fixed_and_current_time() -> None:
    validate_activity_details(details())
    validate_activity_details(valid_details())


def test_builder_starts_thirty_days_after_now_in_valencia() -> None:
    d = details()
    assert d.starts_at.ToDatetime(UTC) == START
    assert d.section_id == "esn-valencia-upv"
    assert (d.location.coordinates.latitude, d.location.coordinates.longitude) == (
        39.4699,
        -0.3763,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"title": "abc"}, id="title-min"),
        pytest.param({"title": "x" * shared.TITLE_MAX_CHARS}, id="title-max"),
        pytest.param({"title": "Café à València 🌊"}, id="title-unicode"),
        pytest.param({"description": "x" * shared.DESCRIPTION_MAX_CHARS}, id="description-max"),
        pytest.param({"description": "Line one\r\n\tLine two"}, id="description-multiline"),
        pytest.param({"goal": ""}, id="goal-empty"),
        pytest.param({"goal": "x" * limits.GOAL_MAX_CHARS}, id="goal-max"),
        pytest.param({"causes": ALL_CAUSES}, id="all-causes"),
        pytest.param({"sdgs": []}, id="no-sdgs"),
        pytest.param({"sdgs": list(range(1, 18))}, id="all-sdgs"),
        pytest.param({"objectives": []}, id="no-objectives"),
        pytest.param({"co_organiser_section_ids": []}, id="no-co-organisers"),
        pytest.param(
            {"co_organiser_section_ids": [f"esn-{i:02d}" for i in range(limits.CO_ORGANISERS_MAX)]},
            id="co-organisers-max",
        ),
        pytest.param({"section_id": "e" + "s" * 79}, id="section-id-max"),
        pytest.param({"section_id": "9a"}, id="section-id-min"),
        pytest.param({"ends_at": START + limits.MAX_DURATION}, id="duration-max"),
        pytest.param({"ends_at": START + timedelta(seconds=1)}, id="duration-one-second"),
        pytest.param({"time_zone": "UTC"}, id="tz-utc"),
        pytest.param({"time_zone": "America/Argentina/Buenos_Aires"}, id="tz-deep"),
        pytest.param({"capacity": 1}, id="capacity-min"),
        pytest.param({"capacity": limits.CAPACITY_MAX}, id="capacity-max"),
        pytest.param({"languages": ["it"]}, id="one-language"),
        pytest.param(
            {"languages": [f"a{c}" for c in "abcdefghij"]},
            id="languages-max",
        ),
        pytest.param({"skills_wanted": []}, id="no-skills"),
        pytest.param({"skills_wanted": ["x" * shared.SKILL_MAX_CHARS]}, id="skill-max"),
        pytest.param(
            {"skills_wanted": [f"skill {i}" for i in range(shared.SKILLS_MAX)]}, id="skills-max"
        ),
        pytest.param({"accessibility_notes": "Step-free.\nLift at gate B."}, id="accessibility"),
        pytest.param({"week_edition": "2027-spring"}, id="week-spring"),
        pytest.param({"week_edition": "2026-autumn"}, id="week-autumn"),
        pytest.param({"location": online_location()}, id="online-bare"),
        pytest.param(
            {"location": online_location(city="Valencia", coordinates=geo_point(39.47, -0.38))},
            id="online-with-place",
        ),
        pytest.param({"location": valencia_location(venue="")}, id="no-venue"),
        pytest.param(
            {"location": valencia_location(coordinates=geo_point(-90, 180))}, id="coords-extreme"
        ),
        pytest.param(
            {"location": valencia_location(coordinates=geo_point(0, 12.5))}, id="coords-equator"
        ),
    ],
)
def test_valid_variants_pass(overrides: dict[str, Any]) -> None:
    validate_activity_details(details(**overrides))


# --- One violation at a time ------------------------------------------------------------------

SINGLE_VIOLATIONS: list[Any] = [
    # title
    pytest.param({"title": ""}, "details.title", id="title-missing"),
    pytest.param({"title": "   "}, "details.title", id="title-blank"),
    pytest.param({"title": "ab"}, "details.title", id="title-short"),
    pytest.param({"title": "  ab  "}, "details.title", id="title-short-after-strip"),
    pytest.param({"title": "x" * 121}, "details.title", id="title-long"),
    pytest.param({"title": "Beach\nclean-up"}, "details.title", id="title-newline"),
    pytest.param({"title": "Beach\tclean-up"}, "details.title", id="title-tab"),
    pytest.param({"title": "Beach\x00clean-up"}, "details.title", id="title-nul"),
    pytest.param({"title": "Beach\u2028clean-up"}, "details.title", id="title-line-separator"),
    # description
    pytest.param({"description": ""}, "details.description", id="description-missing"),
    pytest.param({"description": " \n "}, "details.description", id="description-blank"),
    pytest.param({"description": "x" * 5001}, "details.description", id="description-long"),
    pytest.param({"description": "bad\x07bell"}, "details.description", id="description-ctrl"),
    # goal
    pytest.param({"goal": "x" * 1001}, "details.goal", id="goal-long"),
    pytest.param({"goal": "esc\x1b[31m"}, "details.goal", id="goal-ctrl"),
    # type
    pytest.param({"type": ACTIVITY_TYPE_UNSPECIFIED}, "details.type", id="type-missing"),
    pytest.param({"type": 99}, "details.type", id="type-unknown"),
    # causes
    pytest.param({"causes": []}, "details.causes", id="causes-missing"),
    pytest.param({"causes": [CAUSE_UNSPECIFIED]}, "details.causes[0]", id="cause-unspecified"),
    pytest.param({"causes": [CAUSE_CULTURE, 42]}, "details.causes[1]", id="cause-unknown"),
    pytest.param(
        {"causes": [CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION, CAUSE_CULTURE]},
        "details.causes[2]",
        id="cause-duplicate",
    ),
    pytest.param({"causes": [*ALL_CAUSES, CAUSE_CULTURE]}, "details.causes", id="causes-too-many"),
    # sdgs
    pytest.param({"sdgs": [0]}, "details.sdgs[0]", id="sdg-zero"),
    pytest.param({"sdgs": [4, 18]}, "details.sdgs[1]", id="sdg-18"),
    pytest.param({"sdgs": [-1]}, "details.sdgs[0]", id="sdg-negative"),
    pytest.param({"sdgs": [4, 4]}, "details.sdgs[1]", id="sdg-duplicate"),
    pytest.param({"sdgs": [*range(1, 18), 1]}, "details.sdgs", id="sdgs-too-many"),
    # objectives
    pytest.param({"objectives": [OBJECTIVE_UNSPECIFIED]}, "details.objectives[0]", id="obj-0"),
    pytest.param({"objectives": [99]}, "details.objectives[0]", id="objective-unknown"),
    pytest.param(
        {"objectives": [OBJECTIVE_RAISE_AWARENESS, OBJECTIVE_RAISE_AWARENESS]},
        "details.objectives[1]",
        id="objective-duplicate",
    ),
    pytest.param({"objectives": [1, 2, 3, 4, 5, 6, 1]}, "details.objectives", id="obj-too-many"),
    # section_id
    pytest.param({"section_id": ""}, "details.section_id", id="section-missing"),
    pytest.param({"section_id": "ESN-Valencia"}, "details.section_id", id="section-upper"),
    pytest.param({"section_id": "e"}, "details.section_id", id="section-short"),
    pytest.param({"section_id": "-esn"}, "details.section_id", id="section-leading-dash"),
    pytest.param({"section_id": "esn valencia"}, "details.section_id", id="section-space"),
    pytest.param({"section_id": "e" * 81}, "details.section_id", id="section-long"),
    pytest.param({"section_id": "esn-valencia\n"}, "details.section_id", id="section-newline"),
    # co-organisers
    pytest.param(
        {"co_organiser_section_ids": ["esn-a", "ESN B"]},
        "details.co_organiser_section_ids[1]",
        id="co-organiser-malformed",
    ),
    pytest.param(
        {"co_organiser_section_ids": ["esn-a", "esn-a"]},
        "details.co_organiser_section_ids[1]",
        id="co-organiser-duplicate",
    ),
    pytest.param(
        {"co_organiser_section_ids": [SECTION_ID]},
        "details.co_organiser_section_ids[0]",
        id="co-organiser-is-organiser",
    ),
    pytest.param(
        {"co_organiser_section_ids": [f"esn-{i:02d}" for i in range(21)]},
        "details.co_organiser_section_ids",
        id="co-organisers-too-many",
    ),
    # times
    pytest.param({"starts_at": None}, "details.starts_at", id="starts-missing"),
    pytest.param({"ends_at": None}, "details.ends_at", id="ends-missing"),
    pytest.param({"ends_at": START}, "details.ends_at", id="ends-equal-starts"),
    pytest.param({"ends_at": START - timedelta(hours=1)}, "details.ends_at", id="ends-before"),
    pytest.param(
        {"ends_at": START + limits.MAX_DURATION + timedelta(seconds=1)},
        "details.ends_at",
        id="too-long",
    ),
    pytest.param(
        {"starts_at": ts(-1), "ends_at": ts(3600)}, "details.starts_at", id="starts-before-1970"
    ),
    pytest.param(
        {"starts_at": ts(int(START.timestamp()), nanos=1_000_000_000)},
        "details.starts_at",
        id="starts-bad-nanos",
    ),
    pytest.param(
        {"ends_at": ts(shared.TIMESTAMP_MAX_SECONDS + 1)}, "details.ends_at", id="ends-past-9999"
    ),
    # time zone
    pytest.param({"time_zone": ""}, "details.time_zone", id="tz-missing"),
    pytest.param({"time_zone": "Europe/Valencia"}, "details.time_zone", id="tz-unknown"),
    pytest.param({"time_zone": "europe/madrid"}, "details.time_zone", id="tz-case"),
    pytest.param({"time_zone": "localtime"}, "details.time_zone", id="tz-localtime"),
    pytest.param({"time_zone": "../etc/passwd"}, "details.time_zone", id="tz-path"),
    pytest.param({"time_zone": " Europe/Madrid"}, "details.time_zone", id="tz-space"),
    # location
    pytest.param({"location": None}, "details.location", id="location-missing"),
    pytest.param(
        {"location": valencia_location(city="")}, "details.location.city", id="city-missing"
    ),
    pytest.param(
        {"location": valencia_location(city="Valencia\n")}, "details.location.city", id="city-nl"
    ),
    pytest.param(
        {"location": valencia_location(city="x" * 101)}, "details.location.city", id="city-long"
    ),
    pytest.param(
        {"location": valencia_location(country_code="")},
        "details.location.country_code",
        id="country-missing",
    ),
    pytest.param(
        {"location": valencia_location(country_code="ES")},
        "details.location.country_code",
        id="country-upper",
    ),
    pytest.param(
        {"location": valencia_location(country_code="esp")},
        "details.location.country_code",
        id="country-alpha3",
    ),
    pytest.param(
        {"location": valencia_location(venue="x" * 301)},
        "details.location.venue",
        id="venue-long",
    ),
    pytest.param(
        {"location": valencia_location(venue="Gate\x00B")},
        "details.location.venue",
        id="venue-ctrl",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=None)},
        "details.location.coordinates",
        id="coords-missing",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(90.0001, 0.5))},
        "details.location.coordinates.latitude",
        id="lat-high",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(-91, 0.5))},
        "details.location.coordinates.latitude",
        id="lat-low",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(39.47, 180.5))},
        "details.location.coordinates.longitude",
        id="lon-high",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(39.47, -181))},
        "details.location.coordinates.longitude",
        id="lon-low",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(math.nan, -0.37))},
        "details.location.coordinates.latitude",
        id="lat-nan",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=geo_point(39.47, math.inf))},
        "details.location.coordinates.longitude",
        id="lon-inf",
    ),
    pytest.param(
        {"location": valencia_location(coordinates=GeoPoint())},
        "details.location.coordinates",
        id="null-island",
    ),
    pytest.param(
        {"location": online_location(coordinates=geo_point(95, 0))},
        "details.location.coordinates.latitude",
        id="online-bad-coords",
    ),
    pytest.param(
        {"location": online_location(country_code="Spain")},
        "details.location.country_code",
        id="online-bad-country",
    ),
    # capacity
    pytest.param({"capacity": 0}, "details.capacity", id="capacity-missing"),
    pytest.param({"capacity": -5}, "details.capacity", id="capacity-negative"),
    pytest.param({"capacity": 10_001}, "details.capacity", id="capacity-huge"),
    # languages
    pytest.param({"languages": []}, "details.languages", id="languages-missing"),
    pytest.param({"languages": ["en", "ES"]}, "details.languages[1]", id="language-upper"),
    pytest.param({"languages": ["eng"]}, "details.languages[0]", id="language-alpha3"),
    pytest.param({"languages": ["e"]}, "details.languages[0]", id="language-short"),
    pytest.param({"languages": ["en", "en"]}, "details.languages[1]", id="language-duplicate"),
    pytest.param(
        {"languages": [f"a{c}" for c in "abcdefghijk"]}, "details.languages", id="languages-many"
    ),
    # skills
    pytest.param({"skills_wanted": [" "]}, "details.skills_wanted[0]", id="skill-blank"),
    pytest.param({"skills_wanted": ["x" * 61]}, "details.skills_wanted[0]", id="skill-long"),
    pytest.param({"skills_wanted": ["a\nb"]}, "details.skills_wanted[0]", id="skill-newline"),
    pytest.param(
        {"skills_wanted": ["Teamwork", " teamwork"]},
        "details.skills_wanted[1]",
        id="skill-duplicate-ignoring-case",
    ),
    pytest.param(
        {"skills_wanted": [f"skill {i}" for i in range(31)]},
        "details.skills_wanted",
        id="skills-too-many",
    ),
    # accessibility notes
    pytest.param(
        {"accessibility_notes": "x" * 1001}, "details.accessibility_notes", id="access-long"
    ),
    pytest.param(
        {"accessibility_notes": "\x0c"}, "details.accessibility_notes", id="access-form-feed"
    ),
    # week edition
    pytest.param({"week_edition": "2027-summer"}, "details.week_edition", id="week-season"),
    pytest.param({"week_edition": "27-spring"}, "details.week_edition", id="week-year"),
    pytest.param({"week_edition": "2027-Spring"}, "details.week_edition", id="week-case"),
    pytest.param({"week_edition": "2027-spring\n"}, "details.week_edition", id="week-newline"),
]


@pytest.mark.parametrize(("overrides", "field"), SINGLE_VIOLATIONS)
def test_single_violation_names_its_field(overrides: dict[str, Any], field: str) -> None:
    found = violations(details(**overrides))
    assert [v.field for v in found] == [field], found
    assert all(v.description for v in found)


def test_missing_ends_at_skips_order_check() -> None:
    d = details()
    d.ClearField("starts_at")
    d.ClearField("ends_at")
    assert [v.field for v in violations(d)] == ["details.starts_at", "details.ends_at"]


def test_physical_location_with_nothing_reports_each_part() -> None:
    found = violations(
        details(location=valencia_location(city="", country_code="", venue="", coordinates=None))
    )
    assert [v.field for v in found] == [
        "details.location.city",
        "details.location.country_code",
        "details.location.coordinates",
    ]


def test_all_violations_are_reported_together_in_field_order() -> None:
    d = details(
        title="",
        type=ACTIVITY_TYPE_UNSPECIFIED,
        causes=[CAUSE_CULTURE, CAUSE_CULTURE],
        time_zone="Mars/Olympus_Mons",
        location=valencia_location(coordinates=geo_point(100, 200)),
        capacity=0,
        languages=[],
        week_edition="spring",
    )
    assert [v.field for v in violations(d)] == [
        "details.title",
        "details.type",
        "details.causes[1]",
        "details.time_zone",
        "details.location.coordinates.latitude",
        "details.location.coordinates.longitude",
        "details.capacity",
        "details.languages",
        "details.week_edition",
    ]


def test_empty_details_report_every_required_field() -> None:
    assert [v.field for v in violations(ActivityDetails())] == [
        "details.title",
        "details.description",
        "details.type",
        "details.causes",
        "details.section_id",
        "details.starts_at",
        "details.ends_at",
        "details.time_zone",
        "details.location",
        "details.capacity",
        "details.languages",
    ]


def test_field_prefix_is_used_for_every_path() -> None:
    found = violations(details(title="", causes=[0]), field_prefix="activity.details")
    assert [v.field for v in found] == ["activity.details.title", "activity.details.causes[0]"]


def test_error_message_lists_fields() -> None:
    with pytest.raises(InvalidArgument, match=r"details\.capacity: "):
        validate_activity_details(details(capacity=0))


def test_oversized_list_reports_count_only() -> None:
    found = violations(details(skills_wanted=[""] * 1000))
    assert [v.field for v in found] == ["details.skills_wanted"]


def test_future_start_is_not_required() -> None:
    past = datetime(2001, 1, 1, tzinfo=UTC)
    validate_activity_details(details(starts_at=past, ends_at=past + timedelta(hours=1)))


# --- Ids, reasons, page sizes -----------------------------------------------------------------


def test_activity_id_accepts_generated_ulids() -> None:
    for _ in range(20):
        validate_activity_id(str(ULID()), "activity_id")
    validate_activity_id("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "activity_id")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("01hzy3v4k5q6r7s8t9vwxyz0ab", id="lower-case"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0A", id="25-chars"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0ABC", id="27-chars"),
        pytest.param("81HZY3V4K5Q6R7S8T9VWXYZ0AB", id="overflow"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0AI", id="letter-i"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0AL", id="letter-l"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0AO", id="letter-o"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0AU", id="letter-u"),
        pytest.param("01HZY3V4K5Q6R7S8T9VWXYZ0A\n", id="newline"),
        pytest.param("../../etc/passwd", id="path"),
    ],
)
def test_activity_id_rejects(value: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_activity_id(value, "request.activity_id")
    assert fields_of(caught.value) == ["request.activity_id"]


@pytest.mark.parametrize(
    "value", ["s", "alice@example.org", "esn:student:42", "A_b.c-d", "x" * 128]
)
def test_student_id_accepts(value: str) -> None:
    validate_student_id(value, "student_id")


@pytest.mark.parametrize(
    "value", ["", "alice smith", "x" * 129, "jos\u00e9", "alice\n", "a/b", "a;b"]
)
def test_student_id_rejects(value: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_student_id(value, "student_id")
    assert fields_of(caught.value) == ["student_id"]


@pytest.mark.parametrize(
    "value", ["Storm warning", "Storm warning.\nSee you next week!", "x" * 500]
)
def test_reason_accepts(value: str) -> None:
    validate_reason(value, "reason")


@pytest.mark.parametrize("value", ["", "   ", "x" * 501, "bad\x00reason"])
def test_reason_rejects(value: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_reason(value, "reason")
    assert fields_of(caught.value) == ["reason"]


def test_reason_may_be_optional() -> None:
    validate_reason("", "reason", required=False)
    with pytest.raises(InvalidArgument):
        validate_reason("x" * 501, "reason", required=False)


@pytest.mark.parametrize(("value", "expected"), [(0, 20), (1, 1), (37, 37), (100, 100)])
def test_page_size(value: int, expected: int) -> None:
    assert validate_page_size(value, "page_size") == expected


@pytest.mark.parametrize("value", [-1, 101, 2**31 - 1])
def test_page_size_rejects(value: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_page_size(value, "page_size")
    assert fields_of(caught.value) == ["page_size"]


# --- Filters ----------------------------------------------------------------------------------


def full_filter() -> ActivityFilter:
    return ActivityFilter(
        section_ids=["esn-valencia-upv", "esn-valencia-uv"],
        country_codes=["es", "pt"],
        near=geo_point(39.47, -0.37),
        radius_km=25,
        causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY],
        sdgs=[13, 14],
        languages=["en"],
        starts_after=timestamp(FIXED_NOW),
        starts_before=timestamp(FIXED_NOW + timedelta(days=60)),
        week_edition="2027-spring",
        states=[ACTIVITY_STATE_DRAFT],
        online=ONLINE_FILTER_IN_PERSON_ONLY,
        text_query="beach València",
    )


def test_empty_and_full_filters_are_valid() -> None:
    validate_activity_filter(ActivityFilter())
    validate_activity_filter(full_filter())


def test_filter_duplicates_are_harmless() -> None:
    validate_activity_filter(
        ActivityFilter(languages=["en", "en"], causes=[CAUSE_CULTURE, CAUSE_CULTURE])
    )


def test_filter_radius_max_is_allowed() -> None:
    validate_activity_filter(ActivityFilter(near=geo_point(1, 1), radius_km=20_000))


def filter_with(**changes: Any) -> ActivityFilter:
    f = full_filter()
    for name, value in changes.items():
        if value is None:
            f.ClearField(name)  # type: ignore[arg-type]
        elif isinstance(value, list):
            f.ClearField(name)  # type: ignore[arg-type]
            getattr(f, name).extend(value)
        elif name in ("near", "starts_after", "starts_before"):
            getattr(f, name).CopyFrom(value)
        else:
            setattr(f, name, value)
    return f


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"section_ids": ["ESN Valencia"]}, "filter.section_ids[0]", id="section"),
        pytest.param({"section_ids": ["s1"] * 251}, "filter.section_ids", id="sections-many"),
        pytest.param({"country_codes": ["es", "ES"]}, "filter.country_codes[1]", id="country"),
        pytest.param({"near": None}, "filter.near", id="radius-without-near"),
        pytest.param({"radius_km": 0.0}, "filter.radius_km", id="near-without-radius"),
        pytest.param({"radius_km": -1.0}, "filter.radius_km", id="radius-negative"),
        pytest.param({"radius_km": 20_000.5}, "filter.radius_km", id="radius-huge"),
        pytest.param({"radius_km": math.nan}, "filter.radius_km", id="radius-nan"),
        pytest.param({"radius_km": math.inf}, "filter.radius_km", id="radius-inf"),
        pytest.param({"near": geo_point(91, 0)}, "filter.near.latitude", id="near-lat"),
        pytest.param({"near": geo_point(1, -200)}, "filter.near.longitude", id="near-lon"),
        pytest.param({"near": GeoPoint()}, "filter.near", id="near-null-island"),
        pytest.param({"causes": [CAUSE_UNSPECIFIED]}, "filter.causes[0]", id="cause-0"),
        pytest.param({"causes": [1, 77]}, "filter.causes[1]", id="cause-unknown"),
        pytest.param({"sdgs": [18]}, "filter.sdgs[0]", id="sdg"),
        pytest.param({"languages": ["english"]}, "filter.languages[0]", id="language"),
        pytest.param(
            {"starts_before": timestamp(FIXED_NOW)}, "filter.starts_before", id="range-empty"
        ),
        pytest.param(
            {"starts_before": timestamp(FIXED_NOW - timedelta(days=1))},
            "filter.starts_before",
            id="range-reversed",
        ),
        pytest.param({"starts_after": ts(-10)}, "filter.starts_after", id="after-before-1970"),
        pytest.param({"starts_before": ts(10, -1)}, "filter.starts_before", id="before-nanos"),
        pytest.param({"week_edition": "2027"}, "filter.week_edition", id="week"),
        pytest.param({"states": [0]}, "filter.states[0]", id="state-0"),
        pytest.param({"states": [ACTIVITY_STATE_CANCELLED, 9]}, "filter.states[1]", id="state-9"),
        pytest.param({"online": 3}, "filter.online", id="online-unknown"),
        pytest.param({"text_query": "x" * 201}, "filter.text_query", id="query-long"),
        pytest.param({"text_query": "beach\x00"}, "filter.text_query", id="query-ctrl"),
    ],
)
def test_filter_single_violation(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_activity_filter(filter_with(**changes))
    assert fields_of(caught.value) == [field]


def test_filter_open_ranges_are_valid() -> None:
    validate_activity_filter(filter_with(starts_before=None))
    validate_activity_filter(filter_with(starts_after=None))


def test_filter_violations_are_reported_together_with_prefix() -> None:
    f = ActivityFilter(radius_km=5, sdgs=[0], text_query="x" * 300)
    with pytest.raises(InvalidArgument) as caught:
        validate_activity_filter(f, field_prefix="request.filter")
    assert fields_of(caught.value) == [
        "request.filter.near",
        "request.filter.sdgs[0]",
        "request.filter.text_query",
    ]


# --- Changed fields ---------------------------------------------------------------------------


def test_changed_fields_none_for_equal_details() -> None:
    assert changed_fields(details(), details()) == []


def test_changed_fields_in_declaration_order() -> None:
    old = details()
    new = details(
        capacity=40,
        title="Beach clean-up, second round",
        type=ACTIVITY_TYPE_WORKSHOP,
        ends_at=START + timedelta(hours=4),
    )
    assert changed_fields(old, new) == ["title", "type", "ends_at", "capacity"]


def test_changed_fields_repeated_order_counts() -> None:
    old = details(languages=["en", "es"])
    assert changed_fields(old, details(languages=["es", "en"])) == ["languages"]


def test_changed_fields_nested_change_reports_top_level_field() -> None:
    moved = details(location=valencia_location(coordinates=geo_point(39.48, -0.33)))
    assert changed_fields(details(), moved) == ["location"]


def test_changed_fields_presence_counts() -> None:
    unset = details(location=None)
    empty = details()
    empty.location.Clear()
    empty.location.SetInParent()
    assert empty.HasField("location")
    assert changed_fields(unset, empty) == ["location"]
    assert changed_fields(details(), unset) == ["location"]


def test_changed_fields_every_field() -> None:
    old = details()
    new = ActivityDetails()
    assert changed_fields(old, new) == [
        name for name in ActivityDetails.DESCRIPTOR.fields_by_name if name != "week_edition"
    ]
