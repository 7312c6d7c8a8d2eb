"""Ranking: hard filters, signals, diversity, explanations and reverse matching."""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from services.matching.collaborative import KeyedScores
from services.matching.diversity import diversify, relevance_ranks
from services.matching.hard_filters import within_weekly_availability
from services.matching.index import ActivityIndex
from services.matching.local_time import local_seconds
from services.matching.ranking import Collaborative, Ranker
from services.matching.reasons import REASON_MIN_CONTRIBUTION
from services.matching.signals import SIGNALS, Weights
from services.matching.vocabulary import REASON_SIGNALS
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_CANCELLED,
    ACTIVITY_STATE_DRAFT,
    Activity,
)
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_EDUCATION_AND_YOUTH,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_SOCIAL_INCLUSION,
)
from socialerasmus.matching.v1.matching_pb2 import (
    LANGUAGE_LEVEL_A1,
    LANGUAGE_LEVEL_C1,
    WEEKDAY_THURSDAY,
    WEEKDAY_TUESDAY,
    WEEKDAY_WEDNESDAY,
    AvailabilitySlot,
    CauseInterest,
    LanguageSkill,
    Recommendation,
    RecommendFilter,
    RecommendResponse,
    VolunteerProfile,
    Weekday,
)
from tests.catalogue.builders import (
    DURATION,
    activity_id,
    geo_point,
    online_location,
    timestamp,
    valencia_location,
)
from tests.matching.builders import NOW, activity, index_of, valid_profile

TIRANA = (41.3275, 19.8187)
UPV = (39.4807, -0.3418)  # ESN Valencia UPV, the host section of valid_profile()
# The default activity starts 30 days after NOW, at 09:30 UTC: Wednesday 10:30 in Valencia.
STARTS = NOW + timedelta(days=30)
ENDS = STARTS + DURATION


def recommend(
    index: ActivityIndex,
    profile: VolunteerProfile | None = None,
    *,
    request: RecommendFilter | None = None,
    now: datetime = NOW,
    excluded: Set[str] = frozenset(),
    collaborative: Collaborative | None = None,
    k: int = 10,
) -> list[Recommendation]:
    return list(
        ranked(
            index,
            profile,
            request=request,
            now=now,
            excluded=excluded,
            collaborative=collaborative,
            k=k,
        ).recommendations
    )


def ranked(
    index: ActivityIndex,
    profile: VolunteerProfile | None = None,
    *,
    request: RecommendFilter | None = None,
    now: datetime = NOW,
    excluded: Set[str] = frozenset(),
    collaborative: Collaborative | None = None,
    k: int = 10,
) -> RecommendResponse:
    return Ranker(index, Weights()).recommend(
        profile or valid_profile(),
        k,
        request or RecommendFilter(),
        now,
        excluded,
        collaborative,
    )


def ids(recommendations: list[Recommendation]) -> list[str]:
    return [r.activity.id for r in recommendations]


def reason_signals(recommendation: Recommendation) -> set[str]:
    return {reason.signal for reason in recommendation.reasons}


def reason_text(recommendation: Recommendation, signal: str) -> str:
    (text,) = [reason.text for reason in recommendation.reasons if reason.signal == signal]
    return text


def slot(weekday: Weekday.ValueType, start: str, end: str) -> AvailabilitySlot:
    def minutes(clock: str) -> int:
        hours, mins = clock.split(":")
        return int(hours) * 60 + int(mins)

    return AvailabilitySlot(weekday=weekday, start_minute=minutes(start), end_minute=minutes(end))


# --- Hard filters -----------------------------------------------------------------------------


@dataclass
class Scenario:
    """One activity, one student, one request: is the activity recommended?"""

    activity: Activity = field(default_factory=lambda: activity(1))
    profile: VolunteerProfile = field(default_factory=valid_profile)
    request: RecommendFilter = field(default_factory=RecommendFilter)
    excluded: set[str] = field(default_factory=set)
    now: datetime = NOW
    seats_left: int | None = None

    def recommended(self) -> bool:
        index = index_of(self.activity)
        if self.seats_left is not None:
            index.set_seats(self.activity.id, self.seats_left, 1)
        found = recommend(
            index, self.profile, request=self.request, now=self.now, excluded=self.excluded
        )
        return ids(found) == [self.activity.id]


Variant = Callable[[Scenario], None]


# Each breaks exactly one hard filter.


def not_published(s: Scenario) -> None:
    s.activity.state = ACTIVITY_STATE_DRAFT


def already_started(s: Scenario) -> None:
    s.now = STARTS + timedelta(minutes=1)


def no_seats_left(s: Scenario) -> None:
    s.seats_left = 0


def starts_before_arrival(s: Scenario) -> None:
    s.profile.arrival.CopyFrom(timestamp(STARTS + timedelta(hours=1)))


def ends_after_departure(s: Scenario) -> None:
    s.profile.departure.CopyFrom(timestamp(ENDS - timedelta(hours=1)))


def outside_weekly_availability(s: Scenario) -> None:
    s.profile.weekly_availability.append(slot(WEEKDAY_WEDNESDAY, "14:00", "20:00"))


def too_far(s: Scenario) -> None:
    s.profile.max_distance_km = 2.0  # the activity is 3.2 km from the host section


def no_language_at_a2_or_above(s: Scenario) -> None:
    del s.profile.languages[:]
    s.profile.languages.extend(
        [
            LanguageSkill(code="de", level=LANGUAGE_LEVEL_C1),
            LanguageSkill(code="es", level=LANGUAGE_LEVEL_A1),
        ]
    )


def enrolled_or_dismissed(s: Scenario) -> None:
    s.excluded.add(s.activity.id)


def filter_other_causes(s: Scenario) -> None:
    s.request.causes.append(CAUSE_CULTURE)


def filter_online_only(s: Scenario) -> None:
    s.request.online_only = True


def filter_starts_after_it(s: Scenario) -> None:
    s.request.starts_after.CopyFrom(timestamp(STARTS + timedelta(seconds=1)))


def filter_starts_before_it(s: Scenario) -> None:
    s.request.starts_before.CopyFrom(timestamp(STARTS))


def filter_other_week_edition(s: Scenario) -> None:
    s.request.week_edition = "2027-spring"


def filter_other_sdgs(s: Scenario) -> None:
    s.request.sdgs.extend([1, 17])  # the activity has 14 and 13


def excluded_by_the_request(s: Scenario) -> None:
    s.request.exclude_activity_ids.append(s.activity.id)


def full_with_people_waiting(s: Scenario) -> None:
    s.seats_left = 0  # Scenario puts one student on the waitlist


VIOLATIONS: list[Variant] = [
    not_published,
    already_started,
    no_seats_left,
    starts_before_arrival,
    ends_after_departure,
    outside_weekly_availability,
    too_far,
    no_language_at_a2_or_above,
    enrolled_or_dismissed,
    filter_other_causes,
    filter_online_only,
    filter_starts_after_it,
    filter_starts_before_it,
    filter_other_week_edition,
    filter_other_sdgs,
    excluded_by_the_request,
    full_with_people_waiting,
]


def test_the_base_scenario_is_recommended() -> None:
    assert Scenario().recommended()


@pytest.mark.parametrize("violation", VIOLATIONS, ids=lambda v: v.__name__)
def test_each_hard_filter_alone_keeps_the_activity_out(violation: Variant) -> None:
    scenario = Scenario()

    violation(scenario)

    assert not scenario.recommended()


# Each stays within every hard filter, near one of its edges.


def full_but_waitlist_accepted(s: Scenario) -> None:
    s.seats_left = 0
    s.request.accept_waitlist = True


def availability_slot_that_just_fits(s: Scenario) -> None:
    s.profile.weekly_availability.extend(
        [slot(WEEKDAY_TUESDAY, "10:00", "14:00"), slot(WEEKDAY_WEDNESDAY, "10:30", "13:30")]
    )


def availability_on_the_students_own_clock(s: Scenario) -> None:
    s.profile.time_zone = "Europe/London"  # 10:30-13:30 in Valencia is 09:30-12:30 in London
    s.profile.weekly_availability.append(slot(WEEKDAY_WEDNESDAY, "09:30", "12:30"))


def a2_in_the_only_working_language(s: Scenario) -> None:
    del s.activity.details.languages[:]
    s.activity.details.languages.append("es")


def online_and_beyond_reach(s: Scenario) -> None:
    s.activity.details.location.CopyFrom(online_location())
    s.profile.max_distance_km = 1.0


def starts_exactly_at_starts_after(s: Scenario) -> None:
    s.request.starts_after.CopyFrom(timestamp(STARTS))


def in_the_requested_week_edition(s: Scenario) -> None:
    s.activity.details.week_edition = "2027-spring"
    s.request.week_edition = "2027-spring"


def home_near_and_host_section_unknown(s: Scenario) -> None:
    s.profile.host_section_id = "esn-nowhere"
    s.profile.home_location.CopyFrom(geo_point(39.47, -0.38))


def one_of_two_requested_causes(s: Scenario) -> None:
    s.request.causes.extend([CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION])


def one_of_the_requested_sdgs(s: Scenario) -> None:
    s.request.sdgs.extend([1, 13])


def only_other_and_unknown_ids_excluded(s: Scenario) -> None:
    s.request.exclude_activity_ids.extend([activity_id(2), activity_id(99)])


def one_seat_left_without_accepting_a_waitlist(s: Scenario) -> None:
    s.seats_left = 1


ALSO_RECOMMENDED: list[Variant] = [
    full_but_waitlist_accepted,
    availability_slot_that_just_fits,
    availability_on_the_students_own_clock,
    a2_in_the_only_working_language,
    online_and_beyond_reach,
    starts_exactly_at_starts_after,
    in_the_requested_week_edition,
    home_near_and_host_section_unknown,
    one_of_two_requested_causes,
    one_of_the_requested_sdgs,
    only_other_and_unknown_ids_excluded,
    one_seat_left_without_accepting_a_waitlist,
]


@pytest.mark.parametrize("variant", ALSO_RECOMMENDED, ids=lambda v: v.__name__)
def test_variants_that_pass_every_filter(variant: Variant) -> None:
    scenario = Scenario()

    variant(scenario)

    assert scenario.recommended()


def test_several_causes_keep_the_activities_of_any_of_them() -> None:
    culture = activity(1, causes=[CAUSE_CULTURE])
    education = activity(2, causes=[CAUSE_EDUCATION_AND_YOUTH])
    both = activity(3, causes=[CAUSE_CULTURE, CAUSE_SOCIAL_INCLUSION])
    neither = activity(4, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY])
    index = index_of(culture, education, both, neither)
    request = RecommendFilter(causes=[CAUSE_CULTURE, CAUSE_EDUCATION_AND_YOUTH])

    found = recommend(index, request=request)

    assert sorted(ids(found)) == [culture.id, education.id, both.id]


def test_several_sdgs_keep_the_activities_of_any_of_them() -> None:
    no_poverty = activity(1, sdgs=[1])
    partnerships = activity(2, sdgs=[4, 17])  # 17: the highest bit of the column
    climate = activity(3, sdgs=[13])
    none = activity(4, sdgs=[])
    index = index_of(no_poverty, partnerships, climate, none)

    found = recommend(index, request=RecommendFilter(sdgs=[17, 1]))

    assert sorted(ids(found)) == [no_poverty.id, partnerships.id]
    assert ids(recommend(index, request=RecommendFilter(sdgs=[16]))) == []


def test_changed_sdgs_are_filtered_by_their_latest_values() -> None:
    index = index_of(activity(1, sdgs=[14]))
    index.apply(activity(1, version=2, sdgs=[5]))

    assert ids(recommend(index, request=RecommendFilter(sdgs=[14]))) == []
    assert ids(recommend(index, request=RecommendFilter(sdgs=[5]))) == [activity_id(1)]


def test_excluded_ids_add_to_the_students_own_exclusions() -> None:
    index = index_of(*spread_around_valencia(1, 5))
    request = RecommendFilter(
        exclude_activity_ids=[activity_id(2), activity_id(3), activity_id(3), activity_id(99)]
    )

    found = recommend(index, request=request, excluded={activity_id(1)})

    assert sorted(ids(found)) == [activity_id(4), activity_id(5)]


def test_excluding_every_candidate_leaves_nothing() -> None:
    index = index_of(*spread_around_valencia(1, 3))
    every = [activity_id(n) for n in (1, 2, 3)]

    assert recommend(index, request=RecommendFilter(exclude_activity_ids=every)) == []


def test_filters_combine() -> None:
    wanted = activity(1, causes=[CAUSE_CULTURE], sdgs=[4], location=online_location())
    excluded = activity(2, causes=[CAUSE_CULTURE], sdgs=[4], location=online_location())
    other_sdg = activity(3, causes=[CAUSE_CULTURE], sdgs=[5], location=online_location())
    other_cause = activity(4, causes=[CAUSE_SOCIAL_INCLUSION], sdgs=[4], location=online_location())
    in_person = activity(5, causes=[CAUSE_CULTURE], sdgs=[4])
    full = activity(6, causes=[CAUSE_CULTURE], sdgs=[4], location=online_location())
    index = index_of(wanted, excluded, other_sdg, other_cause, in_person, full)
    index.set_seats(full.id, 0, 3)
    request = RecommendFilter(
        causes=[CAUSE_CULTURE, CAUSE_EDUCATION_AND_YOUTH],
        sdgs=[4, 10],
        online_only=True,
        exclude_activity_ids=[excluded.id],
    )

    assert ids(recommend(index, request=request)) == [wanted.id]
    request.accept_waitlist = True
    assert sorted(ids(recommend(index, request=request))) == [wanted.id, full.id]


def test_full_activities_are_hidden_unless_the_student_accepts_a_waitlist() -> None:
    index = index_of(*spread_around_valencia(1, 3))
    index.set_seats(activity_id(2), 0, 4)
    index.set_seats(activity_id(3), -1, 0)  # capacity lowered below the confirmed count

    hidden = recommend(index)
    shown = {
        r.activity.id: r for r in recommend(index, request=RecommendFilter(accept_waitlist=True))
    }

    assert ids(hidden) == [activity_id(1)]
    assert sorted(shown) == [activity_id(n) for n in (1, 2, 3)]
    assert reason_text(shown[activity_id(2)], "urgency") == "full, waitlist open"
    assert shown[activity_id(2)].activity.waitlist_length == 4


def test_an_activity_that_fills_up_disappears_and_comes_back_when_a_seat_frees() -> None:
    index = index_of(activity(1, capacity=1))

    index.set_seats(activity_id(1), 0, 0)
    assert recommend(index) == []

    index.set_seats(activity_id(1), 1, 0)
    assert ids(recommend(index)) == [activity_id(1)]


def test_availability_is_read_on_the_students_clock() -> None:
    # 10:30-13:30 in Valencia is 09:30-12:30 in London.
    scenario = Scenario()
    scenario.profile.time_zone = "Europe/London"
    scenario.profile.weekly_availability.append(slot(WEEKDAY_WEDNESDAY, "10:30", "13:30"))

    assert not scenario.recommended()


def test_distance_is_measured_from_home_when_set() -> None:
    scenario = Scenario()
    scenario.profile.home_location.CopyFrom(geo_point(*TIRANA))

    assert not scenario.recommended()


def test_no_place_to_measure_from_leaves_only_online_activities() -> None:
    profile = valid_profile(host_section_id="esn-nowhere")
    index = index_of(activity(1), activity(2, location=online_location()))

    assert ids(recommend(index, profile)) == [activity_id(2)]


def test_zero_distance_means_online_only() -> None:
    profile = valid_profile(max_distance_km=0.0)
    index = index_of(activity(1), activity(2, location=online_location()))

    assert ids(recommend(index, profile)) == [activity_id(2)]


def test_a_cancelled_activity_disappears_from_recommendations() -> None:
    index = index_of(activity(1), activity(2))
    cancelled = activity(1, version=2)
    cancelled.state = ACTIVITY_STATE_CANCELLED

    index.apply(cancelled)

    assert ids(recommend(index)) == [activity_id(2)]


def test_an_activity_crossing_midnight_never_fits_a_slot() -> None:
    starts = datetime(2027, 3, 17, 22, 30, tzinfo=UTC)  # Wednesday 23:30 in Madrid
    index = index_of(activity(1, starts_at=starts, ends_at=starts + timedelta(hours=2)))
    rows = index.rows_of([activity_id(1)])
    whole_days = [slot(day, "00:00", "24:00") for day in Weekday.values() if day]

    fits = within_weekly_availability(index.columns, rows, whole_days, "Europe/Madrid")

    assert not fits.any()


def test_local_seconds_follow_daylight_saving_time() -> None:
    zone = "Europe/Madrid"
    # Around the spring and autumn changes of 2027 and into 2028.
    moments = [
        datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 0, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 59, 59, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, 0, tzinfo=UTC),
        datetime(2028, 7, 1, 12, 0, 0, tzinfo=UTC),
    ]
    epochs = np.array([int(m.timestamp()) for m in moments], np.int64)

    local = local_seconds(epochs, zone)

    expected = [int(m.astimezone(ZoneInfo(zone)).replace(tzinfo=UTC).timestamp()) for m in moments]
    assert local.tolist() == expected


# --- Scores and diversity ---------------------------------------------------------------------


def spread_around_valencia(first: int, count: int, **overrides: Any) -> list[Activity]:
    """Activities about 1.1 km apart, going south from ESN Valencia UPV: nearest first."""
    return [
        activity(
            first + n,
            location=valencia_location(coordinates=geo_point(UPV[0] - 0.01 * n, UPV[1])),
            **overrides,
        )
        for n in range(count)
    ]


def test_scores_are_in_unit_range_and_ordered() -> None:
    index = index_of(*spread_around_valencia(1, 8, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY]))

    found = recommend(index)

    scores = [r.score for r in found]
    assert len(found) == 8
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_among_many_candidates_the_best_comes_first() -> None:
    # More candidates than SHORTLIST (11 m apart); without a motivation every score is exact.
    index = index_of(
        *(
            activity(
                n, location=valencia_location(coordinates=geo_point(UPV[0] - 1e-4 * n, UPV[1]))
            )
            for n in range(1, 301)
        )
    )
    profile = valid_profile(motivation="")
    index.set_seats(activity_id(250), 1, 0)  # the most urgent, though far down the list

    found = recommend(index, profile, k=3)

    assert ids(found)[0] == activity_id(250)
    assert len(found) == 3


def test_k_limits_the_recommendations() -> None:
    index = index_of(*spread_around_valencia(1, 8))

    assert len(recommend(index, k=3)) == 3
    assert recommend(index, k=0) == []


def test_diversity_mixes_causes_in_the_top_five() -> None:
    environment = spread_around_valencia(1, 8, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY])
    culture = spread_around_valencia(20, 3, causes=[CAUSE_CULTURE], title="Museum day")
    index = index_of(*environment, *culture)
    scores = {r.activity.id: r.score for r in recommend(index, k=11)}

    top = recommend(index, k=5)

    environmental = {a.id for a in environment}
    assert max(scores, key=lambda i: scores[i]) in environmental
    assert ids(top)[0] in environmental
    assert not set(ids(top)) <= environmental
    assert (
        sorted(scores.values(), reverse=True)[:5]
        == sorted((scores[i] for i in environmental), reverse=True)[:5]
    )


def test_diversify_trades_relevance_for_new_causes() -> None:
    environment, culture = 1 << 3, 1 << 1
    causes = np.array([environment, environment, environment, culture], np.uint8)

    picks = diversify(np.array([0.9, 0.85, 0.8, 0.5]), causes, k=3)

    assert picks == [0, 3, 1]


def test_a_spanish_motivation_prefers_the_spanish_beach_clean_up() -> None:
    shared: dict[str, Any] = {"causes": [CAUSE_CULTURE], "skills_wanted": []}
    beach = activity(
        1,
        title="Limpieza de la playa de la Malvarrosa",
        description="Recogemos plásticos y residuos en la playa con voluntarios del barrio.",
        goal="Una playa limpia para todos.",
        **shared,
    )
    museum = activity(
        2,
        title="Visita guiada accesible al museo",
        description="Acompaña a visitantes con discapacidad por las salas del museo.",
        goal="Abrir el patrimonio cultural a todos.",
        **shared,
    )
    profile = valid_profile(motivation="Quiero ayudar con la limpieza de playas y cuidar el mar")

    found = recommend(index_of(museum, beach), profile)

    assert ids(found) == [activity_id(1), activity_id(2)]
    assert "motivation" in reason_signals(found[0])


@pytest.mark.parametrize("seed", range(20))
def test_tie_breaks_pick_as_sorting_first_would(seed: int) -> None:
    """Shuffled items with their sorted positions as tie-breaks get the picks, and the ranks by
    score, that the same items sorted by (score desc, position) get without them."""
    rng = np.random.default_rng(seed)
    size = 300
    scores = np.round(rng.uniform(0, 1, size) ** rng.uniform(0.2, 3), 1)  # many ties
    causes = (1 << rng.integers(1, 7, size)).astype(np.uint8)
    order = np.lexsort((np.arange(size), -scores))
    shuffled = rng.permutation(size)
    ties = np.empty(size, np.int64)
    ties[order] = np.arange(size)  # the position of each item in the sorted order

    sorted_picks = diversify(scores[order], causes[order], 10)
    picks = diversify(scores[shuffled], causes[shuffled], 10, tie_breaks=ties[shuffled])

    assert [int(shuffled[p]) for p in picks] == [int(order[p]) for p in sorted_picks]
    ranks = relevance_ranks(scores[shuffled], ties[shuffled], picks)
    assert ranks == [p + 1 for p in sorted_picks]


def test_the_motivation_reaches_the_least_popular_of_many_tied_activities() -> None:
    """Every candidate is scored on the motivation, not only those the other signals favour."""
    shared: dict[str, Any] = {"causes": [CAUSE_CULTURE], "skills_wanted": [], "goal": ""}
    museums = [
        activity(n, title="Museum night", description="Guide visitors through the halls", **shared)
        for n in range(1, 400)
    ]
    beach = activity(
        400, title="Beach clean-up", description="Pick up plastic on the sand", **shared
    )
    popularity = {museum.id: 0.5 for museum in museums}
    profile = valid_profile(motivation="I want to pick up plastic on a beach")

    found = recommend(index_of(*museums, beach), profile, collaborative=popularity, k=3)

    assert ids(found)[0] == beach.id
    assert "motivation" in reason_signals(found[0])


def test_collaborative_signal_lifts_an_activity() -> None:
    index = index_of(*spread_around_valencia(1, 3, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY]))
    last = activity_id(3)

    plain = recommend(index)
    lifted = recommend(index, collaborative={last: 1.0, activity_id(99): 1.0})

    assert ids(plain)[-1] == last
    assert ids(lifted)[0] == last
    assert reason_text(lifted[0], "similar_students") == "students like you joined"


def test_the_collaborative_signal_read_by_key_ranks_as_by_id() -> None:
    index = index_of(*spread_around_valencia(1, 3, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY]))
    by_id = {activity_id(2): 0.9, activity_id(3): 0.4, activity_id(99): 1.0}
    known = [activity_id(2), activity_id(3), activity_id(99)]
    keyed = KeyedScores(
        np.array([by_id[a] for a in known]), np.full(index.key_of(activity_id(99)) + 1, -1)
    )
    keyed.column_of_key[index.keys_of(known)] = np.arange(len(known))

    read_by_id = recommend(index, collaborative=by_id)
    read_by_key = recommend(index, collaborative=keyed)

    assert ids(read_by_key) == ids(read_by_id)
    assert [r.score for r in read_by_key] == [r.score for r in read_by_id]


# --- Explanations -----------------------------------------------------------------------------


def test_explanation_of_the_base_recommendation() -> None:
    (found,) = recommend(index_of(activity(1)))

    assert [(r.signal, r.text) for r in found.reasons] == [
        ("cause", "Environmental Sustainability, like you asked"),
        ("motivation", "close to your motivation"),
        ("distance", "3.2 km away"),
    ]
    assert found.explanation == (
        "Environmental Sustainability, like you asked; close to your motivation; 3.2 km away; "
        "in English and Spanish; Wednesday 10:30"
    )


def test_reasons_are_the_contributions_that_make_the_score() -> None:
    (found,) = recommend(index_of(activity(1)), collaborative={activity_id(1): 0.5})

    contributions = [r.contribution for r in found.reasons]
    assert all(c > REASON_MIN_CONTRIBUTION for c in contributions)
    assert contributions == sorted(contributions, reverse=True)
    assert found.score - sum(contributions) == pytest.approx(
        0, abs=len(SIGNALS) * REASON_MIN_CONTRIBUTION
    )


def test_no_motivation_gives_no_motivation_reason() -> None:
    (found,) = recommend(index_of(activity(1)), valid_profile(motivation=""))

    assert "motivation" not in reason_signals(found)


def test_skills_reason_names_the_shared_skill() -> None:
    item = activity(1, skills_wanted=["first aid", "cooking"])

    (found,) = recommend(index_of(item), valid_profile(skills=["First-Aid", "juggling"]))

    assert reason_text(found, "skills") == "matches your skills: first aid"


def test_no_shared_skill_gives_no_skills_reason() -> None:
    (found,) = recommend(index_of(activity(1)), valid_profile(skills=["juggling"]))

    assert "skills" not in reason_signals(found)


def test_few_seats_left_is_urgent_and_the_activity_carries_live_seats() -> None:
    index = index_of(activity(1, capacity=25))
    index.set_seats(activity_id(1), 3, 0)

    (found,) = recommend(index)

    assert reason_text(found, "urgency") == "3 seats left"
    assert found.activity.seats_left == 3
    assert "urgency" not in reason_signals(recommend(index_of(activity(1)))[0])


def test_an_activity_just_before_departure_is_urgent() -> None:
    profile = valid_profile(departure=ENDS + timedelta(days=2))

    (found,) = recommend(index_of(activity(1)), profile)

    assert reason_text(found, "urgency") == "one of your last chances before you leave"


def test_online_activity_is_explained_as_online() -> None:
    (found,) = recommend(index_of(activity(1, location=online_location())))

    assert reason_text(found, "distance") == "online"


def test_reasons_carry_the_facts_they_quote() -> None:
    (found,) = recommend(index_of(activity(1)), valid_profile(skills=["Teamwork"]))
    by_signal = {r.signal: r for r in found.reasons}

    assert list(by_signal) == ["cause", "motivation", "distance", "skills"]
    assert list(by_signal["cause"].causes) == [CAUSE_ENVIRONMENTAL_SUSTAINABILITY]
    assert by_signal["cause"].value == 1.0  # Ana's interest in it
    assert by_signal["distance"].distance_km == pytest.approx(3.2, abs=0.05)
    assert not by_signal["distance"].online
    assert list(by_signal["skills"].matched_skills) == ["teamwork"]  # as the activity says
    assert by_signal["skills"].value == 0.5  # one of its two wanted skills
    for reason in found.reasons:
        assert reason.contribution > REASON_MIN_CONTRIBUTION
        assert reason.contribution == pytest.approx(
            reason.value
            * Weights().of(next(name for name in SIGNALS if REASON_SIGNALS[name] == reason.signal))
        )
        assert reason.WhichOneof("urgency") is None


def test_signals_adding_nothing_give_no_reason() -> None:
    # No motivation, no shared skill, no similar students, seats aplenty: those are no
    # reasons, and neither are the language and start the activity passed the filters with.
    profile = valid_profile(motivation="", skills=[])

    (found,) = recommend(index_of(activity(1)), profile)

    assert [r.signal for r in found.reasons] == ["cause", "distance"]
    assert found.facts.shared_languages  # told as facts instead


def test_tied_interests_name_every_cause_of_the_tie() -> None:
    profile = valid_profile(
        interests=[
            CauseInterest(cause=CAUSE_ENVIRONMENTAL_SUSTAINABILITY, weight=0.8),
            CauseInterest(cause=CAUSE_SOCIAL_INCLUSION, weight=0.8),
        ]
    )

    (found,) = recommend(index_of(activity(1)), profile)

    cause = found.reasons[0]
    assert list(cause.causes) == [CAUSE_ENVIRONMENTAL_SUSTAINABILITY, CAUSE_SOCIAL_INCLUSION]
    assert cause.text == "Environmental Sustainability and Social Inclusion, like you asked"


def test_an_online_activity_has_no_distance() -> None:
    (found,) = recommend(index_of(activity(1, location=online_location())))

    (distance,) = [r for r in found.reasons if r.signal == "distance"]
    assert distance.online
    assert not distance.HasField("distance_km")


def test_urgency_says_which_half_made_it_urgent() -> None:
    index = index_of(activity(1, capacity=25))
    index.set_seats(activity_id(1), 3, 0)
    (scarce,) = recommend(index)
    (leaving,) = recommend(
        index_of(activity(1)), valid_profile(departure=ENDS + timedelta(days=2, hours=5))
    )

    (urgency,) = [r for r in scarce.reasons if r.signal == "urgency"]
    assert (urgency.WhichOneof("urgency"), urgency.seats_left) == ("seats_left", 3)
    (urgency,) = [r for r in leaving.reasons if r.signal == "urgency"]
    assert urgency.WhichOneof("urgency") == "days_until_departure"
    assert urgency.days_until_departure == 2


def test_facts_give_the_shared_languages_and_the_start_on_the_student_s_clock() -> None:
    item = activity(1, languages=["fr", "en"])

    (found,) = recommend(index_of(item))

    assert list(found.facts.shared_languages) == ["en"]  # Ana speaks English, not French
    assert found.facts.weekday == WEEKDAY_WEDNESDAY
    assert found.facts.start_minute == 10 * 60 + 30  # 09:30 UTC is 10:30 in Madrid in March
    assert found.facts.time_zone == "Europe/Madrid"
    assert found.explanation.endswith("; in English; Wednesday 10:30")


def test_the_start_follows_summer_time_and_the_student_s_zone() -> None:
    # 2027-03-28 Madrid moves to summer time: 09:30 UTC on Thursday 1 April is 11:30 there.
    starts = datetime(2027, 4, 1, 9, 30, tzinfo=UTC)
    item = activity(1, starts_at=timestamp(starts), ends_at=timestamp(starts + DURATION))

    (madrid,) = recommend(index_of(item))
    (tokyo,) = recommend(index_of(item), valid_profile(time_zone="Asia/Tokyo"))
    (unset,) = recommend(index_of(item), valid_profile(time_zone=""))

    assert (madrid.facts.weekday, madrid.facts.start_minute) == (WEEKDAY_THURSDAY, 11 * 60 + 30)
    assert (tokyo.facts.weekday, tokyo.facts.start_minute) == (WEEKDAY_THURSDAY, 18 * 60 + 30)
    assert (unset.facts.time_zone, unset.facts.start_minute) == ("UTC", 9 * 60 + 30)


def test_diversified_when_diversity_changed_the_order_by_score() -> None:
    environment = spread_around_valencia(1, 8, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY])
    culture = spread_around_valencia(20, 3, causes=[CAUSE_CULTURE], title="Museum day")

    mixed = ranked(index_of(*environment, *culture), k=5)
    plain = ranked(index_of(*environment), k=5)

    ranks = [r.relevance_rank for r in mixed.recommendations]
    assert mixed.diversified
    assert ranks[0] == 1
    assert ranks != sorted(ranks) or max(ranks) > len(ranks)
    assert not plain.diversified
    assert [r.relevance_rank for r in plain.recommendations] == [1, 2, 3, 4, 5]
    assert not ranked(index_of(*environment), k=0).diversified


# --- Reverse matching -------------------------------------------------------------------------


def test_score_students_keeps_the_students_the_activity_suits() -> None:
    ranker = Ranker(index_of(activity(5)), Weights())
    near = valid_profile(student_id="ana")
    keen = valid_profile(student_id="ben", skills=["teamwork"])
    far = valid_profile(student_id="cai", home_location=geo_point(*TIRANA))
    dismissed = valid_profile(student_id="dan")
    new_activity = activity(1)  # not in the index yet

    scored = ranker.score_students(
        new_activity, [near, keen, far, dismissed], NOW, {("dan", new_activity.id)}
    )

    assert [match.student_id for match in scored] == ["ben", "ana"]
    assert scored[0].score > scored[1].score
    assert all(0 <= match.score <= 1 for match in scored)
    assert {r.signal for r in scored[0].reasons} >= {"cause", "skills"}
    assert all(r.contribution > REASON_MIN_CONTRIBUTION for m in scored for r in m.reasons)
    assert list(scored[0].facts.shared_languages) == ["en", "es"]
    assert scored[0].facts.weekday == WEEKDAY_WEDNESDAY


def test_score_students_ignores_an_unpublished_activity() -> None:
    draft = activity(1)
    draft.state = ACTIVITY_STATE_DRAFT

    assert (
        Ranker(ActivityIndex(), Weights()).score_students(draft, [valid_profile()], NOW, set())
        == []
    )


def test_score_students_never_suggests_a_full_activity() -> None:
    full = activity(1)
    full.seats_left = 0
    full.waitlist_length = 2

    assert (
        Ranker(ActivityIndex(), Weights()).score_students(full, [valid_profile()], NOW, set()) == []
    )


def test_score_students_for_a_week_edition() -> None:
    ranker = Ranker(ActivityIndex(), Weights())
    in_week = activity(1, week_edition="2027-spring")

    assert (
        ranker.score_students(
            activity(2), [valid_profile()], NOW, set(), week_edition="2027-spring"
        )
        == []
    )
    assert (
        len(
            ranker.score_students(
                in_week, [valid_profile()], NOW, set(), week_edition="2027-spring"
            )
        )
        == 1
    )


# --- Signals for learning ---------------------------------------------------------------------


def test_signals_for_skips_hard_filters_and_matches_recommend() -> None:
    started = activity(2, starts_at=NOW - timedelta(days=1), ends_at=NOW - timedelta(hours=20))
    index = index_of(activity(1), started)
    ranker = Ranker(index, Weights())
    profile = valid_profile()

    ids_found, signals = ranker.signals_for(
        profile, [activity_id(2), activity_id(99), activity_id(1)], NOW
    )
    (recommended,) = ranker.recommend(profile, 10, RecommendFilter(), NOW, set()).recommendations

    assert ids_found == [activity_id(2), activity_id(1)]  # order kept, unknown id dropped
    assert signals.shape == (2, len(SIGNALS))
    assert recommended.activity.id == activity_id(1)  # the started one is filtered out there
    assert signals[1] @ ranker.weights.values == pytest.approx(recommended.score)
    assert (signals[:, SIGNALS.index("similar_students")] == 0).all()
    assert signals[1, SIGNALS.index("motivation")] > 0
    assert ((signals >= 0) & (signals <= 1)).all()
    assert ranker.signals_for(profile, [activity_id(99)], NOW)[1].shape == (0, len(SIGNALS))
