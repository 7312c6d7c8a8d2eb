"""Metrics: the HTTP endpoint after real RPCs, every RPC kind measured by the interceptor,
the outbox and consumer gauges and counters, and where the endpoint listens."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import nats
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from redis.asyncio import Redis

from services.catalogue.app import catalogue_parts
from services.runtime import metrics, tracing
from services.runtime.auth import TokenRegistry
from services.runtime.bus import ConsumerSpec, EventConsumer, ensure_consumers, publish
from services.runtime.config import RuntimeSettings, SettingsError, metrics_listen_from_env
from services.runtime.connections import connected
from services.runtime.events import OutgoingEvent, new_event_id
from services.runtime.lifecycle import metrics_exposed
from services.runtime.localstack import free_port
from services.runtime.outbox import OutboxRelay, entry_fields
from services.runtime.processes import ServiceProcess, start_service, wait_until_serving
from services.runtime.server import Registration, RunningService, ServiceParts, serve
from services.runtime.streams import provision_streams
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from tests.catalogue.builders import activity_id
from tests.conftest import Stack, bearer, channel_to
from tests.runtime.observing import exposed, json_logs, scrape, series, value
from tests.waiting import eventually

CATALOGUE = "socialerasmus.catalogue.v1.CatalogueService"
PROBE = "socialerasmus.test.v1.Probe"
PLATFORM = bearer("platform")
RPC_COUNT = "se_rpc_duration_seconds_count"
RPC_SUM = "se_rpc_duration_seconds_sum"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"


def rpc_count(text: str, service: str, method: str, code: str) -> float:
    found = exposed(text, RPC_COUNT, grpc_service=service, grpc_method=method, grpc_code=code)
    return found or 0.0


# The endpoint, after real RPCs of the catalogue ------------------------------------------


async def test_the_endpoint_serves_the_rpc_histogram_after_real_rpcs(clean_stack: Stack) -> None:
    """A running catalogue answers three RPCs; a scrape of the endpoint shows each under its
    method and code, and the relay's outbox gauges; health checks are not measured."""
    settings = clean_stack.settings("catalogue")
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        metrics.serving("127.0.0.1:0") as endpoint,
        connected(settings) as connections,
        serve(settings.listen, tokens, await catalogue_parts(connections, settings), 0.5) as svc,
        channel_to(svc.address) as channel,
    ):
        stub = CatalogueServiceStub(channel)
        before = (await scrape(endpoint.url)).text

        await stub.ListActivities(cat.ListActivitiesRequest(), metadata=PLATFORM)
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetActivity(
                cat.GetActivityRequest(activity_id=activity_id(7)), metadata=PLATFORM
            )
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.ListActivities(cat.ListActivitiesRequest())
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
        await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())

        async def outbox_sampled() -> bool:
            text = (await scrape(endpoint.url)).text
            return exposed(text, "se_outbox_depth", outbox="catalogue:outbox") is not None

        await eventually(outbox_sampled, "the relay to sample the outbox")
        response = await scrape(endpoint.url)

    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    assert "# TYPE se_rpc_duration_seconds histogram" in after
    for method, code in [
        ("ListActivities", "OK"),
        ("GetActivity", "NOT_FOUND"),
        ("ListActivities", "UNAUTHENTICATED"),
    ]:
        got = rpc_count(after, CATALOGUE, method, code) - rpc_count(before, CATALOGUE, method, code)
        assert got == 1, (method, code)
    labels = {"grpc_service": CATALOGUE, "grpc_method": "ListActivities", "grpc_code": "OK"}
    assert (exposed(after, RPC_SUM, **labels) or 0) > (exposed(before, RPC_SUM, **labels) or 0)
    bucket = exposed(after, "se_rpc_duration_seconds_bucket", **labels, le="+Inf")
    assert bucket == exposed(after, RPC_COUNT, **labels)
    assert all(s["grpc_service"] != "grpc.health.v1.Health" for s in series(after, RPC_COUNT))
    assert exposed(after, "se_outbox_depth", outbox="catalogue:outbox") == 0
    assert exposed(after, "process_resident_memory_bytes") is not None


async def test_the_endpoint_stops_with_its_block() -> None:
    async with metrics.serving("127.0.0.1:0") as endpoint:
        assert (await scrape(endpoint.url)).status_code == 200
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect((endpoint.host, endpoint.port))


# Every kind of RPC, through the real interceptors ---------------------------------------


async def trace(request: bytes, context: Any) -> bytes:
    """Answers the traceparent the method runs in."""
    return tracing.current_traceparent().encode()


async def count(request: bytes, context: Any) -> AsyncIterator[bytes]:
    """Streams 0, 1, ... up to the number asked for, one every 20 ms."""
    for n in range(int(request)):
        await asyncio.sleep(0.02)
        yield str(n).encode()


async def fail(request: bytes, context: Any) -> bytes:
    raise RuntimeError("a bug")


@pytest.fixture
async def probe(stack: Stack) -> AsyncIterator[grpc.aio.Channel]:
    """A server with a made-up service of raw-bytes methods, run by the services' serve()."""
    handler = grpc.method_handlers_generic_handler(
        PROBE,
        {
            "Trace": grpc.unary_unary_rpc_method_handler(trace),
            "Count": grpc.unary_stream_rpc_method_handler(count),
            "Fail": grpc.unary_unary_rpc_method_handler(fail),
        },
    )
    parts = ServiceParts([Registration(lambda s: s.add_generic_rpc_handlers((handler,)), PROBE)])
    tokens = TokenRegistry.from_file(stack.tokens_file)
    running: RunningService
    async with (
        serve("127.0.0.1:0", tokens, parts, 0.5) as running,
        channel_to(running.address) as channel,
    ):
        yield channel


def probe_count(method: str, code: str) -> float:
    return value(RPC_COUNT, grpc_service=PROBE, grpc_method=method, grpc_code=code)


async def test_a_streaming_rpc_is_measured_to_the_end_of_its_stream(
    probe: grpc.aio.Channel,
) -> None:
    before = probe_count("Count", "OK")
    seconds_before = value(RPC_SUM, grpc_service=PROBE, grpc_method="Count", grpc_code="OK")

    items = [item async for item in probe.unary_stream(f"/{PROBE}/Count")(b"5", metadata=PLATFORM)]

    assert items == [b"0", b"1", b"2", b"3", b"4"]
    assert probe_count("Count", "OK") == before + 1
    seconds = value(RPC_SUM, grpc_service=PROBE, grpc_method="Count", grpc_code="OK")
    assert seconds - seconds_before >= 0.09  # five items 20 ms apart


async def test_a_stream_the_client_cancels_is_counted_as_cancelled(
    probe: grpc.aio.Channel,
) -> None:
    before = probe_count("Count", "CANCELLED")
    call = probe.unary_stream(f"/{PROBE}/Count")(b"1000", metadata=PLATFORM)
    assert await call.read() == b"0"

    call.cancel()

    async def counted() -> bool:
        return probe_count("Count", "CANCELLED") == before + 1

    await eventually(counted, "the cancelled stream to be measured")


async def test_failures_are_measured_by_their_status_code(probe: grpc.aio.Channel) -> None:
    internal, unauthenticated = (
        probe_count("Fail", "INTERNAL"),
        probe_count("Trace", "UNAUTHENTICATED"),
    )

    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await probe.unary_unary(f"/{PROBE}/Fail")(b"", metadata=PLATFORM)
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    with pytest.raises(grpc.aio.AioRpcError) as anonymous:
        await probe.unary_unary(f"/{PROBE}/Trace")(b"")
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED

    # The server measures a call once it has answered, so possibly after the client has read it
    await eventually(
        lambda: probe_count("Fail", "INTERNAL") == internal + 1, "the INTERNAL to be measured"
    )
    await eventually(
        lambda: probe_count("Trace", "UNAUTHENTICATED") == unauthenticated + 1,
        "the UNAUTHENTICATED to be measured",
    )


async def test_an_rpc_continues_the_callers_trace_in_its_logs(probe: grpc.aio.Channel) -> None:
    """The method runs in a span of its own within the caller's trace, and the access log
    line of the RPC carries that trace and span."""
    call = probe.unary_unary(f"/{PROBE}/Trace")
    metadata = (*PLATFORM, (tracing.HEADER, f"00-{TRACE}-{PARENT_SPAN}-01"))

    with json_logs() as logs:
        answer = tracing.parse((await call(b"", metadata=metadata)).decode())

    assert answer is not None
    assert answer.trace_id == TRACE
    assert answer.span_id != PARENT_SPAN
    assert answer.flags == "01"
    [access] = logs.where(logger="access", method=f"/{PROBE}/Trace")
    assert (access["trace_id"], access["span_id"], access["code"]) == (
        TRACE,
        answer.span_id,
        "OK",
    )


async def test_an_rpc_without_a_valid_traceparent_starts_a_new_trace(
    probe: grpc.aio.Channel,
) -> None:
    call = probe.unary_unary(f"/{PROBE}/Trace")
    malformed = (*PLATFORM, (tracing.HEADER, f"00-{TRACE.upper()}-{PARENT_SPAN}-01"))

    answers = [
        tracing.parse((await call(b"", metadata=metadata)).decode())
        for metadata in (PLATFORM, PLATFORM, malformed)
    ]

    trace_ids = {answer.trace_id for answer in answers if answer is not None}
    assert len(trace_ids) == 3
    assert TRACE not in trace_ids
    assert tracing.current.get() is None  # the test's own context is untouched


# The outbox gauges ---------------------------------------------------------------------


@pytest.fixture
async def js(clean_stack: Stack) -> AsyncIterator[JetStreamContext]:
    client: NatsClient = await nats.connect(clean_stack.nats_url)
    context = client.jetstream()
    await provision_streams(context)
    yield context
    await client.close()


def event(payload: bytes, subject: str = "se.catalogue.activity.published") -> OutgoingEvent:
    return OutgoingEvent(subject, new_event_id(), payload, "test.Event")


async def test_the_outbox_gauges_show_the_backlog_and_the_age_of_its_oldest_entry(
    redis_client: Redis, js: JetStreamContext
) -> None:
    key = "test:outbox"
    relay = OutboxRelay(redis_client, js, key, consumer="relay-a")
    await relay.ensure_group()
    assert (await relay.sample_backlog()).depth == 0
    assert value("se_outbox_depth", outbox=key) == 0
    assert value("se_outbox_oldest_age_seconds", outbox=key) == 0

    redis_seconds, micros = await redis_client.time()
    four_seconds_ago = (redis_seconds * 1000 + micros // 1000) - 4000
    await redis_client.xadd(key, entry_fields(event(b"old")), id=f"{four_seconds_ago}-0")  # type: ignore[arg-type]
    for n in range(2):
        await redis_client.xadd(key, entry_fields(event(bytes([n]))))  # type: ignore[arg-type]

    backlog = await relay.sample_backlog()

    assert backlog.depth == 3
    assert 4.0 <= backlog.oldest_age_seconds < 30
    assert value("se_outbox_depth", outbox=key) == 3
    assert value("se_outbox_oldest_age_seconds", outbox=key) == backlog.oldest_age_seconds

    published = value("se_outbox_published_total", outbox=key)
    stop = asyncio.Event()
    running = asyncio.create_task(
        dataclasses.replace(relay, sample_seconds=0.05).run(stop)
    )  # the loop samples by itself

    async def drained() -> bool:
        return value("se_outbox_depth", outbox=key) == 0

    await eventually(drained, "the relay to publish the backlog and sample it again")
    stop.set()
    await asyncio.wait_for(running, 5)
    assert value("se_outbox_oldest_age_seconds", outbox=key) == 0
    assert value("se_outbox_published_total", outbox=key) == published + 3
    assert (await js.stream_info("CATALOGUE")).state.messages == 3


# The consumer counters and gauges ------------------------------------------------------


def consumer_value(name: str, durable: str) -> float:
    return value(name, consumer=durable)


@contextlib.asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[EventConsumer]:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield consumer
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_consumer_lag_and_outcomes_are_counted(js: JetStreamContext) -> None:
    """Lag sampled from JetStream; a poisoned event makes three retries and one dead letter,
    logged in the event's trace; healthy events are counted as handled."""
    spec = ConsumerSpec(
        "test-metrics",
        "CATALOGUE",
        ("se.catalogue.activity.>",),
        max_deliver=4,
        backoff_seconds=(0.05,),
    )
    await ensure_consumers(js, [spec])
    names = (
        "se_consumer_handled_total",
        "se_consumer_retries_total",
        "se_consumer_dead_lettered_total",
        "se_consumer_handling_seconds_count",
    )
    before = {name: consumer_value(name, spec.durable) for name in names}
    poison = dataclasses.replace(event(b"poison"), traceparent=f"00-{TRACE}-{PARENT_SPAN}-01")
    await publish(js, poison)
    for n in range(2):
        await publish(js, event(f"fine-{n}".encode()))

    async def handler(message: Msg) -> None:
        if message.data == b"poison":
            raise RuntimeError("cannot handle this one")

    consumer = EventConsumer(js, spec, handler, sample_seconds=0.05)
    info = await consumer.sample_lag()
    assert info.num_pending == 3
    assert consumer_value("se_consumer_pending_messages", spec.durable) == 3

    with json_logs() as logs:
        async with running(consumer):

            async def done() -> bool:
                return consumer.dead_lettered == 1 and consumer.processed == 2

            await eventually(done, "two events handled and one dead-lettered")

            async def caught_up() -> bool:
                return consumer_value("se_consumer_pending_messages", spec.durable) == 0

            await eventually(caught_up, "the loop to sample the lag again")

    after = {name: consumer_value(name, spec.durable) - before[name] for name in names}
    assert after == {
        "se_consumer_handled_total": 2,
        "se_consumer_retries_total": 3,
        "se_consumer_dead_lettered_total": 1,
        "se_consumer_handling_seconds_count": 6,  # four attempts at the poison, two fine
    }
    failures = logs.where(consumer=spec.durable, subject=poison.subject)
    assert [line["level"] for line in failures] == ["warning"] * 3 + ["error"]
    assert {line["trace_id"] for line in failures} == {TRACE}
    spans = {line["span_id"] for line in failures}
    assert len(spans) == 4  # a span of its own for each delivery
    assert PARENT_SPAN not in spans


# Where the endpoint listens --------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "env", "local_stack", "expected"),
    [
        ("catalogue", {}, True, ("127.0.0.1:9101", True)),
        ("matching", {}, True, ("127.0.0.1:9102", True)),
        ("notify", {}, True, ("127.0.0.1:9103", True)),
        ("catalogue", {}, False, (None, False)),
        ("matching", {"SE_METRICS_LISTEN": "0.0.0.0:9100"}, False, ("0.0.0.0:9100", False)),
        (
            "matching",
            {"SE_METRICS_LISTEN": "0.0.0.0:9100", "SE_MATCHING_METRICS_LISTEN": "0.0.0.0:9200"},
            True,
            ("0.0.0.0:9200", False),
        ),
        (
            "catalogue",
            {"SE_METRICS_LISTEN": "0.0.0.0:9100", "SE_MATCHING_METRICS_LISTEN": "0.0.0.0:9200"},
            False,
            ("0.0.0.0:9100", False),
        ),
        ("notify", {"SE_METRICS_LISTEN": "off"}, True, (None, False)),
        ("notify", {"SE_NOTIFY_METRICS_LISTEN": "OFF"}, True, (None, False)),
    ],
)
def test_where_metrics_are_served(
    service: str, env: dict[str, str], local_stack: bool, expected: tuple[str | None, bool]
) -> None:
    assert metrics_listen_from_env(service, env, local_stack=local_stack) == expected


def test_settings_read_the_metrics_address_and_reject_a_malformed_one() -> None:
    external = {"SE_NATS_URL": "nats://nats:4222", "SE_REDIS_URL": "redis://redis:6379/0"}
    assert RuntimeSettings.from_env("catalogue", 50051, external).metrics_listen is None
    local = RuntimeSettings.from_env("catalogue", 50051, {})
    assert (local.metrics_listen, local.metrics_best_effort) == ("127.0.0.1:9101", True)
    assert local.describe()["metrics_listen"] == "127.0.0.1:9101"
    with pytest.raises(SettingsError, match="METRICS_LISTEN"):
        RuntimeSettings.from_env("catalogue", 50051, {"SE_METRICS_LISTEN": "9100"})


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


async def test_a_taken_default_port_is_survived_but_a_configured_one_is_fatal(
    stack: Stack, taken_port: int
) -> None:
    settings = dataclasses.replace(
        stack.settings("catalogue"),
        metrics_listen=f"127.0.0.1:{taken_port}",
        metrics_best_effort=True,
    )
    with json_logs() as logs:
        async with metrics_exposed(settings):
            pass
    [warning] = logs.where(level="warning")
    assert warning["message"].startswith("metrics not served: ")
    assert value("se_service_info", service="catalogue", replica="test-1") == 1

    with pytest.raises(SettingsError, match=f"127.0.0.1:{taken_port}"):
        async with metrics_exposed(dataclasses.replace(settings, metrics_best_effort=False)):
            pass


@pytest.mark.parametrize(
    ("service", "own", "others"),
    [
        ("catalogue", "se_catalogue_enrolments", ("se_matching_", "se_notifications")),
        ("notify", "se_notifications", ("se_matching_", "se_catalogue_")),
    ],
)
async def test_a_service_process_exposes_its_own_families_and_none_of_another(
    clean_stack: Stack, tmp_path: Path, service: str, own: str, others: tuple[str, ...]
) -> None:
    metrics_port = free_port()
    at = ServiceProcess(service, f"services.{service}", free_port())
    env = {
        **os.environ,
        "SE_NATS_URL": clean_stack.nats_url,
        "SE_REDIS_URL": clean_stack.redis_url,
        "SE_TOKENS_FILE": str(clean_stack.tokens_file),
        "SE_LOCAL_DIR": str(tmp_path),
        "SE_METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
        "SE_NOTIFY_UNSUBSCRIBE_SECRET": "metrics-test-secret",
    }
    process = start_service(at, env, tmp_path / "logs")
    try:
        assert await wait_until_serving(at.address, 90)
        text = (await scrape(f"http://127.0.0.1:{metrics_port}/metrics")).text
    finally:
        process.terminate()
        process.wait(30)

    assert f"# TYPE {own}" in text
    assert 'se_service_info{replica="' in text
    families = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")]
    assert not [f for f in families if f.startswith(others)]
