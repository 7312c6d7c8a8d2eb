"""GetModelState through gRPC: what ranking model serves, told to platforms and operators."""

from __future__ import annotations

import random

import grpc
import pytest

from socialerasmus.matching.v1 import matching_pb2 as pb
from tests.conftest import bearer
from tests.matching.builders import valid_profile
from tests.matching.conftest import Services
from tests.matching.test_service import eventually, now, publish

PLATFORM = bearer("platform")
OPERATOR = bearer("operator")
STUDENT = bearer("student")


@pytest.fixture
def quick_refits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SE_MATCHING_RELEARN_SECONDS", "0.5")


async def model_state(services: Services) -> pb.ModelState:
    reply = await services.matching.GetModelState(pb.GetModelStateRequest(), metadata=OPERATOR)
    state: pb.ModelState = reply.state
    return state


async def test_the_cold_start_is_version_zero_and_students_may_not_ask(
    services: Services,
) -> None:
    state = await model_state(services)

    assert state.version == 0
    assert not state.HasField("fitted_at")
    assert not state.HasField("validation")
    assert sum(state.weights.values()) == pytest.approx(1.0)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await services.matching.GetModelState(pb.GetModelStateRequest(), metadata=STUDENT)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_refit_over_joins_is_told_with_its_validation(
    quick_refits: None, services: Services
) -> None:
    activities = [await publish(services, title=f"Beach clean-up {n}") for n in range(12)]
    students = [f"s{n:02d}" for n in range(60)]
    await services.matching.UpsertProfiles(
        pb.UpsertProfilesRequest(items=[valid_profile(now(), student_id=s) for s in students]),
        metadata=PLATFORM,
    )
    rng = random.Random(3)
    joins = [
        pb.Feedback(student_id=s, activity_id=a.id, kind=pb.FEEDBACK_KIND_ENROLLED)
        for n, s in enumerate(students)
        for a in rng.sample(activities[(n % 2) * 6 : (n % 2) * 6 + 6], 2)
    ]
    await services.matching.RecordFeedbackBatch(
        pb.RecordFeedbackBatchRequest(items=joins), metadata=PLATFORM
    )

    async def refitted() -> pb.ModelState | None:
        state = await model_state(services)
        return state if state.feedback_rows == len(joins) else None

    state = await eventually(refitted, timeout=30.0)
    assert state is not None
    assert state.version >= 1
    assert state.HasField("fitted_at")
    assert state.validation.metric == "hit_rate_at_10"
    assert state.validation.chosen in state.validation.candidates
    assert "in_use" in state.validation.candidates
    assert state.validation.adopted == (state.validation.chosen != "in_use")
    assert state.collaborative.students == len(students)
    assert state.collaborative.activities == len(activities)
    assert state.collaborative.settings
    assert state.examples > 0
    assert sum(state.weights.values()) == pytest.approx(1.0)
