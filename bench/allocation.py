"""SocialErasmus Week allocation: the solver at full scale beside a greedy baseline measured in
the same run, and ``AllocateWeek`` end to end through gRPC on the real matching process.

Run: ``python -m bench.allocation`` (``--students 20000 --activities 2000`` for the solver,
``--grpc 20000x2000`` for the editions served through gRPC, ``--network-wide`` to add 100,000 x
10,000 and the network-wide Week of 350,000 x 10,000, ``--before PATH`` to serve the same
editions first from another checkout of the project, for before/after figures in one run).
Each gRPC call reports the matching process's wall and CPU time, peak resident memory, and
the latency of health checks sent meanwhile (the serving loop's pauses), beside that of
health checks sent for 3 s before it (the machine's own latency) and while every page of the
allocation is read back. The solver's instance is
synthetic over the real ESN sections: sections get students and activities in proportion to
a random size, each student gets about 20 candidate activities of their own and the nearest
sections, with a fit mixing cause interest, distance and noise; the Week's activities are
spread over 7 days in 2-4 hour slots (so clashes happen), with capacities summing to about
the number of students. Results go to ``bench/results/allocation.json``. The gRPC editions
are described in :mod:`bench.week_edition`: there candidate generation is the service's own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
import nats
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc
from numpy.typing import NDArray
from redis.asyncio import Redis

from bench.harness import BENCH_TOKEN, bench_stack, resident_mb, save, service_process
from bench.recommend import publish_activities
from bench.week_edition import (
    EDITION,
    week_activities,
    week_profiles,
    write_profiles,
)
from services.kernel import geo
from services.kernel.sections import Section, load_sections
from services.matching.allocation import AllocationResult, Candidate, Slot, allocate
from services.runtime.localstack import LocalStack
from services.runtime.streams import provision_streams
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

WEEK_START = 1_805_155_200  # Monday 2027-03-15 00:00 UTC
CAUSES = 6
POOL = 30
"""A student's candidates are drawn from the nearest POOL activities of their section."""


@dataclass(frozen=True, slots=True)
class Instance:
    slots: list[Slot]
    candidates: list[Candidate]
    sections_used: int


@dataclass(frozen=True, slots=True)
class Greedy:
    objective: float
    students_placed: int
    seconds: float


def distances_km(sections: list[Section]) -> NDArray[np.float64]:
    """Great-circle distances between every two sections."""
    lat = np.array([s.latitude for s in sections])
    lon = np.array([s.longitude for s in sections])
    return geo.distances_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])


def week_slots(rng: np.random.Generator, activities: int, students: int) -> list[Slot]:
    """Activities over 7 days, 2-4 hours from 9:00 to 19:00, capacities summing to ~students."""
    day = rng.integers(0, 7, activities)
    hour = rng.integers(9, 20, activities)
    starts = WEEK_START + day * 86_400 + hour * 3_600
    ends = starts + rng.integers(2, 5, activities) * 3_600
    raw = rng.lognormal(np.log(8), 0.6, activities)
    capacity = np.maximum(1, np.round(raw * students / raw.sum())).astype(int)
    return [
        Slot(f"act-{i:05d}", int(capacity[i]), int(starts[i]), int(ends[i]))
        for i in range(activities)
    ]


def nearby_pools(
    home: NDArray[np.int64], distance: NDArray[np.float64]
) -> tuple[list[NDArray[np.int64]], list[NDArray[np.float64]]]:
    """Per section: the POOL activities of the nearest sections (itself first), with distance."""
    by_section = [np.flatnonzero(home == s) for s in range(len(distance))]
    pools, kms = [], []
    for section in range(len(distance)):
        order = np.argsort(distance[section], kind="stable")
        acts = np.concatenate([by_section[s] for s in order[:60]])[:POOL]
        pools.append(acts)
        kms.append(distance[section, home[acts]])
    return pools, kms


def make_instance(students: int, activities: int, seed: int) -> Instance:
    """The synthetic Week edition described in the module doc."""
    rng = np.random.default_rng(seed)
    sections = load_sections()
    size = rng.lognormal(0, 0.8, len(sections))
    share = size / size.sum()
    activity_home = rng.choice(len(sections), activities, p=share)
    student_home = rng.choice(len(sections), students, p=share)
    slots = week_slots(rng, activities, students)
    cause = rng.integers(0, CAUSES, activities)
    pools, kms = nearby_pools(activity_home, distances_km(sections))
    interest = rng.dirichlet(np.full(CAUSES, 0.7), students)
    candidates: list[Candidate] = []
    for student in range(students):
        pool, km = pools[student_home[student]], kms[student_home[student]]
        count = min(len(pool), int(rng.integers(15, 26)))
        pick = rng.choice(len(pool), count, replace=False)
        acts = pool[pick]
        liking = interest[student, cause[acts]] / interest[student].max()
        nearness = 1.0 / (1.0 + km[pick] / 50.0)
        fit = np.clip(0.5 * liking + 0.3 * nearness + 0.2 * rng.random(count), 0.0, 1.0)
        candidates.extend(
            Candidate(f"stu-{student:06d}", slots[a].activity_id, round(float(f), 6))
            for a, f in zip(acts.tolist(), fit.tolist(), strict=True)
        )
    return Instance(slots, candidates, len(np.unique(activity_home)))


def greedy(slots: list[Slot], candidates: list[Candidate], max_places: int) -> Greedy:
    """Baseline: by decreasing fit, one place per student first, then a second, and so on."""
    started = time.perf_counter()
    by_id = {s.activity_id: s for s in slots}
    left = {s.activity_id: s.capacity for s in slots}
    held: dict[str, list[Slot]] = {}
    ordered = sorted(candidates, key=lambda c: -c.fit)
    objective = 0.0
    for round_ in range(max_places):
        for c in ordered:
            mine = held.setdefault(c.student_id, [])
            slot = by_id[c.activity_id]
            if len(mine) != round_ or left[c.activity_id] == 0 or any(clash(slot, h) for h in mine):
                continue
            mine.append(slot)
            left[c.activity_id] -= 1
            objective += c.fit
    placed = sum(1 for places in held.values() if places)
    return Greedy(objective, placed, time.perf_counter() - started)


def clash(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def check(slots: list[Slot], result: AllocationResult, max_places: int) -> None:
    """The rules, checked outside the solver."""
    by_id = {s.activity_id: s for s in slots}
    load: dict[str, int] = {}
    mine: dict[str, list[Slot]] = {}
    for a in result.assignments:
        load[a.activity_id] = load.get(a.activity_id, 0) + 1
        mine.setdefault(a.student_id, []).append(by_id[a.activity_id])
    assert all(load[k] <= by_id[k].capacity for k in load), "capacity exceeded"
    for places in mine.values():
        assert len(places) <= max_places, "too many places"
        assert not any(clash(x, y) for i, x in enumerate(places) for y in places[i + 1 :])


def run(students: int, activities: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    instance = make_instance(students, activities, seed)
    generate_seconds = time.perf_counter() - started
    runs = []
    for max_places in (1, 2):
        wall = time.perf_counter()
        result = allocate(instance.slots, instance.candidates, max_places)
        wall = time.perf_counter() - wall
        check(instance.slots, result, max_places)
        base = greedy(instance.slots, instance.candidates, max_places)
        runs.append(
            {
                "max_places_per_student": max_places,
                "wall_seconds": round(wall, 3),
                "solve_seconds": round(result.solve_seconds, 3),
                "objective": round(result.objective, 4),
                "students_total": result.students_total,
                "students_placed": result.students_placed,
                "assignments": len(result.assignments),
                "optimality_gap": result.optimality_gap,
                "proven_optimal": result.proven_optimal,
                "rounds": [
                    {
                        "round": r.round,
                        "students": r.students,
                        "placed": r.placed,
                        "placed_bound": r.placed_bound,
                        "fit": round(r.fit, 4),
                        "fit_bound": round(r.fit_bound, 4),
                        "gap": r.gap,
                    }
                    for r in result.rounds
                ],
                "greedy": {
                    "seconds": round(base.seconds, 3),
                    "objective": round(base.objective, 4),
                    "students_placed": base.students_placed,
                },
                "objective_ratio_vs_greedy": round(result.objective / base.objective, 4),
                "placed_ratio_vs_greedy": round(result.students_placed / base.students_placed, 4),
            }
        )
    return {
        "instance": {
            "students": students,
            "activities": activities,
            "candidate_pairs": len(instance.candidates),
            "capacity_total": sum(s.capacity for s in instance.slots),
            "sections_with_activities": instance.sections_used,
            "seed": seed,
            "generate_seconds": round(generate_seconds, 3),
        },
        "runs": runs,
    }


METADATA = (("authorization", f"Bearer {BENCH_TOKEN}"),)
MESSAGE_LIMIT = 64 * 1024 * 1024
"""What the bench's client accepts: the code before paging answered in one message."""


AGAIN_UP_TO = 20_000
"""Editions up to this many students are allocated twice: the first call of a process also
starts its solver's worker (seconds), the second shows a call without that."""
PROBE_SECONDS = 0.05
"""Pause between two health checks sent while AllocateWeek runs."""
PEAK_SAMPLE_SECONDS = 0.2
IDLE_PROBING_SECONDS = 3.0
"""Health checks are sent this long before each AllocateWeek too, the same way: the latency of
a serving loop that waits for nothing, on this machine at this moment (others' work included),
beside which the figures during the call read."""


def children(pid: int) -> list[int]:
    """The processes a process started and that still run (Linux)."""
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except FileNotFoundError:  # it ended meanwhile
        return []


def descendants(pid: int) -> list[int]:
    """The processes a process started, those they started, and so on, that still run."""
    found = children(pid)
    return [*found, *(grandchild for child in found for grandchild in descendants(child))]


def children_peak_mb(pid: int) -> float:
    """Peak resident memory of the processes a process started (the solver's worker), summed."""
    return round(sum(resident_mb(child, "VmHWM") for child in children(pid)), 1)


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of the processes it started (theirs in turn, including those
    that ended and were waited for: the processes finding a Week's candidates), so far."""
    return sum(cpu_seconds(process, reaped=True) for process in [pid, *descendants(pid)])


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User and system CPU time of a process so far (Linux); ``reaped``: with that of its
    children that ended and were waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # it ended meanwhile
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


async def helpers_peak_mb(pid: int, stop: asyncio.Event) -> float:
    """Peak resident memory of the processes the solver's workers start meanwhile (those
    finding a Week's candidates, which end before the call does), summed, sampled every
    :data:`PEAK_SAMPLE_SECONDS` until ``stop``."""
    peaks: dict[int, float] = {}
    while not stop.is_set():
        for worker in children(pid):
            for helper in descendants(worker):
                with contextlib.suppress(FileNotFoundError):
                    peaks[helper] = max(peaks.get(helper, 0.0), resident_mb(helper, "VmHWM"))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PEAK_SAMPLE_SECONDS)
    return round(sum(peaks.values()), 1)


async def probe_idle(channel: grpc.aio.Channel) -> dict[str, float]:
    """:func:`probe_figures` of health checks sent for :data:`IDLE_PROBING_SECONDS`."""
    stop = asyncio.Event()
    probing = asyncio.create_task(probe_meanwhile(channel, stop))
    await asyncio.sleep(IDLE_PROBING_SECONDS)
    stop.set()
    return {f"idle_{name}": value for name, value in probe_figures(await probing).items()}


async def probe_meanwhile(channel: grpc.aio.Channel, stop: asyncio.Event) -> list[float]:
    """Health checks, one at a time, until ``stop``: what the serving loop answers while the
    Week is allocated (each one waits for the loop of the matching process)."""
    health = health_pb2_grpc.HealthStub(channel)
    latencies = []
    while not stop.is_set():
        started = time.perf_counter()
        await health.Check(health_pb2.HealthCheckRequest(), timeout=600)
        latencies.append(time.perf_counter() - started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PROBE_SECONDS)
    return latencies


def probe_figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies) or [0.0]
    return {
        "probes": len(latencies),
        "probe_p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
        "probe_p99_ms": round(ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)] * 1000, 2),
        "probe_max_ms": round(ordered[-1] * 1000, 2),
    }


async def allocate_through_grpc(address: str, pid: int, max_places: int) -> dict[str, object]:
    """One AllocateWeek call, with health checks meanwhile, then every page of the
    allocation it stored."""
    options = [("grpc.max_receive_message_length", MESSAGE_LIMIT)]
    async with grpc.aio.insecure_channel(address, options=options) as channel:
        stub = MatchingServiceStub(channel)
        idle = await probe_idle(channel)
        stop = asyncio.Event()
        probing = asyncio.create_task(probe_meanwhile(channel, stop))
        helpers = asyncio.create_task(helpers_peak_mb(pid, stop))
        cpu = tree_cpu_seconds(pid)
        started = time.perf_counter()
        try:
            reply = await stub.AllocateWeek(
                pb.AllocateWeekRequest(week_edition=EDITION, max_places_per_student=max_places),
                metadata=METADATA,
                timeout=3600,
            )
        except grpc.aio.AioRpcError as error:
            stop.set()
            await helpers
            return {
                "max_places_per_student": max_places,
                "wall_seconds": round(time.perf_counter() - started, 3),
                "error": f"{error.code().name}: {error.details()}",
                "matching_peak_resident_mb": resident_mb(pid, "VmHWM"),
                **probe_figures(await probing),
                **idle,
            }
        wall = time.perf_counter() - started
        cpu = tree_cpu_seconds(pid) - cpu
        stop.set()
        probes = probe_figures(await probing)
        helpers_peak = await helpers
        pages, assignments, token = 1, len(reply.assignments), reply.next_page_token
        stop = asyncio.Event()
        probing = asyncio.create_task(probe_meanwhile(channel, stop))
        started = time.perf_counter()
        while token:
            page = await stub.ListAllocation(
                pb.ListAllocationRequest(allocation_id=reply.allocation_id, page_token=token),
                metadata=METADATA,
            )
            pages += 1
            assignments += len(page.assignments)
            token = page.next_page_token
        paging = time.perf_counter() - started
        stop.set()
        paging_probes = {f"paging_{k}": v for k, v in probe_figures(await probing).items()}
    unplaced = {pb.UnplacedReason.Name(u.reason): u.students for u in reply.unplaced}
    return {
        "max_places_per_student": max_places,
        "wall_seconds": round(wall, 3),
        "matching_cpu_seconds": round(cpu, 1),
        "solve_seconds": reply.solve_seconds,
        "candidate_seconds": reply.candidate_seconds,
        "students_total": reply.students_total,
        "students_placed": reply.students_placed,
        "assignments": assignments,
        "pages": pages,
        "paging_seconds": round(paging, 3),
        "objective": round(reply.objective, 4),
        "proven_optimal": reply.proven_optimal,
        "optimality_gap": reply.optimality_gap,
        "unplaced": unplaced,
        "matching_peak_resident_mb": resident_mb(pid, "VmHWM"),
        "workers_peak_resident_mb": children_peak_mb(pid),
        "helpers_peak_resident_mb": helpers_peak,
        **probes,
        **idle,
        **paging_probes,
    }


@contextlib.asynccontextmanager
async def serving_from(
    tree: Path | None, stack: LocalStack, tokens: Path
) -> AsyncIterator[tuple[str, int]]:
    """The matching process of ``tree`` (another checkout; None: this one): ``python -m``
    puts its working directory first on the import path."""
    here = Path.cwd()
    if tree is not None:
        os.chdir(tree)
    try:
        async with service_process(
            "services.matching", "matching", stack, tokens, ready_timeout=900
        ) as served:
            os.chdir(here)
            yield served
    finally:
        os.chdir(here)


async def grpc_edition(
    students: int, activities: int, seed: int, trees: list[Path | None]
) -> dict[str, object]:
    """The edition served by each tree in turn (None: this one), same data, same stack."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    published = week_activities(activities, students, seed, now)
    profiles = week_profiles(students, published, seed, now)
    generate = time.perf_counter() - started
    print(f"{students} x {activities}: generated in {generate:.1f} s")
    served: dict[str, object] = {}
    with bench_stack() as (stack, tokens):
        client = await nats.connect(stack.nats_url)
        js = client.jetstream()
        await provision_streams(js)
        redis = Redis.from_url(stack.redis_url)
        await publish_activities(js, published)
        await write_profiles(redis, profiles)
        await redis.aclose()
        await client.close()
        for tree in trees:
            name = "after" if tree is None else "before"
            async with serving_from(tree, stack, tokens) as (address, pid):
                runs = [await allocate_through_grpc(address, pid, 1)]
                if students <= AGAIN_UP_TO:
                    runs.append(await allocate_through_grpc(address, pid, 1))
            served[name] = runs
            print(f"  {name}: {runs}")
    return {
        "students": students,
        "activities": activities,
        "capacity_total": sum(a.details.capacity for a in published),
        "seed": seed,
        **served,
    }


def sizes(text: str) -> list[tuple[int, int]]:
    return [
        (int(students), int(activities))
        for students, activities in (size.split("x") for size in text.split(",") if size)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--activities", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--grpc",
        type=sizes,
        default=sizes("20000x2000"),
        help="editions served through gRPC, students x activities (comma-separated)",
    )
    parser.add_argument(
        "--network-wide",
        action="store_true",
        help="add 100000x10000 and the network-wide Week, 350000x10000 (several minutes)",
    )
    parser.add_argument("--before", type=Path, help="another checkout to serve the editions")
    parser.add_argument(
        "--before-max-students",
        type=int,
        default=20_000,
        help="largest edition the --before checkout serves (it may take very long beyond)",
    )
    parser.add_argument("--skip-solver", action="store_true", help="gRPC editions only")
    args = parser.parse_args()
    editions = []
    if args.network_wide:
        args.grpc = [*args.grpc, (100_000, 10_000), (350_000, 10_000)]
    for students, activities in args.grpc:
        trees: list[Path | None] = [None]
        if args.before is not None and students <= args.before_max_students:
            trees = [args.before.resolve(), None]
        editions.append(asyncio.run(grpc_edition(students, activities, args.seed, trees)))
    if args.skip_solver:
        print("saved", save("allocation_grpc", {"grpc": editions}))
        return
    results = run(args.students, args.activities, args.seed)
    results["grpc"] = editions
    print("instance:", results["instance"])
    for r in results["runs"]:  # type: ignore[attr-defined]
        g = r["greedy"]
        print(
            f"max_places={r['max_places_per_student']}: {r['wall_seconds']:.2f} s, "
            f"objective {r['objective']:.1f}, placed {r['students_placed']}/"
            f"{r['students_total']}, gap {r['optimality_gap']:.2e}, "
            f"proven {r['proven_optimal']} | greedy {g['seconds']:.2f} s, "
            f"objective {g['objective']:.1f}, placed {g['students_placed']} | ratio objective "
            f"{r['objective_ratio_vs_greedy']}, placed {r['placed_ratio_vs_greedy']}"
        )
    print("saved", save("allocation", results))


if __name__ == "__main__":
    main()
