"""Notify end to end: suggestion events from JetStream to the in-app inbox and to an SMTP
server, with one and two replicas, beside raw JetStream publish and pull-consume throughput
measured in the same run; event-to-inbox latency at a steady 100 events/s and one at a time.

Run: ``python -m bench.notify`` (``--students`` and ``--latency-events`` change sizes).
nats-server and redis-server run in a temp folder; notify runs as its own processes, as in
production, and e-mail goes to a minimal SMTP server in a process of its own that accepts
and counts each message, parsing and storing nothing, so neither disk writes nor a Python
SMTP parser weigh on the figures. Each configuration has its own students and activity, so
no run sees another's data.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from typing import Any, Final

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from redis.asyncio import Redis
from ulid import ULID

from bench.harness import as_dict, bench_stack, measure, resident_mb, save, service_process
from services.catalogue import events as catalogue_events
from services.matching import events as matching_events
from services.notify import keys
from services.notify.signing import generate_secret
from services.notify.store import NotifyStore
from services.runtime.bus import publish
from services.runtime.events import OutgoingEvent
from services.runtime.localstack import LocalStack, free_port
from services.runtime.streams import DUPLICATE_WINDOW_SECONDS, provision_streams
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, ActivityDetails, ActivityState
from socialerasmus.common.v1.common_pb2 import Cause, Location
from socialerasmus.matching.v1.matching_pb2 import Reason
from socialerasmus.notify.v1.notify_pb2 import Frequency, Preferences

PUBLISH_CHUNK: Final = 500
"""Publishes awaited together: the publisher keeps this many acknowledgements in flight."""
PREFERENCE_CHUNK: Final = 50
"""Concurrent MULTI/EXEC blocks, each holding a pooled connection (the pool holds 100)."""
CONSUMER_BATCH: Final = 64
"""As notify's consumers fetch (``services.runtime.bus.ConsumerSpec.batch``)."""
WARM_UP_EVENTS: Final = 20
LATENCY_INTERVAL_SECONDS: Final = 0.010
WEEKLY_BUDGET: Final = 50
REPLICA_COUNTS: Final = (1, 2)
RAW_TRIALS: Final = 3
"""Raw JetStream runs before the notify runs, and again after them."""
IN_APP: Final = "in_app"
EMAIL: Final = "email"
SMTP_SINK: Final = "minimal counting SMTP server in its own process; parses and stores nothing"
INBOX_PREFIX, INBOX_SUFFIX = keys.inbox_channel("\0").split("\0")


# Processes beside the bench: an SMTP sink and a raw JetStream consumer ----------------


@dataclass(frozen=True, slots=True)
class Tally:
    """A count and the time (``time.monotonic``, system-wide) it last changed, shared with
    a child process. The time is written before the count, so a reader that sees the count
    also sees that time."""

    counter: Synchronized[Any]
    changed_at: Synchronized[Any]
    ready: ProcessEvent

    @property
    def count(self) -> int:
        return int(self.counter.value)

    @property
    def last_at(self) -> float:
        return float(self.changed_at.value)

    def set(self, count: int) -> None:
        self.changed_at.value = time.monotonic()
        self.counter.value = count

    def increment(self) -> None:
        self.changed_at.value = time.monotonic()
        with self.counter.get_lock():
            self.counter.value += 1


def new_tally() -> Tally:
    context = multiprocessing.get_context("spawn")
    return Tally(context.Value("q", 0), context.Value("d", 0.0), context.Event())


def start_process(
    target: Callable[..., None], *args: object
) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    return process


class CountingSmtp(asyncio.Protocol):
    """The least of an SMTP server: every command is accepted and every message counted,
    with nothing parsed or kept, so the sink costs far less than notify's side of a send."""

    END_OF_DATA = b"\r\n.\r\n"
    EHLO = b"250-localhost\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.buffer = b""
        self.in_data = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 localhost counting sink\r\n")

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while self.buffer:
            if self.in_data:
                end = self.buffer.find(self.END_OF_DATA)
                if end < 0:  # keep what may be the start of the terminator
                    self.buffer = self.buffer[-(len(self.END_OF_DATA) - 1) :]
                    return
                self.buffer = self.buffer[end + len(self.END_OF_DATA) :]
                self.in_data = False
                self.tally.increment()
                self.transport.write(b"250 2.0.0 Accepted\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.transport.write(self.EHLO)
            elif verb == b"DATA":
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer  # so a first line of "." ends it too
                self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 Bye\r\n")
                self.transport.close()
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.transport.write(b"250 OK\r\n")


async def _serve_sink(port: int, tally: Tally) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: CountingSmtp(tally), "127.0.0.1", port)
    tally.ready.set()
    async with server:
        await server.serve_forever()


def smtp_sink(port: int, tally: Tally) -> None:
    """Child process: the SMTP server notify sends to, until terminated."""
    asyncio.run(_serve_sink(port, tally))


async def _consume(url: str, stream: str, durable: str, total: int, tally: Tally) -> None:
    client = await nats.connect(url)
    js = client.jetstream()
    subscription = await js.pull_subscribe_bind(durable=durable, stream=stream)
    tally.ready.set()
    consumed = 0
    while consumed < total:
        try:
            messages = await subscription.fetch(CONSUMER_BATCH, timeout=1.0)
        except (TimeoutError, NatsTimeoutError):
            continue
        for message in messages:
            await message.ack()
            consumed += 1
        tally.set(consumed)
    await client.flush()
    await client.close()


def raw_consumer(url: str, stream: str, durable: str, total: int, tally: Tally) -> None:
    """Child process: notify's consume loop (fetch a batch, ack each message) with no
    handler, until ``total`` messages are acknowledged."""
    asyncio.run(_consume(url, stream, durable, total, tally))


async def wait_for_count(tally: Tally, total: int, timeout: float) -> float:
    """The time of the ``total``-th increment; polls every few milliseconds."""
    deadline = time.monotonic() + timeout
    while tally.count < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {tally.count} of {total} arrived in {timeout:.0f} s")
        await asyncio.sleep(0.005)
    return tally.last_at


# Events and data ----------------------------------------------------------------------


def bench_activity(now: datetime) -> Activity:
    starts = now + timedelta(days=5)
    details = ActivityDetails(
        title="Beach clean-up with ESN Valencia",
        causes=[Cause.CAUSE_ENVIRONMENTAL_SUSTAINABILITY],
        section_id="esn-valencia-upv",
        time_zone="Europe/Madrid",
        location=Location(city="Valencia", country_code="es", venue="Playa de la Malvarrosa"),
        capacity=20,
        languages=["en", "es"],
    )
    details.starts_at.FromDatetime(starts)
    details.ends_at.FromDatetime(starts + timedelta(hours=3))
    activity = Activity(
        id=str(ULID()),
        details=details,
        state=ActivityState.ACTIVITY_STATE_PUBLISHED,
        version=2,
        seats_left=20,
    )
    activity.published_at.FromDatetime(now)
    return activity


REASONS: Final = [
    Reason(signal="cause", text="Environmental Sustainability, like you asked", contribution=0.6),
    Reason(signal="distance", text="2 km from you", contribution=0.3),
]


def suggestions(students: Sequence[str], activity: Activity) -> list[OutgoingEvent]:
    return [matching_events.suggestion_created(s, activity, 0.87, REASONS) for s in students]


def preferences(student: str, channels: Sequence[str]) -> Preferences:
    return Preferences(
        student_id=student,
        email=f"{student}@students.example" if EMAIL in channels else "",
        in_app=IN_APP in channels,
        locale="en",
        time_zone="Europe/Madrid",
        frequency=Frequency.FREQUENCY_INSTANT,
        weekly_suggestion_budget=WEEKLY_BUDGET,
    )


async def save_preferences(redis: Redis, students: Sequence[str], channels: Sequence[str]) -> None:
    store = NotifyStore(redis)
    for start in range(0, len(students), PREFERENCE_CHUNK):
        chunk = students[start : start + PREFERENCE_CHUNK]
        await asyncio.gather(*(store.save_preferences(preferences(s, channels)) for s in chunk))


async def publish_all(js: JetStreamContext, events: Sequence[OutgoingEvent]) -> None:
    for start in range(0, len(events), PUBLISH_CHUNK):
        await asyncio.gather(*(publish(js, e) for e in events[start : start + PUBLISH_CHUNK]))


# Watching inboxes -----------------------------------------------------------------------


class InboxWatch:
    """Time of the first inbox item of each student, from the pub/sub channel notify
    publishes every new item on (subscribed before anything is published)."""

    def __init__(self, redis: Redis) -> None:
        self.pubsub = redis.pubsub()
        self.arrived: dict[str, float] = {}
        self._missing: set[str] = set()
        self._complete = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.pubsub.psubscribe(keys.inbox_channel("*"))
        while True:  # the confirmation: from here on, no item is missed
            message = await self.pubsub.get_message(timeout=5.0)
            if message is not None and message["type"] == "psubscribe":
                break
        self._task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for message in self.pubsub.listen():
            if message["type"] != "pmessage":
                continue
            channel = message["channel"].decode()
            student = channel[len(INBOX_PREFIX) : len(channel) - len(INBOX_SUFFIX)]
            self.arrived.setdefault(student, time.monotonic())
            if student in self._missing:
                self._missing.discard(student)
                if not self._missing:
                    self._complete.set()

    async def wait_for(self, students: Sequence[str], timeout: float) -> float:
        """Waits until every one of ``students`` has an item; the time the last arrived."""
        self._missing = set(students).difference(self.arrived)
        self._complete.clear()
        if self._missing:
            try:
                async with asyncio.timeout(timeout):
                    await self._complete.wait()
            except TimeoutError:
                missing = len(self._missing)
                raise RuntimeError(f"{missing} of {len(students)} inbox items missing") from None
        return max(self.arrived[s] for s in students)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.pubsub.aclose()


@contextlib.asynccontextmanager
async def inbox_watch(redis: Redis) -> AsyncIterator[InboxWatch]:
    watch = InboxWatch(redis)
    await watch.start()
    try:
        yield watch
    finally:
        await watch.stop()


async def inbox_total(redis: Redis, students: Sequence[str]) -> int:
    async with redis.pipeline(transaction=False) as pipe:
        for student in students:
            pipe.zcard(keys.inbox(student))
        counts: list[int] = await pipe.execute()
    return sum(counts)


# Processor time -------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system processor time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """Processor time the whole machine has spent busy, all cores together (Linux)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Processor time of named processes, of the bench itself and of everything else on the
    machine, over one stretch."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.started = time.monotonic()
        self._before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        self._own = time.process_time()
        self._machine = machine_busy_seconds()

    def used(self) -> dict[str, float]:
        """Seconds of processor time each used since the meter was made; ``others`` is
        the rest of the machine (other people's work included)."""
        used = {name: cpu_seconds(pid) - self._before[name] for name, pid in self.pids.items()}
        used["bench"] = time.process_time() - self._own
        used["others"] = max(0.0, machine_busy_seconds() - self._machine - sum(used.values()))
        return used


# Measurements ---------------------------------------------------------------------------


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


async def raw_jetstream(
    js: JetStreamContext, nats_url: str, total: int, trial: str
) -> dict[str, Any]:
    """Publish ``total`` suggestion-sized messages to a stream of their own, acknowledged
    as notify's events are, while a pull consumer in another process fetches and acks them."""
    stream, subject = f"BENCH_RAW_{trial}", f"bench.raw.{trial}"
    await js.add_stream(
        StreamConfig(
            name=stream,
            subjects=[f"{subject}.>"],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        )
    )
    await js.add_consumer(
        stream, ConsumerConfig(durable_name="raw", ack_policy=AckPolicy.EXPLICIT, ack_wait=30)
    )
    events = suggestions(
        [f"raw-{trial}-{n}" for n in range(total)], bench_activity(datetime.now(UTC))
    )
    tally = new_tally()
    consumer = start_process(raw_consumer, nats_url, stream, "raw", total, tally)
    try:
        if not await asyncio.to_thread(tally.ready.wait, 60):
            raise RuntimeError("raw consumer did not start")

        async def publish_raw(event: OutgoingEvent) -> None:
            await js.publish(f"{subject}.suggestion", event.payload, headers=event.headers())

        started = time.monotonic()
        for start in range(0, total, PUBLISH_CHUNK):
            await asyncio.gather(*(publish_raw(e) for e in events[start : start + PUBLISH_CHUNK]))
        published = time.monotonic()
        finished = await wait_for_count(tally, total, timeout=120)
    finally:
        consumer.join(10)
        if consumer.is_alive():
            consumer.terminate()
        await js.delete_stream(stream)
    return {
        "trial": trial,
        "messages": total,
        "payload_bytes": round(statistics.mean(len(e.payload) for e in events)),
        "publish_per_second": rate(total, published - started),
        "publish_and_consume_seconds": round(finished - started, 3),
        "publish_and_consume_per_second": rate(total, finished - started),
    }


async def raw_trials(
    js: JetStreamContext, nats_url: str, total: int, occasion: str
) -> list[dict[str, Any]]:
    """RAW_TRIALS raw runs in a row (one alone lasts well under a second)."""
    trials = []
    for n in range(1, RAW_TRIALS + 1):
        trials.append(await raw_jetstream(js, nats_url, total, f"{occasion}_{n}"))
        print(f"raw JetStream {occasion} {n}: {trials[-1]['publish_and_consume_per_second']} msg/s")
    return trials


@dataclass(frozen=True, slots=True)
class Setup:
    """What every measurement uses: the servers, the bench's clients and the SMTP sink."""

    stack: LocalStack
    tokens: Path
    js: JetStreamContext
    redis: Redis
    sink: Tally
    sink_pid: int

    def other_pids(self) -> dict[str, int]:
        """nats-server, redis-server and the SMTP sink (the stack's mailbox is unused)."""
        servers = {
            s.name: s.process.pid
            for s in self.stack.servers
            if s.process is not None and s.name in {"nats-server", "redis-server"}
        }
        return {**servers, "smtp-sink": self.sink_pid}


@dataclass(frozen=True, slots=True)
class Replicas:
    """The notify processes of one configuration, by name."""

    count: int
    pids: dict[str, int]


async def throughput(
    setup: Setup, replicas: Replicas, activity: Activity, channel: str, students: Sequence[str]
) -> dict[str, Any]:
    """First publish to the last message delivered, for one channel."""
    js, redis, sink = setup.js, setup.redis, setup.sink
    events = suggestions(students, activity)
    timeout = max(120.0, len(students) / 20)
    async with inbox_watch(redis) as watch:
        sink.set(0)
        meter = CpuMeter({**replicas.pids, **setup.other_pids()})
        started = time.monotonic()
        await publish_all(js, events)
        published = time.monotonic()
        if channel == IN_APP:
            finished = await watch.wait_for(students, timeout)
        else:
            finished = await wait_for_count(sink, len(students), timeout)
        used = meter.used()
        wall = time.monotonic() - meter.started
    if channel == IN_APP:
        stored = await inbox_total(redis, students)
        if stored != len(students):
            raise RuntimeError(f"{stored} inbox items stored for {len(students)} students")
    else:
        await asyncio.sleep(0.5)  # anything more than one message each would arrive now
        if sink.count != len(students):
            raise RuntimeError(f"{sink.count} e-mails for {len(students)} students")
    return {
        "replicas": replicas.count,
        "channel": channel,
        "messages": len(students),
        "seconds": round(finished - started, 3),
        "per_second": rate(len(students), finished - started),
        "publish_per_second": rate(len(students), published - started),
        "notify_cpu_ms_per_message": round(
            sum(used[name] for name in replicas.pids) / len(students) * 1000, 2
        ),
        "cpu_share_of_one_core": {name: round(v / wall, 2) for name, v in used.items()},
    }


def delay_figures(delays_ms: Sequence[float]) -> dict[str, float]:
    quantiles = statistics.quantiles(delays_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(quantiles[49], 2),
        "p99_ms": round(quantiles[98], 2),
        "max_ms": round(max(delays_ms), 2),
    }


async def latency(
    js: JetStreamContext, redis: Redis, activity: Activity, students: Sequence[str]
) -> dict[str, Any]:
    """Each event timed from just before its publish to its inbox item's appearance on the
    pub/sub channel: first paced (one every LATENCY_INTERVAL_SECONDS, overlapping when
    slower), then one at a time (the next only after the item arrived and a random pause of
    up to twice that interval)."""
    half = len(students) // 2
    paced, single = students[:half], students[half:]
    pauses = random.Random(7)
    sent: dict[str, float] = {}
    async with inbox_watch(redis) as watch:
        started = time.monotonic()
        for index, event in enumerate(suggestions(paced, activity)):
            delay = started + index * LATENCY_INTERVAL_SECONDS - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[paced[index]] = time.monotonic()
            await publish(js, event)
        await watch.wait_for(paced, timeout=60)
        for student, event in zip(single, suggestions(single, activity), strict=True):
            sent[student] = time.monotonic()
            await publish(js, event)
            await watch.wait_for([student], timeout=10)
            await asyncio.sleep(pauses.uniform(0, 2 * LATENCY_INTERVAL_SECONDS))
        delays = {s: (watch.arrived[s] - sent[s]) * 1000 for s in students}
    return {
        "paced": {
            "events": len(paced),
            "per_second": round(1 / LATENCY_INTERVAL_SECONDS),
            **delay_figures([delays[s] for s in paced]),
        },
        "one_at_a_time": {"events": len(single), **delay_figures([delays[s] for s in single])},
    }


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Variables the service processes inherit, for the duration of the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.asynccontextmanager
async def notify_replicas(setup: Setup, count: int) -> AsyncIterator[Replicas]:
    async with contextlib.AsyncExitStack() as running:
        pids = {}
        for n in range(count):
            with environment({"SE_INSTANCE": f"bench-r{count}-{n}"}):
                _, pid = await running.enter_async_context(
                    service_process("services.notify", "notify", setup.stack, setup.tokens)
                )
            pids[f"notify-{n}"] = pid
        yield Replicas(count, pids)


async def configuration(
    setup: Setup, count: int, students: int, latency_events: int
) -> dict[str, Any]:
    js, redis, sink = setup.js, setup.redis, setup.sink
    tag = f"r{count}"
    cohorts = {
        name: [f"{tag}-{name}-{n:05d}" for n in range(size)]
        for name, size in (
            ("warm", WARM_UP_EVENTS),
            (IN_APP, students),
            (EMAIL, students),
            ("latency", latency_events),
        )
    }
    await save_preferences(redis, cohorts["warm"], (IN_APP, EMAIL))
    await save_preferences(redis, cohorts[IN_APP], (IN_APP,))
    await save_preferences(redis, cohorts[EMAIL], (EMAIL,))
    await save_preferences(redis, cohorts["latency"], (IN_APP,))
    activity = bench_activity(datetime.now(UTC))
    async with notify_replicas(setup, count) as replicas:
        await publish(js, catalogue_events.activity_published(activity))
        deadline = time.monotonic() + 30
        while not await redis.exists(keys.activity(activity.id)):
            if time.monotonic() > deadline:
                raise RuntimeError("notify did not take in the activity")
            await asyncio.sleep(0.01)
        async with inbox_watch(redis) as watch:  # warm-up: connections, scripts, SMTP session
            sink.set(0)
            await publish_all(js, suggestions(cohorts["warm"], activity))
            await watch.wait_for(cohorts["warm"], 60)
            await wait_for_count(sink, WARM_UP_EVENTS, 60)
        runs = []
        for channel in (IN_APP, EMAIL):
            result = await throughput(setup, replicas, activity, channel, cohorts[channel])
            print(
                f"{count} replica(s) {channel:<6} {result['per_second']:>8.1f} msg/s"
                f"  ({result['seconds']} s; published at {result['publish_per_second']}/s)"
            )
            runs.append(result)
        delays = await latency(js, redis, activity, cohorts["latency"])
        for mode, figures in delays.items():
            print(
                f"{count} replica(s) event to inbox, {mode}: p50 {figures['p50_ms']} ms,"
                f" p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
            )
        memory = {name: resident_mb(pid) for name, pid in replicas.pids.items()}
    return {
        "replicas": count,
        "throughput": runs,
        "latency": {"replicas": count, **delays},
        "resident_mb": memory,
    }


async def run(students: int, latency_events: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    sink = new_tally()
    sink_port = free_port()
    with bench_stack() as (stack, tokens):
        sink_process = start_process(smtp_sink, sink_port, sink)
        client = await nats.connect(stack.nats_url)
        redis = Redis.from_url(stack.redis_url)
        try:
            if not await asyncio.to_thread(sink.ready.wait, 60) or sink_process.pid is None:
                raise RuntimeError("SMTP sink did not start")
            js = client.jetstream()
            await provision_streams(js)
            setup = Setup(stack, tokens, js, redis, sink, sink_process.pid)
            ping = await measure("redis PING", lambda _: redis.ping(), 2000, 1)
            raw = await raw_trials(js, stack.nats_url, students, "before")
            notify_env = {
                "SE_NOTIFY_UNSUBSCRIBE_SECRET": "bench-unsubscribe-secret",
                "SE_NOTIFY_WEBHOOK_SECRET": generate_secret(),
                "SE_SMTP_HOST": "127.0.0.1",
                "SE_SMTP_PORT": str(sink_port),
                "SE_SMTP_STARTTLS": "false",
            }
            with environment(notify_env):
                configurations = [
                    await configuration(setup, count, students, latency_events)
                    for count in REPLICA_COUNTS
                ]
            raw += await raw_trials(js, stack.nats_url, students, "after")
        finally:
            await redis.aclose()
            await client.close()
            sink_process.terminate()
            sink_process.join(10)
    raw_rate = statistics.median(r["publish_and_consume_per_second"] for r in raw)
    throughputs = [t for c in configurations for t in c["throughput"]]
    by_run = {(t["channel"], t["replicas"]): t["per_second"] for t in throughputs}
    return {
        "parameters": {
            "students_per_run": students,
            "latency_events": latency_events,
            "latency_interval_ms": LATENCY_INTERVAL_SECONDS * 1000,
            "publish_in_flight": PUBLISH_CHUNK,
            "consumer_batch": CONSUMER_BATCH,
            "warm_up_events": WARM_UP_EVENTS,
            "smtp_sink": SMTP_SINK,
        },
        "load_average": {
            "before": [round(v, 2) for v in load_before],
            "after": [round(v, 2) for v in os.getloadavg()],
        },
        "redis_ping": as_dict(ping),
        "raw_jetstream": raw,
        "raw_jetstream_median_per_second": raw_rate,
        "notify_throughput": throughputs,
        "notify_latency": [c["latency"] for c in configurations],
        "notify_resident_mb": {f"r{c['replicas']}": c["resident_mb"] for c in configurations},
        "notify_over_raw_jetstream": {
            f"{channel}_r{replicas}": round(value / raw_rate, 3)
            for (channel, replicas), value in by_run.items()
        },
        "two_replicas_over_one": {
            channel: round(by_run[(channel, 2)] / by_run[(channel, 1)], 2)
            for channel in (IN_APP, EMAIL)
        },
    }


def summary(results: dict[str, Any]) -> None:
    print()
    for raw in results["raw_jetstream"]:
        print(
            f"raw JetStream ({raw['trial']:<8})  publish {raw['publish_per_second']:>8.1f}/s"
            f"  publish + pull-consume {raw['publish_and_consume_per_second']:>8.1f}/s"
        )
    for run in results["notify_throughput"]:
        print(
            f"notify r{run['replicas']} {run['channel']:<6}  event to delivered"
            f" {run['per_second']:>8.1f}/s  notify cpu {run['notify_cpu_ms_per_message']} ms/msg"
            f"  cpu share {run['cpu_share_of_one_core']}"
        )
    for latency in results["notify_latency"]:
        for mode in ("paced", "one_at_a_time"):
            figures = latency[mode]
            print(
                f"notify r{latency['replicas']} event to inbox, {mode:<13}"
                f"  p50 {figures['p50_ms']:>6.2f} ms  p99 {figures['p99_ms']:>7.2f} ms"
                f"  max {figures['max_ms']:>7.2f} ms"
            )
    print(f"raw JetStream median {results['raw_jetstream_median_per_second']:.1f}/s")
    print("notify / raw JetStream median:", results["notify_over_raw_jetstream"])
    print("two replicas / one:", results["two_replicas_over_one"])
    print("load average (1, 5, 15 min) before / after:", results["load_average"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=3000, help="events per throughput run")
    parser.add_argument(
        "--latency-events",
        type=int,
        default=600,
        help="events per latency run, half paced and half one at a time",
    )
    args = parser.parse_args()
    results = asyncio.run(run(args.students, args.latency_events))
    summary(results)
    print("saved", save("notify", results))


if __name__ == "__main__":
    main()
