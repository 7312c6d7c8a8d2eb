"""A student's journey end to end: from an activity's publication to the suggestion in the
student's inbox, through the three services as separate processes.

Each round publishes one new activity of ESN Valencia UPV (the catalogue writes it with its
event, the relay publishes the event, matching's reverse matching suggests it to the
student, notify schedules and delivers it) and waits for the item on a WatchInbox stream
opened beforehand. Baseline in the same run: the round trip of a gRPC health check to notify,
the least any observation of the inbox can take.

    .venv/bin/python -m bench.journey
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.harness import BENCH_TOKEN, bench_stack, save, service_process
from services.demo_journey import welcome_activity
from services.matching.demo_profile import demo_profile
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub

ROUNDS = 50
"""Suggestions to one student in one week; notify's weekly budget allows at most 50."""
WARM_UP = 1
"""Rounds not counted: the first one also pays for connections and caches warming up."""
AUTH = (("authorization", f"Bearer {BENCH_TOKEN}"),)


def quantile(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


async def health_round_trips(address: str, count: int) -> list[float]:
    timings = []
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for _ in range(count):
            started = time.perf_counter()
            await stub.Check(health_pb2.HealthCheckRequest())
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def journeys(addresses: dict[str, str]) -> list[float]:
    """Milliseconds from the PublishActivity call to the suggestion pushed to the inbox."""
    now = datetime.now(UTC)
    async with (
        grpc.aio.insecure_channel(addresses["catalogue"]) as catalogue_channel,
        grpc.aio.insecure_channel(addresses["matching"]) as matching_channel,
        grpc.aio.insecure_channel(addresses["notify"]) as notify_channel,
    ):
        activities = CatalogueServiceStub(catalogue_channel)
        notifications = NotifyServiceStub(notify_channel)
        profile = demo_profile(now)
        await MatchingServiceStub(matching_channel).UpsertProfile(
            matching.UpsertProfileRequest(profile=profile), metadata=AUTH
        )
        preferences = notify.Preferences(
            student_id=profile.student_id,
            in_app=True,
            locale="en",
            time_zone="Europe/Madrid",
            frequency=notify.FREQUENCY_INSTANT,
            weekly_suggestion_budget=50,
        )
        await notifications.SetPreferences(
            notify.SetPreferencesRequest(preferences=preferences), metadata=AUTH
        )
        watch = notifications.WatchInbox(
            notify.WatchInboxRequest(student_id=profile.student_id), metadata=AUTH
        )
        await asyncio.sleep(0.5)  # the watch is subscribed
        timings = []
        for round_ in range(ROUNDS):
            details = welcome_activity(now + timedelta(days=3, hours=round_))
            details.title = f"Beach clean-up, shift {round_}"
            created = await activities.CreateActivity(
                catalogue.CreateActivityRequest(details=details), metadata=AUTH
            )
            started = time.perf_counter()
            await activities.PublishActivity(
                catalogue.PublishActivityRequest(activity_id=created.activity.id), metadata=AUTH
            )
            while True:
                pushed = await asyncio.wait_for(watch.read(), 10)
                assert isinstance(pushed, notify.WatchInboxResponse)
                if pushed.item.activity_id == created.activity.id:
                    break
            timings.append((time.perf_counter() - started) * 1000)
        watch.cancel()
    return timings[WARM_UP:]


async def main() -> None:
    os.environ["SE_NOTIFY_UNSUBSCRIBE_SECRET"] = "bench-journey-secret"
    os.environ["SE_MATCHING_WEEKLY_SUGGESTIONS"] = str(ROUNDS * 2)
    os.environ["SE_METRICS_LISTEN"] = "off"
    with bench_stack() as (stack, tokens):
        async with (
            service_process("services.catalogue", "catalogue", stack, tokens) as (catalogue_at, _),
            service_process("services.matching", "matching", stack, tokens) as (matching_at, _),
            service_process("services.notify", "notify", stack, tokens) as (notify_at, _),
        ):
            addresses = {"catalogue": catalogue_at, "matching": matching_at, "notify": notify_at}
            baseline = await health_round_trips(notify_at, 200)
            timings = await journeys(addresses)
    journey_p50, baseline_p50 = quantile(timings, 50), quantile(baseline, 50)
    result = {
        "rounds": ROUNDS - WARM_UP,
        "published_to_inbox_ms": {
            "p50": journey_p50,
            "p99": quantile(timings, 99),
            "max": round(max(timings), 2),
        },
        "baseline_health_check_ms": {"p50": baseline_p50, "p99": quantile(baseline, 99)},
        "p50_ratio_to_baseline": round(journey_p50 / baseline_p50, 1),
    }
    path = save("journey", result)
    print(result)
    print(f"saved {path}")


if __name__ == "__main__":
    asyncio.run(main())
