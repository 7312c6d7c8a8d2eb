"""Publishing and consuming events over JetStream.

Consumers are durable pull consumers with explicit ack. A handler that raises is retried
with back-off; after ``max_deliver`` attempts the event goes to ``se.dlq.<durable>`` with
the reason and is terminated. A message no handler can take (an unknown subject, a payload
that does not decode: :class:`Unprocessable`) goes there at once, as no retry would change
it. A failed handler is never acknowledged. An ack, nak or
dead-lettering that fails (NATS away) is logged and counted, and the consumer goes on: the
event is delivered again once its ack wait has passed, and handlers are idempotent.

A handler runs in the trace of the event (its ``traceparent`` header), continued with a
span of its own, so its logs and the events it raises belong to the same trace.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, ConsumerInfo, PubAck

from services.runtime import metrics, tracing
from services.runtime.events import OutgoingEvent
from services.runtime.patience import until_jetstream_answers
from services.runtime.streams import dead_letter_subject
from services.runtime.supervisor import Loop

log = logging.getLogger(__name__)

Handler = Callable[[Msg], Awaitable[None]]

BATCH_WAIT_SECONDS = 0.01
"""How long a batch fetch may wait for messages to arrive (see EventConsumer)."""
IDLE_WAIT_SECONDS = 1.0
"""How long an idle consumer waits for one message before checking whether to stop."""


class Unprocessable(Exception):
    """Raised by a handler for a message it can never handle, whatever the attempt (an
    unknown subject, a payload that does not decode); the reason goes with the dead letter."""


async def publish(js: JetStreamContext, event: OutgoingEvent, timeout: float = 5.0) -> PubAck:
    """Publish and wait for the stream's acknowledgement (deduplicated by event id)."""
    return await js.publish(event.subject, event.payload, timeout=timeout, headers=event.headers())


@dataclass(frozen=True, slots=True)
class ConsumerSpec:
    """A durable consumer: its name, stream, subjects and retry policy."""

    durable: str
    stream: str
    subjects: tuple[str, ...]
    max_deliver: int = 6
    backoff_seconds: tuple[float, ...] = (0.5, 2.0, 10.0, 30.0, 60.0)
    """Delay before redelivery after the n-th failure (the last repeats)."""
    ack_wait_seconds: float = 30.0
    batch: int = 64

    @property
    def dead_letter_subject(self) -> str:
        return dead_letter_subject(self.durable)

    def delay_after(self, attempt: int) -> float:
        index = min(attempt, len(self.backoff_seconds)) - 1
        return self.backoff_seconds[max(index, 0)]

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            max_deliver=self.max_deliver,
            ack_wait=self.ack_wait_seconds,
            filter_subjects=list(self.subjects),
        )


@dataclass
class EventConsumer:
    """Runs one handler over one durable consumer until ``stop`` is set."""

    js: JetStreamContext
    spec: ConsumerSpec
    handler: Handler
    sample_seconds: float = 5.0
    """How often the loop samples the consumer's lag from JetStream into the gauges."""
    processed: int = field(default=0, init=False)
    dead_lettered: int = field(default=0, init=False)
    _next_sample: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        durable = self.spec.durable
        self._handled = metrics.CONSUMER_HANDLED.labels(durable)
        self._retries = metrics.CONSUMER_RETRIES.labels(durable)
        self._dead_lettered = metrics.CONSUMER_DEAD_LETTERED.labels(durable)
        self._handling = metrics.CONSUMER_HANDLING.labels(durable)
        self._settle_failures = metrics.CONSUMER_SETTLE_FAILURES.labels(durable)

    def loop(self) -> Loop:
        """This consumer as a supervised background loop of its service."""
        return Loop(f"consumer:{self.spec.durable}", self.run)

    async def run(self, stop: asyncio.Event) -> None:
        subscription = await self.js.pull_subscribe_bind(
            durable=self.spec.durable, stream=self.spec.stream
        )
        try:
            while not stop.is_set():
                if time.monotonic() >= self._next_sample:
                    self._next_sample = time.monotonic() + self.sample_seconds
                    await self._sample_quietly()
                try:
                    messages = await self._next_messages(subscription)
                except (TimeoutError, NatsTimeoutError):
                    continue
                except Exception:
                    log.exception("fetch failed", extra={"consumer": self.spec.durable})
                    await asyncio.sleep(1.0)
                    continue
                for message in messages:
                    await self.handle(message)
        finally:
            # A subscription left open would hold up the connection's drain on shutdown.
            await subscription.unsubscribe()

    async def _next_messages(self, subscription: JetStreamContext.PullSubscription) -> list[Msg]:
        """What is waiting, up to a batch; else the next message as soon as it comes.

        A batch fetch that has to wait keeps waiting for the rest of its batch once the first
        message arrived (until its timeout), which would hold a lone event back for up to
        that long. So the batch fetch only waits briefly, and an idle consumer waits for one
        message at a time.
        """
        try:
            return await subscription.fetch(self.spec.batch, timeout=BATCH_WAIT_SECONDS)
        except (TimeoutError, NatsTimeoutError):
            return await subscription.fetch(1, timeout=IDLE_WAIT_SECONDS)

    async def sample_lag(self) -> ConsumerInfo:
        """Read the consumer's state from JetStream and set the lag gauges to it."""
        info: ConsumerInfo = await self.js.consumer_info(self.spec.stream, self.spec.durable)
        metrics.CONSUMER_PENDING.labels(self.spec.durable).set(info.num_pending or 0)
        metrics.CONSUMER_ACK_PENDING.labels(self.spec.durable).set(info.num_ack_pending or 0)
        return info

    async def _sample_quietly(self) -> None:
        try:
            await self.sample_lag()
        except Exception as error:  # a gauge left stale must not stop the consumer
            log.debug("consumer lag not sampled: %r", error, extra={"consumer": self.spec.durable})

    async def handle(self, message: Msg) -> None:
        headers = message.headers
        trace = tracing.continue_from(headers.get(tracing.HEADER) if headers else None)
        token = tracing.current.set(trace)
        try:
            started = time.perf_counter()
            try:
                await self.handler(message)
            except Unprocessable as error:  # retrying would not change it
                self._handling.observe(time.perf_counter() - started)
                log.error(
                    "event cannot be handled, dead-lettering: %s",
                    error,
                    extra={"consumer": self.spec.durable, "subject": message.subject},
                )
                await self._give_up(message, error)
            except Exception as error:  # a handler failure becomes a retry, never a lost event
                self._handling.observe(time.perf_counter() - started)
                await self._retry_or_dead_letter(message, error)
            else:
                self._handling.observe(time.perf_counter() - started)
                if await self._settled(message, "ack", message.ack):
                    self.processed += 1
                    self._handled.inc()
                    log.debug(
                        "event handled",
                        extra={"consumer": self.spec.durable, "subject": message.subject},
                    )
        finally:
            tracing.current.reset(token)

    async def _settled(
        self, message: Msg, what: str, step: Callable[[], Awaitable[object]]
    ) -> bool:
        """Run ``step`` (an ack, a nak, a dead-lettering); a failure ends neither the batch
        nor the consumer, as JetStream delivers the event again."""
        try:
            await step()
        except Exception as error:
            self._settle_failures.inc()
            log.warning(
                "%s failed: %r",
                what,
                error,
                extra={"consumer": self.spec.durable, "subject": message.subject},
            )
            return False
        return True

    async def _retry_or_dead_letter(self, message: Msg, error: Exception) -> None:
        attempt = message.metadata.num_delivered or 1
        context = {"consumer": self.spec.durable, "subject": message.subject, "attempt": attempt}
        if attempt < self.spec.max_deliver:
            log.warning("handler failed, will retry: %r", error, extra=context)
            delay = self.spec.delay_after(attempt)
            if await self._settled(message, "nak", functools.partial(message.nak, delay=delay)):
                self._retries.inc()
            return
        log.error("handler failed for good, dead-lettering: %r", error, extra=context)
        await self._give_up(message, error)

    async def _give_up(self, message: Msg, error: Exception) -> None:
        dead_letter = functools.partial(self._dead_letter, message, error)
        if await self._settled(message, "dead-lettering", dead_letter):
            self.dead_lettered += 1
            self._dead_lettered.inc()

    async def _dead_letter(self, message: Msg, error: Exception) -> None:
        """Copy to the dead-letter subject, then terminate. If this fails on the last attempt,
        JetStream does not deliver the event again (it has had ``max_deliver`` attempts): it
        stays in its stream, and the failure in the log and
        ``se_consumer_settle_failures_total``. Before the last, it is delivered again."""
        attempt = message.metadata.num_delivered or 1
        headers = dict(message.headers or {})
        headers.pop("Nats-Msg-Id", None)
        headers.update(
            {
                "Se-Original-Subject": message.subject,
                "Se-Consumer": self.spec.durable,
                "Se-Error": repr(error)[:500],
                "Se-Attempts": str(attempt),
            }
        )
        await self.js.publish(self.spec.dead_letter_subject, message.data, headers=headers)
        await message.term()


async def ensure_consumers(js: JetStreamContext, specs: Sequence[ConsumerSpec]) -> None:
    """Create each durable consumer, or bring it to the declared configuration."""
    for spec in specs:

        async def create(spec: ConsumerSpec = spec) -> ConsumerInfo:
            return await js.add_consumer(spec.stream, spec.config())

        await until_jetstream_answers(create, f"creating consumer {spec.durable}")
