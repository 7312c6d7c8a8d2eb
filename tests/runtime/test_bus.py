"""Durable JetStream consumers and stream provisioning, against the suite's real NATS."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo, StorageType

from services.runtime import streams
from services.runtime.bus import ConsumerSpec, EventConsumer, ensure_consumers, publish
from services.runtime.events import OutgoingEvent, new_event_id
from services.runtime.streams import STREAMS, StreamSpec, provision_streams
from tests.runtime.observing import value
from tests.waiting import eventually

SUBJECT = "se.catalogue.activity.published"
OTHER_SUBJECT = "se.catalogue.enrolment.confirmed"
FAST: dict[str, Any] = {"backoff_seconds": (0.05,), "max_deliver": 4}


def spec(**overrides: Any) -> ConsumerSpec:
    """The test worker's consumer of activity events, with ``overrides`` applied."""
    base = ConsumerSpec("test-worker", "CATALOGUE", ("se.catalogue.activity.>",))
    return dataclasses.replace(base, **overrides)


def event(payload: bytes, subject: str = SUBJECT) -> OutgoingEvent:
    return OutgoingEvent(subject, new_event_id(), payload, "test.Event")


@contextlib.asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[EventConsumer]:
    """Run the consumer in the background; on exit set ``stop`` and wait for it to return."""
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield consumer
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def settled(js: JetStreamContext, durable: str) -> ConsumerInfo:
    """Consumer info once nothing is waiting for delivery or for an acknowledgement."""
    info: ConsumerInfo | None = None

    async def idle() -> bool:
        nonlocal info
        info = await js.consumer_info("CATALOGUE", durable)
        return info.num_pending == 0 and info.num_ack_pending == 0

    await eventually(idle, f"consumer {durable} to have nothing pending")
    assert info is not None
    return info


@dataclass
class Recorder:
    """A handler that records each delivery and fails while ``fail`` says so."""

    fail: Callable[[Msg], bool] = lambda _message: False
    deliveries: list[tuple[bytes, int]] = field(default_factory=list)

    async def __call__(self, message: Msg) -> None:
        self.deliveries.append((message.data, message.metadata.num_delivered))
        if self.fail(message):
            raise RuntimeError(f"cannot handle {message.data!r}")

    def attempts(self, payload: bytes) -> list[int]:
        return [n for data, n in self.deliveries if data == payload]


@pytest.fixture
def replies(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes, float | None]]:
    """Every ack, nak and term sent on a delivered message: (kind, payload, nak delay)."""
    sent: list[tuple[str, bytes, float | None]] = []
    ack, nak, term = Msg.ack, Msg.nak, Msg.term

    async def counted_ack(self: Msg) -> None:
        sent.append(("ack", self.data, None))
        await ack(self)

    async def counted_nak(self: Msg, delay: float | None = None) -> None:
        sent.append(("nak", self.data, delay))
        await nak(self, delay)

    async def counted_term(self: Msg) -> None:
        sent.append(("term", self.data, None))
        await term(self)

    monkeypatch.setattr(Msg, "ack", counted_ack)
    monkeypatch.setattr(Msg, "nak", counted_nak)
    monkeypatch.setattr(Msg, "term", counted_term)
    return sent


async def dlq_count(js: JetStreamContext) -> int:
    return int((await js.stream_info("DLQ")).state.messages)


# Consuming -------------------------------------------------------------------------------


async def test_a_durable_consumer_handles_each_event_once_and_acks_it(
    js: JetStreamContext, replies: list[tuple[str, bytes, float | None]]
) -> None:
    """Events published before and while the consumer runs are each handled once, in order;
    subjects outside its filter are not delivered; everything ends acknowledged."""
    worker = spec()
    await ensure_consumers(js, [worker])
    recorder = Recorder()
    before = [f"before-{n}".encode() for n in range(5)]
    during = [f"during-{n}".encode() for n in range(5)]
    for payload in before:
        await publish(js, event(payload))

    async with running(EventConsumer(js, worker, recorder)) as consumer:
        await publish(js, event(b"not-for-me", OTHER_SUBJECT))
        for payload in during:
            await publish(js, event(payload))

        async def all_handled() -> bool:
            return consumer.processed >= 10

        await eventually(all_handled, "ten events handled")
        info = await settled(js, worker.durable)

    assert [data for data, _ in recorder.deliveries] == before + during
    assert {n for _, n in recorder.deliveries} == {1}
    assert consumer.processed == 10
    assert consumer.dead_lettered == 0
    assert [kind for kind, _, _ in replies] == ["ack"] * 10
    assert info.ack_floor is not None
    assert info.ack_floor.stream_seq == 11  # everything, the filtered-out event included
    assert info.num_redelivered == 0


async def test_a_durable_consumer_resumes_after_the_last_acknowledged_event(
    js: JetStreamContext,
) -> None:
    """A new process on the same durable gets only what the previous one did not handle."""
    worker = spec()
    await ensure_consumers(js, [worker])
    first = Recorder()
    await publish(js, event(b"one"))
    async with running(EventConsumer(js, worker, first)) as consumer:

        async def handled() -> bool:
            return consumer.processed == 1

        await eventually(handled, "the first event handled")
    await settled(js, worker.durable)

    await publish(js, event(b"two"))
    await publish(js, event(b"three"))
    second = Recorder()
    async with running(EventConsumer(js, worker, second)) as resumed:

        async def caught_up() -> bool:
            return resumed.processed == 2

        await eventually(caught_up, "the later events handled")
        await settled(js, worker.durable)

    assert [data for data, _ in first.deliveries] == [b"one"]
    assert [data for data, _ in second.deliveries] == [b"two", b"three"]


async def test_a_handler_that_fails_twice_is_retried_with_backoff_and_acked_once(
    js: JetStreamContext, replies: list[tuple[str, bytes, float | None]]
) -> None:
    """Each failure is a nak with the configured delay; the third delivery succeeds and is
    the only one acknowledged; nothing reaches the dead-letter stream."""
    worker = spec(**FAST)
    await ensure_consumers(js, [worker])
    recorder = Recorder(fail=lambda message: message.metadata.num_delivered <= 2)
    await publish(js, event(b"flaky"))

    async with running(EventConsumer(js, worker, recorder)) as consumer:

        async def succeeded() -> bool:
            return consumer.processed == 1

        await eventually(succeeded, "the third attempt to succeed")
        info = await settled(js, worker.durable)

    assert recorder.attempts(b"flaky") == [1, 2, 3]
    assert replies == [("nak", b"flaky", 0.05), ("nak", b"flaky", 0.05), ("ack", b"flaky", None)]
    assert consumer.processed == 1
    assert consumer.dead_lettered == 0
    assert info.ack_floor is not None
    assert info.ack_floor.stream_seq == 1
    assert await dlq_count(js) == 0


async def test_a_handler_that_always_fails_dead_letters_the_event_after_max_deliver(
    js: JetStreamContext, replies: list[tuple[str, bytes, float | None]]
) -> None:
    """After max_deliver attempts the event goes to se.dlq.<durable> with the reason and the
    original payload, is terminated, and is never delivered again; other events still flow."""
    worker = spec(**FAST)
    await ensure_consumers(js, [worker])
    recorder = Recorder(fail=lambda message: message.data == b"poison")
    poison = event(b"poison")
    await publish(js, poison)

    async with running(EventConsumer(js, worker, recorder)) as consumer:

        async def dead_lettered() -> bool:
            return await dlq_count(js) >= 1

        await eventually(dead_lettered, "the event on the DLQ stream")
        await publish(js, event(b"healthy"))

        async def healthy_handled() -> bool:
            return consumer.processed == 1

        await eventually(healthy_handled, "the next event handled")
        # Terminated, not left waiting for ack_wait (30 s) to expire.
        info = await settled(js, worker.durable)

    assert recorder.attempts(b"poison") == [1, 2, 3, 4]
    assert recorder.attempts(b"healthy") == [1]
    assert [kind for kind, data, _ in replies if data == b"poison"] == ["nak"] * 3 + ["term"]
    assert consumer.dead_lettered == 1
    assert info.num_redelivered == 0
    assert await dlq_count(js) == 1

    dead = await js.get_last_msg("DLQ", worker.dead_letter_subject)
    assert dead.subject == "se.dlq.test-worker"
    assert dead.data == b"poison"
    assert dead.headers is not None
    assert dead.headers["Se-Original-Subject"] == SUBJECT
    assert dead.headers["Se-Consumer"] == "test-worker"
    assert dead.headers["Se-Attempts"] == "4"
    assert "RuntimeError" in dead.headers["Se-Error"]
    assert "poison" in dead.headers["Se-Error"]
    assert dead.headers["Se-Event-Type"] == "test.Event"  # the original headers travel along
    assert "Nats-Msg-Id" not in dead.headers


async def test_dead_letters_of_distinct_events_are_not_deduplicated(js: JetStreamContext) -> None:
    """Two poisoned events of one consumer both land on the DLQ, each with its own payload."""
    worker = spec(**FAST)
    await ensure_consumers(js, [worker])
    recorder = Recorder(fail=lambda _message: True)
    await publish(js, event(b"bad-1"))
    await publish(js, event(b"bad-2"))

    async with running(EventConsumer(js, worker, recorder)) as consumer:

        async def both() -> bool:
            return await dlq_count(js) >= 2

        await eventually(both, "two events on the DLQ stream")
        await settled(js, worker.durable)

    assert consumer.dead_lettered == 2
    payloads = {(await js.get_msg("DLQ", seq)).data for seq in (1, 2)}
    assert payloads == {b"bad-1", b"bad-2"}


def test_backoff_uses_the_nth_delay_and_repeats_the_last() -> None:
    """delay_after(n) is the n-th configured delay; attempts past the list reuse the last."""
    worker = spec(backoff_seconds=(0.5, 2.0, 10.0))
    assert [worker.delay_after(n) for n in (1, 2, 3, 4, 9)] == [0.5, 2.0, 10.0, 10.0, 10.0]


async def test_ensure_consumers_is_idempotent_and_applies_a_changed_spec(
    js: JetStreamContext,
) -> None:
    """Declaring the same consumer again changes nothing; a changed spec is applied."""
    worker = spec()
    await ensure_consumers(js, [worker])
    await ensure_consumers(js, [worker])
    info = await js.consumer_info("CATALOGUE", worker.durable)
    assert info.config.max_deliver == 6

    changed = spec(max_deliver=3, subjects=("se.catalogue.activity.>", "se.catalogue.x.>"))
    await ensure_consumers(js, [changed])

    info = await js.consumer_info("CATALOGUE", worker.durable)
    assert info.config.max_deliver == 3
    assert sorted(info.config.filter_subjects or []) == sorted(changed.subjects)


# Provisioning ----------------------------------------------------------------------------


async def test_provisioning_twice_is_idempotent_and_keeps_the_messages(
    js: JetStreamContext,
) -> None:
    """A second provisioning leaves every stream as declared and loses no message."""
    await publish(js, event(b"kept"))

    await provision_streams(js)

    names = {info.config.name for info in await js.streams_info()}
    assert names == {s.name for s in STREAMS}
    for declared in STREAMS:
        info = await js.stream_info(declared.name)
        assert info.config.subjects == list(declared.subjects)
        assert info.config.description == declared.description
        assert info.config.storage == StorageType.FILE
        assert info.config.num_replicas == 1
        assert info.config.duplicate_window == streams.DUPLICATE_WINDOW_SECONDS
    catalogue = await js.stream_info("CATALOGUE")
    assert catalogue.state.messages == 1
    assert (await js.get_msg("CATALOGUE", 1)).data == b"kept"


async def test_provisioning_brings_back_a_stream_edited_by_hand(js: JetStreamContext) -> None:
    """Drift made outside the code is undone by the next provisioning."""
    info = await js.stream_info("NOTIFY")
    edited = dataclasses.replace(info.config, description="edited by hand", max_msgs=10)
    await js.update_stream(edited)
    assert (await js.stream_info("NOTIFY")).config.description == "edited by hand"

    await provision_streams(js)

    restored = (await js.stream_info("NOTIFY")).config
    assert restored.description == "Deliveries to students"
    assert restored.max_msgs == -1


async def test_provisioning_applies_a_changed_declaration(
    js: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new subject, description and duplicate window in the code reach the live stream."""
    declared = tuple(
        StreamSpec(s.name, (*s.subjects, "se.reminders.>"), "Deliveries and reminders")
        if s.name == "NOTIFY"
        else s
        for s in STREAMS
    )
    monkeypatch.setattr(streams, "STREAMS", declared)
    monkeypatch.setattr(streams, "DUPLICATE_WINDOW_SECONDS", 60)

    await provision_streams(js)

    config = (await js.stream_info("NOTIFY")).config
    assert config.subjects == ["se.notify.>", "se.reminders.>"]
    assert config.description == "Deliveries and reminders"
    assert config.duplicate_window == 60
    ack = await publish(js, event(b"reminder", "se.reminders.tomorrow"))
    assert ack.stream == "NOTIFY"


async def test_an_ack_that_fails_ends_neither_the_batch_nor_the_consumer(
    js: JetStreamContext,
) -> None:
    """A handler that acks on its own makes the consumer's ack raise: counted, logged, and
    the events after it are still handled."""
    worker = spec()
    await ensure_consumers(js, [worker])
    handled: list[bytes] = []

    async def acks_the_first_itself(message: Msg) -> None:
        if message.data == b"first":
            await message.ack()
        handled.append(message.data)

    failures = value("se_consumer_settle_failures_total", consumer=worker.durable)
    for payload in (b"first", b"second"):
        await publish(js, event(payload))
    async with running(EventConsumer(js, worker, acks_the_first_itself)) as consumer:
        await publish(js, event(b"third"))
        await eventually(lambda: len(handled) == 3, "the events after the failed ack handled")
        await settled(js, worker.durable)

    assert handled == [b"first", b"second", b"third"]
    assert consumer.processed == 2
    assert value("se_consumer_settle_failures_total", consumer=worker.durable) == failures + 1
