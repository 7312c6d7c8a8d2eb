"""Scale-out on one machine: a 3-node JetStream cluster, two replicas of every service, and
a burst of publications and enrolments during which one NATS node and one replica each of
the catalogue and notify are killed.

Shown: every acknowledged enrolment is in the catalogue and produced exactly one event in
the replicated stream (no loss, no duplicate), every student got exactly one message per
enrolment outcome, and the survivors kept serving. The figures are printed (``-s``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import grpc
import nats
import pytest
from nats.js.api import StreamConfig

from services.runtime.localstack import LocalServer, free_port, nats_server
from services.runtime.processes import ServiceProcess, start_service, wait_until_serving
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, channel_to
from tests.test_journey import beach_clean_up

PLATFORM = bearer("platform")
COORDINATOR = bearer("coordinator")
STUDENTS = [f"student-{n:02d}" for n in range(24)]
ACTIVITIES = 8
CAPACITY = 6
Reply = TypeVar("Reply")


@dataclass
class Cluster:
    nodes: list[LocalServer]

    @property
    def urls(self) -> str:
        return ",".join(f"nats://127.0.0.1:{node.port}" for node in self.nodes)


@contextmanager
def nats_cluster(data_dir: Path, size: int = 3) -> Iterator[Cluster]:
    ports = [free_port() for _ in range(size)]
    routes = [free_port() for _ in range(size)]
    nodes = []
    for n in range(size):
        others = ",".join(f"nats://127.0.0.1:{p}" for i, p in enumerate(routes) if i != n)
        extra = ["-n", f"nats-{n}", "--cluster_name", "se", "--cluster"]
        extra += [f"nats://127.0.0.1:{routes[n]}", "--routes", others]
        nodes.append(nats_server(data_dir / f"nats-{n}", ports[n], extra))
    try:
        for node in nodes:
            node.start()
        yield Cluster(nodes)
    finally:
        for node in nodes:
            node.stop()


async def until_jetstream_clustered(urls: str, timeout: float = 30.0) -> None:
    """Until a stream with three replicas can be made (the meta leader and all peers are up)."""
    client = await nats.connect(servers=urls.split(","))
    js = client.jetstream()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                await js.add_stream(StreamConfig(name="PROBE", subjects=["probe"], num_replicas=3))
                await js.delete_stream("PROBE")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.25)
    finally:
        await client.close()


@dataclass
class Replica:
    name: str
    address: str
    process: subprocess.Popen[bytes]


@dataclass
class Product:
    replicas: dict[str, list[Replica]]
    cluster: Cluster
    nats_urls: str
    retried: Counter[str] = field(default_factory=Counter)

    def alive(self, service: str) -> list[Replica]:
        return [r for r in self.replicas[service] if r.process.poll() is None]

    async def call(
        self, service: str, attempt: Callable[[grpc.aio.Channel], Awaitable[Reply]]
    ) -> Reply:
        """Calls some live replica, moving on to another one while a call is refused or
        cut off, as a load balancer in front of the replicas would; gives up after 60 s."""
        deadline = time.monotonic() + 60
        n = 0
        while True:
            replicas = self.alive(service)
            replica = replicas[n % len(replicas)]
            n += 1
            try:
                async with channel_to(replica.address) as channel:
                    return await attempt(channel)
            except grpc.aio.AioRpcError as error:
                retryable = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}
                if error.code() not in retryable or time.monotonic() > deadline:
                    raise
                self.retried[service] += 1
                await asyncio.sleep(0.1)


@pytest.fixture
async def product(clean_stack: Stack, tmp_path: Path) -> AsyncIterator[Product]:
    with nats_cluster(tmp_path) as cluster:
        await until_jetstream_clustered(cluster.urls)
        env = {
            **os.environ,
            "SE_NATS_URL": cluster.urls,
            "SE_REDIS_URL": clean_stack.redis_url,
            "SE_TOKENS_FILE": str(clean_stack.tokens_file),
            "SE_LOCAL_DIR": str(tmp_path),
            "SE_STREAM_REPLICAS": "3",
            "SE_METRICS_LISTEN": "off",
            "SE_NOTIFY_UNSUBSCRIBE_SECRET": "scale-out-secret",
            "SE_NOTIFY_LEASE_SECONDS": "5",
            "SE_GRACE_SECONDS": "1",
        }
        replicas: dict[str, list[Replica]] = {}
        try:
            for service in ("catalogue", "matching", "notify"):
                replicas[service] = []
                for n in range(2):
                    at = ServiceProcess(service, f"services.{service}", free_port())
                    child_env = {**env, "SE_INSTANCE": f"{service}-{n}"}
                    process = start_service(at, child_env, tmp_path / f"replica-{n}")
                    replicas[service].append(Replica(f"{service}-{n}", at.address, process))
            for group in replicas.values():
                for replica in group:
                    assert await wait_until_serving(replica.address, 90), replica.name
            yield Product(replicas, cluster, cluster.urls)
        finally:
            for group in replicas.values():
                for replica in group:
                    if replica.process.poll() is None:
                        replica.process.terminate()
            for group in replicas.values():
                for replica in group:
                    replica.process.wait(30)


Attempt = Callable[[grpc.aio.Channel], Awaitable[Any]]
"""One call to one replica (the generated stubs are not typed)."""


def set_preferences(preferences: notify.Preferences) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        request = notify.SetPreferencesRequest(preferences=preferences)
        return NotifyServiceStub(channel).SetPreferences(request, metadata=PLATFORM, timeout=5)

    return attempt


def create_activity(
    request: catalogue.CreateActivityRequest,
) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        stub = CatalogueServiceStub(channel)
        return stub.CreateActivity(request, metadata=COORDINATOR, timeout=5)

    return attempt


def publish_activity(activity_id: str) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        request = catalogue.PublishActivityRequest(activity_id=activity_id)
        return CatalogueServiceStub(channel).PublishActivity(
            request, metadata=COORDINATOR, timeout=5
        )

    return attempt


def get_activity(activity_id: str) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        request = catalogue.GetActivityRequest(activity_id=activity_id)
        return CatalogueServiceStub(channel).GetActivity(request, metadata=COORDINATOR, timeout=5)

    return attempt


def list_inbox(student_id: str) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        request = notify.ListInboxRequest(student_id=student_id, page_size=100)
        return NotifyServiceStub(channel).ListInbox(request, metadata=PLATFORM, timeout=5)

    return attempt


def list_enrolments(activity_id: str) -> Attempt:
    def attempt(channel: grpc.aio.Channel) -> Any:
        request = catalogue.ListEnrolmentsRequest(activity_id=activity_id, page_size=100)
        return CatalogueServiceStub(channel).ListEnrolments(
            request, metadata=COORDINATOR, timeout=5
        )

    return attempt


async def prepare(product: Product) -> list[str]:
    """Students who want in-app messages, and published activities; returns their ids."""
    for student in STUDENTS:
        preferences = notify.Preferences(
            student_id=student,
            in_app=True,
            locale="en",
            time_zone="Europe/Madrid",
            frequency=notify.FREQUENCY_INSTANT,
            weekly_suggestion_budget=3,
        )
        await product.call("notify", set_preferences(preferences))
    return [await publish_new_activity(product, n) for n in range(ACTIVITIES)]


async def publish_new_activity(product: Product, n: int) -> str:
    """Creates (idempotently, by request id) and publishes activity number ``n``."""
    starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    details = beach_clean_up(starts + timedelta(hours=n))
    details.title = f"Clean-up number {n}"
    details.capacity = CAPACITY
    request = catalogue.CreateActivityRequest(details=details, request_id=f"scale-{n}")
    created = await product.call("catalogue", create_activity(request))
    await product.call("catalogue", publish_activity(created.activity.id))
    return str(created.activity.id)


async def inbox_counts(product: Product) -> Counter[tuple[str, str, str]]:
    """How many items of each (student, activity, kind) the students' inboxes hold."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for student in STUDENTS:
        reply = await product.call("notify", list_inbox(student))
        for item in reply.items:
            counts[student, item.activity_id, item.kind] += 1
    return counts


async def test_killing_a_nats_node_and_replicas_mid_burst_loses_and_repeats_nothing(
    product: Product,
) -> None:
    activity_ids = await prepare(product)
    pairs = [(s, a) for s in STUDENTS for a in activity_ids[: len(activity_ids) // 2]]
    pairs += [(s, a) for a in activity_ids[len(activity_ids) // 2 :] for s in STUDENTS]
    replies: dict[tuple[str, str], int] = {}
    started = time.monotonic()
    killed_at = 0.0

    async def enrol(student: str, activity_id: str) -> None:
        reply = await product.call(
            "catalogue",
            lambda ch: CatalogueServiceStub(ch).EnrolStudent(
                catalogue.EnrolStudentRequest(activity_id=activity_id, student_id=student),
                metadata=PLATFORM,
                timeout=5,
            ),
        )
        replies[student, activity_id] = reply.enrolment.status

    published_during: list[str] = []

    async def publish_one_more(n: int) -> None:
        published_during.append(await publish_new_activity(product, n))

    for batch, index in enumerate(range(0, len(pairs), 8)):
        if index >= len(pairs) // 3 and not killed_at:
            killed_at = time.monotonic() - started
            product.cluster.nodes[0].kill()
            product.replicas["catalogue"][0].process.kill()
            product.replicas["notify"][0].process.kill()
        # Activity traffic too: one more activity published beside each batch of enrolments.
        await asyncio.gather(
            publish_one_more(ACTIVITIES + batch),
            *(enrol(s, a) for s, a in pairs[index : index + 8]),
        )
    burst_seconds = time.monotonic() - started
    for activity_id in published_during:
        fetched = await product.call("catalogue", get_activity(activity_id))
        assert fetched.activity.state == catalogue.ACTIVITY_STATE_PUBLISHED

    # Every acknowledged enrolment is in the catalogue, with the status it was given.
    for activity_id in activity_ids:
        listed = await product.call("catalogue", list_enrolments(activity_id))
        stored = {e.student_id: e.status for e in listed.enrolments}
        expected = {s: status for (s, a), status in replies.items() if a == activity_id}
        assert stored == expected
        assert list(stored.values()).count(catalogue.ENROLMENT_STATUS_CONFIRMED) == CAPACITY

    # Exactly one message per enrolment outcome, even though events were in flight at the
    # replica that died and the stream lost a node.
    wanted = Counter(
        (
            s,
            a,
            "enrolment_confirmed"
            if st == catalogue.ENROLMENT_STATUS_CONFIRMED
            else "enrolment_waitlisted",
        )
        for (s, a), st in replies.items()
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if await inbox_counts(product) == wanted:
            break
        await asyncio.sleep(0.5)
    settled_seconds = time.monotonic() - started
    await asyncio.sleep(2)  # a duplicate would show up now
    assert await inbox_counts(product) == wanted

    # One event per fact in the three-replica stream: nothing lost, nothing repeated.
    client = await nats.connect(servers=product.nats_urls.split(","))
    try:
        info = await client.jetstream().stream_info("CATALOGUE")
    finally:
        await client.close()
    assert info.config.num_replicas == 3
    # One published event per activity, one per enrolment.
    assert info.state.messages == ACTIVITIES + len(published_during) + len(pairs)

    for service in ("catalogue", "matching", "notify"):
        for replica in product.alive(service):
            assert await wait_until_serving(replica.address, 5), replica.name
    print(
        f"\nscale-out: {len(pairs)} enrolments and {len(published_during)} publications "
        f"over 2 catalogue replicas in "
        f"{burst_seconds:.1f} s; killed nats-0, catalogue-0 and notify-0 at "
        f"{killed_at:.1f} s; calls moved to another replica: {dict(product.retried)}; "
        f"all {sum(wanted.values())} messages in inboxes exactly once after "
        f"{settled_seconds:.1f} s; stream holds {info.state.messages} events"
    )
