"""Typed subscriptions over the suite's real NATS: each event decoded once into its registered
type, and what no handler can take dead-lettered at once with the reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from services.runtime.bus import (
    ConsumerSpec,
    EventConsumer,
    Unprocessable,
    ensure_consumers,
    publish,
)
from services.runtime.events import new_event_id
from services.runtime.registry import Registry, catalogue, matching, notify
from services.runtime.subscriptions import Handlers, Subscription, durable_consumers
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity
from tests.runtime.test_bus import dlq_count, running, settled
from tests.waiting import eventually

PROTOS = Path(__file__).resolve().parents[2] / "protos" / "socialerasmus"
REGISTRIES: dict[str, Registry] = {
    "catalogue": catalogue.EVENTS,
    "matching": matching.EVENTS,
    "notify": notify.EVENTS,
}


def published(activity_id: str) -> events_pb2.ActivityPublished:
    return events_pb2.ActivityPublished(event_id=new_event_id(), activity=Activity(id=activity_id))


class Taken:
    """What the handlers of the test subscription were given."""

    def __init__(self) -> None:
        self.published: list[str] = []
        self.confirmed: list[str] = []

    def subscription(self, durable: str = "test-typed") -> Subscription:
        async def on_published(event: events_pb2.ActivityPublished) -> None:
            self.published.append(event.activity.id)

        async def on_confirmed(event: events_pb2.EnrolmentConfirmed) -> None:
            self.confirmed.append(event.enrolment.student_id)

        return (
            Subscription(durable, max_deliver=4)
            .on(catalogue.ACTIVITY_PUBLISHED, on_published)
            .on(catalogue.ENROLMENT_CONFIRMED, on_confirmed)
        )


# The registries -------------------------------------------------------------------------


def subjects_in_proto(service: str) -> dict[str, set[str]]:
    """Each event message of ``<service>/v1/events.proto`` with the subjects its comment
    starts with (``// se.x.y.z: what it says`` or ``// se.x.y.a / se.x.y.b``)."""
    text = (PROTOS / service / "v1" / "events.proto").read_text()
    found: dict[str, set[str]] = {}
    for block, name in re.findall(r"((?://[^\n]*\n)+)message (\w+) \{", text):
        head = block.splitlines()[0].split(":")[0]
        subjects = set(re.findall(r"se\.[a-z]+\.[a-z]+\.[a-z]+", head))
        if subjects:
            found[name] = subjects
    return found


@pytest.mark.parametrize("service", sorted(REGISTRIES))
def test_each_registry_holds_every_event_of_its_proto_under_the_subjects_it_names(
    service: str,
) -> None:
    registered: dict[str, set[str]] = {}
    for event_type in REGISTRIES[service]:
        registered.setdefault(event_type.message.__name__, set()).add(event_type.subject)
    assert registered == subjects_in_proto(service)


def test_a_registry_refuses_a_subject_outside_its_stream_or_twice() -> None:
    registry = Registry("se.catalogue.>")
    registry.add("se.catalogue.activity.published", events_pb2.ActivityPublished)
    with pytest.raises(ValueError, match="registered twice"):
        registry.add("se.catalogue.activity.published", events_pb2.ActivityUpdated)
    with pytest.raises(ValueError, match=r"not under se\.catalogue\.>"):
        registry.add("se.matching.activity.published", events_pb2.ActivityPublished)


def test_an_event_type_builds_only_its_own_message() -> None:
    event = catalogue.ACTIVITY_PUBLISHED.event(published("act-1"))
    assert event.subject == "se.catalogue.activity.published"
    assert event.message_type == "socialerasmus.catalogue.v1.ActivityPublished"
    with pytest.raises(TypeError):
        catalogue.ACTIVITY_UPDATED.event(published("act-1"))  # type: ignore[arg-type]


# Declaring a subscription ---------------------------------------------------------------


def test_a_subscription_consumes_exactly_the_subjects_it_handles_from_their_stream() -> None:
    spec = Taken().subscription().spec
    assert spec.durable == "test-typed"
    assert spec.stream == "CATALOGUE"
    assert spec.subjects == ("se.catalogue.activity.published", "se.catalogue.enrolment.confirmed")
    assert spec.max_deliver == 4
    assert spec.dead_letter_subject == "se.dlq.test-typed"


def test_a_subscription_reads_one_stream_and_an_event_has_one_handler() -> None:
    async def ignore(event: object) -> None:
        return None

    across = (
        Subscription("test-across")
        .on(catalogue.ACTIVITY_PUBLISHED, ignore)
        .on(matching.PROFILE_ERASED, ignore)
    )
    with pytest.raises(ValueError, match="one stream"):
        _ = across.spec
    with pytest.raises(ValueError, match="has a handler already"):
        Subscription("test-twice").on(catalogue.ACTIVITY_PUBLISHED, ignore).on(
            catalogue.ACTIVITY_PUBLISHED, ignore
        )


def test_handlers_decode_once_and_refuse_what_they_cannot_take() -> None:
    taken: list[str] = []
    handlers = Handlers[None]().on(
        catalogue.ACTIVITY_PUBLISHED, lambda event: taken.append(event.activity.id)
    )
    handlers.dispatch("se.catalogue.activity.published", published("act-1").SerializeToString())
    assert taken == ["act-1"]
    with pytest.raises(Unprocessable, match=r"no handler for se\.catalogue\.activity\.updated"):
        handlers.dispatch("se.catalogue.activity.updated", b"")
    with pytest.raises(Unprocessable, match="does not decode"):
        handlers.dispatch("se.catalogue.activity.published", b"\xff")
    with pytest.raises(Unprocessable, match=r"carries socialerasmus\.catalogue\.v1\.ActivityPub"):
        handlers.dispatch(
            "se.catalogue.activity.published",
            b"",
            headers={"Se-Event-Type": "socialerasmus.catalogue.v1.ActivityUpdated"},
        )
    assert taken == ["act-1"]


# Consuming ------------------------------------------------------------------------------


async def test_an_undecodable_event_is_dead_lettered_at_once_with_its_reason(
    js: JetStreamContext,
) -> None:
    """No handler sees it, it is not retried, the events around it are handled as ever and
    the consumer is left with nothing pending."""
    taken = Taken()
    [consumer] = await durable_consumers(js, [taken.subscription()])
    before = catalogue.ACTIVITY_PUBLISHED.event(published("act-before"))
    after = catalogue.ACTIVITY_PUBLISHED.event(published("act-after"))
    await publish(js, before)
    await js.publish("se.catalogue.activity.published", b"\xff\x01 not protobuf")
    await publish(js, after)

    async with running(consumer):
        await eventually(lambda: len(taken.published) == 2, "the two good events")
        await eventually(lambda: consumer.dead_lettered == 1, "the dead letter")
        info = await settled(js, "test-typed")

    assert taken.published == ["act-before", "act-after"]
    assert taken.confirmed == []
    assert consumer.processed == 2
    assert info.num_redelivered == 0  # given up on at the first attempt
    assert await dlq_count(js) == 1
    dead = await js.get_last_msg("DLQ", "se.dlq.test-typed")
    assert dead.data == b"\xff\x01 not protobuf"
    assert dead.headers is not None
    assert dead.headers["Se-Original-Subject"] == "se.catalogue.activity.published"
    assert dead.headers["Se-Consumer"] == "test-typed"
    assert dead.headers["Se-Attempts"] == "1"
    assert (
        "does not decode as socialerasmus.catalogue.v1.ActivityPublished"
        in (dead.headers["Se-Error"])
    )


async def test_an_event_of_another_type_or_subject_is_dead_lettered_with_its_reason(
    js: JetStreamContext,
) -> None:
    """A payload that says it is another message, and a subject the consumer's filter lets
    through with no handler (a consumer declared wider than its handlers)."""
    taken = Taken()
    subscription = taken.subscription("test-wide")
    wide = ConsumerSpec("test-wide", "CATALOGUE", ("se.catalogue.>",), max_deliver=4)
    await ensure_consumers(js, [wide])
    consumer = EventConsumer(js, wide, subscription.handle)
    mislabelled = catalogue.ACTIVITY_PUBLISHED.event(published("act-odd"))
    await js.publish(
        mislabelled.subject,
        mislabelled.payload,
        headers={**mislabelled.headers(), "Se-Event-Type": "socialerasmus.catalogue.v1.Other"},
    )
    await publish(js, catalogue.ACTIVITY_UPDATED.event(events_pb2.ActivityUpdated(event_id="u")))

    async with running(consumer):
        await eventually(lambda: consumer.dead_lettered == 2, "both dead letters")
        await settled(js, "test-wide")

    assert taken.published == []
    assert consumer.processed == 0
    reasons = []
    for sequence in (1, 2):
        dead = await js.get_msg("DLQ", sequence)
        assert dead.headers is not None
        reasons.append(dead.headers["Se-Error"])
    assert any("carries socialerasmus.catalogue.v1.ActivityPublished, not" in r for r in reasons)
    assert any("no handler for se.catalogue.activity.updated" in r for r in reasons)
