"""Importing history through gRPC: profiles and feedback one by one against the bulk calls.

Matching runs as its own process (``python -m services.matching``) over a fresh nats-server
and redis-server. Each round writes its own students, so no round replaces another's
profiles:

- UpsertProfile one by one at concurrency 16 (how a platform would push them without a bulk
  call), then UpsertProfiles in batches of 500 at concurrency 1 and 4;
- RecordFeedback one by one at concurrency 16, then RecordFeedbackBatch likewise.

The one-by-one rounds are the baseline; ratios are items per second of the batched rounds
over it, in the same run. A short warm-up of each call comes first.

    .venv/bin/python -m bench.imports
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import grpc

from bench.harness import BENCH_TOKEN, Rate, bench_stack, measure, save, service_process
from services.matching.limits import BATCH_ITEMS_MAX
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

PROFILES = 6_000
FEEDBACK = 30_000
ONE_BY_ONE_CONCURRENCY = 16
BATCH_CONCURRENCIES = (1, 4)
WARM_UP = 200
AUTH = (("authorization", f"Bearer {BENCH_TOKEN}"),)
ACTIVITY_ID = "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"
"""Feedback names an activity id; matching does not check that the catalogue knows it."""


def profile(student_id: str, now: datetime) -> matching.VolunteerProfile:
    """A profile of about the size a platform sends: languages, interests, skills, a
    sentence of motivation."""
    built = matching.VolunteerProfile(
        student_id=student_id,
        host_section_id="esn-valencia-upv",
        home_country_code="de",
        languages=[
            matching.LanguageSkill(code="en", level=matching.LANGUAGE_LEVEL_C1),
            matching.LanguageSkill(code="es", level=matching.LANGUAGE_LEVEL_A2),
        ],
        interests=[
            matching.CauseInterest(cause=common.CAUSE_CULTURE, weight=0.6),
            matching.CauseInterest(cause=common.CAUSE_SOCIAL_INCLUSION, weight=0.9),
        ],
        skills=["photography", "first aid"],
        motivation="I want to give something back to the city that hosts me this year.",
        max_distance_km=30,
        time_zone="Europe/Madrid",
        suggestions_opt_in=True,
    )
    built.arrival.FromDatetime(now - timedelta(days=10))
    built.departure.FromDatetime(now + timedelta(days=150))
    return built


def feedback(number: int) -> matching.Feedback:
    return matching.Feedback(
        student_id=f"student-{number % 5_000}",
        activity_id=ACTIVITY_ID,
        kind=matching.FEEDBACK_KIND_ENROLLED,
    )


def items_rate(rate: Rate, per_call: int) -> dict[str, object]:
    return {
        "calls": rate.operations,
        "concurrency": rate.concurrency,
        "items_per_call": per_call,
        "seconds": rate.seconds,
        "items_per_second": round(rate.per_second * per_call, 1),
        "call_p50_ms": rate.p50_ms,
        "call_p99_ms": rate.p99_ms,
    }


async def compare(
    name: str,
    total: int,
    one: Callable[[int], Awaitable[object]],
    many: Callable[[range], Awaitable[object]],
) -> dict[str, object]:
    """``one(i)`` for ``total`` items, then ``many(range)`` in batches over as many others."""
    await measure(f"{name} warm-up", one, WARM_UP, ONE_BY_ONE_CONCURRENCY)
    offset = WARM_UP
    single = await measure(name, lambda i: one(offset + i), total, ONE_BY_ONE_CONCURRENCY)
    rounds: dict[str, object] = {"one_by_one": items_rate(single, 1)}
    offset += total
    for concurrency in BATCH_CONCURRENCIES:
        start = offset

        def batch(i: int, start: int = start) -> Awaitable[object]:
            first = start + i * BATCH_ITEMS_MAX
            return many(range(first, first + BATCH_ITEMS_MAX))

        rate = await measure(f"{name} batched", batch, total // BATCH_ITEMS_MAX, concurrency)
        rounds[f"batched_c{concurrency}"] = items_rate(rate, BATCH_ITEMS_MAX)
        offset += total
    baseline = single.per_second
    for key, value in rounds.items():
        if isinstance(value, dict):
            value["ratio_to_one_by_one"] = round(float(value["items_per_second"]) / baseline, 2)
        print(f"{name:<16}{key:<14}{value}")
    return rounds


async def main() -> None:
    now = datetime.now(UTC)
    with bench_stack() as (stack, tokens):
        async with (
            service_process("services.matching", "matching", stack, tokens) as (address, _),
            grpc.aio.insecure_channel(address) as channel,
        ):
            stub = MatchingServiceStub(channel)

            async def upsert(i: int) -> object:
                request = matching.UpsertProfileRequest(profile=profile(f"student-{i}", now))
                return await stub.UpsertProfile(request, metadata=AUTH)

            async def upsert_many(numbers: range) -> object:
                items = [profile(f"student-{i}", now) for i in numbers]
                request = matching.UpsertProfilesRequest(items=items)
                return await stub.UpsertProfiles(request, metadata=AUTH)

            async def record(i: int) -> object:
                request = matching.RecordFeedbackRequest(feedback=feedback(i))
                return await stub.RecordFeedback(request, metadata=AUTH)

            async def record_many(numbers: range) -> object:
                request = matching.RecordFeedbackBatchRequest(items=[feedback(i) for i in numbers])
                return await stub.RecordFeedbackBatch(request, metadata=AUTH)

            profiles = await compare("profiles", PROFILES, upsert, upsert_many)
            recorded = await compare("feedback", FEEDBACK, record, record_many)
    path = save(
        "imports",
        {
            "batch_items": BATCH_ITEMS_MAX,
            "profiles": profiles,
            "feedback": recorded,
        },
    )
    print("saved", path)


if __name__ == "__main__":
    asyncio.run(main())
