"""Validation of volunteer profiles, feedback, Recommend and AllocateWeek requests."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.matching import limits
from services.matching.validation import (
    validate_allocate,
    validate_feedback,
    validate_feedback_batch,
    validate_profile,
    validate_profiles,
    validate_recommend,
)
from services.runtime.errors import FieldViolation, InvalidArgument
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
from socialerasmus.matching.v1.matching_pb2 import (
    FEEDBACK_KIND_ATTENDED,
    FEEDBACK_KIND_ENROLLED,
    FEEDBACK_KIND_RATED,
    FEEDBACK_KIND_SHOWN,
    FEEDBACK_KIND_UNSPECIFIED,
    LANGUAGE_LEVEL_A2,
    LANGUAGE_LEVEL_C1,
    LANGUAGE_LEVEL_NATIVE,
    LANGUAGE_LEVEL_UNSPECIFIED,
    WEEKDAY_MONDAY,
    WEEKDAY_SATURDAY,
    WEEKDAY_SUNDAY,
    WEEKDAY_TUESDAY,
    WEEKDAY_UNSPECIFIED,
    AllocateWeekRequest,
    AvailabilitySlot,
    CauseInterest,
    Feedback,
    LanguageSkill,
    RecommendFilter,
    RecommendRequest,
    VolunteerProfile,
)

ARRIVAL = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
DEPARTURE = datetime(2027, 7, 15, 18, 0, tzinfo=UTC)
ACTIVITY_ID = "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"
ALL_CAUSES = [
    CAUSE_CULTURE,
    CAUSE_EDUCATION_AND_YOUTH,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_HEALTH_AND_WELLBEING,
    CAUSE_SKILLS_AND_EMPLOYABILITY,
    CAUSE_SOCIAL_INCLUSION,
]


def ts(when: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(when)
    return stamp


def lang(code: str, level: int = LANGUAGE_LEVEL_C1) -> LanguageSkill:
    return LanguageSkill(code=code, level=level)  # type: ignore[arg-type]


def interest(cause: int, weight: float = 0.5) -> CauseInterest:
    return CauseInterest(cause=cause, weight=weight)  # type: ignore[arg-type]


def slot(weekday: int, start: int, end: int) -> AvailabilitySlot:
    return AvailabilitySlot(weekday=weekday, start_minute=start, end_minute=end)  # type: ignore[arg-type]


def profile(**overrides: Any) -> VolunteerProfile:
    """A valid profile of an Italian student in Valencia; an override of None clears the field."""
    fields: dict[str, Any] = {
        "student_id": "student-42",
        "host_section_id": "esn-valencia-upv",
        "home_country_code": "it",
        "languages": [lang("en", LANGUAGE_LEVEL_C1), lang("es", LANGUAGE_LEVEL_A2)],
        "interests": [
            interest(CAUSE_ENVIRONMENTAL_SUSTAINABILITY, 1.0),
            interest(CAUSE_CULTURE, 0.4),
        ],
        "skills": ["photography", "social media"],
        "motivation": "I want to meet people in Valencia.\nAnd give something back.",
        "arrival": ts(ARRIVAL),
        "departure": ts(DEPARTURE),
        "weekly_availability": [
            slot(WEEKDAY_TUESDAY, 18 * 60, 21 * 60),
            slot(WEEKDAY_SATURDAY, 10 * 60, 24 * 60),
        ],
        "max_distance_km": 15.0,
        "time_zone": "Europe/Madrid",
        "home_location": GeoPoint(latitude=39.4815, longitude=-0.3403),
        "suggestions_opt_in": True,
        "week_editions": ["2027-spring"],
    }
    fields.update(overrides)
    return VolunteerProfile(**{k: v for k, v in fields.items() if v is not None})


def violations_of(check: Callable[[], object]) -> list[FieldViolation]:
    with pytest.raises(InvalidArgument) as caught:
        check()
    return caught.value.violations


def profile_fields(p: VolunteerProfile, field_prefix: str = "profile") -> list[str]:
    return [v.field for v in violations_of(lambda: validate_profile(p, field_prefix))]


# --- Valid profiles ---------------------------------------------------------------------------


def test_valid_profile_passes() -> None:
    validate_profile(profile())


def test_minimal_profile_passes() -> None:
    validate_profile(
        VolunteerProfile(
            student_id="s",
            host_section_id="esn-köln",
            languages=[lang("de", LANGUAGE_LEVEL_NATIVE)],
            arrival=ts(ARRIVAL),
            departure=ts(ARRIVAL + timedelta(seconds=1)),
            time_zone="Europe/Berlin",
        )
    )


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"home_country_code": ""}, id="no-home-country"),
        pytest.param({"languages": [lang(f"a{c}") for c in "abcdefghij"]}, id="languages-max"),
        pytest.param({"interests": []}, id="no-interests"),
        pytest.param({"interests": [interest(c) for c in ALL_CAUSES]}, id="interests-max"),
        pytest.param(
            {"interests": [interest(CAUSE_CULTURE, 0.0), interest(CAUSE_SOCIAL_INCLUSION, 1.0)]},
            id="weights-at-bounds",
        ),
        pytest.param({"skills": []}, id="no-skills"),
        pytest.param({"skills": [f"skill {i}" for i in range(limits.SKILLS_MAX)]}, id="skills-max"),
        pytest.param({"skills": ["x" * limits.SKILL_MAX_CHARS]}, id="skill-max-chars"),
        pytest.param({"motivation": ""}, id="no-motivation"),
        pytest.param({"motivation": "x" * limits.MOTIVATION_MAX_CHARS}, id="motivation-max"),
        pytest.param({"motivation": "Ciao!\r\n\tAdiós 🌊"}, id="motivation-multiline"),
        pytest.param(
            {"departure": ts(ARRIVAL + limits.MOBILITY_MAX)}, id="mobility-exactly-400-days"
        ),
        pytest.param({"weekly_availability": []}, id="always-available"),
        pytest.param({"weekly_availability": [slot(WEEKDAY_MONDAY, 0, 1440)]}, id="whole-day"),
        pytest.param(
            {
                "weekly_availability": [
                    slot(WEEKDAY_MONDAY, 600, 720),
                    slot(WEEKDAY_MONDAY, 720, 800),
                    slot(WEEKDAY_MONDAY, 540, 600),
                ]
            },
            id="touching-slots",
        ),
        pytest.param(
            {
                "weekly_availability": [
                    slot(WEEKDAY_MONDAY, 600, 720),
                    slot(WEEKDAY_SUNDAY, 600, 720),
                ]
            },
            id="same-times-other-day",
        ),
        pytest.param(
            {
                "weekly_availability": [
                    slot(day, start, start + 60)
                    for day in range(1, 8)
                    for start in (480, 720, 1080)
                ]
            },
            id="availability-max",
        ),
        pytest.param({"max_distance_km": 0.0}, id="online-only"),
        pytest.param({"max_distance_km": limits.MAX_DISTANCE_KM_MAX}, id="distance-max"),
        pytest.param({"time_zone": "America/Argentina/Buenos_Aires"}, id="tz-deep"),
        pytest.param({"home_location": None}, id="no-home-location"),
        pytest.param({"week_editions": []}, id="no-week"),
        pytest.param(
            {"week_editions": ["2026-autumn", "2027-spring", "2027-autumn", "2028-spring"]},
            id="weeks-max",
        ),
    ],
)
def test_valid_profile_variants_pass(overrides: dict[str, Any]) -> None:
    validate_profile(profile(**overrides))


# --- One profile violation at a time ----------------------------------------------------------

PROFILE_VIOLATIONS: list[Any] = [
    # student_id
    pytest.param({"student_id": ""}, "profile.student_id", "required", id="student-missing"),
    pytest.param({"student_id": "has space"}, "profile.student_id", None, id="student-space"),
    pytest.param({"student_id": "x" * 129}, "profile.student_id", None, id="student-long"),
    # host_section_id
    pytest.param({"host_section_id": ""}, "profile.host_section_id", "required", id="host-none"),
    pytest.param({"host_section_id": "ESN Valencia"}, "profile.host_section_id", None, id="host"),
    # home_country_code
    pytest.param({"home_country_code": "ITA"}, "profile.home_country_code", None, id="country"),
    pytest.param({"home_country_code": "IT"}, "profile.home_country_code", None, id="country-uc"),
    # languages
    pytest.param({"languages": []}, "profile.languages", "required", id="languages-missing"),
    pytest.param(
        {"languages": [lang(f"a{c}") for c in "abcdefghijk"]},
        "profile.languages",
        "must have at most 10 values",
        id="languages-too-many",
    ),
    pytest.param(
        {"languages": [lang("en"), lang("EN")]},
        "profile.languages[1].code",
        None,
        id="language-upper-case",
    ),
    pytest.param(
        {"languages": [lang("en"), lang("")]},
        "profile.languages[1].code",
        "required",
        id="language-code-missing",
    ),
    pytest.param(
        {"languages": [lang("en"), lang("es"), lang("en", LANGUAGE_LEVEL_A2)]},
        "profile.languages[2].code",
        "duplicate of profile.languages[0].code",
        id="language-duplicate",
    ),
    pytest.param(
        {"languages": [lang("en", LANGUAGE_LEVEL_UNSPECIFIED)]},
        "profile.languages[0].level",
        "required",
        id="level-missing",
    ),
    pytest.param(
        {"languages": [lang("en"), lang("es", 42)]},
        "profile.languages[1].level",
        "unknown value 42",
        id="level-unknown",
    ),
    # interests
    pytest.param(
        {"interests": [interest(c) for c in [*ALL_CAUSES, CAUSE_CULTURE]]},
        "profile.interests",
        "must have at most 6 values",
        id="interests-too-many",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE), interest(CAUSE_UNSPECIFIED)]},
        "profile.interests[1].cause",
        "required",
        id="interest-cause-missing",
    ),
    pytest.param(
        {"interests": [interest(99)]},
        "profile.interests[0].cause",
        "unknown value 99",
        id="interest-cause-unknown",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE, 0.2), interest(CAUSE_CULTURE, 0.9)]},
        "profile.interests[1].cause",
        "duplicate of profile.interests[0].cause",
        id="interest-duplicate",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE, 1.01)]},
        "profile.interests[0].weight",
        "must be between 0 and 1",
        id="weight-above-one",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE, -0.1)]},
        "profile.interests[0].weight",
        None,
        id="weight-negative",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE, math.nan)]},
        "profile.interests[0].weight",
        "must be a finite number",
        id="weight-nan",
    ),
    pytest.param(
        {"interests": [interest(CAUSE_CULTURE, math.inf)]},
        "profile.interests[0].weight",
        None,
        id="weight-inf",
    ),
    # skills
    pytest.param(
        {"skills": [f"skill {i}" for i in range(limits.SKILLS_MAX + 1)]},
        "profile.skills",
        None,
        id="skills-too-many",
    ),
    pytest.param(
        {"skills": ["ok", "x" * (limits.SKILL_MAX_CHARS + 1)]},
        "profile.skills[1]",
        None,
        id="skill-long",
    ),
    pytest.param({"skills": ["ok", "  "]}, "profile.skills[1]", None, id="skill-blank"),
    pytest.param({"skills": ["line\nbreak"]}, "profile.skills[0]", None, id="skill-newline"),
    pytest.param(
        {"skills": ["Photography", " photography "]},
        "profile.skills[1]",
        "duplicate of profile.skills[0]",
        id="skill-duplicate-casefold",
    ),
    # motivation
    pytest.param(
        {"motivation": "x" * (limits.MOTIVATION_MAX_CHARS + 1)},
        "profile.motivation",
        "must be at most 2000 characters long",
        id="motivation-long",
    ),
    pytest.param({"motivation": "nul\x00byte"}, "profile.motivation", None, id="motivation-ctrl"),
    # mobility period
    pytest.param({"arrival": None}, "profile.arrival", "required", id="arrival-missing"),
    pytest.param({"departure": None}, "profile.departure", "required", id="departure-missing"),
    pytest.param(
        {"departure": ts(ARRIVAL)},
        "profile.departure",
        "must be after arrival",
        id="departure-equals-arrival",
    ),
    pytest.param(
        {"departure": ts(ARRIVAL - timedelta(days=1))},
        "profile.departure",
        "must be after arrival",
        id="departure-before-arrival",
    ),
    pytest.param(
        {"departure": ts(ARRIVAL + limits.MOBILITY_MAX + timedelta(seconds=1))},
        "profile.departure",
        "must be at most 400 days after arrival",
        id="mobility-too-long",
    ),
    pytest.param(
        {"arrival": Timestamp(seconds=-1)}, "profile.arrival", None, id="arrival-before-1970"
    ),
    pytest.param(
        {"departure": Timestamp(seconds=int(DEPARTURE.timestamp()), nanos=1_000_000_000)},
        "profile.departure",
        None,
        id="departure-bad-nanos",
    ),
    # weekly availability
    pytest.param(
        {
            "weekly_availability": [
                slot(day, start, start + 30) for day in range(1, 8) for start in (0, 60, 120, 180)
            ]
        },
        "profile.weekly_availability",
        "must have at most 21 values",
        id="availability-too-many",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_UNSPECIFIED, 600, 700)]},
        "profile.weekly_availability[0].weekday",
        "required",
        id="weekday-missing",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 600, 700), slot(8, 600, 700)]},
        "profile.weekly_availability[1].weekday",
        "unknown value 8",
        id="weekday-unknown",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, -1, 700)]},
        "profile.weekly_availability[0].start_minute",
        "must be between 0 and 1440",
        id="start-negative",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 600, 1441)]},
        "profile.weekly_availability[0].end_minute",
        "must be between 0 and 1440",
        id="end-past-midnight",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 600, 600)]},
        "profile.weekly_availability[0].end_minute",
        "must be after start_minute",
        id="empty-slot",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 700, 600)]},
        "profile.weekly_availability[0].end_minute",
        "must be after start_minute",
        id="reversed-slot",
    ),
    pytest.param(
        {
            "weekly_availability": [
                slot(WEEKDAY_MONDAY, 600, 720),
                slot(WEEKDAY_TUESDAY, 600, 720),
                slot(WEEKDAY_MONDAY, 700, 800),
            ]
        },
        "profile.weekly_availability[2]",
        "overlaps profile.weekly_availability[0] on the same weekday",
        id="overlap",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 600, 720), slot(WEEKDAY_MONDAY, 630, 660)]},
        "profile.weekly_availability[1]",
        None,
        id="overlap-contained",
    ),
    pytest.param(
        {"weekly_availability": [slot(WEEKDAY_MONDAY, 600, 720), slot(WEEKDAY_MONDAY, 600, 720)]},
        "profile.weekly_availability[1]",
        None,
        id="overlap-identical",
    ),
    # max distance
    pytest.param({"max_distance_km": -1.0}, "profile.max_distance_km", None, id="distance-neg"),
    pytest.param(
        {"max_distance_km": limits.MAX_DISTANCE_KM_MAX + 0.1},
        "profile.max_distance_km",
        "must be between 0 and 500",
        id="distance-too-far",
    ),
    pytest.param(
        {"max_distance_km": math.nan},
        "profile.max_distance_km",
        "must be a finite number",
        id="distance-nan",
    ),
    pytest.param({"max_distance_km": math.inf}, "profile.max_distance_km", None, id="dist-inf"),
    # time zone
    pytest.param({"time_zone": ""}, "profile.time_zone", "required", id="tz-missing"),
    pytest.param({"time_zone": "Mars/Olympus_Mons"}, "profile.time_zone", None, id="tz-unknown"),
    pytest.param({"time_zone": "localtime"}, "profile.time_zone", None, id="tz-localtime"),
    pytest.param({"time_zone": "europe/madrid"}, "profile.time_zone", None, id="tz-lower-case"),
    # home location
    pytest.param(
        {"home_location": GeoPoint(latitude=91, longitude=0.5)},
        "profile.home_location.latitude",
        None,
        id="latitude-out-of-range",
    ),
    pytest.param(
        {"home_location": GeoPoint(latitude=39.5, longitude=math.nan)},
        "profile.home_location.longitude",
        "must be a finite number",
        id="longitude-nan",
    ),
    pytest.param(
        {"home_location": GeoPoint(latitude=0, longitude=0)},
        "profile.home_location",
        None,
        id="location-zero-zero",
    ),
    # week editions
    pytest.param(
        {
            "week_editions": [
                "2026-autumn",
                "2027-spring",
                "2027-autumn",
                "2028-spring",
                "2028-autumn",
            ]
        },
        "profile.week_editions",
        "must have at most 4 values",
        id="weeks-too-many",
    ),
    pytest.param(
        {"week_editions": ["2027-summer"]}, "profile.week_editions[0]", None, id="week-summer"
    ),
    pytest.param(
        {"week_editions": ["2027-spring", "2027-spring"]},
        "profile.week_editions[1]",
        "duplicate of profile.week_editions[0]",
        id="week-duplicate",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "description"), PROFILE_VIOLATIONS)
def test_profile_reports_one_violation(
    overrides: dict[str, Any], field: str, description: str | None
) -> None:
    found = violations_of(lambda: validate_profile(profile(**overrides)))
    assert [v.field for v in found] == [field]
    if description is not None:
        assert found[0].description == description


def test_profile_field_prefix_is_used() -> None:
    assert profile_fields(profile(student_id="", time_zone=""), "request.profile") == [
        "request.profile.student_id",
        "request.profile.time_zone",
    ]


def test_oversized_list_reports_only_its_count() -> None:
    bad_languages = [lang("XX", LANGUAGE_LEVEL_UNSPECIFIED)] * (limits.LANGUAGES_MAX + 1)
    assert profile_fields(profile(languages=bad_languages)) == ["profile.languages"]


def test_slot_with_bad_minutes_is_not_checked_for_overlaps() -> None:
    slots = [slot(WEEKDAY_MONDAY, 600, 720), slot(WEEKDAY_MONDAY, 650, 2000)]
    assert profile_fields(profile(weekly_availability=slots)) == [
        "profile.weekly_availability[1].end_minute"
    ]


def test_every_profile_violation_is_reported_at_once() -> None:
    p = profile(
        student_id="",
        host_section_id="Valencia!",
        languages=[lang("en"), lang("english", LANGUAGE_LEVEL_UNSPECIFIED)],
        interests=[interest(CAUSE_CULTURE, 2.0)],
        motivation="x" * (limits.MOTIVATION_MAX_CHARS + 1),
        arrival=None,
        weekly_availability=[slot(WEEKDAY_MONDAY, 600, 500), slot(9, 0, 60)],
        max_distance_km=501.0,
        time_zone="Nowhere/City",
        week_editions=["spring"],
    )
    assert profile_fields(p) == [
        "profile.student_id",
        "profile.host_section_id",
        "profile.languages[1].code",
        "profile.languages[1].level",
        "profile.interests[0].weight",
        "profile.motivation",
        "profile.arrival",
        "profile.weekly_availability[0].end_minute",
        "profile.weekly_availability[1].weekday",
        "profile.max_distance_km",
        "profile.time_zone",
        "profile.week_editions[0]",
    ]


# --- Feedback ---------------------------------------------------------------------------------


def feedback(**overrides: Any) -> Feedback:
    fields: dict[str, Any] = {
        "student_id": "student-42",
        "activity_id": ACTIVITY_ID,
        "kind": FEEDBACK_KIND_ENROLLED,
        "occurred_at": ts(ARRIVAL + timedelta(days=3)),
    }
    fields.update(overrides)
    return Feedback(**{k: v for k, v in fields.items() if v is not None})


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="enrolled"),
        pytest.param({"kind": FEEDBACK_KIND_SHOWN, "occurred_at": None}, id="shown-no-time"),
        pytest.param({"kind": FEEDBACK_KIND_RATED, "rating": 1}, id="rated-1"),
        pytest.param({"kind": FEEDBACK_KIND_RATED, "rating": 5}, id="rated-5"),
    ],
)
def test_valid_feedback_passes(overrides: dict[str, Any]) -> None:
    validate_feedback(feedback(**overrides))


FEEDBACK_VIOLATIONS: list[Any] = [
    pytest.param({"student_id": ""}, "feedback.student_id", "required", id="student-missing"),
    pytest.param({"student_id": "a/b"}, "feedback.student_id", None, id="student-slash"),
    pytest.param({"activity_id": ""}, "feedback.activity_id", "required", id="activity-missing"),
    pytest.param(
        {"activity_id": ACTIVITY_ID.lower()},
        "feedback.activity_id",
        "must be an activity id: a 26-character ULID",
        id="activity-lower-case",
    ),
    pytest.param({"activity_id": "act-1"}, "feedback.activity_id", None, id="activity-short"),
    pytest.param(
        {"activity_id": "8" + ACTIVITY_ID[1:]}, "feedback.activity_id", None, id="activity-overflow"
    ),
    pytest.param(
        {"kind": FEEDBACK_KIND_UNSPECIFIED}, "feedback.kind", "required", id="kind-missing"
    ),
    pytest.param({"kind": 42}, "feedback.kind", "unknown value 42", id="kind-unknown"),
    pytest.param(
        {"kind": FEEDBACK_KIND_RATED},
        "feedback.rating",
        "required with FEEDBACK_KIND_RATED",
        id="rating-missing",
    ),
    pytest.param(
        {"kind": FEEDBACK_KIND_RATED, "rating": 6},
        "feedback.rating",
        "must be between 1 and 5",
        id="rating-too-high",
    ),
    pytest.param(
        {"kind": FEEDBACK_KIND_RATED, "rating": -1}, "feedback.rating", None, id="rating-negative"
    ),
    pytest.param(
        {"kind": FEEDBACK_KIND_ATTENDED, "rating": 4},
        "feedback.rating",
        "must be unset (0) unless kind is FEEDBACK_KIND_RATED",
        id="rating-without-rated",
    ),
    pytest.param(
        {"occurred_at": Timestamp(seconds=0, nanos=-1)},
        "feedback.occurred_at",
        None,
        id="occurred-bad-nanos",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "description"), FEEDBACK_VIOLATIONS)
def test_feedback_reports_one_violation(
    overrides: dict[str, Any], field: str, description: str | None
) -> None:
    found = violations_of(lambda: validate_feedback(feedback(**overrides)))
    assert [v.field for v in found] == [field]
    if description is not None:
        assert found[0].description == description


def test_unknown_kind_with_a_rating_in_range_reports_only_the_kind() -> None:
    found = violations_of(lambda: validate_feedback(feedback(kind=42, rating=3)))
    assert [v.field for v in found] == ["feedback.kind"]


def test_every_feedback_violation_is_reported_at_once() -> None:
    bad = feedback(student_id="", activity_id="nope", kind=99, rating=9)
    found = violations_of(lambda: validate_feedback(bad, "event"))
    assert [v.field for v in found] == [
        "event.student_id",
        "event.activity_id",
        "event.kind",
        "event.rating",
    ]


# --- Recommend --------------------------------------------------------------------------------


def recommend(k: int = 0, **filter_fields: Any) -> RecommendRequest:
    return RecommendRequest(student_id="student-42", k=k, filter=RecommendFilter(**filter_fields))


@pytest.mark.parametrize(
    ("k", "effective"), [(0, limits.RECOMMEND_K_DEFAULT), (1, 1), (7, 7), (50, 50)]
)
def test_recommend_returns_effective_k(k: int, effective: int) -> None:
    assert validate_recommend(recommend(k)) == effective


def test_recommend_without_filter_passes() -> None:
    assert validate_recommend(RecommendRequest(student_id="student-42")) == 10


def test_recommend_full_filter_passes() -> None:
    request = recommend(
        5,
        causes=[CAUSE_CULTURE, CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION],
        online_only=True,
        starts_after=ts(ARRIVAL),
        starts_before=ts(ARRIVAL + timedelta(seconds=1)),
        accept_waitlist=True,
        week_edition="2027-spring",
        exclude_activity_ids=[ACTIVITY_ID, ACTIVITY_ID],
        sdgs=[17, 1, 13],
    )
    assert validate_recommend(request) == 5


def test_recommend_filter_lists_at_their_limits_pass() -> None:
    request = recommend(
        exclude_activity_ids=[ACTIVITY_ID] * limits.FILTER_EXCLUDED_ACTIVITIES_MAX,
        sdgs=list(range(1, 18)),
    )
    assert validate_recommend(request) == 10


def test_recommend_open_ended_time_window_passes() -> None:
    assert validate_recommend(recommend(starts_after=ts(ARRIVAL))) == 10
    assert validate_recommend(recommend(starts_before=ts(ARRIVAL))) == 10


RECOMMEND_VIOLATIONS: list[Any] = [
    pytest.param(
        RecommendRequest(student_id="", k=3), "student_id", "required", id="student-missing"
    ),
    pytest.param(
        RecommendRequest(student_id="white space"), "student_id", None, id="student-invalid"
    ),
    pytest.param(recommend(51), "k", "must be between 1 and 50", id="k-too-big"),
    pytest.param(recommend(-1), "k", "must be between 1 and 50", id="k-negative"),
    pytest.param(
        recommend(causes=[CAUSE_UNSPECIFIED]),
        "filter.causes[0]",
        "must not be UNSPECIFIED",
        id="cause-unspecified",
    ),
    pytest.param(
        recommend(causes=[CAUSE_CULTURE, 77]),
        "filter.causes[1]",
        "unknown value 77",
        id="cause-unknown",
    ),
    pytest.param(
        recommend(starts_after=ts(ARRIVAL), starts_before=ts(ARRIVAL)),
        "filter.starts_before",
        "must be after starts_after",
        id="empty-window",
    ),
    pytest.param(
        recommend(starts_after=ts(DEPARTURE), starts_before=ts(ARRIVAL)),
        "filter.starts_before",
        "must be after starts_after",
        id="reversed-window",
    ),
    pytest.param(
        recommend(starts_after=Timestamp(seconds=-5)),
        "filter.starts_after",
        None,
        id="starts-after-before-1970",
    ),
    pytest.param(
        recommend(week_edition="2027"),
        "filter.week_edition",
        "must be a SocialErasmus Week edition such as 2027-spring",
        id="week-edition",
    ),
    pytest.param(
        recommend(exclude_activity_ids=[ACTIVITY_ID, ACTIVITY_ID.lower()]),
        "filter.exclude_activity_ids[1]",
        "must be an activity id: a 26-character ULID",
        id="excluded-id-lower-case",
    ),
    pytest.param(
        recommend(exclude_activity_ids=[""]),
        "filter.exclude_activity_ids[0]",
        None,
        id="excluded-id-empty",
    ),
    pytest.param(
        recommend(exclude_activity_ids=[ACTIVITY_ID] * (limits.FILTER_EXCLUDED_ACTIVITIES_MAX + 1)),
        "filter.exclude_activity_ids",
        "must have at most 500 values",
        id="too-many-excluded-ids",
    ),
    pytest.param(
        recommend(sdgs=[3, 10, 0]),
        "filter.sdgs[2]",
        "must be between 1 and 17",
        id="sdg-zero",
    ),
    pytest.param(
        recommend(sdgs=[18]),
        "filter.sdgs[0]",
        "must be between 1 and 17",
        id="sdg-too-big",
    ),
    pytest.param(
        recommend(sdgs=[-4]),
        "filter.sdgs[0]",
        "must be between 1 and 17",
        id="sdg-negative",
    ),
    pytest.param(
        recommend(sdgs=[4, 13, 4]),
        "filter.sdgs[2]",
        "duplicate of filter.sdgs[0]",
        id="sdg-duplicate",
    ),
    pytest.param(
        recommend(sdgs=[*range(1, 18), 1]),
        "filter.sdgs",
        "must have at most 17 values",
        id="too-many-sdgs",
    ),
]


@pytest.mark.parametrize(("request_", "field", "description"), RECOMMEND_VIOLATIONS)
def test_recommend_reports_one_violation(
    request_: RecommendRequest, field: str, description: str | None
) -> None:
    found = violations_of(lambda: validate_recommend(request_))
    assert [v.field for v in found] == [field]
    if description is not None:
        assert found[0].description == description


def test_every_recommend_violation_is_reported_at_once() -> None:
    request = RecommendRequest(
        student_id="",
        k=99,
        filter=RecommendFilter(
            causes=[CAUSE_UNSPECIFIED],
            starts_after=ts(DEPARTURE),
            starts_before=ts(ARRIVAL),
            week_edition="2027-Spring",
            exclude_activity_ids=["not-an-id"],
            sdgs=[99],
        ),
    )
    found = violations_of(lambda: validate_recommend(request))
    assert [v.field for v in found] == [
        "student_id",
        "k",
        "filter.causes[0]",
        "filter.starts_before",
        "filter.week_edition",
        "filter.exclude_activity_ids[0]",
        "filter.sdgs[0]",
    ]


# --- AllocateWeek -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "effective"), [(0, limits.MAX_PLACES_DEFAULT), (1, 1), (3, 3), (5, 5)]
)
def test_allocate_returns_effective_places(places: int, effective: int) -> None:
    request = AllocateWeekRequest(week_edition="2027-spring", max_places_per_student=places)
    assert validate_allocate(request) == (effective, limits.ALLOCATION_PAGE_DEFAULT)


@pytest.mark.parametrize(
    ("request_", "field", "description"),
    [
        pytest.param(AllocateWeekRequest(), "week_edition", "required", id="week-missing"),
        pytest.param(
            AllocateWeekRequest(week_edition="spring-2027"),
            "week_edition",
            "must be a SocialErasmus Week edition such as 2027-spring",
            id="week-invalid",
        ),
        pytest.param(
            AllocateWeekRequest(week_edition="2027-autumn", max_places_per_student=6),
            "max_places_per_student",
            "must be between 1 and 5",
            id="places-too-many",
        ),
        pytest.param(
            AllocateWeekRequest(week_edition="2027-autumn", max_places_per_student=-2),
            "max_places_per_student",
            "must be between 1 and 5",
            id="places-negative",
        ),
    ],
)
def test_allocate_reports_one_violation(
    request_: AllocateWeekRequest, field: str, description: str
) -> None:
    found = violations_of(lambda: validate_allocate(request_))
    assert [(v.field, v.description) for v in found] == [(field, description)]


def test_every_allocate_violation_is_reported_at_once() -> None:
    request = AllocateWeekRequest(week_edition="", max_places_per_student=10)
    found = violations_of(lambda: validate_allocate(request))
    assert [v.field for v in found] == ["week_edition", "max_places_per_student"]


# --- Batches ----------------------------------------------------------------------------------


def test_a_batch_of_valid_items_passes() -> None:
    validate_profiles([profile(student_id="a"), profile(student_id="b")])
    validate_feedback_batch([feedback(), feedback(kind=FEEDBACK_KIND_SHOWN)])


def test_batch_violations_name_the_item_and_its_field() -> None:
    """Every bad item is reported at once, under ``items[i]``."""
    bad = [feedback(), feedback(student_id=""), feedback(), feedback(kind=FEEDBACK_KIND_RATED)]
    assert [v.field for v in violations_of(lambda: validate_feedback_batch(bad))] == [
        "items[1].student_id",
        "items[3].rating",
    ]


def test_profiles_of_a_batch_name_distinct_students() -> None:
    batch = [profile(student_id="a"), profile(student_id="b"), profile(student_id="a")]
    assert violations_of(lambda: validate_profiles(batch)) == [
        FieldViolation("items[2].student_id", "duplicate of items[0].student_id")
    ]


@pytest.mark.parametrize(
    ("size", "description"),
    [(0, "required"), (limits.BATCH_ITEMS_MAX + 1, "must have at most 500 values")],
)
def test_a_batch_holds_one_to_the_limit_items(size: int, description: str) -> None:
    assert violations_of(lambda: validate_feedback_batch([feedback()] * size)) == [
        FieldViolation("items", description)
    ]
    validate_feedback_batch([feedback()] * limits.BATCH_ITEMS_MAX)
