"""The JetStream streams, declared once, provisioned idempotently at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from services.runtime.config import PERSONAL_DATA_RETENTION_SECONDS
from services.runtime.registry import catalogue, matching, notify

DUPLICATE_WINDOW_SECONDS = 15 * 60
"""How long JetStream remembers Nats-Msg-Id values: an outbox entry re-published within
this window after a relay crash is dropped as a duplicate."""
DEAD_LETTER_PREFIX = "se.dlq"


@dataclass(frozen=True, slots=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str
    personal: bool = False
    """Its messages name students: kept only for the personal data window (``max_age``)."""


STREAMS = (
    # Kept without limit: matching rebuilds its index from it. Enrolment events name
    # students, so the catalogue deletes an erased student's ones message by message.
    StreamSpec("CATALOGUE", (catalogue.EVENTS.wildcard,), "Activities and enrolments"),
    # Suggestions, allocations and erasures name students; their consumers acknowledge in
    # milliseconds, so they need the messages only as long as an outage may last.
    StreamSpec(
        "MATCHING",
        (matching.EVENTS.wildcard,),
        "Suggestions, allocations, profile erasures",
        personal=True,
    ),
    StreamSpec("NOTIFY", (notify.EVENTS.wildcard,), "Deliveries to students", personal=True),
    # Copies of events of any stream, for an operator to inspect and replay within the window.
    StreamSpec(
        "DLQ",
        (f"{DEAD_LETTER_PREFIX}.>",),
        "Events a consumer gave up on, with the reason",
        personal=True,
    ),
)


def dead_letter_subject(name: str) -> str:
    """Where ``name`` (a consumer, or notify's deliveries) puts what it gave up on."""
    return f"{DEAD_LETTER_PREFIX}.{name}"


def stream_of(subject: str) -> str:
    """The stream holding ``subject``."""
    for spec in STREAMS:
        # Every stream's subjects are ``<prefix>.>`` wildcards.
        if any(subject.startswith(wildcard.removesuffix(">")) for wildcard in spec.subjects):
            return spec.name
    raise ValueError(f"no stream holds {subject}")


def stream_config(
    spec: StreamSpec, replicas: int, personal_retention_seconds: float
) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=list(spec.subjects),
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=min(DUPLICATE_WINDOW_SECONDS, personal_retention_seconds)
        if spec.personal
        else DUPLICATE_WINDOW_SECONDS,
        max_age=personal_retention_seconds if spec.personal else 0,
    )


async def provision_streams(
    js: JetStreamContext,
    replicas: int = 1,
    personal_retention_seconds: float = PERSONAL_DATA_RETENTION_SECONDS,
) -> None:
    """Create missing streams and bring existing ones to the declared configuration."""
    for spec in STREAMS:
        config = stream_config(spec, replicas, personal_retention_seconds)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)
