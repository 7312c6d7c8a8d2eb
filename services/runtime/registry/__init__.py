"""Which message each event subject carries: one registry per contract.

Every events proto (``protos/socialerasmus/<service>/v1/events.proto``) has its registry here,
``services.runtime.registry.<service>``: a constant per event (its subject and its message
type) and ``EVENTS``, the registry of them all. The producer builds its events from these
constants, and every consumer subscribes to the same constants, so a subject is written once
and no service imports another to read its events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from google.protobuf.message import Message

from services.runtime.events import OutgoingEvent, event_of

__all__ = ["EventType", "Registry"]

M = TypeVar("M", bound=Message)


@dataclass(frozen=True, slots=True)
class EventType(Generic[M]):
    """One event of a contract: the subject it is published on and its message type."""

    subject: str
    message: type[M]

    @property
    def type_name(self) -> str:
        """The message's full protobuf name, as the ``Se-Event-Type`` header carries it."""
        return self.message.DESCRIPTOR.full_name

    def decode(self, data: bytes) -> M:
        """The message in ``data``; raises ``google.protobuf.message.DecodeError``."""
        return self.message.FromString(data)

    def event(self, message: M) -> OutgoingEvent:
        """``message`` ready for the outbox, on this event's subject."""
        if not isinstance(message, self.message):
            raise TypeError(f"{self.subject} carries {self.type_name}, not {type(message)}")
        return event_of(self.subject, message)


class Registry:
    """The events of one contract, each subject with its message type.

    ``wildcard`` (``se.<producer>.>``) is what its stream holds; every subject added must
    fall under it, and each subject is added once.
    """

    def __init__(self, wildcard: str) -> None:
        if not wildcard.endswith(".>"):
            raise ValueError(f"{wildcard!r} is not a subject wildcard (se.<producer>.>)")
        self.wildcard = wildcard
        self._prefix = wildcard[:-1]
        self._types: dict[str, EventType[Any]] = {}

    def add(self, subject: str, message: type[M]) -> EventType[M]:
        if not subject.startswith(self._prefix):
            raise ValueError(f"{subject} is not under {self.wildcard}")
        if subject in self._types:
            raise ValueError(f"{subject} is registered twice")
        event_type = EventType(subject, message)
        self._types[subject] = event_type
        return event_type

    def __iter__(self) -> Iterator[EventType[Any]]:
        return iter(self._types.values())
