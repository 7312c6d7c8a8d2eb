"""Prometheus metrics of one service process, and the HTTP endpoint that serves them.

Every metric lives in ``REGISTRY`` (one per process, with the process, platform and
garbage-collector collectors) and is declared here, so this module is the list of what
the services measure:

- RPCs (every method of every service, by the server interceptor):
  ``se_rpc_duration_seconds{grpc_service, grpc_method, grpc_code}``, a histogram whose
  ``_count`` is the request rate and, by code, the error rate.
- Outbox (sampled by the relay): ``se_outbox_depth{outbox}``,
  ``se_outbox_oldest_age_seconds{outbox}``; ``se_outbox_published_total{outbox}``.
- Dependencies: ``se_dependency_up{dependency}`` (1 while the last probe of Redis or NATS
  succeeded, services.runtime.probes); ``se_dependency_failures_total{dependency}`` (calls
  answered UNAVAILABLE).
- Background loops (services.runtime.supervisor): ``se_background_task_failures_total{task}``
  (a loop raised, or ended before the service stopped), ``se_background_task_restarts_total
  {task}``, ``se_background_task_up{task}`` (0 while waiting to be restarted).
- Consumers: ``se_consumer_handled_total{consumer}``, ``se_consumer_retries_total{consumer}``
  (handler failures answered with a nak, i.e. redeliveries),
  ``se_consumer_dead_lettered_total{consumer}``, ``se_consumer_handling_seconds{consumer}``,
  ``se_consumer_settle_failures_total{consumer}`` (an ack, nak or dead-lettering that failed:
  the event comes again);
  sampled from JetStream: ``se_consumer_pending_messages{consumer}`` (the lag: not yet
  delivered) and ``se_consumer_ack_pending_messages{consumer}``.
- Domain counters: ``se_catalogue_enrolments_total{outcome}``,
  ``se_matching_recommended_activities_total`` and ``se_matching_empty_recommendations_total``
  (Recommend calls are counted by the RPC histogram),
  ``se_matching_suggestions_total{outcome}``, ``se_notifications_total{kind, channel,
  outcome}`` (notify calls ``NOTIFICATIONS.labels(kind, channel, outcome).inc()``).
- Matching's model and index: ``se_matching_model_*`` (the ranking model serving, its refits
  and validation), ``se_matching_index_snapshots_written_total``,
  ``se_matching_index_snapshot_sequence`` and ``se_matching_index_snapshot_bytes`` (the
  snapshot this replica restored or saved last).
- ``se_service_info{service, replica}`` is 1 for the process (``replica``, as Prometheus gives
  ``instance`` to the scrape target).

Families every service has are registered at import; a service's own (its domain counters,
matching's model and snapshots) only by that service (:func:`expose`), so a scrape of one
service shows no empty family of another.

Counters and histograms are cumulative for the life of the process, as Prometheus expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)
"""Seconds; fine below 10 ms, where Recommend (about 5 ms) and enrolment (about 2 ms) sit."""

SERVICE_INFO = Gauge(
    "se_service_info",
    "Always 1; names the service and replica of this process.",
    ["service", "replica"],
    registry=REGISTRY,
)

# RPCs --------------------------------------------------------------------------------------

RPC_DURATION = Histogram(
    "se_rpc_duration_seconds",
    "Time to handle one RPC (to the end of the stream for streaming methods), by status code.",
    ["grpc_service", "grpc_method", "grpc_code"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)

_rpc_series: dict[tuple[str, str], Histogram] = {}


def observe_rpc(method: str, code: str, seconds: float) -> None:
    """Record one RPC of full method name ``/package.Service/Method`` ending with ``code``."""
    series = _rpc_series.get((method, code))
    if series is None:  # once per method and code: labels() takes a lock
        service, _, name = method.lstrip("/").partition("/")
        series = _rpc_series[(method, code)] = RPC_DURATION.labels(service, name, code)
    series.observe(seconds)


def expose(families: tuple[Counter | Gauge | Histogram, ...]) -> None:
    """Adds a service's own families to ``REGISTRY``; again is harmless (tests run several
    services in one process)."""
    for family in families:
        with contextlib.suppress(ValueError):  # already registered
            REGISTRY.register(family)


# Dependencies ------------------------------------------------------------------------------

DEPENDENCY_FAILURES = Counter(
    "se_dependency_failures",
    "Calls answered UNAVAILABLE because Redis or NATS could not be reached.",
    ["dependency"],
    registry=REGISTRY,
)
DEPENDENCY_UP = Gauge(
    "se_dependency_up",
    "1 while the last probe of the dependency (redis, nats) succeeded, else 0.",
    ["dependency"],
    registry=REGISTRY,
)

# Background loops --------------------------------------------------------------------------

BACKGROUND_FAILURES = Counter(
    "se_background_task_failures",
    "Times a background loop raised, or ended before the service stopped.",
    ["task"],
    registry=REGISTRY,
)
BACKGROUND_RESTARTS = Counter(
    "se_background_task_restarts",
    "Times a background loop was started again after a failure.",
    ["task"],
    registry=REGISTRY,
)
BACKGROUND_UP = Gauge(
    "se_background_task_up",
    "1 while the background loop runs, 0 while it waits to be restarted.",
    ["task"],
    registry=REGISTRY,
)

# Outbox ------------------------------------------------------------------------------------

OUTBOX_DEPTH = Gauge(
    "se_outbox_depth",
    "Outbox entries not yet published (new and in progress), as last sampled.",
    ["outbox"],
    registry=REGISTRY,
)
OUTBOX_OLDEST_AGE = Gauge(
    "se_outbox_oldest_age_seconds",
    "Age of the oldest unpublished outbox entry (0 when empty), as last sampled.",
    ["outbox"],
    registry=REGISTRY,
)
OUTBOX_PUBLISHED = Counter(
    "se_outbox_published",
    "Outbox entries published to JetStream (duplicates JetStream dropped not counted).",
    ["outbox"],
    registry=REGISTRY,
)

# Consumers ---------------------------------------------------------------------------------

CONSUMER_HANDLED = Counter(
    "se_consumer_handled",
    "Events handled and acknowledged.",
    ["consumer"],
    registry=REGISTRY,
)
CONSUMER_RETRIES = Counter(
    "se_consumer_retries",
    "Handler failures answered with a nak: the event is delivered again after a delay.",
    ["consumer"],
    registry=REGISTRY,
)
CONSUMER_DEAD_LETTERED = Counter(
    "se_consumer_dead_lettered",
    "Events given up on (after max_deliver attempts, or at once when no handler can take"
    " them) and moved to se.dlq.<consumer>.",
    ["consumer"],
    registry=REGISTRY,
)
CONSUMER_SETTLE_FAILURES = Counter(
    "se_consumer_settle_failures",
    "Acks, naks and dead-letterings that failed (NATS away): JetStream delivers the event"
    " again once its ack wait has passed.",
    ["consumer"],
    registry=REGISTRY,
)
CONSUMER_HANDLING = Histogram(
    "se_consumer_handling_seconds",
    "Time the handler took for one delivery, failed or not.",
    ["consumer"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
CONSUMER_PENDING = Gauge(
    "se_consumer_pending_messages",
    "Events in the stream not yet delivered to the consumer (its lag), as last sampled.",
    ["consumer"],
    registry=REGISTRY,
)
CONSUMER_ACK_PENDING = Gauge(
    "se_consumer_ack_pending_messages",
    "Events delivered but not yet acknowledged, as last sampled.",
    ["consumer"],
    registry=REGISTRY,
)

# Domain ------------------------------------------------------------------------------------

ENROLMENTS = Counter(
    "se_catalogue_enrolments",
    "Enrolment requests by outcome: confirmed, waitlisted, or existing (already enrolled).",
    ["outcome"],
    registry=None,
)
RECOMMENDED_ACTIVITIES = Counter(
    "se_matching_recommended_activities",
    "Activities returned by Recommend, summed over calls.",
    registry=None,
)
EMPTY_RECOMMENDATIONS = Counter(
    "se_matching_empty_recommendations",
    "Recommend calls that found nothing to recommend.",
    registry=None,
)
MODEL_VERSION = Gauge(
    "se_matching_model_version",
    "Version of the ranking model serving: 0 for the cold start, +1 at each refit.",
    registry=None,
)
MODEL_FITTED = Gauge(
    "se_matching_model_fitted_timestamp_seconds",
    "When the model serving was fitted (Unix time); 0 for the cold start.",
    registry=None,
)
MODEL_EXAMPLES = Gauge(
    "se_matching_model_examples",
    "Labelled examples and feedback rows the last refit used, by what (examples, feedback).",
    ["what"],
    registry=None,
)
MODEL_VALIDATION = Gauge(
    "se_matching_model_validation_hit_rate",
    "Hit rate at 10 on held-back joins at the last refit, by weights: in_use (before the"
    " refit), chosen, cold_start; and of the collaborative model (collaborative, popularity).",
    ["model"],
    registry=None,
)
MODEL_REFITS = Counter(
    "se_matching_model_refits",
    "Refits by outcome: adopted (new weights), kept (the weights in use validated as well"
    " or better; the collaborative model is refreshed either way), failed.",
    ["outcome"],
    registry=None,
)
MODEL_REFIT_SECONDS = Histogram(
    "se_matching_model_refit_seconds",
    "Wall time of a refit, most of it in a separate process.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120),
    registry=None,
)
SNAPSHOT_WRITES = Counter(
    "se_matching_index_snapshots_written",
    "Snapshots of the activity index this replica saved to the object store.",
    registry=None,
)
SNAPSHOT_SEQUENCE = Gauge(
    "se_matching_index_snapshot_sequence",
    "CATALOGUE sequence covered by the last snapshot this replica restored or saved.",
    registry=None,
)
SNAPSHOT_BYTES = Gauge(
    "se_matching_index_snapshot_bytes",
    "Size of the last snapshot this replica saved.",
    registry=None,
)
SUGGESTIONS = Counter(
    "se_matching_suggestions",
    "Reverse-matching decisions for a student scoring above the minimum, by outcome: created"
    " (published as se.matching.suggestion.created), duplicate, over_budget.",
    ["outcome"],
    registry=None,
)
NOTIFICATIONS = Counter(
    "se_notifications",
    "Notifications by kind (what it is about), channel (email, webhook, ...) and outcome"
    " (sent, failed, skipped, ...).",
    ["kind", "channel", "outcome"],
    registry=None,
)

CATALOGUE_FAMILIES = (ENROLMENTS,)
MATCHING_FAMILIES = (
    RECOMMENDED_ACTIVITIES,
    EMPTY_RECOMMENDATIONS,
    SUGGESTIONS,
    MODEL_VERSION,
    MODEL_FITTED,
    MODEL_EXAMPLES,
    MODEL_VALIDATION,
    MODEL_REFITS,
    MODEL_REFIT_SECONDS,
    SNAPSHOT_WRITES,
    SNAPSHOT_SEQUENCE,
    SNAPSHOT_BYTES,
)
NOTIFY_FAMILIES = (NOTIFICATIONS,)


# Endpoint ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricsEndpoint:
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"


def split_listen(listen: str) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``) as host and port number."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


@contextlib.asynccontextmanager
async def serving(listen: str) -> AsyncIterator[MetricsEndpoint]:
    """Serve ``REGISTRY`` in the Prometheus text format over HTTP at ``listen`` (port 0
    picks a free one) until the block exits. Scrapes are answered on a thread of their
    own, so a slow scrape never holds up the event loop. Raises OSError when the address
    is taken."""
    host, port = split_listen(listen)
    server, thread = start_http_server(port, host, registry=REGISTRY)
    endpoint = MetricsEndpoint(host, server.server_port)
    log.info("metrics", extra={"url": endpoint.url})
    try:
        yield endpoint
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()
        await asyncio.to_thread(thread.join, 5.0)
