"""The JetStream streams, declared once, provisioned idempotently at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

DUPLICATE_WINDOW_SECONDS = 15 * 60
"""How long JetStream remembers Nats-Msg-Id values: an outbox entry re-published within
this window after a relay crash is dropped as a duplicate."""


DAY_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str
    max_age_seconds: float = 0
    """Messages older than this are removed; 0 keeps them (matching replays CATALOGUE)."""


STREAMS = (
    StreamSpec("CATALOGUE", ("se.catalogue.>",), "Activities and enrolments"),
    StreamSpec("MATCHING", ("se.matching.>",), "Suggestions, allocations, profile erasures"),
    # One event per message and channel: kept a month, for consumers to catch up.
    StreamSpec("NOTIFY", ("se.notify.>",), "Deliveries to students", 30 * DAY_SECONDS),
    # Long enough for an operator to inspect and replay what failed.
    StreamSpec(
        "DLQ", ("se.dlq.>",), "Events a consumer gave up on, with the reason", 90 * DAY_SECONDS
    ),
)


def stream_config(spec: StreamSpec, replicas: int) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=list(spec.subjects),
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        max_age=spec.max_age_seconds,
    )


async def provision_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create missing streams and bring existing ones to the declared configuration."""
    for spec in STREAMS:
        config = stream_config(spec, replicas)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)
