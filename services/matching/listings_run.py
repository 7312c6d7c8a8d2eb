"""The listings evaluation's calls to the real services (the protocol is in
:mod:`services.matching.listings_evaluation`).

:func:`embedded_services` starts a fresh nats-server and redis-server on free ports in a
temporary folder, then the catalogue and matching as the run command starts them (each its
own process, bearer tokens from a token file), and stops everything on exit. Settings of the
calling environment (``SE_*``) are not passed on: the services run with their defaults.

:func:`evaluate_listings` runs the protocol, one fresh stack per seed.
:func:`recommend_through_api` publishes the listings as activities of an ESN platform, waits
until matching has indexed them all and asks it for every student's list.

Only an embedded stack is used, never running services: the evaluation publishes hundreds
of activities a real catalogue would show to its students, and a catalogue that already
holds activities would mix them into the lists.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.sections import Section, load_sections
from services.matching.listings_evaluation import (
    STUDENTS_PER_LABEL,
    Listing,
    Listings,
    ListingsError,
    ListingsEvaluation,
    Student,
    activity_description,
    activity_title,
    build_students,
    score_seed,
    split_listings,
)
from services.matching.ranking_metrics import DEFAULT_K
from services.runtime.auth import token_digest
from services.runtime.localstack import free_port, nats_server, redis_server
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_serving,
)
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

SECTION_ID = "esn-valencia-upv"
"""Where every activity takes place and every student lives."""
TIME_ZONE = "Europe/Madrid"
CONCURRENCY = 16
"""Calls in flight at once."""
CALL_TIMEOUT_SECONDS = 30.0
START_TIMEOUT_SECONDS = 60.0
INDEX_TIMEOUT_SECONDS = 300.0
CAPACITY = 1000
STARTS_IN = timedelta(days=30)
"""When every activity starts: well ahead, so none starts during the run."""
DURATION = timedelta(hours=3)
STAYS_FOR = timedelta(days=60)
"""Students leave this long after the run starts: after the activities, before the marker."""
MARKER_STARTS_IN = timedelta(days=90)
PROBE_STUDENT = "listings-probe"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Services:
    catalogue: str
    matching: str
    token: str
    """Bearer token of an ESN platform, which acts for any section and student."""
    logs: Path
    """Where each service's output goes (``matching.log``, ...)."""


@contextlib.asynccontextmanager
async def embedded_services(
    settings: Mapping[str, str] | None = None,
) -> AsyncIterator[Services]:
    """Catalogue and matching on a fresh local stack, stopped (and their data removed) on
    exit; ``settings`` (``SE_*`` variables) add to or override the defaults they run with."""
    with tempfile.TemporaryDirectory(prefix="se-listings-") as folder:
        data = Path(folder)
        token = secrets.token_urlsafe(24)
        tokens = data / "tokens.json"
        entry = {"sha256": token_digest(token), "role": "platform", "name": "Evaluation"}
        tokens.write_text(json.dumps({"tokens": [entry]}))
        servers = [nats_server(data, free_port()), redis_server(data, free_port())]
        processes = []
        try:
            for server in servers:
                server.start()
            nats, redis = servers
            env = {name: value for name, value in os.environ.items() if not name.startswith("SE_")}
            env |= {
                "SE_NATS_URL": f"nats://127.0.0.1:{nats.port}",
                "SE_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
                "SE_TOKENS_FILE": str(tokens),
                "SE_LOCAL_DIR": str(data),
                "SE_LOG_LEVEL": "WARNING",
                "SE_METRICS_LISTEN": "off",
                **(settings or {}),
            }
            services = [
                ServiceProcess("catalogue", "services.catalogue", free_port()),
                ServiceProcess("matching", "services.matching", free_port()),
            ]
            processes += [start_service(s, env, data / "logs") for s in services]
            for service in services:
                if not await wait_until_serving(service.address, START_TIMEOUT_SECONDS):
                    log = (data / "logs" / f"{service.name}.log").read_text(errors="replace")
                    raise RuntimeError(f"{service.name} did not start:\n{log[-2000:]}")
            yield Services(services[0].address, services[1].address, token, data / "logs")
        finally:
            stop_processes(processes)
            for server in reversed(servers):
                server.stop()


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def section_of_evaluation() -> Section:
    (section,) = [s for s in load_sections() if s.section_id == SECTION_ID]
    return section


def activity_details(
    title: str, description: str, starts: datetime, section: Section
) -> catalogue.ActivityDetails:
    """An activity that differs from the others only in ``title`` and ``description``."""
    return catalogue.ActivityDetails(
        title=title,
        description=description,
        type=catalogue.ACTIVITY_TYPE_VOLUNTEERING,
        causes=[cause for cause in common.Cause.values() if cause],
        section_id=section.section_id,
        starts_at=_stamp(starts),
        ends_at=_stamp(starts + DURATION),
        time_zone=TIME_ZONE,
        location=common.Location(
            city=section.city,
            country_code=section.country_code,
            coordinates=common.GeoPoint(latitude=section.latitude, longitude=section.longitude),
        ),
        capacity=CAPACITY,
        languages=["en"],
    )


def student_profile(
    student_id: str, motivation: str, arrival: datetime, departure: datetime, section: Section
) -> matching.VolunteerProfile:
    """A profile that differs from the others only in ``motivation``: no causes or skills,
    English, available any time, travelling as far as matching allows."""
    profile = matching.VolunteerProfile(
        student_id=student_id,
        host_section_id=section.section_id,
        languages=[matching.LanguageSkill(code="en", level=matching.LANGUAGE_LEVEL_C1)],
        motivation=motivation,
        max_distance_km=500,
        time_zone=TIME_ZONE,
        home_location=common.GeoPoint(latitude=section.latitude, longitude=section.longitude),
    )
    profile.arrival.CopyFrom(_stamp(arrival))
    profile.departure.CopyFrom(_stamp(departure))
    return profile


async def bounded(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Every call, at most CONCURRENCY at once, results in order."""
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Awaitable[T]) -> T:
        async with limit:
            return await call

    return list(await asyncio.gather(*(one(call) for call in calls)))


class Calls:
    """The calls an evaluation makes, as an ESN platform, with its deadline."""

    def __init__(
        self,
        services: Services,
        catalogue_channel: grpc.aio.Channel,
        matching_channel: grpc.aio.Channel,
    ) -> None:
        self.activities = CatalogueServiceStub(catalogue_channel)
        self.matching = MatchingServiceStub(matching_channel)
        self.metadata = (("authorization", f"Bearer {services.token}"),)

    @classmethod
    @contextlib.asynccontextmanager
    async def to(cls, services: Services) -> AsyncIterator[Calls]:
        async with (
            grpc.aio.insecure_channel(services.catalogue) as catalogue_channel,
            grpc.aio.insecure_channel(services.matching) as matching_channel,
        ):
            yield cls(services, catalogue_channel, matching_channel)

    async def create(self, details: catalogue.ActivityDetails) -> str:
        created = await self.activities.CreateActivity(
            catalogue.CreateActivityRequest(details=details),
            metadata=self.metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return str(created.activity.id)

    async def publish(self, activity_id: str) -> None:
        await self.activities.PublishActivity(
            catalogue.PublishActivityRequest(activity_id=activity_id),
            metadata=self.metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )

    async def upsert(self, profile: matching.VolunteerProfile) -> None:
        await self.matching.UpsertProfile(
            matching.UpsertProfileRequest(profile=profile),
            metadata=self.metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )

    async def recommend(
        self, student_id: str, size: int, only: matching.RecommendFilter | None = None
    ) -> list[str]:
        reply = await self.matching.Recommend(
            matching.RecommendRequest(student_id=student_id, k=size, filter=only),
            metadata=self.metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return [found.activity.id for found in reply.recommendations]


async def publish_indexed(
    calls: Calls, details: Sequence[catalogue.ActivityDetails], now: datetime
) -> list[str]:
    """Creates and publishes the activities, one at a time in their order, and returns their
    ids once matching has indexed them all.

    Matching indexes activities from the catalogue's events, in the order the catalogue
    recorded them. So after them one more activity, the *marker*, is published, starting
    after students staying STAYS_FOR have left (so never suggested to them); the index holds
    every activity once a probe student, staying longer, is recommended the marker.
    """
    section = section_of_evaluation()
    last_end = max(d.ends_at.ToDatetime(tzinfo=UTC) for d in details)
    marker_starts = max(last_end, now + MARKER_STARTS_IN)
    ids = await bounded(calls.create(d) for d in details)
    marker = await calls.create(
        activity_details("Evaluation marker", "Published last.", marker_starts, section)
    )
    # One at a time: matching indexes them in this order, which then breaks its ties
    # as the baselines break theirs, and the same from one run to the next.
    for activity_id in [*ids, marker]:
        await calls.publish(activity_id)
    stays = marker_starts + MARKER_STARTS_IN
    await calls.upsert(student_profile(PROBE_STUDENT, "", now - timedelta(days=1), stays, section))
    after_the_rest = matching.RecommendFilter(starts_after=_stamp(last_end))
    deadline = asyncio.get_running_loop().time() + INDEX_TIMEOUT_SECONDS
    while marker not in await calls.recommend(PROBE_STUDENT, 1, after_the_rest):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("matching did not index the published activities in time")
        await asyncio.sleep(0.2)
    return ids


async def recommend_through_api(
    services: Services,
    published: Sequence[Listing],
    students: Sequence[Student],
    k: int,
    now: datetime | None = None,
) -> list[list[str]]:
    """Each student's top ``k`` from Recommend, as keys of ``published`` listings (an id of
    anything else is kept as is: it matches no listing). The listings are published as
    :func:`publish_indexed` does."""
    now = now or datetime.now(UTC)
    section = section_of_evaluation()
    starts = (now + STARTS_IN).replace(minute=0, second=0, microsecond=0)
    async with Calls.to(services) as calls:
        details = [
            activity_details(
                activity_title(listing), activity_description(listing), starts, section
            )
            for listing in published
        ]
        ids = await publish_indexed(calls, details, now)
        arrival, departure = now - timedelta(days=1), now + STAYS_FOR
        await bounded(
            calls.upsert(
                student_profile(student.student_id, student.motivation, arrival, departure, section)
            )
            for student in students
        )
        lists = await bounded(calls.recommend(student.student_id, k) for student in students)
    key_of = {activity_id: listing.key for activity_id, listing in zip(ids, published, strict=True)}
    return [[key_of.get(activity_id, activity_id) for activity_id in items] for items in lists]


async def evaluate_listings(
    listings: Listings,
    seeds: Sequence[int],
    *,
    k: int = DEFAULT_K,
    students_per_label: int = STUDENTS_PER_LABEL,
    progress: Callable[[str], None] | None = None,
) -> ListingsEvaluation:
    """The protocol on ``listings`` for each seed, each on services started afresh."""
    results = []
    for seed in seeds:
        split = split_listings(listings.items, seed)
        students = build_students(split, listings.label_columns, per_label=students_per_label)
        if not students:
            raise ListingsError(f"seed {seed}: no label has enough listings in the pool")
        if progress is not None:
            progress(
                f"seed {seed}: publishing {len(split.published)} activities, "
                f"recommending to {len(students)} students"
            )
        started = time.perf_counter()
        async with embedded_services() as services:
            api_lists = await recommend_through_api(services, split.published, students, k)
        results.append(score_seed(split, students, api_lists, k, time.perf_counter() - started))
    return ListingsEvaluation(
        k=k,
        listings=len(listings.items),
        text_columns=listings.text_columns,
        label_columns=listings.label_columns,
        students_per_label=students_per_label,
        seeds=tuple(results),
    )
