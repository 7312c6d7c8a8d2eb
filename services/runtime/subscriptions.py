"""Typed event handlers: a service says which events it takes and what it does with each.

A service declares all its subscriptions in its own ``subscriptions.py``, each event of a
registry (``services.runtime.registry``) with one handler taking its decoded message::

    Subscription("notify-matching", ack_wait_seconds=10.0)
        .on(matching.SUGGESTION_CREATED, intake.suggestion_created)
        .on(matching.PROFILE_ERASED, tombstones.erasure(intake.profile_erased))

A :class:`Subscription` is one durable consumer shared by the service's replicas: its
subjects are those of its handlers and its stream the one that holds them. :class:`Handlers`
is the same table without a consumer, for a follower that reads a whole stream itself.

The message is decoded once, here, into the type the registry gives its subject. A message
whose subject has no handler, that declares another type (``Se-Event-Type``) or that does not
decode is :class:`~services.runtime.bus.Unprocessable`: a consumer dead-letters it at once
with that reason, and no handler sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

from google.protobuf.message import DecodeError, Message
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from services.runtime.bus import ConsumerSpec, EventConsumer, Unprocessable, ensure_consumers
from services.runtime.registry import EventType
from services.runtime.streams import stream_of

__all__ = ["Handlers", "Subscription", "durable_consumers"]

M = TypeVar("M", bound=Message)
R = TypeVar("R")

TYPE_HEADER = "Se-Event-Type"
"""The header naming the payload's message type (``OutgoingEvent.headers``)."""


@dataclass(frozen=True, slots=True)
class _Bound(Generic[R]):
    event_type: EventType[Any]
    handle: Callable[[Any, int], R]
    """Called with the decoded message and its sequence in the stream."""


class Handlers(Generic[R]):
    """One handler per event, by subject; ``R`` is what a handler returns (an awaitable for
    a consumer's, None for a follower's)."""

    def __init__(self) -> None:
        self._bound: dict[str, _Bound[R]] = {}

    def on(self, event_type: EventType[M], handle: Callable[[M], R]) -> Self:
        """``handle`` takes every ``event_type`` event."""
        return self.on_stored(event_type, lambda message, _sequence: handle(message))

    def on_stored(self, event_type: EventType[M], handle: Callable[[M, int], R]) -> Self:
        """``handle`` takes every ``event_type`` event with its sequence in the stream (for
        a handler that must find the message there again)."""
        if event_type.subject in self._bound:
            raise ValueError(f"{event_type.subject} has a handler already")
        self._bound[event_type.subject] = _Bound(event_type, handle)
        return self

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(self._bound)

    def dispatch(
        self,
        subject: str,
        data: bytes,
        *,
        sequence: int = 0,
        headers: Mapping[str, str] | None = None,
    ) -> R:
        """Decode ``data`` as the event of ``subject`` and hand it to its handler; raises
        :class:`Unprocessable` when no handler can take it."""
        bound = self._bound.get(subject)
        if bound is None:
            raise Unprocessable(f"no handler for {subject}")
        expected = bound.event_type.type_name
        declared = (headers or {}).get(TYPE_HEADER, expected)
        if declared != expected:
            raise Unprocessable(f"{subject} carries {expected}, not {declared}")
        try:
            message = bound.event_type.decode(data)
        except DecodeError as error:
            raise Unprocessable(f"{subject} does not decode as {expected}: {error}") from None
        return bound.handle(message, sequence)


class Subscription(Handlers[Awaitable[object]]):
    """A durable consumer shared by every replica of a service, with its handlers.

    The retry policy is that of :class:`ConsumerSpec` unless given; ``durable`` also names
    the dead-letter subject (``se.dlq.<durable>``).
    """

    def __init__(
        self,
        durable: str,
        *,
        max_deliver: int | None = None,
        ack_wait_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.durable = durable
        policy = {"max_deliver": max_deliver, "ack_wait_seconds": ack_wait_seconds}
        self._policy: dict[str, Any] = {k: v for k, v in policy.items() if v is not None}

    @property
    def spec(self) -> ConsumerSpec:
        """The consumer's JetStream configuration: exactly the subjects handled."""
        subjects = self.subjects
        streams = {stream_of(subject) for subject in subjects}
        if len(streams) != 1:
            raise ValueError(f"{self.durable} must read one stream, not {sorted(streams)}")
        return ConsumerSpec(self.durable, streams.pop(), subjects, **self._policy)

    async def handle(self, message: Msg) -> None:
        """The consumer's handler (:class:`~services.runtime.bus.EventConsumer`)."""
        await self.dispatch(
            message.subject,
            message.data,
            sequence=message.metadata.sequence.stream,
            headers=message.headers,
        )


async def durable_consumers(
    js: JetStreamContext, subscriptions: Sequence[Subscription]
) -> list[EventConsumer]:
    """Create each subscription's durable consumer, or bring it to its declaration; returns
    the consumers, for the service to run as background loops."""
    await ensure_consumers(js, [subscription.spec for subscription in subscriptions])
    return [EventConsumer(js, s.spec, s.handle) for s in subscriptions]
