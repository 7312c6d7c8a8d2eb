"""The live model refits from the feedback recorded in Redis, in another process, and adopts
new weights only when they do better on held-back joins."""

from __future__ import annotations

import random
from datetime import timedelta

from redis.asyncio import Redis

from services.matching.model import ModelRefresher
from services.matching.nearby import SectionMap
from services.matching.store import MatchingStore
from services.runtime import metrics
from socialerasmus.catalogue.v1.catalogue_pb2 import ACTIVITY_STATE_PUBLISHED, Activity
from socialerasmus.matching.v1.matching_pb2 import FEEDBACK_KIND_ENROLLED, Feedback
from tests.catalogue.builders import timestamp
from tests.matching.builders import NOW, activity, index_of, valid_profile

GROUPS = 2
PER_GROUP = 15
STUDENTS = 160


def identical_activities() -> list[Activity]:
    items = [activity(n) for n in range(1, GROUPS * PER_GROUP + 1)]
    for item in items:
        item.state = ACTIVITY_STATE_PUBLISHED
    return items


async def record_joins(store: MatchingStore, joins: list[tuple[str, str, int]]) -> None:
    students = sorted({student for student, _, _ in joins})
    for student in students:
        await store.save_profile(valid_profile(student_id=student), None)
    for student, activity_id, minute in joins:
        await store.record_feedback(
            Feedback(
                student_id=student,
                activity_id=activity_id,
                kind=FEEDBACK_KIND_ENROLLED,
                occurred_at=timestamp(NOW - timedelta(days=3) + timedelta(minutes=minute)),
            )
        )


def grouped_joins(items: list[Activity]) -> list[tuple[str, str, int]]:
    """Each student joins three activities of their group's; only co-joins tell them apart."""
    rng = random.Random(4)
    joins = []
    for s in range(STUDENTS):
        group = items[(s % GROUPS) * PER_GROUP : (s % GROUPS + 1) * PER_GROUP]
        for j, item in enumerate(rng.sample(group, 3)):
            joins.append((f"s{s:03d}", item.id, s + j * 1000))
    return joins


def random_joins(items: list[Activity]) -> list[tuple[str, str, int]]:
    rng = random.Random(5)
    joins = []
    for s in range(STUDENTS):
        for j, item in enumerate(rng.sample(items, 3)):
            joins.append((f"s{s:03d}", item.id, s + j * 1000))
    return joins


async def test_a_refit_adopts_weights_that_find_more_held_back_joins(
    redis_client: Redis,
) -> None:
    """Positive-only feedback (joins alone) on identical activities: the weights in use,
    without the similar-students signal, rank by nothing; validation finds that weighing
    co-joins finds the held-back joins, and adopts it."""
    items = identical_activities()
    store = MatchingStore(redis_client)
    refresher = ModelRefresher(store, index_of(*items), SectionMap())
    assert refresher().state.version == 0
    await record_joins(store, grouped_joins(items))
    adopted_before = metrics.MODEL_REFITS.labels("adopted")._value.get()

    state = await refresher.refresh()

    assert state.version == 1
    assert state.validation is not None and state.validation.adopted
    rates = state.validation.hit_rates
    assert rates[state.validation.chosen] > rates["in_use"]
    assert state.weights.of("similar_students") > 0
    assert refresher().ranker.weights is state.weights
    assert state.feedback_rows == STUDENTS * 3
    assert state.examples > 0 and state.fitted_at is not None
    assert state.tuning is not None and state.collaborative_students == STUDENTS
    assert metrics.MODEL_REFITS.labels("adopted")._value.get() == adopted_before + 1
    assert metrics.MODEL_VERSION._value.get() == 1
    # The similar-students signal now separates the groups for a student of group 0.
    scores = refresher().collaborative.scores_for("s000")
    own = [scores.get(item.id, 0.0) for item in items[:PER_GROUP]]
    other = [scores.get(item.id, 0.0) for item in items[PER_GROUP:]]
    assert sum(own) / len(own) > 1.5 * sum(other) / len(other)


async def test_a_refit_that_finds_nothing_better_keeps_the_weights_in_use(
    redis_client: Redis,
) -> None:
    items = identical_activities()
    store = MatchingStore(redis_client)
    refresher = ModelRefresher(store, index_of(*items), SectionMap())
    in_use = refresher().ranker.weights.without("similar_students")
    await record_joins(store, random_joins(items))
    kept_before = metrics.MODEL_REFITS.labels("kept")._value.get()

    state = await refresher.refresh()

    assert state.validation is not None
    assert state.validation.chosen == "in_use"
    assert not state.validation.adopted
    assert state.weights.values.tolist() == in_use.values.tolist()
    assert state.version == 1  # the collaborative model is refreshed all the same
    assert metrics.MODEL_REFITS.labels("kept")._value.get() == kept_before + 1


async def test_no_feedback_keeps_the_cold_start(redis_client: Redis) -> None:
    refresher = ModelRefresher(MatchingStore(redis_client), index_of(), SectionMap())

    state = await refresher.refresh()

    assert state.version == 0
    assert state.fitted_at is None
