"""ListActivities and Recommend as JSON over HTTP through the edge, beside the same calls over
gRPC straight to the services, in the same run on the same data: p50, p99 and throughput at
concurrency 1 and 16, and their ratios (the targets: HTTP p50 at most 1.5 times gRPC's, and
throughput at concurrency 16 at least 0.6 of gRPC's). GetProfile, one Redis read with a
small reply, shows the edge's fixed cost a call (``overhead_ms``: HTTP p50 less gRPC's).

Run: ``python -m bench.http`` (``--activities``, ``--profiles``, ``--calls``). The catalogue,
matching and the edge run as their own processes (``python -m services.edge`` as in
production, Granian included). The HTTP client is pyqwest (Rust, keep-alive connections, the
one connectrpc's client uses), so the client's own cost is close to grpc's C core and the
difference measured is the edge's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import grpc
import httpx
import pyqwest
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
    spawn,
)
from bench.ranking import profile_of
from bench.recommend import store_profiles
from services.catalogue.seed import seed_catalogue
from services.kernel.sections import load_sections
from services.runtime.localstack import LocalStack, free_port
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

METADATA = (("authorization", f"Bearer {BENCH_TOKEN}"),)
HEADERS = {"authorization": f"Bearer {BENCH_TOKEN}", "content-type": "application/json"}
LIST = "/socialerasmus.catalogue.v1.CatalogueService/ListActivities"
RECOMMEND = "/socialerasmus.matching.v1.MatchingService/Recommend"
GET_PROFILE = "/socialerasmus.matching.v1.MatchingService/GetProfile"
TARGETED = ("ListActivities", "Recommend")
"""The calls the targets are set for; GetProfile is measured for the fixed cost."""
PAGE_SIZE = 20
K = 10
WARM_UP_CALLS = 200
Operation = Callable[[int], Awaitable[object]]


@contextlib.asynccontextmanager
async def edge_process(backends: dict[str, str]) -> AsyncIterator[str]:
    """``python -m services.edge`` in front of ``backends``; yields its URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "SE_HTTP_LISTEN": f"127.0.0.1:{port}",
        "SE_LOG_LEVEL": "WARNING",
        **{f"SE_{name.upper()}_ADDRESS": address for name, address in backends.items()},
    }
    process = spawn("services.edge", env)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(150):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{url}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError("the edge did not start")
        yield url
    finally:
        process.terminate()
        process.wait(15)


def posting(client: pyqwest.Client, url: str, bodies: list[bytes]) -> Operation:
    async def call(index: int) -> None:
        reply = await client.post(url, HEADERS, bodies[index % len(bodies)])
        if reply.status != 200:
            raise RuntimeError(f"{url}: {reply.status} {reply.text()}")
        json.loads(reply.content)  # as a platform would read it

    return call


async def pair(name: str, grpc_call: Operation, http_call: Operation, calls: int) -> list[Rate]:
    """Both protocols at concurrency 1 and 16, alternating, after a warm-up of each."""
    await measure("warm-up", grpc_call, WARM_UP_CALLS, 4)
    await measure("warm-up", http_call, WARM_UP_CALLS, 4)
    rates = []
    for concurrency in (1, 16):
        rates.append(await measure(f"grpc {name}", grpc_call, calls, concurrency))
        rates.append(await measure(f"http {name}", http_call, calls, concurrency))
    return rates


async def load(stack: LocalStack, catalogue: str, activities: int, profiles: int) -> list[str]:
    """Demo activities through the catalogue (its events reach matching as in production) and
    volunteer profiles straight into matching's Redis; returns the students."""
    async with grpc.aio.insecure_channel(catalogue) as channel:
        await seed_catalogue(channel, BENCH_TOKEN, activities, datetime.now(UTC).date())
    rng = random.Random(5)
    sections, now = load_sections(), datetime.now(UTC)
    students = [profile_of(rng, n, rng.choice(sections), now) for n in range(profiles)]
    redis = Redis.from_url(stack.redis_url)
    await store_profiles(redis, students)
    await redis.aclose()
    return [student.student_id for student in students]


async def run(activity_count: int, profile_count: int, calls: int) -> dict[str, object]:
    with bench_stack() as (stack, tokens):
        async with service_process("services.catalogue", "catalogue", stack, tokens) as (
            catalogue,
            _,
        ):
            students = await load(stack, catalogue, activity_count, profile_count)
            print(f"loaded {activity_count} activities and {profile_count} profiles")
            async with (
                service_process(
                    "services.matching", "matching", stack, tokens, ready_timeout=300
                ) as (matching, _),
                edge_process({"catalogue": catalogue, "matching": matching}) as url,
                grpc.aio.insecure_channel(catalogue) as catalogue_channel,
                grpc.aio.insecure_channel(matching) as matching_channel,
            ):
                client = pyqwest.Client()
                listing = cat.ListActivitiesRequest(page_size=PAGE_SIZE)
                list_stub = CatalogueServiceStub(catalogue_channel)
                recommend_stub = MatchingServiceStub(matching_channel)

                async def grpc_list(_: int) -> None:
                    await list_stub.ListActivities(listing, metadata=METADATA)

                async def grpc_recommend(index: int) -> None:
                    student = students[index % len(students)]
                    request = pb.RecommendRequest(student_id=student, k=K)
                    await recommend_stub.Recommend(request, metadata=METADATA)

                list_bodies = [json.dumps({"pageSize": PAGE_SIZE}).encode()]
                recommend_bodies = [
                    json.dumps({"studentId": student, "k": K}).encode() for student in students
                ]
                rates = await pair(
                    "ListActivities",
                    grpc_list,
                    posting(client, f"{url}{LIST}", list_bodies),
                    calls,
                )
                rates += await pair(
                    "Recommend",
                    grpc_recommend,
                    posting(client, f"{url}{RECOMMEND}", recommend_bodies),
                    calls,
                )

                async def grpc_profile(index: int) -> None:
                    request = pb.GetProfileRequest(student_id=students[index % len(students)])
                    await recommend_stub.GetProfile(request, metadata=METADATA)

                profile_bodies = [json.dumps({"studentId": s}).encode() for s in students]
                rates += await pair(
                    "GetProfile",
                    grpc_profile,
                    posting(client, f"{url}{GET_PROFILE}", profile_bodies),
                    calls,
                )
    return {
        "activities": activity_count,
        "profiles": profile_count,
        "page_size": PAGE_SIZE,
        "k": K,
        "rates": [as_dict(r) for r in rates],
        "ratios": ratios(rates),
    }


def ratios(rates: list[Rate]) -> dict[str, dict[str, float | bool]]:
    """HTTP over gRPC per RPC: p50 and p99 at concurrency 1 and 16, throughput at 16, and
    what the edge adds to the p50 at concurrency 1, in milliseconds."""
    table = {(r.name, r.concurrency): r for r in rates}
    found: dict[str, dict[str, float | bool]] = {}
    for name in sorted({r.name.split(" ", 1)[1] for r in rates}, key=_in_order):
        over_grpc = {c: table[(f"grpc {name}", c)] for c in (1, 16)}
        over_http = {c: table[(f"http {name}", c)] for c in (1, 16)}
        p50 = {c: round(over_http[c].p50_ms / over_grpc[c].p50_ms, 2) for c in (1, 16)}
        throughput = round(over_http[16].per_second / over_grpc[16].per_second, 2)
        found[name] = {
            "p50_c1": p50[1],
            "p50_c16": p50[16],
            "p99_c1": round(over_http[1].p99_ms / over_grpc[1].p99_ms, 2),
            "throughput_c16": throughput,
            "overhead_ms": round(over_http[1].p50_ms - over_grpc[1].p50_ms, 2),
        }
        if name in TARGETED:
            found[name]["meets_targets"] = p50[1] <= 1.5 and throughput >= 0.6
    return found


def _in_order(name: str) -> tuple[int, str]:
    return (TARGETED.index(name) if name in TARGETED else len(TARGETED), name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    results = asyncio.run(run(args.activities, args.profiles, args.calls))
    print_rates(results["rates"])  # type: ignore[arg-type]
    for name, figures in results["ratios"].items():  # type: ignore[attr-defined]
        print(f"HTTP / gRPC, {name}: {figures}")
    print("saved", save("http", results))


if __name__ == "__main__":
    main()
