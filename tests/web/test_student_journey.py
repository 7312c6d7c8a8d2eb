"""A student's journey in a real browser, at phone and desktop widths: a sign-in link from
the local mailbox, a suggestion with its reasons, enrolling, the calendar file, the live
inbox, cancelling."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import grpc
import icalendar
import pytest
from playwright.async_api import Browser, Page, expect

from services.demo_journey import welcome_activity
from services.kernel.ics import event_uid
from services.runtime.mailbox import stored_messages
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.common.v1 import common_pb2 as common
from tests.conftest import bearer
from tests.waiting import eventually
from tests.web.conftest import (
    DESKTOP,
    NEEDS_CHROMIUM,
    PHONE,
    Site,
    context,
    email_of,
    sign_in_link,
)

BEACH = "Welcome clean-up at La Malvarrosa beach"

pytestmark = NEEDS_CHROMIUM


async def change_the_beach(site: Site, tower: int) -> None:
    """ESN Valencia UPV moves the meeting point (every enrolled student is told)."""
    async with grpc.aio.insecure_channel(site.addresses["catalogue"]) as channel:
        stub = CatalogueServiceStub(channel)
        current = (
            await stub.GetActivity(
                catalogue.GetActivityRequest(activity_id=site.beach_id),
                metadata=bearer("coordinator"),
            )
        ).activity
        details = catalogue.ActivityDetails()
        details.CopyFrom(current.details)
        details.location.venue = f"Playa de la Malvarrosa, lifeguard tower {tower}"
        await stub.UpdateActivity(
            catalogue.UpdateActivityRequest(
                activity_id=site.beach_id, expected_version=current.version, details=details
            ),
            metadata=bearer("coordinator"),
        )


def _confirmation(site: Site, student_id: str) -> EmailMessage | None:
    for stored in stored_messages(site.mail_dir):
        if email_of(student_id) in stored.recipients and stored.subject.startswith(
            "Your place is confirmed"
        ):
            parsed = BytesParser(policy=policy.default).parsebytes(stored.path.read_bytes())
            return parsed if isinstance(parsed, EmailMessage) else None
    return None


async def confirmation(site: Site, student_id: str) -> EmailMessage:
    await eventually(lambda: _confirmation(site, student_id) is not None, "the confirmation")
    found = _confirmation(site, student_id)
    assert found is not None
    return found


async def ask_for_a_link(page: Page, who: str) -> None:
    await page.get_by_label("Your e-mail address or ESN student ID").fill(who)
    await page.get_by_role("button", name="E-mail me a sign-in link").click()
    await expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()


async def sign_in(page: Page, site: Site, student_id: str, *, by_address: bool = False) -> str:
    """Signs in with a link from the mailbox, asked for by id or by address; returns it."""
    await page.goto(f"{site.url}/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await ask_for_a_link(page, email_of(student_id).upper() if by_address else student_id)
    link = await sign_in_link(site.mail_dir, student_id)
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    return link


@pytest.mark.parametrize(
    ("student_id", "viewport"), [("ana", PHONE), ("ben", DESKTOP)], ids=["phone", "desktop"]
)
async def test_a_student_signs_in_enrols_gets_the_calendar_file_and_cancels(
    site: Site, browser: Browser, student_id: str, viewport: Mapping[str, int]
) -> None:
    session = await context(browser, viewport)
    page = await session.new_page()
    await sign_in(page, site, student_id, by_address=student_id == "ana")

    # The suggestion, with its reasons in ESN terms and the student's clock.
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=BEACH))
    await expect(card).to_contain_text("Environmental Sustainability, like you asked")
    await expect(card).to_contain_text("CET")
    await card.get_by_role("button", name="Sign up").click()

    # Enrolled: the activity page says so and offers to cancel.
    await expect(page.get_by_role("status")).to_contain_text("Your place is confirmed")
    await expect(page.get_by_text("Your place is confirmed", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Cancel my place")).to_be_visible()

    # The calendar file: one event, the activity's, as every calendar source names it.
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = await download_info.value
    path = await download.path()
    assert path is not None
    [event] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(event["uid"]) == event_uid(site.beach_id)
    assert str(event["summary"]) == BEACH
    assert event.decoded("dtstart") > datetime.now(UTC) + timedelta(days=6)

    # The confirmation mail carries the same event, and links back to the activity's page.
    mail = await confirmation(site, student_id)
    text = mail.get_body(("plain",))
    assert text is not None
    assert f"{site.url}/activities/{site.beach_id}" in str(text.get_content())
    [attached] = list(mail.iter_attachments())
    [mailed] = icalendar.Calendar.from_ical(attached.get_content()).walk("VEVENT")
    assert mailed["uid"] == event["uid"]

    # The inbox has the confirmation, and what notify sends next arrives while it is open.
    await page.get_by_role("link", name="Inbox").click()
    await expect(page.get_by_text(f"Your place is confirmed: {BEACH}")).to_be_visible()
    await change_the_beach(site, 4 + viewport["width"] % 7)
    await expect(page.get_by_text(f"Changes to {BEACH}")).to_be_visible()

    # My activities lists it with its calendar feed; cancelling frees the place.
    await page.get_by_role("link", name="My activities").click()
    await expect(page.get_by_role("heading", name=BEACH)).to_be_visible()
    feed = await page.get_by_label("Or copy this address into your calendar app").input_value()
    assert "/calendar/" in feed
    await page.get_by_role("button", name="Cancel my place").click()
    await expect(page.get_by_role("status")).to_contain_text("Your place is cancelled")
    await expect(page.get_by_text("You have not signed up for any activity yet.")).to_be_visible()
    await page.goto(f"{site.url}/activities/{site.beach_id}")
    await expect(page.get_by_role("button", name="Sign up")).to_be_visible()
    await session.close()


async def far_away(site: Site) -> str:
    """A published activity of ESN Tirana, in Tirana: outside the students' reach, so nothing
    suggests it, but a platform may enrol them (ana confirmed, then ben waiting)."""
    details = welcome_activity((datetime.now(UTC) + timedelta(days=5)).replace(hour=8, minute=0))
    details.title = "Clean-up of the Lana river in Tirana"
    details.section_id = "esn-tirana"
    details.time_zone = "Europe/Tirane"
    details.capacity = 1
    details.location.CopyFrom(
        common.Location(
            city="Tirana",
            country_code="al",
            venue="Lana river, by the Pyramid",
            coordinates=common.GeoPoint(latitude=41.3275, longitude=19.8187),
        )
    )
    async with grpc.aio.insecure_channel(site.addresses["catalogue"]) as channel:
        stub = CatalogueServiceStub(channel)
        created = await stub.CreateActivity(
            catalogue.CreateActivityRequest(details=details), metadata=bearer("other_coordinator")
        )
        await stub.PublishActivity(
            catalogue.PublishActivityRequest(activity_id=created.activity.id),
            metadata=bearer("other_coordinator"),
        )
        for student in ("ana", "ben"):
            await stub.EnrolStudent(
                catalogue.EnrolStudentRequest(activity_id=created.activity.id, student_id=student),
                metadata=bearer("platform"),
            )
    return str(created.activity.id)


async def test_my_activities_lists_every_place_wherever_the_activity_is(
    site: Site, browser: Browser
) -> None:
    """The catalogue lists a student's places in any section: a waitlisted place in Tirana
    shows for a student of Valencia, with the waitlist position, and leaves when cancelled."""
    tirana = await far_away(site)
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await sign_in(page, site, "ben")
    await page.get_by_role("link", name="My activities").click()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Clean-up of the Lana river in Tirana")
    )
    await expect(card).to_contain_text("On the waitlist, position 1")
    await card.get_by_role("button", name="Cancel my place").click()
    await expect(page.get_by_role("status")).to_contain_text("Your place is cancelled")
    await expect(page.get_by_text("You have not signed up for any activity yet.")).to_be_visible()
    await page.goto(f"{site.url}/activities/{tirana}")  # ana still holds the one seat
    await expect(page.get_by_role("button", name="Join the waitlist")).to_be_visible()
    await session.close()


def greeted(site: Site, student_id: str, subject: str, greeting: str) -> bool:
    """Whether a mail to the student whose subject starts so has the greeting on a line."""
    return any(
        email_of(student_id) in m.recipients
        and m.subject.startswith(subject)
        and m.text is not None
        and greeting in m.text.read_text().splitlines()
        for m in stored_messages(site.mail_dir)
    )


async def test_a_student_chooses_the_name_mails_greet_them_by(site: Site, browser: Browser) -> None:
    """Named in the settings, the student is greeted by it in notify's mails (a confirmation, a
    sign-in link), in the language of their settings."""
    session = await context(browser, PHONE)
    page = await session.new_page()
    await sign_in(page, site, "ana")
    await page.get_by_role("link", name="Notifications").click()
    await page.get_by_label("Your name (mails greet you with it)").fill("  Ana ")
    await page.get_by_role("combobox", name="Language").select_option("es")
    await page.get_by_role("button", name="Save my settings").click()
    await expect(page.get_by_role("status")).to_contain_text("Tus ajustes están guardados")
    await expect(page.get_by_label("Tu nombre (los correos te saludan con él)")).to_have_value(
        "Ana"
    )

    await page.goto(f"{site.url}/activities/{site.beach_id}")
    await page.get_by_role("button", name="Apuntarme").click()
    await eventually(
        lambda: greeted(site, "ana", "Tu plaza está confirmada", "¡Hola, Ana!"),
        "the confirmation greeting Ana by her name",
    )
    await page.get_by_role("button", name="Cancelar mi plaza").click()
    await expect(page.get_by_role("button", name="Apuntarme")).to_be_visible()
    # The sign-in mail too, asked for by address (the page in the browser's English, the mail
    # in the language of her settings).
    await page.get_by_role("button", name="Cerrar sesión").click()
    await ask_for_a_link(page, email_of("ana"))
    await eventually(
        lambda: greeted(site, "ana", "Tu enlace de acceso", "¡Hola, Ana!"),
        "the sign-in mail greeting Ana by her name",
    )
    await session.close()


async def test_a_sign_in_link_signs_in_once_and_a_used_one_offers_a_new_one(
    site: Site, browser: Browser
) -> None:
    session = await context(browser, PHONE)
    page = await session.new_page()
    link = await sign_in(page, site, "ben", by_address=True)
    await page.get_by_role("button", name="Sign out").click()

    await page.goto(link)  # the second click
    await expect(page.get_by_role("alert")).to_contain_text("was used already")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.goto(f"{site.url}/my-activities")  # nobody is signed in by it
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.goto(link)
    await ask_for_a_link(page, "ben")  # the page offers a new link
    await page.goto(await sign_in_link(site.mail_dir, "ben"))
    await expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    await session.close()


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    site: Site, browser: Browser
) -> None:
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await page.goto(f"{site.url}/sign-in")
    before = len(stored_messages(site.mail_dir))
    await ask_for_a_link(page, "nobody@students.example")
    unknown = await page.locator("main").inner_text()
    await page.goto(f"{site.url}/sign-in")
    await page.get_by_label("Your e-mail address or ESN student ID").fill("not an address@")
    await page.get_by_role("button", name="E-mail me a sign-in link").click()
    await expect(page.get_by_text("This is not an e-mail address")).to_be_visible()
    # A known address gets the same page, and its mail is the only one since.
    await page.goto(f"{site.url}/sign-in")
    await ask_for_a_link(page, email_of("ana"))
    assert await page.locator("main").inner_text() == unknown
    await sign_in_link(site.mail_dir, "ana")
    assert [m.recipients for m in stored_messages(site.mail_dir)[before:]] == [(email_of("ana"),)]
    await session.close()


async def test_a_sign_in_link_that_was_tampered_with_signs_nobody_in(
    site: Site, browser: Browser
) -> None:
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await page.goto(f"{site.url}/sign-in/link?token=djE6MTc5NjY2MjI2MTphbmE.forged")
    await expect(page.get_by_role("alert")).to_contain_text("expired or is not valid")
    await page.goto(f"{site.url}/my-activities")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await session.close()
