"""The in-memory activity index: versions, states, seats, grid, text."""

from __future__ import annotations

import numpy as np
import pytest

from services.matching.index import UNKNOWN, ActivityIndex, cause_bits, sdg_bits, skill_key
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_CANCELLED,
    ACTIVITY_STATE_COMPLETED,
    ACTIVITY_STATE_DRAFT,
    Activity,
    ActivityState,
)
from socialerasmus.common.v1.common_pb2 import (
    CAUSE_CULTURE,
    CAUSE_ENVIRONMENTAL_SUSTAINABILITY,
    CAUSE_SOCIAL_INCLUSION,
)
from tests.catalogue.builders import VALENCIA, activity_id, geo_point, online_location
from tests.catalogue.builders import valencia_location as valencia
from tests.matching.builders import activity, index_of

TIRANA = (41.3275, 19.8187)


def with_state(item: Activity, state: ActivityState.ValueType, version: int) -> Activity:
    changed = Activity()
    changed.CopyFrom(item)
    changed.state = state
    changed.version = version
    return changed


def test_applied_activity_is_held_with_its_columns() -> None:
    index = ActivityIndex()
    item = activity(1, capacity=25, languages=["en", "es"], week_edition="2027-spring")

    index.apply(item)

    assert len(index) == 1
    assert index.get(item.id) == item
    row = index.row_of(item.id)
    assert row is not None
    columns = index.columns
    assert columns.published[row]
    assert columns.starts[row] == item.details.starts_at.seconds
    assert columns.ends[row] == item.details.ends_at.seconds
    assert (columns.latitudes[row], columns.longitudes[row]) == VALENCIA
    assert not columns.online[row]
    assert columns.causes[row] == cause_bits(
        [CAUSE_ENVIRONMENTAL_SUSTAINABILITY, CAUSE_SOCIAL_INCLUSION]
    )
    assert columns.sdgs[row] == (1 << 14) | (1 << 13)
    languages = index.language_sets[columns.language_sets[row]]
    assert sorted(languages[languages != UNKNOWN]) == sorted(
        [index.language_id("en"), index.language_id("es")]
    )
    skills = index.skill_sets[columns.skill_sets[row]]
    assert sorted(skills[skills != UNKNOWN]) == sorted(
        [index.skill_id(skill) for skill in item.details.skills_wanted]
    )
    assert columns.seats_left[row] == 25
    assert columns.capacities[row] == 25
    assert columns.week_editions[row] == index.week_edition_id("2027-spring")


def test_the_held_activity_is_a_copy() -> None:
    index = ActivityIndex()
    item = activity(1)
    index.apply(item)

    item.details.title = "Changed by the caller"

    held = index.get(item.id)
    assert held is not None
    assert held.details.title != "Changed by the caller"


def test_a_newer_version_replaces_and_an_older_one_is_ignored() -> None:
    index = ActivityIndex()
    index.apply(activity(1, version=2, title="Version two"))

    index.apply(activity(1, version=1, title="Version one"))
    held = index.get(activity_id(1))
    assert held is not None
    assert held.details.title == "Version two"

    index.apply(activity(1, version=3, title="Version three"))
    held = index.get(activity_id(1))
    assert held is not None
    assert held.details.title == "Version three"
    assert len(index) == 1
    assert index.version_of(activity_id(1)) == 3


@pytest.mark.parametrize(
    "state", [ACTIVITY_STATE_CANCELLED, ACTIVITY_STATE_COMPLETED, ACTIVITY_STATE_DRAFT]
)
def test_leaving_published_removes_the_activity(state: ActivityState.ValueType) -> None:
    index = ActivityIndex()
    published = activity(1)
    index.apply(published)

    index.apply(with_state(published, state, version=2))

    assert len(index) == 0
    assert index.get(published.id) is None
    assert index.row_of(published.id) is None
    assert index.candidates_near(*VALENCIA, 50).size == 0


def test_a_late_published_snapshot_does_not_bring_back_a_cancelled_activity() -> None:
    index = ActivityIndex()
    published = activity(1, version=1)
    index.apply(with_state(published, ACTIVITY_STATE_CANCELLED, version=2))

    index.apply(published)

    assert len(index) == 0
    assert index.version_of(published.id) == 2


def test_a_draft_is_never_held() -> None:
    index = ActivityIndex()

    index.apply(with_state(activity(1), ACTIVITY_STATE_DRAFT, version=1))

    assert len(index) == 0
    assert index.candidates_near(*VALENCIA, 50).size == 0


def test_freed_rows_are_reused() -> None:
    index = ActivityIndex()
    for n in range(3):
        index.apply(activity(n))
    freed = index.row_of(activity_id(1))
    index.apply(with_state(activity(1), ACTIVITY_STATE_CANCELLED, version=2))

    index.apply(activity(7))

    assert index.row_of(activity_id(7)) == freed


def test_keys_outlive_rows() -> None:
    """A reused row gets its new activity's key: a model matched by key cannot read the
    cancelled activity's signal into the newcomer."""
    index = ActivityIndex()
    for n in range(3):
        index.apply(activity(n))
    row = index.row_of(activity_id(1))
    assert row is not None
    cancelled_key = index.key_of(activity_id(1))
    assert index.columns.keys[row] == cancelled_key

    index.apply(with_state(activity(1), ACTIVITY_STATE_CANCELLED, version=2))
    assert index.columns.keys[row] == 0
    index.apply(activity(7))

    assert index.row_of(activity_id(7)) == row
    assert index.columns.keys[row] == index.key_of(activity_id(7)) != cancelled_key
    assert index.key_of(activity_id(1)) == cancelled_key  # stable while the index lives
    assert index.keys_of([activity_id(0), activity_id(7)]).tolist() == [
        index.key_of(activity_id(0)),
        index.key_of(activity_id(7)),
    ]


def test_index_grows_past_its_first_capacity() -> None:
    index = ActivityIndex()
    items = [activity(n) for n in range(300)]

    for item in items:
        index.apply(item)

    assert len(index) == 300
    assert index.columns.rows >= 300
    assert all(index.get(item.id) == item for item in items)
    assert sorted(index.candidates_near(*VALENCIA, 10)) == list(range(300))


def test_set_seats_updates_the_column_and_the_activity() -> None:
    index = ActivityIndex()
    item = activity(1, capacity=25)
    index.apply(item)

    index.set_seats(item.id, 3, 2)
    index.set_seats(activity_id(99), 1, 1)  # unknown: ignored

    row = index.row_of(item.id)
    assert row is not None
    assert index.columns.seats_left[row] == 3
    held = index.get(item.id)
    assert held is not None
    assert (held.seats_left, held.waitlist_length) == (3, 2)


def test_candidates_near_come_from_nearby_cells_and_online() -> None:
    index = ActivityIndex()
    index.apply(activity(1))  # Valencia
    index.apply(activity(2, location=valencia(coordinates=geo_point(*TIRANA))))
    index.apply(activity(3, location=online_location()))

    near_valencia = {index.activity_at(int(r)).id for r in index.candidates_near(*VALENCIA, 30)}
    near_tirana = {index.activity_at(int(r)).id for r in index.candidates_near(*TIRANA, 30)}

    assert near_valencia == {activity_id(1), activity_id(3)}
    assert near_tirana == {activity_id(2), activity_id(3)}
    assert [index.activity_at(int(r)).id for r in index.online_rows()] == [activity_id(3)]


def test_moving_an_activity_moves_it_in_the_grid() -> None:
    index = ActivityIndex()
    index.apply(activity(1))

    index.apply(activity(1, version=2, location=valencia(coordinates=geo_point(*TIRANA))))

    assert index.candidates_near(*VALENCIA, 30).size == 0
    assert index.candidates_near(*TIRANA, 30).tolist() == [index.row_of(activity_id(1))]


def test_going_online_moves_an_activity_out_of_the_grid() -> None:
    index = ActivityIndex()
    index.apply(activity(1))

    index.apply(activity(1, version=2, location=online_location()))

    assert index.candidates_near(*TIRANA, 30).tolist() == [index.row_of(activity_id(1))]
    assert index.online_rows().tolist() == [index.row_of(activity_id(1))]


def test_candidates_near_cross_the_antimeridian() -> None:
    index = ActivityIndex()
    index.apply(activity(1, location=valencia(coordinates=geo_point(-17.8, 179.95))))

    assert index.candidates_near(-17.8, -179.95, 30).size == 1


def test_candidates_near_a_pole_cover_every_longitude() -> None:
    index = ActivityIndex()
    index.apply(activity(1, location=valencia(coordinates=geo_point(89.9, 120.0))))

    assert index.candidates_near(89.9, -60.0, 50).size == 1


def test_of_edition_lists_the_published_activities_of_a_week() -> None:
    index = ActivityIndex()
    index.apply(activity(1, week_edition="2027-spring"))
    index.apply(activity(2, week_edition="2027-autumn"))
    index.apply(activity(3))

    assert [a.id for a in index.of_edition("2027-spring")] == [activity_id(1)]
    assert index.of_edition("2031-spring") == []


def test_activities_with_the_same_languages_share_one_language_set() -> None:
    index = ActivityIndex()
    index.apply(activity(1, languages=["en", "es"]))
    index.apply(activity(2, languages=["es", "en"]))
    index.apply(activity(3, languages=["en", "es", "ca", "fr", "de"]))

    sets = index.columns.language_sets[index.rows_of([activity_id(n) for n in (1, 2, 3)])]

    assert sets[0] == sets[1] != sets[2]
    assert index.language_sets.shape[0] == 2
    assert (index.language_sets[sets[2]] != UNKNOWN).sum() == 5


def test_skills_are_matched_by_folded_words() -> None:
    index = ActivityIndex()
    index.apply(activity(1, skills_wanted=["First-Aid", "Público speaking", "cooking"]))

    covered = index.skills_covered_by(["first aid certificate", "publico SPEAKING"])

    assert sorted(covered.tolist()) == sorted(
        [index.skill_id("first aid"), index.skill_id("publico speaking")]
    )
    assert skill_key("  First-Aid ") == "first aid"
    assert index.skill_id("juggling") == UNKNOWN


def test_term_statistics_follow_publish_update_and_cancel() -> None:
    index = ActivityIndex()
    museum = index.encoder.query("museum").indices  # the word and its concept token
    assert museum.size == 2

    assert index.term_statistics.documents == 0
    index.apply(activity(1, title="Museum night", description="Guide visitors"))
    assert index.term_statistics.documents == 1
    assert index.term_statistics.frequency(museum).tolist() == [1, 1]

    index.apply(activity(2, title="Museum morning", description="Guide families"))
    assert index.term_statistics.frequency(museum).tolist() == [2, 2]

    index.apply(activity(1, version=2, title="Choir", description="Sing with the city choir"))
    assert index.term_statistics.documents == 2
    assert index.term_statistics.frequency(museum).tolist() == [1, 1]

    index.apply(with_state(activity(2), ACTIVITY_STATE_CANCELLED, version=3))
    assert index.term_statistics.documents == 1
    assert index.term_statistics.frequency(museum).tolist() == [0, 0]


def test_text_relevance_is_that_of_a_fresh_index_of_the_same_activities() -> None:
    """Statistics kept as activities come and go are those of the catalogue as it is now."""
    index = ActivityIndex()
    for n in range(1, 30):
        index.apply(activity(n, title=f"Museum night {n}", description="Guide the visitors"))
    for n in range(1, 30, 3):
        index.apply(with_state(activity(n), ACTIVITY_STATE_CANCELLED, version=2))
    index.apply(activity(2, version=3, title="Beach clean-up", description="Plastic on sand"))
    kept = [n for n in range(1, 30) if n % 3 != 1]
    fresh = ActivityIndex()
    for n in kept:
        fresh.apply(index.get(activity_id(n)) or activity(n))
    query = index.encoder.query("plastic on the sand by the museum")

    relevance = index.text_relevance(index.rows_of(map(activity_id, kept)), query)
    expected = fresh.text_relevance(fresh.rows_of(map(activity_id, kept)), query)

    assert relevance == pytest.approx(expected)
    assert relevance[0] == relevance.max() > 0  # activity 2, the beach clean-up


@pytest.mark.parametrize("pairs_per_query", [1, 40])  # a sparse lookup, then a table
def test_text_relevance_of_pairs_is_that_of_each_query_alone(pairs_per_query: int) -> None:
    index = ActivityIndex()
    for n in range(1, 30):
        index.apply(activity(n, title=f"Museum night {n}", description="Guide the visitors"))
    index.apply(activity(2, version=2, title="Beach clean-up", description="Plastic on sand"))
    index.apply(with_state(activity(5), ACTIVITY_STATE_CANCELLED, version=2))
    texts = ["plastic on the sand", "museum night guide", "", "choir"]
    queries = [index.encoder.query(text) for text in texts]
    rows = index.rows_of(activity_id(n) for n in range(1, 30) if n != 5)
    rng = np.random.default_rng(3)
    query_of_pair = rng.integers(0, len(queries), pairs_per_query * len(queries))
    row_of_pair = rng.choice(rows, query_of_pair.size)

    found = index.text_relevance_of_pairs(queries, query_of_pair, row_of_pair)

    for n, query in enumerate(queries):
        mine = query_of_pair == n
        alone = index.text_relevance(row_of_pair[mine], query)
        assert found[mine].tolist() == pytest.approx(alone.tolist(), abs=1e-12)
    assert found.max() > 0


def test_text_relevance_follows_the_latest_text() -> None:
    index = index_of(
        activity(1, title="Beach clean-up", description="Pick up plastic on the beach"),
        activity(2, title="Museum night", description="Guide visitors through the museum"),
    )
    query = index.encoder.query("plastic on the beach")
    rows = index.rows_of([activity_id(1), activity_id(2)])
    beach_first = index.text_relevance(rows, query)

    index.apply(
        activity(1, version=2, title="Choir", description="Sing with the city choir", goal="")
    )
    after = index.text_relevance(rows, query)

    assert beach_first[0] > beach_first[1]
    assert after[0] < beach_first[0]
    assert np.all((after >= 0) & (after <= 1))


def test_text_survives_many_rewrites() -> None:
    index = index_of(activity(1), activity(2, title="Museum night"))
    for version in range(2, 400):  # enough garbage to compact the text store several times
        index.apply(activity(1, version=version, title=f"Beach clean-up number {version}"))
    query = index.encoder.query("Museum night")

    similarity = index.text_relevance(index.rows_of([activity_id(2), activity_id(1)]), query)

    fresh = ActivityIndex(index.encoder)  # the same activities, never rewritten
    fresh.apply(activity(1, version=399, title="Beach clean-up number 399"))
    fresh.apply(activity(2, title="Museum night"))
    expected = fresh.text_relevance(fresh.rows_of([activity_id(2), activity_id(1)]), query)
    assert similarity[0] > similarity[1]
    assert similarity == pytest.approx(expected, rel=1e-4)


def test_rows_of_skips_unknown_and_unpublished_ids() -> None:
    index = ActivityIndex()
    index.apply(activity(1))
    index.apply(with_state(activity(2), ACTIVITY_STATE_CANCELLED, version=1))

    rows = index.rows_of([activity_id(1), activity_id(2), activity_id(3)])

    assert rows.tolist() == [index.row_of(activity_id(1))]


def test_causes_bits() -> None:
    assert cause_bits([CAUSE_CULTURE]) == 1 << CAUSE_CULTURE
    assert cause_bits([]) == 0


def test_sdg_bits() -> None:
    assert sdg_bits([1, 17]) == (1 << 1) | (1 << 17)
    assert sdg_bits([]) == 0
    assert sdg_bits([0, 18, -3, 40]) == 0  # never accepted by the catalogue: no bit, no overflow
