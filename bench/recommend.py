"""Recommend through gRPC over 100,000 activities and 100,000 profiles, beside an empty
gRPC call (the health check) measured in the same run; start-up by replaying the stream and,
for a second replica, from the snapshot the first saved; resident memory, and index freshness
(activity published to first recommendable). The measurements start once the snapshot is
stored and reverse matching has suggested every published activity, so that neither one-off
weighs on them.

Two more calls, in the same run, split the way from the empty call to Recommend: GetProfile
(authorisation, validation and one Redis read, the part every RPC of the service pays) and a
Recommend with a filter no activity passes (a start after the year 9000): the same request,
profile and exclusions read, the student turned into arrays and the candidates found, but
nothing left to score, diversify or explain. What Recommend costs beyond that is the ranking of
its candidates.

Run: ``python -m bench.recommend`` (``--activities``, ``--profiles`` to change sizes). The
catalogue's events are published straight to JetStream, as the catalogue's relay would, so
the matching process under test replays them exactly as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import grpc
import nats
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.js import JetStreamContext
from redis.asyncio import Redis
from ulid import ULID

from bench.harness import (
    BENCH_TOKEN,
    as_dict,
    bench_stack,
    measure,
    print_rates,
    resident_mb,
    save,
    service_process,
)
from bench.ranking import profile_of
from services.catalogue import events as catalogue_events
from services.demo.activities import demo_activities
from services.kernel.sections import load_sections
from services.matching.snapshots import SnapshotStore
from services.matching.store import MatchingStore
from services.runtime.bus import publish
from services.runtime.streams import provision_streams
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

METADATA = (("authorization", f"Bearer {BENCH_TOKEN}"),)
CHUNK = 1000
PROFILE_CHUNK = 50  # concurrent MULTI/EXEC blocks, each holding a pooled connection
FRESHNESS_TRIALS = 40
Operation = Callable[[int], Awaitable[object]]
NOTHING_PASSES = pb.RecommendFilter(
    starts_after=Timestamp(seconds=int(datetime(9000, 1, 1, tzinfo=UTC).timestamp()))
)
"""A filter that leaves no activity: the fixed part of a Recommend, without ranking."""


def published(details: cat.ActivityDetails, now: datetime) -> cat.Activity:
    activity = cat.Activity(
        id=str(ULID()),
        details=details,
        state=cat.ACTIVITY_STATE_PUBLISHED,
        version=2,
        seats_left=details.capacity,
    )
    activity.published_at.FromDatetime(now)
    return activity


async def publish_activities(js: JetStreamContext, activities: list[cat.Activity]) -> None:
    for start in range(0, len(activities), CHUNK):
        chunk = activities[start : start + CHUNK]
        await asyncio.gather(*(publish(js, catalogue_events.activity_published(a)) for a in chunk))


async def store_profiles(redis: Redis, profiles: list[pb.VolunteerProfile]) -> None:
    store = MatchingStore(redis)
    for start in range(0, len(profiles), PROFILE_CHUNK):
        chunk = profiles[start : start + PROFILE_CHUNK]
        await asyncio.gather(*(store.save_profile(p, None) for p in chunk))


def fresh_activity(now: datetime, trial: int) -> cat.Activity:
    """An online activity alone in its own hour, so a filtered Recommend finds only it."""
    starts = now + timedelta(days=20, hours=trial)
    details = demo_activities(load_sections()[:1], 1, today=now.date())[0]
    details.location.Clear()
    details.location.online = True
    details.languages[:] = ["en"]
    details.week_edition = ""
    details.starts_at.FromDatetime(starts)
    details.ends_at.FromDatetime(starts + timedelta(minutes=30))
    return published(details, now)


async def freshness(
    js: JetStreamContext, stub: MatchingServiceStub, student: str, now: datetime
) -> list[float]:
    """Seconds from a publish acknowledged by JetStream to the first Recommend showing it."""
    delays = []
    for trial in range(FRESHNESS_TRIALS):
        activity = fresh_activity(now, trial)
        window = pb.RecommendFilter(
            starts_after=activity.details.starts_at, starts_before=activity.details.ends_at
        )
        request = pb.RecommendRequest(student_id=student, k=1, filter=window)
        await publish(js, catalogue_events.activity_published(activity))
        started = time.perf_counter()
        while True:
            reply = await stub.Recommend(request, metadata=METADATA)
            if reply.recommendations:
                break
            if time.perf_counter() - started > 10:
                raise RuntimeError("activity never became recommendable")
        delays.append(time.perf_counter() - started)
    return delays


async def stored_snapshot(js: JetStreamContext) -> float:
    """Seconds until the replica has stored a snapshot of everything in the stream (the
    measurements wait for it, so that saving it does not weigh on them)."""
    started = time.perf_counter()
    last = (await js.stream_info("CATALOGUE")).state.last_seq
    store = SnapshotStore(js)
    while True:
        header = await store.stored_header()
        if header is not None and header.sequence >= last:
            break
        await asyncio.sleep(0.5)
    return round(time.perf_counter() - started, 1)


async def drained_reverse_matching(js: JetStreamContext) -> float:
    """Seconds until reverse matching has worked through every activity the bench published
    (suggesting each to the students it suits): a one-off after a bulk load, which the
    measurements wait for as they wait for the snapshot."""
    started = time.perf_counter()
    while True:
        info = await js.consumer_info("CATALOGUE", "matching-reverse")
        if info.num_pending == 0 and info.num_ack_pending == 0:
            break
        await asyncio.sleep(1.0)
    return round(time.perf_counter() - started, 1)


def calls_of(channel: grpc.aio.Channel, students: list[str]) -> dict[str, Operation]:
    """The calls measured, by name, from the cheapest to Recommend; call ``n`` asks for
    student ``n`` (modulo their number)."""
    stub = MatchingServiceStub(channel)
    health = health_pb2_grpc.HealthStub(channel)

    async def empty_call(_: int) -> None:
        await health.Check(health_pb2.HealthCheckRequest())

    async def get_profile(index: int) -> None:
        request = pb.GetProfileRequest(student_id=students[index % len(students)])
        await stub.GetProfile(request, metadata=METADATA)

    def recommending(filter: pb.RecommendFilter | None) -> Operation:
        async def recommend(index: int) -> None:
            student = students[index % len(students)]
            request = pb.RecommendRequest(student_id=student, k=10, filter=filter)
            await stub.Recommend(request, metadata=METADATA)

        return recommend

    return {
        "grpc health Check": empty_call,
        "grpc GetProfile": get_profile,
        "grpc Recommend, nothing passes": recommending(NOTHING_PASSES),
        "grpc Recommend": recommending(None),
    }


def quantile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000, 2)


async def run(activity_count: int, profile_count: int, calls: int) -> dict[str, object]:
    now = datetime.now(UTC)
    sections = load_sections()
    rng = random.Random(3)
    started = time.perf_counter()
    activities = [
        published(d, now) for d in demo_activities(sections, activity_count, today=now.date())
    ]
    profiles = [profile_of(rng, n, rng.choice(sections), now) for n in range(profile_count)]
    fresh_student = profile_of(rng, profile_count, sections[0], now)
    fresh_student.student_id = "fresh-student"
    fresh_student.ClearField("weekly_availability")
    fresh_student.departure.FromDatetime(now + timedelta(days=200))
    print(f"generated data in {time.perf_counter() - started:.1f} s")
    with bench_stack() as (stack, tokens):
        client = await nats.connect(stack.nats_url)
        js = client.jetstream()
        await provision_streams(js)
        redis = Redis.from_url(stack.redis_url)
        started = time.perf_counter()
        await publish_activities(js, activities)
        await store_profiles(redis, [*profiles, fresh_student])
        print(f"loaded data in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        async with service_process(
            "services.matching", "matching", stack, tokens, ready_timeout=900
        ) as (address, pid):
            replay_seconds = round(time.perf_counter() - started, 1)
            print(f"matching ready (index replayed) in {replay_seconds} s")
            snapshot_seconds = await stored_snapshot(js)
            print(f"index snapshot stored {snapshot_seconds} s after ready")
            reverse_seconds = await drained_reverse_matching(js)
            print(f"reverse matching of the published activities done {reverse_seconds} s later")
            channel = grpc.aio.insecure_channel(address)
            operations = calls_of(channel, [p.student_id for p in profiles])
            await measure("warm-up", operations["grpc Recommend"], 200, 4)
            rates = [
                await measure(name, operation, calls, concurrency)
                for concurrency in (1, 16)
                for name, operation in operations.items()
            ]
            delays = await freshness(js, MatchingServiceStub(channel), "fresh-student", now)
            memory = resident_mb(pid)
            await channel.close()
        started = time.perf_counter()
        async with service_process(
            "services.matching", "matching", stack, tokens, ready_timeout=900
        ):
            restart_seconds = round(time.perf_counter() - started, 1)
            print(f"a second replica ready (from the snapshot) in {restart_seconds} s")
        await redis.aclose()
        await client.close()
    table = {(r.name, r.concurrency): r for r in rates}
    return {
        "activities": activity_count,
        "profiles": profile_count,
        "index_replay_seconds": replay_seconds,
        "ready_from_snapshot_seconds": restart_seconds,
        "snapshot_stored_after_ready_seconds": snapshot_seconds,
        "reverse_matching_done_after_snapshot_seconds": reverse_seconds,
        "matching_resident_mb": memory,
        "rates": [as_dict(r) for r in rates],
        "recommend_p50_over_empty_call_p50": {
            f"c{c}": round(
                table[("grpc Recommend", c)].p50_ms / table[("grpc health Check", c)].p50_ms, 2
            )
            for c in (1, 16)
        },
        "p50_over_empty_call_p50_c1": {
            name: round(table[(name, 1)].p50_ms / table[("grpc health Check", 1)].p50_ms, 2)
            for name in ("grpc GetProfile", "grpc Recommend, nothing passes", "grpc Recommend")
        },
        "freshness_ms": {"p50": quantile_ms(delays, 0.5), "p99": quantile_ms(delays, 0.99)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    results = asyncio.run(run(args.activities, args.profiles, args.calls))
    print_rates(results["rates"])  # type: ignore[arg-type]
    print("Recommend p50 / empty call p50:", results["recommend_p50_over_empty_call_p50"])
    print("p50 / empty call p50 at c=1:", results["p50_over_empty_call_p50_c1"])
    print("index freshness (publish to recommendable):", results["freshness_ms"])
    print("matching resident memory (MiB):", results["matching_resident_mb"])
    print(
        f"ready after replaying the stream {results['index_replay_seconds']} s,"
        f" from the snapshot {results['ready_from_snapshot_seconds']} s"
    )
    print("saved", save("recommend", results))


if __name__ == "__main__":
    main()
