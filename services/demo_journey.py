"""The demo student's first suggestion, through all three services, for the run command.

On a first run: the demo student (``demo-student``) chooses in-app and e-mail messages; ESN
Valencia UPV then publishes a beach clean-up suited to them; the catalogue announces it,
matching's reverse matching suggests it, and notify puts the suggestion in the student's
inbox and sends it by mail (to the local mailbox, whose files a person can open).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from services.matching.demo_profile import DEMO_STUDENT
from services.runtime.mailbox import StoredMessage, stored_messages
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub

DEMO_EMAIL = f"{DEMO_STUDENT}@students.example"
DEMO_NAME = "Zofia"
"""What mails call the demo student (an Erasmus student from Poland, ``demo_profile``)."""
WELCOME_REQUEST_ID = "demo-welcome-beach-clean-up"
CALL_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Welcome:
    """What the demo student received: the inbox item and, when it came, the mail."""

    item: notify.InboxItem | None
    mail: StoredMessage | None


def _bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def welcome_start(now: datetime) -> datetime:
    """09:00 UTC nine days after ``now``: soon, and in the morning in Valencia."""
    return (now + timedelta(days=9)).replace(hour=9, minute=0, second=0, microsecond=0)


def welcome_activity(starts: datetime) -> catalogue.ActivityDetails:
    """A three-hour beach clean-up of ESN Valencia UPV from ``starts``, in English and
    Spanish."""
    return catalogue.ActivityDetails(
        title="Welcome clean-up at La Malvarrosa beach",
        description=(
            "Meet ESN Valencia UPV and local volunteers for a morning beach clean-up.\n"
            "Gloves and bags are provided; bring water and sun cream."
        ),
        goal="Remove plastic from the beach and talk about marine litter with neighbours.",
        type=catalogue.ACTIVITY_TYPE_VOLUNTEERING,
        causes=[common.CAUSE_ENVIRONMENTAL_SUSTAINABILITY, common.CAUSE_SOCIAL_INCLUSION],
        sdgs=[14, 13],
        objectives=[catalogue.OBJECTIVE_FOSTER_ACTIVE_CITIZENSHIP_AND_VOLUNTEERING],
        section_id="esn-valencia-upv",
        starts_at=_stamp(starts),
        ends_at=_stamp(starts + timedelta(hours=3)),
        time_zone="Europe/Madrid",
        location=common.Location(
            city="Valencia",
            country_code="es",
            venue="Playa de la Malvarrosa, next to the lifeguard tower 3",
            coordinates=common.GeoPoint(latitude=39.4783, longitude=-0.3236),
        ),
        capacity=25,
        languages=["en", "es"],
        skills_wanted=["teamwork", "photography"],
    )


async def ensure_demo_preferences(channel: grpc.aio.Channel, token: str) -> None:
    """In-app and e-mail, instant, in English, Madrid time, greeted as Zofia; kept if already
    chosen (a name is added to settings chosen without one)."""
    stub = NotifyServiceStub(channel)
    metadata = _bearer(token)
    current = await stub.GetPreferences(
        notify.GetPreferencesRequest(student_id=DEMO_STUDENT),
        metadata=metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )
    if current.preferences.email and current.preferences.display_name:
        return
    preferences = notify.Preferences(
        student_id=DEMO_STUDENT,
        email=DEMO_EMAIL,
        in_app=True,
        locale="en",
        time_zone="Europe/Madrid",
        frequency=notify.FREQUENCY_INSTANT,
        weekly_suggestion_budget=10,
    )
    if current.preferences.email:  # chosen before names were kept: only the name is new
        preferences.CopyFrom(current.preferences)
        preferences.ClearField("updated_at")
    preferences.display_name = DEMO_NAME
    await stub.SetPreferences(
        notify.SetPreferencesRequest(preferences=preferences),
        metadata=metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )


async def publish_welcome_activity(channel: grpc.aio.Channel, token: str) -> str:
    """Creates and publishes the welcome activity once; returns its id."""
    stub = CatalogueServiceStub(channel)
    metadata = _bearer(token)
    created = await stub.CreateActivity(
        catalogue.CreateActivityRequest(
            details=welcome_activity(welcome_start(datetime.now(UTC))),
            request_id=WELCOME_REQUEST_ID,
        ),
        metadata=metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )
    if created.activity.state == catalogue.ACTIVITY_STATE_DRAFT:
        await stub.PublishActivity(
            catalogue.PublishActivityRequest(activity_id=created.activity.id),
            metadata=metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )
    return str(created.activity.id)


async def wait_for_welcome(
    channel: grpc.aio.Channel,
    token: str,
    activity_id: str,
    mail_dir: Path | None,
    timeout: float = 20.0,
) -> Welcome:
    """The suggestion of ``activity_id`` in the demo student's inbox and its mail, once both
    arrived (or whatever arrived by ``timeout``)."""
    stub = NotifyServiceStub(channel)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    item: notify.InboxItem | None = None
    mail: StoredMessage | None = None
    while loop.time() < deadline:
        listed = await stub.ListInbox(
            notify.ListInboxRequest(student_id=DEMO_STUDENT, page_size=100),
            metadata=_bearer(token),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        item = next((i for i in listed.items if i.activity_id == activity_id), None)
        if mail_dir is not None and item is not None:
            mail = next(
                (m for m in reversed(stored_messages(mail_dir)) if m.subject == item.subject),
                None,
            )
        if item is not None and (mail is not None or mail_dir is None):
            break
        await asyncio.sleep(0.25)
    return Welcome(item, mail)
