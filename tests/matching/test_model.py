"""The live model refits from the feedback recorded in Redis."""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis

from services.matching.model import ModelRefresher
from services.matching.nearby import SectionMap
from services.matching.store import MatchingStore
from socialerasmus.catalogue.v1.catalogue_pb2 import ACTIVITY_STATE_PUBLISHED
from socialerasmus.common.v1.common_pb2 import CAUSE_CULTURE, CAUSE_ENVIRONMENTAL_SUSTAINABILITY
from socialerasmus.matching.v1.matching_pb2 import (
    FEEDBACK_KIND_ENROLLED,
    FEEDBACK_KIND_SHOWN,
    Feedback,
)
from tests.catalogue.builders import timestamp
from tests.matching.builders import NOW, activity, index_of, valid_profile


async def test_refresh_learns_weights_and_co_enrolment_from_feedback(
    redis_client: Redis,
) -> None:
    """With enough shown/enrolled feedback the weights are no longer the cold start."""
    green = [activity(n, causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY]) for n in range(1, 6)]
    culture = [activity(n, causes=[CAUSE_CULTURE]) for n in range(6, 11)]
    for item in green + culture:
        item.state = ACTIVITY_STATE_PUBLISHED
    index = index_of(*green, *culture)
    store = MatchingStore(redis_client)
    refresher = ModelRefresher(store, index, SectionMap())
    cold = refresher().ranker.weights
    assert cold.learned_from == 0

    for s in range(12):
        student = f"s{s}"
        await store.save_profile(valid_profile(student_id=student), None)
        for n, item in enumerate(green + culture):
            at = timestamp(NOW + timedelta(minutes=s * 20 + n))
            await store.record_feedback(
                Feedback(
                    student_id=student,
                    activity_id=item.id,
                    kind=FEEDBACK_KIND_SHOWN,
                    occurred_at=at,
                )
            )
            if item in green:
                await store.record_feedback(
                    Feedback(
                        student_id=student,
                        activity_id=item.id,
                        kind=FEEDBACK_KIND_ENROLLED,
                        occurred_at=at,
                    )
                )

    await refresher.refresh()
    learned = refresher().ranker.weights
    assert learned.learned_from > 0
    assert learned.of("cause") > 0
    assert refresher().collaborative.knows("s0")
