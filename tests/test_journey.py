"""A student's journey through the three services, each its own process as in production.

ESN Valencia UPV publishes an activity starting in an hour; matching suggests it to Ana;
notify puts the suggestion in her inbox and mails it; she enrols; she is told she is
confirmed and reminded (the activity is close); the section cancels; she is told why.
Real NATS, Redis and SMTP; nothing in between is called directly.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from services.demo_journey import welcome_activity
from services.launcher import SERVICES
from services.runtime.localstack import free_port
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_serving,
)
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, channel_to
from tests.notify.receivers import Mailbox, smtp_server
from tests.waiting import eventually

STUDENT = bearer("student")  # ana
COORDINATOR = bearer("coordinator")  # ESN Valencia UPV


@dataclass
class Product:
    catalogue: CatalogueServiceStub
    matching: MatchingServiceStub
    notify: NotifyServiceStub
    mailbox: Mailbox


@contextmanager
def processes(env: dict[str, str], logs: Path) -> Iterator[dict[str, str]]:
    """The three services as child processes, as the run command starts them; yields their
    addresses."""
    services = [ServiceProcess(s.name, s.module, free_port()) for s in SERVICES]
    children = []
    try:
        children += [start_service(service, env, logs) for service in services]
        yield {service.name: service.address for service in services}
    finally:
        stop_processes(children)


@pytest.fixture
async def product(clean_stack: Stack, tmp_path: Path) -> AsyncIterator[Product]:
    env = {
        **os.environ,
        "SE_NATS_URL": clean_stack.nats_url,
        "SE_REDIS_URL": clean_stack.redis_url,
        "SE_TOKENS_FILE": str(clean_stack.tokens_file),
        "SE_LOCAL_DIR": str(tmp_path),
        "SE_LOG_LEVEL": "INFO",
        "SE_METRICS_LISTEN": "off",
        "SE_NOTIFY_UNSUBSCRIBE_SECRET": "journey-secret",
        "SE_SMTP_STARTTLS": "false",
    }
    with smtp_server() as (mailbox, smtp_port):
        env |= {"SE_SMTP_HOST": "127.0.0.1", "SE_SMTP_PORT": str(smtp_port)}
        with processes(env, tmp_path) as addresses:
            for address in addresses.values():
                assert await wait_until_serving(address, timeout=60), address
            async with AsyncExitStack() as stack:
                channels = {
                    name: await stack.enter_async_context(channel_to(address))
                    for name, address in addresses.items()
                }
                yield Product(
                    CatalogueServiceStub(channels["catalogue"]),
                    MatchingServiceStub(channels["matching"]),
                    NotifyServiceStub(channels["notify"]),
                    mailbox,
                )


def ana_profile(now: datetime) -> matching.VolunteerProfile:
    profile = matching.VolunteerProfile(
        student_id="ana",
        host_section_id="esn-valencia-upv",
        home_country_code="pt",
        languages=[
            matching.LanguageSkill(code="pt", level=matching.LANGUAGE_LEVEL_NATIVE),
            matching.LanguageSkill(code="en", level=matching.LANGUAGE_LEVEL_C1),
        ],
        interests=[
            matching.CauseInterest(cause=common.CAUSE_ENVIRONMENTAL_SUSTAINABILITY, weight=1.0)
        ],
        skills=["teamwork"],
        motivation="I would like to help keep the beaches clean.",
        max_distance_km=50,
        time_zone="Europe/Madrid",
        suggestions_opt_in=True,
    )
    profile.arrival.FromDatetime(now - timedelta(days=20))
    profile.departure.FromDatetime(now + timedelta(days=120))
    return profile


def beach_clean_up(starts: datetime) -> catalogue.ActivityDetails:
    """The run command's welcome activity, at ``starts``, with ten places."""
    details = welcome_activity(starts)
    details.title = "Sunset beach clean-up at La Malvarrosa"
    details.capacity = 10
    return details


def beach_title() -> str:
    return beach_clean_up(datetime.now(UTC)).title


def plain_text(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    return "" if body is None else str(body.get_content())


async def inbox_kinds(product: Product, wanted: set[str], timeout: float = 20.0) -> list[str]:
    """The kinds in Ana's inbox, once every ``wanted`` kind is there."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        reply = await product.notify.ListInbox(
            notify.ListInboxRequest(student_id="ana", page_size=50), metadata=STUDENT
        )
        kinds = [item.kind for item in reply.items]
        if wanted <= set(kinds) or asyncio.get_running_loop().time() > deadline:
            return kinds
        await asyncio.sleep(0.1)


async def test_a_student_s_journey_from_publication_to_cancellation(product: Product) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    await product.matching.UpsertProfile(
        matching.UpsertProfileRequest(profile=ana_profile(now)), metadata=STUDENT
    )
    await product.notify.SetPreferences(
        notify.SetPreferencesRequest(
            preferences=notify.Preferences(
                student_id="ana",
                email="ana@students.test",
                in_app=True,
                locale="pt",
                time_zone="Europe/Madrid",
                frequency=notify.FREQUENCY_INSTANT,
                weekly_suggestion_budget=5,
            )
        ),
        metadata=STUDENT,
    )

    created = await product.catalogue.CreateActivity(
        catalogue.CreateActivityRequest(details=beach_clean_up(now + timedelta(hours=1))),
        metadata=COORDINATOR,
    )
    activity_id = created.activity.id
    await product.catalogue.PublishActivity(
        catalogue.PublishActivityRequest(activity_id=activity_id), metadata=COORDINATOR
    )
    assert await inbox_kinds(product, {"suggestion"}) == ["suggestion"]

    enrolled = await product.catalogue.EnrolStudent(
        catalogue.EnrolStudentRequest(activity_id=activity_id, student_id="ana"),
        metadata=STUDENT,
    )
    assert enrolled.enrolment.status == catalogue.ENROLMENT_STATUS_CONFIRMED
    # Less than two hours ahead: the reminder goes right after the confirmation.
    kinds = await inbox_kinds(product, {"enrolment_confirmed", "reminder"})
    assert sorted(kinds) == ["enrolment_confirmed", "reminder", "suggestion"]

    await product.catalogue.CancelActivity(
        catalogue.CancelActivityRequest(
            activity_id=activity_id, reason="Red flag for wind on the coast"
        ),
        metadata=COORDINATOR,
    )
    kinds = await inbox_kinds(product, {"activity_cancelled"})
    assert kinds.count("activity_cancelled") == 1

    # The inbox item and the mail of one notification are delivered independently.
    await eventually(lambda: len(product.mailbox.messages) >= 4, "the four mails")
    mails = {m["Subject"]: m for m in product.mailbox.messages}
    assert len(mails) == 4, list(mails)
    assert all(m["To"] == "ana@students.test" for m in mails.values())
    [cancelled] = [m for m in mails.values() if "Red flag" in plain_text(m)]
    assert "List-Unsubscribe" not in cancelled  # unsubscribing would not stop it
    assert "https://socialerasmus.example/notifications" in plain_text(cancelled)
    # Only the suggestion may be unsubscribed from (confirmation and reminder may not).
    unsubscribable = [m["Subject"] for m in mails.values() if "List-Unsubscribe" in m]
    assert unsubscribable == [f"Uma atividade de voluntariado para ti: {beach_title()}"]
    deliveries = await product.notify.ListDeliveries(
        notify.ListDeliveriesRequest(student_id="ana", page_size=50), metadata=STUDENT
    )
    statuses = {(d.kind, d.channel, d.status) for d in deliveries.deliveries}
    assert ("activity_cancelled", "email", notify.DELIVERY_STATUS_DELIVERED) in statuses
    assert len(deliveries.deliveries) == 8  # four messages, two channels, once each
