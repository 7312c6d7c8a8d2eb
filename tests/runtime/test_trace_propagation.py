"""One request followed across services by its trace id: a traceparent sent to the
catalogue travels through its outbox to JetStream, into matching's consumer and its logs,
and on with the suggestion matching publishes in turn (what notify consumes). Also the
domain counters the two services keep along the way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import RawStreamMsg

from services.catalogue.app import catalogue_parts
from services.runtime import tracing
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.registry.matching import SUGGESTION_CREATED
from services.runtime.server import serve
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from tests.catalogue.builders import valid_details
from tests.conftest import Stack, bearer, channel_to
from tests.matching.builders import valid_profile
from tests.matching.conftest import running_matching
from tests.runtime.observing import json_logs, value
from tests.waiting import eventually

PLATFORM = bearer("platform")
TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"
PUBLISHED = "se.catalogue.activity.published"
CATALOGUE = "socialerasmus.catalogue.v1.CatalogueService"


async def last_message(client: NatsClient, stream: str, subject: str) -> RawStreamMsg | None:
    try:
        return await client.jetstream().get_last_msg(stream, subject)
    except Exception:  # not there yet (the stream may not even exist)
        return None


def trace_of(message: RawStreamMsg) -> tracing.TraceContext:
    assert message.headers is not None
    found = tracing.parse(message.headers.get(tracing.HEADER))
    assert found is not None, message.headers
    return found


@dataclass
class Both:
    catalogue: CatalogueServiceStub
    matching: MatchingServiceStub


@pytest.fixture
async def both(clean_stack: Stack) -> AsyncIterator[Both]:
    """Catalogue and matching running in this process, with Ana's profile stored."""
    settings = clean_stack.settings("catalogue")
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(settings.listen, tokens, await catalogue_parts(connections, settings), 0.5) as c,
        channel_to(c.address) as channel,
        running_matching(clean_stack) as (matching, _),
    ):
        await matching.UpsertProfile(
            pb.UpsertProfileRequest(profile=valid_profile(datetime.now(UTC))), metadata=PLATFORM
        )
        yield Both(CatalogueServiceStub(channel), matching)


async def publish(both: Both, *metadata: tuple[str, str]) -> cat.Activity:
    created = await both.catalogue.CreateActivity(
        cat.CreateActivityRequest(details=valid_details()), metadata=PLATFORM
    )
    published = await both.catalogue.PublishActivity(
        cat.PublishActivityRequest(activity_id=created.activity.id),
        metadata=(*PLATFORM, *metadata),
    )
    activity: cat.Activity = published.activity
    return activity


async def test_a_trace_follows_a_publication_from_catalogue_through_matching(
    both: Both, nats_client: NatsClient
) -> None:
    with json_logs(debug=("services.runtime.bus",)) as logs:
        await publish(both, (tracing.HEADER, f"00-{TRACE}-{CALLER_SPAN}-01"))

        async def suggested() -> bool:
            found = await last_message(nats_client, "MATCHING", SUGGESTION_CREATED.subject)
            return found is not None

        await eventually(suggested, "matching to publish a suggestion")

    publication = await last_message(nats_client, "CATALOGUE", PUBLISHED)
    suggestion = await last_message(nats_client, "MATCHING", SUGGESTION_CREATED.subject)
    assert publication is not None
    assert suggestion is not None

    # The catalogue handled the RPC in a span of its own within the caller's trace...
    [access] = logs.where(logger="access", method=f"/{CATALOGUE}/PublishActivity")
    assert access["trace_id"] == TRACE
    assert access["span_id"] != CALLER_SPAN
    # ...and its event, stored in the outbox and relayed later, names that span as parent.
    assert trace_of(publication) == tracing.TraceContext(TRACE, access["span_id"], "01")

    # Matching's consumer handled the event in a child span, and logged in it...
    [handled] = logs.where(consumer="matching-reverse", subject=PUBLISHED)
    assert handled["message"] == "event handled"
    assert handled["trace_id"] == TRACE
    assert handled["span_id"] not in {CALLER_SPAN, access["span_id"]}
    # ...and the suggestion it raised meanwhile carries the trace on, to notify.
    assert trace_of(suggestion) == tracing.TraceContext(TRACE, handled["span_id"], "01")

    # A call without a traceparent starts a trace of its own.
    [create] = logs.where(logger="access", method=f"/{CATALOGUE}/CreateActivity")
    assert create["trace_id"] not in {TRACE, ""}


async def test_suggestions_recommendations_and_enrolments_are_counted(
    both: Both, nats_client: NatsClient
) -> None:
    counters = {
        "suggested": ("se_matching_suggestions_total", {"outcome": "created"}),
        "recommended": ("se_matching_recommended_activities_total", {}),
        "empty": ("se_matching_empty_recommendations_total", {}),
        "confirmed": ("se_catalogue_enrolments_total", {"outcome": "confirmed"}),
        "existing": ("se_catalogue_enrolments_total", {"outcome": "existing"}),
    }

    def read() -> dict[str, float]:
        return {key: value(name, **labels) for key, (name, labels) in counters.items()}

    before = read()
    empty = await both.matching.Recommend(
        pb.RecommendRequest(student_id="ana", k=5), metadata=PLATFORM
    )
    assert list(empty.recommendations) == []
    activity = await publish(both)

    async def recommended() -> bool:
        reply = await both.matching.Recommend(
            pb.RecommendRequest(student_id="ana", k=5), metadata=PLATFORM
        )
        return len(reply.recommendations) == 1

    await eventually(recommended, "the activity to be recommended")

    async def suggested() -> bool:
        return value("se_matching_suggestions_total", outcome="created") > before["suggested"]

    await eventually(suggested, "the suggestion to be counted")
    enrol = cat.EnrolStudentRequest(activity_id=activity.id, student_id="ana")
    assert (await both.catalogue.EnrolStudent(enrol, metadata=PLATFORM)).created
    assert not (await both.catalogue.EnrolStudent(enrol, metadata=PLATFORM)).created

    change = {key: now - before[key] for key, now in read().items()}
    empty_calls = change["empty"]
    assert empty_calls >= 1  # the first call, and any polls before the index caught up
    assert change == {
        "suggested": 1,
        "recommended": 1,
        "empty": empty_calls,
        "confirmed": 1,
        "existing": 1,
    }
