"""Wires notify: settings, stores, channels, intake, dispatcher, consumers, outbox relay,
gRPC adapter."""

from __future__ import annotations

import asyncio
import logging

import httpx

from services.notify import keys
from services.notify.dispatch import Dispatcher, Links
from services.notify.email_channel import EmailChannel
from services.notify.grpc_api import NotifyApi
from services.notify.intake import Intake
from services.notify.projection import ActivityProjection
from services.notify.rendering import Renderer
from services.notify.schedule import Schedule
from services.notify.service import NotifyService
from services.notify.settings import NotifySettings
from services.notify.signing_in import LinkSettings, SignInLinks
from services.notify.store import NotifyStore
from services.notify.subscriptions import subscriptions
from services.notify.watchers import InboxWatchers
from services.notify.webhook_channel import WebhookChannel
from services.runtime import metrics
from services.runtime.config import RuntimeSettings
from services.runtime.connections import Connections
from services.runtime.erasure import Tombstones
from services.runtime.outbox import OutboxRelay
from services.runtime.probes import dependencies_of
from services.runtime.server import Registration, ServiceParts
from services.runtime.subscriptions import durable_consumers
from services.runtime.supervisor import Loop
from socialerasmus.notify.v1 import notify_pb2, notify_pb2_grpc

SERVICE = "notify"
DEFAULT_PORT = 50053
SERVICE_NAME = notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name
UNSUBSCRIBE_METHOD = f"/{SERVICE_NAME}/Unsubscribe"

log = logging.getLogger(__name__)


async def notify_parts(connections: Connections, settings: RuntimeSettings) -> ServiceParts:
    metrics.expose(metrics.NOTIFY_FAMILIES)
    config = NotifySettings.from_env(settings)
    redis = connections.redis
    store, schedule, projection = NotifyStore(redis), Schedule(redis), ActivityProjection(redis)
    http = httpx.AsyncClient()
    email = EmailChannel(config.smtp) if config.smtp else None
    webhook = WebhookChannel(http, list(config.webhook_secrets)) if config.webhook_secrets else None
    if email is None or webhook is None:
        log.warning(
            "channels off",
            extra={"email": email is not None, "webhook": webhook is not None},
        )
    renderer = Renderer()
    dispatcher = Dispatcher(
        store,
        schedule,
        projection,
        renderer,
        Links(
            config.unsubscribe_secret,
            config.unsubscribe_url,
            config.manage_url,
            config.activity_url,
        ),
        email=email,
        webhook=webhook,
        lease_seconds=config.lease_seconds,
    )
    intake = Intake(
        store, schedule, projection, activity_url=config.activity_url, wake=dispatcher.wake
    )
    tombstones = Tombstones(redis, keys.PREFIX, settings.personal_data_retention_seconds)
    # Delivery events are written with the delivery log, then published from the outbox.
    relay = OutboxRelay(redis, connections.js, keys.OUTBOX, settings.instance)
    consumers = await durable_consumers(connections.js, subscriptions(intake, tombstones))

    async def dispatch(stop: asyncio.Event) -> None:
        try:
            await dispatcher.run(stop)
        finally:
            await sign_in.drain()
            if email is not None:
                await email.close()
            await http.aclose()

    watchers = InboxWatchers(redis)

    async def watch(stop: asyncio.Event) -> None:
        await stop.wait()
        await watchers.close()

    sign_in = SignInLinks(
        store,
        renderer,
        email,
        LinkSettings(
            config.unsubscribe_secret,
            config.sign_in_url,
            config.sign_in_minutes,
            config.manage_url,
            config.sign_in_interval_seconds,
        ),
    )
    api = NotifyApi(NotifyService(store, schedule, watchers, config.unsubscribe_secret), sign_in)

    async def index_earlier_emails(stop: asyncio.Event) -> None:
        """Once, beside serving: addresses saved before they were indexed (a sign-in by one
        of them finds nobody until then)."""
        read = await store.index_earlier_emails()
        if read:
            log.info("earlier addresses indexed", extra={"preferences": read})
        await stop.wait()

    return ServiceParts(
        registrations=[
            Registration(
                lambda server: notify_pb2_grpc.add_NotifyServiceServicer_to_server(api, server),
                SERVICE_NAME,
            )
        ],
        background=[
            Loop("dispatcher", dispatch),
            Loop("outbox-relay", relay.run),
            Loop("inbox-watchers", watch, required=False),
            Loop("email-index", index_earlier_emails, required=False),
            *(c.loop() for c in consumers),
        ],
        # Without NATS, preferences and the inbox still answer; facts wait in the streams.
        dependencies=dependencies_of(connections, needs_nats=False),
        public_methods=frozenset({UNSUBSCRIBE_METHOD}),
    )
