"""What an event is on the wire: subject, time-ordered id, protobuf payload, trace context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from ulid import ULID

from services.runtime import tracing

CONTENT_TYPE = "application/protobuf"


def new_event_id() -> str:
    """A ULID: unique, and sorts by creation time."""
    return str(ULID())


def timestamp_now() -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """An event ready for the outbox: ``subject`` names the fact, ``payload`` is protobuf,
    ``traceparent`` the trace it was raised in (empty outside of one).

    ``extra_headers`` go with it and may replace the defaults: a dead letter, which is not
    an event of a registry, has no message type and says its own content type and reason.
    """

    subject: str
    event_id: str
    payload: bytes
    message_type: str
    traceparent: str = ""
    extra_headers: tuple[tuple[str, str], ...] = ()

    def headers(self) -> dict[str, str]:
        headers = {"Nats-Msg-Id": self.event_id, "Content-Type": CONTENT_TYPE}
        if self.message_type:
            headers["Se-Event-Type"] = self.message_type
        if self.traceparent:
            headers[tracing.HEADER] = self.traceparent
        headers.update(self.extra_headers)
        return headers


def event_of(subject: str, message: Message) -> OutgoingEvent:
    """Wrap an event message (which carries ``event_id``) for the outbox, in the current
    trace: the RPC or event being handled when the event is raised."""
    return OutgoingEvent(
        subject=subject,
        event_id=getattr(message, "event_id"),  # noqa: B009  every event message has one
        payload=message.SerializeToString(),
        message_type=message.DESCRIPTOR.full_name,
        traceparent=tracing.current_traceparent(),
    )
