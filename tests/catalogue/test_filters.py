"""Filter matching, distances, ordering keys and page tokens."""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import timedelta
from typing import Any

import pytest

from services.catalogue.filters import (
    ORDERING_KEY_PATTERN,
    ActivityMatcher,
    filter_fingerprint,
    ordering_key,
)
from services.catalogue.validation import validate_activity_filter
from services.kernel.geo import haversine_km
from services.kernel.pages import decode_page_token, encode_page_token
from services.kernel.text import fold_text
from services.runtime.errors import InvalidArgument
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_CANCELLED,
    ACTIVITY_STATE_COMPLETED,
    ACTIVITY_STATE_DRAFT,
    ACTIVITY_STATE_PUBLISHED,
    ONLINE_FILTER_IN_PERSON_ONLY,
    ONLINE_FILTER_ONLINE_ONLY,
    ONLINE_FILTER_UNSPECIFIED,
    Activity,
    ActivityFilter,
    ActivityState,
)
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_HEALTH_AND_WELLBEING,
    CAUSE_SOCIAL_INCLUSION,
    GeoPoint,
)
from tests.catalogue.builders import (
    FIXED_NOW,
    VALENCIA,
    activity_id,
    geo_point,
    online_location,
    timestamp,
    valencia_location,
    valid_activity,
)

START = FIXED_NOW.replace(microsecond=0) + timedelta(days=30)
MADRID = geo_point(40.4168, -3.7038)


def activity(
    state: ActivityState.ValueType = ACTIVITY_STATE_PUBLISHED, **overrides: Any
) -> Activity:
    return valid_activity(now=FIXED_NOW, state=state, **overrides)


def matches(f: ActivityFilter, a: Activity) -> bool:
    validate_activity_filter(f)  # every filter used here is one the service would accept
    return ActivityMatcher.from_filter(f).matches(a)


# --- Distances --------------------------------------------------------------------------------


def test_haversine_zero_for_same_point() -> None:
    assert haversine_km(geo_point(*VALENCIA), geo_point(*VALENCIA)) == 0.0


def test_haversine_valencia_madrid() -> None:
    valencia = geo_point(*VALENCIA)
    assert haversine_km(valencia, MADRID) == pytest.approx(302, abs=3)
    assert haversine_km(valencia, MADRID) == pytest.approx(haversine_km(MADRID, valencia))


def test_haversine_known_distances() -> None:
    # One degree of longitude on the equator, and half the planet.
    assert haversine_km(geo_point(0, 10), geo_point(0, 11)) == pytest.approx(111.195, abs=0.01)
    antipodal = haversine_km(geo_point(10, 20), geo_point(-10, -160))
    assert antipodal == pytest.approx(math.pi * 6371.0088)
    assert haversine_km(geo_point(0, 179.5), geo_point(0, -179.5)) == pytest.approx(111.195, 1e-3)


# --- Text folding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Valencia", "valencia"),
        ("VALÈNCIA", "valencia"),
        ("Café crème", "cafe creme"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Ørebro Ærø", "orebro aero"),
        ("İstanbul", "istanbul"),
        ("ﬁre", "fire"),
        ("Zürich Ñandú", "zurich nandu"),
    ],
)
def test_fold_text(text: str, folded: str) -> None:
    assert fold_text(text) == folded


# --- Matching: states -------------------------------------------------------------------------


def test_empty_filter_keeps_only_published() -> None:
    f = ActivityFilter()
    assert matches(f, activity(ACTIVITY_STATE_PUBLISHED))
    for state in (ACTIVITY_STATE_DRAFT, ACTIVITY_STATE_CANCELLED, ACTIVITY_STATE_COMPLETED):
        assert not matches(f, activity(state))


def test_states_filter_replaces_default() -> None:
    f = ActivityFilter(states=[ACTIVITY_STATE_DRAFT, ACTIVITY_STATE_CANCELLED])
    assert matches(f, activity(ACTIVITY_STATE_DRAFT))
    assert matches(f, activity(ACTIVITY_STATE_CANCELLED))
    assert not matches(f, activity(ACTIVITY_STATE_PUBLISHED))
    assert not matches(f, activity(ACTIVITY_STATE_COMPLETED))


# --- Matching: labels -------------------------------------------------------------------------


def test_section_ids() -> None:
    a = activity()  # organised by esn-valencia-upv, co-organised by esn-valencia-uv
    assert matches(ActivityFilter(section_ids=["esn-tirana", "esn-valencia-upv"]), a)
    assert not matches(ActivityFilter(section_ids=["esn-tirana"]), a)
    # Only the organising section counts.
    assert not matches(ActivityFilter(section_ids=["esn-valencia-uv"]), a)


def test_country_codes() -> None:
    a = activity()
    assert matches(ActivityFilter(country_codes=["it", "es"]), a)
    assert not matches(ActivityFilter(country_codes=["it"]), a)
    online_without_country = activity(location=online_location())
    assert not matches(ActivityFilter(country_codes=["es"]), online_without_country)
    online_in_spain = activity(location=online_location(country_code="es"))
    assert matches(ActivityFilter(country_codes=["es"]), online_in_spain)


def test_causes_any_of() -> None:
    a = activity(causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY, CAUSE_SOCIAL_INCLUSION])
    assert matches(ActivityFilter(causes=[CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION]), a)
    assert not matches(ActivityFilter(causes=[CAUSE_CULTURE, CAUSE_HEALTH_AND_WELLBEING]), a)


def test_sdgs_any_of() -> None:
    a = activity(sdgs=[13, 14])
    assert matches(ActivityFilter(sdgs=[1, 14]), a)
    assert not matches(ActivityFilter(sdgs=[1, 2, 15]), a)
    assert not matches(ActivityFilter(sdgs=[13]), activity(sdgs=[]))


def test_languages_any_of() -> None:
    a = activity(languages=["es", "ca"])
    assert matches(ActivityFilter(languages=["en", "ca"]), a)
    assert not matches(ActivityFilter(languages=["en", "it"]), a)


def test_week_edition() -> None:
    a = activity(week_edition="2027-spring")
    assert matches(ActivityFilter(week_edition="2027-spring"), a)
    assert not matches(ActivityFilter(week_edition="2026-autumn"), a)
    assert not matches(ActivityFilter(week_edition="2027-spring"), activity(week_edition=""))


@pytest.mark.parametrize(
    ("online_filter", "keeps_online", "keeps_physical"),
    [
        (ONLINE_FILTER_UNSPECIFIED, True, True),
        (ONLINE_FILTER_ONLINE_ONLY, True, False),
        (ONLINE_FILTER_IN_PERSON_ONLY, False, True),
    ],
)
def test_online_filter(online_filter: int, keeps_online: bool, keeps_physical: bool) -> None:
    f = ActivityFilter(online=online_filter)  # type: ignore[arg-type]
    assert matches(f, activity(location=online_location())) is keeps_online
    assert matches(f, activity()) is keeps_physical


# --- Matching: time ---------------------------------------------------------------------------


def test_starts_after_is_inclusive() -> None:
    a = activity()
    assert matches(ActivityFilter(starts_after=timestamp(START)), a)
    assert matches(ActivityFilter(starts_after=timestamp(START - timedelta(seconds=1))), a)
    assert not matches(ActivityFilter(starts_after=timestamp(START + timedelta(seconds=1))), a)


def test_starts_before_is_exclusive() -> None:
    a = activity()
    assert not matches(ActivityFilter(starts_before=timestamp(START)), a)
    assert matches(ActivityFilter(starts_before=timestamp(START + timedelta(seconds=1))), a)


def test_start_range_uses_nanoseconds() -> None:
    a = activity()
    after = timestamp(START)
    after.nanos = 1
    assert not matches(ActivityFilter(starts_after=after), a)
    assert matches(ActivityFilter(starts_before=after), a)


def test_start_range_both_bounds() -> None:
    a = activity()
    window = ActivityFilter(
        starts_after=timestamp(START - timedelta(days=1)),
        starts_before=timestamp(START + timedelta(days=1)),
    )
    assert matches(window, a)
    later = ActivityFilter(
        starts_after=timestamp(START + timedelta(days=1)),
        starts_before=timestamp(START + timedelta(days=2)),
    )
    assert not matches(later, a)


# --- Matching: radius -------------------------------------------------------------------------


def test_radius_inside_and_outside() -> None:
    a = activity()  # in Valencia
    assert matches(ActivityFilter(near=geo_point(39.4, -0.4), radius_km=10), a)
    assert not matches(ActivityFilter(near=MADRID, radius_km=100), a)
    assert matches(ActivityFilter(near=MADRID, radius_km=350), a)


def test_radius_boundary_is_inclusive() -> None:
    a = activity()
    distance = haversine_km(MADRID, geo_point(*VALENCIA))
    assert matches(ActivityFilter(near=MADRID, radius_km=distance), a)
    assert not matches(ActivityFilter(near=MADRID, radius_km=math.nextafter(distance, 0)), a)


def test_radius_excludes_online_activities_even_with_coordinates() -> None:
    online_here = activity(location=online_location(coordinates=geo_point(*VALENCIA)))
    assert not matches(ActivityFilter(near=geo_point(*VALENCIA), radius_km=50), online_here)
    assert not matches(
        ActivityFilter(near=geo_point(*VALENCIA), radius_km=50),
        activity(location=online_location()),
    )


def test_radius_excludes_activities_without_coordinates() -> None:
    a = activity(location=valencia_location(coordinates=None))
    assert not ActivityMatcher.from_filter(
        ActivityFilter(near=geo_point(*VALENCIA), radius_km=50)
    ).matches(a)


# --- Matching: text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "beach",  # title
        "gloves",  # description
        "marine litter",  # goal
        "valencia",  # city (and description)
        "BEACH Gloves",  # case-insensitive, words from different fields
        "volunt",  # substrings count
        "  beach \u00a0 sun ",  # any spaces between words, no-break space too
        "Beach beach",  # repeated words
    ],
)
def test_text_query_matches(query: str) -> None:
    assert matches(ActivityFilter(text_query=query), activity())


@pytest.mark.parametrize("query", ["mountain", "beach mountain", "beachclean"])
def test_text_query_needs_every_word(query: str) -> None:
    assert not matches(ActivityFilter(text_query=query), activity())


def test_text_query_ignores_venue_and_skills() -> None:
    a = activity(skills_wanted=["photography"], location=valencia_location(venue="Balneario"))
    assert not matches(ActivityFilter(text_query="photography"), a)
    assert not matches(ActivityFilter(text_query="balneario"), a)


def test_text_query_is_accent_insensitive_both_ways() -> None:
    accented = activity(
        title="Café de idiomas",
        description="Intercambio de idiomas en el centro.",
        location=valencia_location(city="València"),
    )
    assert matches(ActivityFilter(text_query="cafe valencia"), accented)
    assert matches(ActivityFilter(text_query="CAFÉ VALÈNCIA"), accented)
    plain = activity(title="Cafe de idiomas", location=valencia_location(city="Valencia"))
    assert matches(ActivityFilter(text_query="café valència"), plain)
    lodz = activity(location=valencia_location(city="Łódź", country_code="pl"))
    assert matches(ActivityFilter(text_query="lodz"), lodz)


def test_text_query_words_are_precomputed() -> None:
    matcher = ActivityMatcher.from_filter(ActivityFilter(text_query=" Café  café CAFE crème "))
    assert matcher.words == ("cafe", "creme")


# --- Matching: everything at once -------------------------------------------------------------


def combined_filter() -> ActivityFilter:
    return ActivityFilter(
        section_ids=["esn-valencia-upv"],
        country_codes=["es"],
        near=geo_point(39.47, -0.38),
        radius_km=5,
        causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY],
        sdgs=[14],
        languages=["en"],
        starts_after=timestamp(START - timedelta(days=1)),
        starts_before=timestamp(START + timedelta(days=1)),
        week_edition="2027-spring",
        states=[ACTIVITY_STATE_PUBLISHED],
        online=ONLINE_FILTER_IN_PERSON_ONLY,
        text_query="malvarrosa clean",
    )


def test_every_filter_field_at_once() -> None:
    a = activity(week_edition="2027-spring")
    assert matches(combined_filter(), a)
    # Breaking any single condition drops the activity.
    for breaker in (
        {"state": ACTIVITY_STATE_DRAFT},
        {"section_id": "esn-tirana", "co_organiser_section_ids": []},
        {"location": valencia_location(country_code="pt")},
        {"location": valencia_location(coordinates=geo_point(39.9864, -0.0513))},
        {"causes": [CAUSE_CULTURE]},
        {"sdgs": [4]},
        {"languages": ["es"]},
        {"starts_at": START + timedelta(days=2), "ends_at": START + timedelta(days=2, hours=1)},
        {"week_edition": "2026-autumn"},
        {"location": online_location(country_code="es", city="Valencia")},
        {"title": "Beach clean-up at El Saler"},
    ):
        overrides: dict[str, Any] = {"week_edition": "2027-spring", **breaker}
        assert not matches(combined_filter(), activity(**overrides)), breaker


# --- Ordering keys ----------------------------------------------------------------------------


def test_ordering_key_format() -> None:
    a = activity(id=activity_id(7))
    seconds = int(START.timestamp())
    assert ordering_key(a) == f"{seconds:012d}:{activity_id(7)}"
    assert len(ordering_key(a)) == 12 + 1 + 26


def test_ordering_key_sorts_by_start_then_id() -> None:
    def at(seconds: int, n: int) -> Activity:
        a = activity(id=activity_id(n))
        a.details.starts_at.seconds = seconds
        return a

    ordered = [at(0, 5), at(999, 1), at(1000, 0), at(1000, 3), at(1_790_000_000, 2)]
    keys = [ordering_key(a) for a in ordered]
    assert sorted(keys) == keys
    assert sorted(reversed(keys)) == keys


def test_ordering_key_ignores_nanos() -> None:
    a = activity()
    b = activity()
    b.details.starts_at.nanos = 500
    assert ordering_key(a) == ordering_key(b)


def test_ordering_key_rejects_negative_epoch() -> None:
    a = activity()
    a.details.starts_at.seconds = -1
    with pytest.raises(ValueError, match="ordering key"):
        ordering_key(a)


# --- Fingerprints -----------------------------------------------------------------------------


def test_fingerprint_is_short_and_stable() -> None:
    fp = filter_fingerprint(combined_filter())
    assert len(fp) == 16
    assert int(fp, 16) >= 0
    assert filter_fingerprint(combined_filter()) == fp


def test_fingerprint_ignores_order_duplicates_and_default_states() -> None:
    culture, environment = CAUSE_CULTURE, CAUSE_ENVIRONMENTAL_SUSTAINABILITY
    a = ActivityFilter(languages=["en", "es"], causes=[culture, environment], text_query="Beach")
    b = ActivityFilter(
        languages=["es", "en", "es"], causes=[environment, culture], text_query="beach BEACH"
    )
    assert filter_fingerprint(a) == filter_fingerprint(b)
    assert filter_fingerprint(ActivityFilter()) == filter_fingerprint(
        ActivityFilter(states=[ACTIVITY_STATE_PUBLISHED])
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"section_ids": ["esn-tirana"]},
        {"country_codes": ["it"]},
        {"near": geo_point(39.48, -0.38)},
        {"radius_km": 6.0},
        {"causes": [CAUSE_CULTURE]},
        {"sdgs": [13]},
        {"languages": ["es"]},
        {"starts_after": timestamp(START - timedelta(days=2))},
        {"starts_before": timestamp(START + timedelta(days=2))},
        {"week_edition": "2027-autumn"},
        {"states": [ACTIVITY_STATE_DRAFT]},
        {"online": ONLINE_FILTER_ONLINE_ONLY},
        {"text_query": "beach"},
    ],
)
def test_fingerprint_changes_with_every_field(changes: dict[str, Any]) -> None:
    changed = combined_filter()
    for name, value in changes.items():
        if isinstance(value, list):
            changed.ClearField(name)  # type: ignore[arg-type]
            getattr(changed, name).extend(value)
        elif isinstance(value, GeoPoint) or name.startswith("starts_"):
            getattr(changed, name).CopyFrom(value)
        else:
            setattr(changed, name, value)
    assert filter_fingerprint(changed) != filter_fingerprint(combined_filter())


# --- Page tokens ------------------------------------------------------------------------------

KEY = f"{1_790_000_000:012d}:{activity_id(42)}"


def fp() -> str:
    return filter_fingerprint(combined_filter())


def test_page_token_round_trip() -> None:
    token = encode_page_token(KEY, fp())
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_page_token(token, fp()) == KEY
    assert decode_page_token(token, fp(), key_pattern=ORDERING_KEY_PATTERN) == KEY


def test_page_token_from_other_filter_is_rejected() -> None:
    token = encode_page_token(KEY, fp())
    other = filter_fingerprint(ActivityFilter(text_query="museum"))
    with pytest.raises(InvalidArgument, match="different filter") as caught:
        decode_page_token(token, other, field="request.page_token")
    assert [v.field for v in caught.value.violations] == ["request.page_token"]


def forge(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def tampered_tokens() -> list[Any]:
    good = encode_page_token(KEY, fp())
    flipped = ("A" if good[0] != "A" else "B") + good[1:]  # breaks the JSON
    return [
        pytest.param("", id="empty"),
        pytest.param("not a token!", id="garbage"),
        pytest.param(good[:-3], id="truncated"),
        pytest.param(flipped, id="flipped-char"),
        pytest.param(good + "=", id="padded"),
        pytest.param(good + "AAAA", id="extended"),
        pytest.param("A" * 5000, id="huge"),
        pytest.param(base64.urlsafe_b64encode(b"\xff\xfe").decode(), id="not-utf8"),
        pytest.param(forge("just a string"), id="not-an-object"),
        pytest.param(forge([KEY, fp()]), id="list"),
        pytest.param(forge({"v": 1, "k": KEY}), id="missing-fingerprint"),
        pytest.param(forge({"v": 2, "k": KEY, "f": fp()}), id="future-version"),
        pytest.param(forge({"v": 1, "k": 42, "f": fp()}), id="key-not-string"),
        pytest.param(forge({"v": 1, "k": "", "f": fp()}), id="key-empty"),
        pytest.param(forge({"v": 1, "k": "a b", "f": fp()}), id="key-space"),
        pytest.param(forge({"v": 1, "k": "x" * 257, "f": fp()}), id="key-long"),
        pytest.param(forge({"v": 1, "k": KEY, "f": fp(), "x": 1}), id="extra-field"),
    ]


@pytest.mark.parametrize("token", tampered_tokens())
def test_tampered_page_tokens_are_rejected(token: str) -> None:
    with pytest.raises(InvalidArgument, match="invalid page token") as caught:
        decode_page_token(token, fp())
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_page_token_with_edited_fingerprint_is_rejected() -> None:
    edited_fp = fp()[:-1] + ("0" if fp()[-1] != "0" else "1")
    with pytest.raises(InvalidArgument, match="different filter"):
        decode_page_token(encode_page_token(KEY, edited_fp), fp())


def test_single_character_edits_are_rejected_or_give_a_well_formed_key() -> None:
    # Tokens are not signed (on purpose): an edit inside the key may yield another valid key,
    # which only moves the listing's start. Everything else must be rejected.
    good = encode_page_token(KEY, fp())
    accepted = []
    for index in range(len(good)):
        edited = good[:index] + ("A" if good[index] != "A" else "B") + good[index + 1 :]
        try:
            key = decode_page_token(edited, fp(), key_pattern=ORDERING_KEY_PATTERN)
        except InvalidArgument:
            continue
        assert ORDERING_KEY_PATTERN.fullmatch(key)
        accepted.append(key)
    assert len(accepted) < 5


def test_page_token_key_pattern() -> None:
    enrolments = encode_page_token("17", "activity-x")
    assert decode_page_token(enrolments, "activity-x") == "17"
    assert decode_page_token(enrolments, "activity-x", key_pattern=re.compile(r"\d{1,19}")) == "17"
    with pytest.raises(InvalidArgument, match="invalid page token"):
        decode_page_token(enrolments, "activity-x", key_pattern=ORDERING_KEY_PATTERN)
    forged = encode_page_token("zzz", fp())
    with pytest.raises(InvalidArgument, match="invalid page token"):
        decode_page_token(forged, fp(), key_pattern=ORDERING_KEY_PATTERN)
