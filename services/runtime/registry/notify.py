"""Notify's events (``socialerasmus.notify.v1``, stream NOTIFY).

Producer: notify (``services.notify.events`` builds them, written to its outbox with the
delivery log). No service consumes them: platforms and operators do.
"""

from __future__ import annotations

from typing import Final

from services.runtime.registry import Registry
from socialerasmus.notify.v1 import events_pb2 as pb

EVENTS: Final = Registry("se.notify.>")

DELIVERY_DELIVERED: Final = EVENTS.add("se.notify.delivery.delivered", pb.DeliveryRecorded)
DELIVERY_FAILED: Final = EVENTS.add("se.notify.delivery.failed", pb.DeliveryRecorded)
