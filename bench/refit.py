"""Recommend while the model refits, beside Recommend between refits in the same run.

Run: ``python -m bench.refit`` (``--activities``, ``--profiles``, ``--joins``, ``--seconds``).
Matching runs as its own process, refitting every REFIT_EVERY seconds over skewed joins
(one activity holding ~38% of them, a Zipf tail, most students joining once or twice),
recorded through ``RecordFeedbackBatch``. Recommend is called one at a time for a while;
a poller reads ``GetModelState`` and so learns when each refit ran (it finished at
``fitted_at`` and took ``refit_seconds``). Each call is counted as during a refit when it
started inside one of those intervals, otherwise as between refits.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime

import grpc
import nats
import numpy as np
from redis.asyncio import Redis

from bench.harness import BENCH_TOKEN, bench_stack, save, service_process
from bench.ranking import profile_of
from bench.recommend import publish_activities, published, quantile_ms, store_profiles
from services.demo.activities import demo_activities
from services.kernel.sections import load_sections
from services.runtime.streams import provision_streams
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

METADATA = (("authorization", f"Bearer {BENCH_TOKEN}"),)
REFIT_EVERY = 4.0
"""SE_MATCHING_RELEARN_SECONDS of the matching process: the pause between two refits."""
BATCH = 500
HEAD_SHARE = 0.38


def skewed_joins(
    students: list[str], activities: list[str], count: int, seed: int
) -> list[tuple[str, str]]:
    """``count`` distinct (student, activity) joins: a head activity with HEAD_SHARE of them,
    the rest Zipf-distributed over the others; students drawn so most join once or twice."""
    rng = np.random.default_rng(seed)
    tail = 1.0 / np.arange(1, len(activities)) ** 1.1
    tail /= tail.sum()
    student_weights = rng.pareto(1.5, len(students)) + 1.0
    student_weights /= student_weights.sum()
    joins: set[tuple[str, str]] = set()
    while len(joins) < count:
        missing = count - len(joins)
        who = rng.choice(len(students), missing, p=student_weights)
        head = rng.random(missing) < HEAD_SHARE
        what = np.where(head, 0, 1 + rng.choice(len(activities) - 1, missing, p=tail))
        joins.update((students[s], activities[a]) for s, a in zip(who, what, strict=True))
    return sorted(joins)[:count]


async def record(stub: MatchingServiceStub, joins: list[tuple[str, str]]) -> None:
    for start in range(0, len(joins), BATCH):
        items = [
            pb.Feedback(student_id=s, activity_id=a, kind=pb.FEEDBACK_KIND_ENROLLED)
            for s, a in joins[start : start + BATCH]
        ]
        await stub.RecordFeedbackBatch(
            pb.RecordFeedbackBatchRequest(items=items), metadata=METADATA
        )


async def model_state(stub: MatchingServiceStub) -> pb.ModelState:
    reply = await stub.GetModelState(pb.GetModelStateRequest(), metadata=METADATA)
    state: pb.ModelState = reply.state
    return state


async def refitted_over(stub: MatchingServiceStub, rows: int) -> pb.ModelState:
    """The model state, once a refit has read ``rows`` feedback rows."""
    while True:
        state = await model_state(stub)
        if state.feedback_rows >= rows:
            return state
        await asyncio.sleep(0.5)


async def calls_and_refits(
    stub: MatchingServiceStub, students: list[str], seconds: float
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(start, latency) of each Recommend, and (start, end) of each refit, over ``seconds``."""
    calls: list[tuple[float, float]] = []
    refits: dict[int, tuple[float, float]] = {}
    stop = time.time() + seconds

    async def call() -> None:
        n = 0
        while time.time() < stop:
            request = pb.RecommendRequest(student_id=students[n % len(students)], k=10)
            started, clock = time.time(), time.perf_counter()
            await stub.Recommend(request, metadata=METADATA)
            calls.append((started, time.perf_counter() - clock))
            n += 1

    async def poll() -> None:
        while time.time() < stop + REFIT_EVERY * 3:
            state = await model_state(stub)
            end = state.fitted_at.ToDatetime(UTC).timestamp()
            refits[state.version] = (end - state.refit_seconds, end)
            await asyncio.sleep(0.2)

    await asyncio.gather(call(), poll())
    return calls, sorted(refits.values())


def split_calls(
    calls: list[tuple[float, float]], refits: list[tuple[float, float]]
) -> tuple[list[float], list[float]]:
    during: list[float] = []
    between: list[float] = []
    for started, latency in calls:
        inside = any(begin <= started <= end for begin, end in refits)
        (during if inside else between).append(latency)
    return during, between


def figures(latencies: list[float]) -> dict[str, float]:
    return {
        "calls": len(latencies),
        "p50_ms": quantile_ms(latencies, 0.5),
        "p99_ms": quantile_ms(latencies, 0.99),
    }


async def run(
    activities: int, profile_count: int, join_count: int, seconds: float
) -> dict[str, object]:
    now = datetime.now(UTC)
    sections = load_sections()
    rng = random.Random(11)
    catalogue = [published(d, now) for d in demo_activities(sections, activities, today=now.date())]
    profiles = [profile_of(rng, n, rng.choice(sections), now) for n in range(profile_count)]
    students = [p.student_id for p in profiles]
    joins = skewed_joins(students, [a.id for a in catalogue], join_count, seed=11)
    with bench_stack() as (stack, tokens):
        client = await nats.connect(stack.nats_url)
        js = client.jetstream()
        await provision_streams(js)
        redis = Redis.from_url(stack.redis_url)
        await publish_activities(js, catalogue)
        await store_profiles(redis, profiles)
        settings = {"SE_MATCHING_RELEARN_SECONDS": str(REFIT_EVERY)}
        async with service_process(
            "services.matching", "matching", stack, tokens, ready_timeout=900, env=settings
        ) as (address, _):
            channel = grpc.aio.insecure_channel(address)
            stub = MatchingServiceStub(channel)
            await record(stub, joins)
            state = await refitted_over(stub, len(joins))
            calls, refits = await calls_and_refits(stub, students, seconds)
            await channel.close()
        await redis.aclose()
        await client.close()
    during, between = split_calls(calls, refits)
    busy = sum(min(end, calls[-1][0]) - max(begin, calls[0][0]) for begin, end in refits)
    return {
        "activities": activities,
        "profiles": profile_count,
        "joins": len(joins),
        "refit_every_seconds": REFIT_EVERY,
        "refit_seconds": round(state.refit_seconds, 2),
        "refits_in_window": sum(1 for begin, end in refits if end >= calls[0][0]),
        "share_of_window_refitting": round(max(busy, 0.0) / seconds, 2),
        "weights_chosen": state.validation.chosen,
        "collaborative": state.collaborative.settings,
        "during_refit": figures(during),
        "between_refits": figures(between),
        "p99_during_over_between": round(quantile_ms(during, 0.99) / quantile_ms(between, 0.99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--joins", type=int, default=91_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    results = asyncio.run(run(args.activities, args.profiles, args.joins, args.seconds))
    for name in ("between_refits", "during_refit"):
        print(f"Recommend {name.replace('_', ' '):<15} {results[name]}")
    print(
        f"p99 during / between: {results['p99_during_over_between']}; one refit "
        f"{results['refit_seconds']} s, {results['share_of_window_refitting']:.0%} of the window"
    )
    print("saved", save("refit", results))


if __name__ == "__main__":
    main()
