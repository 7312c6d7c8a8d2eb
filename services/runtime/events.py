"""What an event is on the wire: subject, time-ordered id, protobuf payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from ulid import ULID

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
    """An event ready for the outbox: ``subject`` names the fact, ``payload`` is protobuf."""

    subject: str
    event_id: str
    payload: bytes
    message_type: str

    def headers(self) -> dict[str, str]:
        return {
            "Nats-Msg-Id": self.event_id,
            "Content-Type": CONTENT_TYPE,
            "Se-Event-Type": self.message_type,
        }
