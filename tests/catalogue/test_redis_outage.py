"""The catalogue through a Redis outage: UNAVAILABLE with a retry hint, never INTERNAL."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from tests.catalogue.builders import valid_details
from tests.catalogue.conftest import Catalogue
from tests.conftest import bearer

PLATFORM = bearer("platform")


async def outcome(call: object) -> grpc.StatusCode:
    """The status a call ended with."""
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def retry_delay_seconds(error: grpc.aio.AioRpcError) -> float:
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.RetryInfo()
        if detail.Unpack(info):
            return float(info.retry_delay.ToNanoseconds()) / 1e9
    raise AssertionError("no RetryInfo")


async def test_calls_during_a_redis_outage_are_unavailable_and_recover_without_internal(
    catalogue: Catalogue,
) -> None:
    stub = catalogue.stub
    created = await stub.CreateActivity(
        pb.CreateActivityRequest(details=valid_details()), metadata=PLATFORM
    )
    # Warm the pool: many connections, all idle when Redis goes away.
    await asyncio.gather(
        *(
            stub.GetActivity(
                pb.GetActivityRequest(activity_id=created.activity.id), metadata=PLATFORM
            )
            for _ in range(20)
        )
    )

    catalogue.stack.redis.kill()
    try:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.CreateActivity(
                pb.CreateActivityRequest(details=valid_details()), metadata=PLATFORM
            )
        during = await asyncio.gather(
            *(
                outcome(
                    stub.CreateActivity(
                        pb.CreateActivityRequest(details=valid_details()), metadata=PLATFORM
                    )
                )
                for _ in range(10)
            ),
            *(
                outcome(stub.ListActivities(pb.ListActivitiesRequest(), metadata=PLATFORM))
                for _ in range(10)
            ),
        )
    finally:
        catalogue.stack.redis.start()

    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "Redis" in (raised.value.details() or "")
    assert retry_delay_seconds(raised.value) > 0
    assert set(during) == {grpc.StatusCode.UNAVAILABLE}

    await asyncio.sleep(1.2)  # idle pooled connections are now due for their check
    after = await asyncio.gather(
        *(
            outcome(
                stub.CreateActivity(
                    pb.CreateActivityRequest(details=valid_details()), metadata=PLATFORM
                )
            )
            for _ in range(20)
        ),
        *(
            outcome(
                stub.GetActivity(
                    pb.GetActivityRequest(activity_id=created.activity.id), metadata=PLATFORM
                )
            )
            for _ in range(20)
        ),
    )
    assert set(after) == {grpc.StatusCode.OK}
