"""Enrolments per second through the gRPC API, beside raw Redis round trips (the floor).

Run: ``make bench`` (or ``python -m bench.enrolments --students 4000``). The catalogue runs
as its own process over real nats-server and redis-server started in a temp folder.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

import grpc
from redis.asyncio import Redis

from bench.harness import (
    BENCH_TOKEN,
    Rate,
    as_dict,
    bench_stack,
    measure,
    print_rates,
    save,
    service_process,
)
from services.demo.activities import demo_activities
from services.kernel.sections import load_sections
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub

METADATA = (("authorization", f"Bearer {BENCH_TOKEN}"),)
CONCURRENCY = (1, 16, 64)


async def open_activities(stub: CatalogueServiceStub, count: int) -> list[str]:
    today = datetime.now(UTC).date() + timedelta(days=1)
    ids = []
    for details in demo_activities(load_sections(), count, today=today):
        details.capacity = 10_000
        created = await stub.CreateActivity(
            pb.CreateActivityRequest(details=details), metadata=METADATA
        )
        await stub.PublishActivity(
            pb.PublishActivityRequest(activity_id=created.activity.id), metadata=METADATA
        )
        ids.append(created.activity.id)
    return ids


async def run(students: int) -> dict[str, object]:
    with bench_stack() as (stack, tokens):
        async with service_process("services.catalogue", "catalogue", stack, tokens) as (
            address,
            _,
        ):
            redis = Redis.from_url(stack.redis_url)
            channel = grpc.aio.insecure_channel(address)
            stub = CatalogueServiceStub(channel)
            activity_ids = await open_activities(stub, len(CONCURRENCY))
            rates: list[Rate] = []
            for activity_id, concurrency in zip(activity_ids, CONCURRENCY, strict=True):
                rates.append(
                    await measure("redis PING", lambda _: redis.ping(), students, concurrency)
                )

                async def enrol(index: int, activity_id: str = activity_id) -> None:
                    await stub.EnrolStudent(
                        pb.EnrolStudentRequest(activity_id=activity_id, student_id=f"s{index}"),
                        metadata=METADATA,
                    )

                rates.append(await measure("grpc EnrolStudent", enrol, students, concurrency))
            await channel.close()
            await redis.aclose()
    table = {(r.name, r.concurrency): r for r in rates}
    ratios = {
        f"c{c}": round(
            table[("redis PING", c)].per_second / table[("grpc EnrolStudent", c)].per_second, 2
        )
        for c in CONCURRENCY
    }
    return {
        "students_per_run": students,
        "rates": [as_dict(r) for r in rates],
        "redis_ping_per_enrolment": ratios,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=3000)
    args = parser.parse_args()
    results = asyncio.run(run(args.students))
    print_rates(results["rates"])  # type: ignore[arg-type]
    print("Redis PINGs per enrolment (same concurrency):", results["redis_ping_per_enrolment"])
    print("saved", save("enrolments", results))


if __name__ == "__main__":
    main()
