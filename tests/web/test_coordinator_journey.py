"""A coordinator's journey in a real browser: sign in with their token, create and publish an
activity, see a student's enrolment, record attendance, run a Week, read the impact page."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import grpc
import pytest
from playwright.async_api import Browser, Page, expect

from services.demo_journey import welcome_activity
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from tests.conftest import bearer
from tests.waiting import eventually
from tests.web.conftest import DESKTOP, NEEDS_CHROMIUM, PHONE, Site, context

pytestmark = NEEDS_CHROMIUM


async def enrol(site: Site, activity_id: str, student: str) -> None:
    """The student enrols through their platform (their own token)."""
    async with grpc.aio.insecure_channel(site.addresses["catalogue"]) as channel:
        await CatalogueServiceStub(channel).EnrolStudent(
            catalogue.EnrolStudentRequest(activity_id=activity_id, student_id=student),
            metadata=bearer("student" if student == "ana" else "other_student"),
        )


async def starting_soon(site: Site) -> str:
    """An activity of the section starting two seconds from now, with Ana enrolled."""
    details = welcome_activity(datetime.now(UTC) + timedelta(seconds=2))
    details.title = "Evening litter pick"
    async with grpc.aio.insecure_channel(site.addresses["catalogue"]) as channel:
        stub = CatalogueServiceStub(channel)
        created = await stub.CreateActivity(
            catalogue.CreateActivityRequest(details=details), metadata=bearer("coordinator")
        )
        await stub.PublishActivity(
            catalogue.PublishActivityRequest(activity_id=created.activity.id),
            metadata=bearer("coordinator"),
        )
    await enrol(site, created.activity.id, "ana")
    return str(created.activity.id)


async def sign_in(page: Page, site: Site, token: str) -> None:
    await page.goto(f"{site.url}/coordinator")
    await page.get_by_label("Access token").fill(token)
    await page.get_by_role("button", name="Sign in").click()


async def fill(page: Page, title: str, starts: datetime, ends: datetime, zone: str) -> None:
    await page.get_by_role("link", name="New activity").first.click()
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Description").fill("Planting trees along the Turia gardens.")
    await page.get_by_label("Environmental Sustainability").check()
    await page.get_by_label("SDGs").fill("13, 15")
    await page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Ends").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Time zone of the place").fill(zone)
    await page.get_by_label("City").fill("Valencia")
    await page.get_by_label("Country code").fill("es")
    await page.get_by_label("Latitude").fill("39.4699")
    await page.get_by_label("Longitude").fill("-0.3763")
    await page.get_by_label("Places").fill("1")
    await page.get_by_label("Working languages").fill("en, es")
    await page.get_by_label("SocialErasmus Week edition").fill("2027-spring")
    await page.get_by_role("button", name="Create the draft").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_coordinator_runs_their_section(
    site: Site, browser: Browser, viewport: Mapping[str, int]
) -> None:
    session = await context(browser, viewport)
    page = await session.new_page()
    await sign_in(page, site, "token-of-coordinator")
    await expect(page.get_by_role("heading", name="Activities of ESN Valencia UPV")).to_be_visible()

    # A bad form is refused with the field named, and nothing is created.
    madrid = ZoneInfo("Europe/Madrid")
    now = datetime.now(madrid).replace(second=0, microsecond=0)
    await fill(page, "Without a time zone", now, now + timedelta(hours=2), "Mars/Olympus")
    await expect(page.get_by_role("alert")).to_contain_text("Please correct")
    await expect(page.get_by_text("is not a time zone")).to_be_visible()

    # Create and publish an activity.
    title = f"Tree planting in the Turia ({viewport['width']} px)"
    starts = now + timedelta(days=3)
    await fill(page, title, starts, starts + timedelta(hours=2), "Europe/Madrid")
    await expect(page.get_by_role("status")).to_contain_text("The draft is created")
    await page.get_by_role("button", name="Publish").click()
    await expect(page.get_by_role("status")).to_contain_text("The activity is published")
    activity_id = page.url.rsplit("/", 1)[1].split("?")[0]

    # Two students enrol through their platform: one gets the place, one waits.
    await enrol(site, activity_id, "ana")
    await enrol(site, activity_id, "ben")
    await page.reload()
    confirmed = page.get_by_role("table").filter(has_text="Confirmed")
    await expect(confirmed).to_contain_text("ana")
    waitlist = page.get_by_role("table").filter(has_text="Position")
    await expect(waitlist).to_contain_text("ben")
    await expect(page.get_by_text("1 of 1 taken, 1 waiting")).to_be_visible()

    # Attendance of an activity that starts in a moment, then it is completed.
    soon = await starting_soon(site)
    await page.goto(f"{site.url}/coordinator/activities/{soon}")
    await expect(page.get_by_role("table").filter(has_text="Confirmed")).to_contain_text("ana")

    async def started() -> bool:
        await page.reload()
        return await page.get_by_role("button", name="Record attendance").count() == 1

    await eventually(started, "the activity to start", timeout=20)
    sheet = page.get_by_role("table").filter(has_text="Confirmed")
    await expect(sheet).to_contain_text("Not marked")
    await page.get_by_role("button", name="Record attendance").click()  # nobody ticked
    await expect(page.get_by_role("status")).to_contain_text("Attendance recorded for 0 students")
    await expect(sheet).to_contain_text("Absent (marked")
    await page.get_by_label("Attended: ana").check()  # corrected: she came
    await page.get_by_role("button", name="Record attendance").click()
    await expect(page.get_by_role("status")).to_contain_text("Attendance recorded for 1 student")
    await expect(sheet).to_contain_text("Present (marked")
    await expect(page.get_by_label("Attended: ana")).to_be_checked()
    await page.get_by_role("button", name="Mark as completed").click()
    await expect(page.get_by_role("status")).to_contain_text("marked as completed")
    await expect(page.get_by_text("Completed", exact=True)).to_be_visible()

    # The Week: the allocation places the section's students and says why others are not.
    await page.get_by_role("link", name="SocialErasmus Week").click()
    await page.get_by_label("Week edition").fill("2027-spring")
    await page.get_by_role("button", name="Run the allocation").click()
    await expect(page.get_by_text("students placed across the network")).to_be_visible()
    placed = page.get_by_role("table").filter(has_text="Fit")
    await expect(placed).to_contain_text("Welcome clean-up")

    # The impact page counts the section's participants, with a CSV in activities.esn.org's
    # fields.
    await page.get_by_role("link", name="Impact").click()
    await expect(page.get_by_role("heading", name="Impact of ESN Valencia UPV")).to_be_visible()
    await expect(page.get_by_role("heading", name="By cause")).to_be_visible()
    await expect(page.locator(".bars").first).to_contain_text("Environmental Sustainability")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download as CSV").click()
    path = await (await download_info.value).path()
    assert path is not None
    lines = path.read_text().splitlines()
    assert lines[0].startswith("Title,Organiser,Co-organisers,Type of activity,Causes,SDGs")
    assert any(title in line for line in lines[1:])
    # The activity whose attendance was taken counts the students marked present.
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    litter = [row for row in rows if row["Title"] == "Evening litter pick"]
    assert litter and all(
        (row["Participants"], row["Attendance taken"]) == ("1", "yes") for row in litter
    )
    await session.close()


async def test_a_coordinator_cannot_open_another_sections_activity(
    site: Site, browser: Browser
) -> None:
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await sign_in(page, site, "token-of-other_coordinator")
    response = await page.goto(f"{site.url}/coordinator/activities/{site.beach_id}")
    assert response is not None and response.status == 403
    await expect(page.get_by_text("You may not do this.")).to_be_visible()
    await session.close()


async def test_a_student_token_does_not_sign_in_as_a_coordinator(
    site: Site, browser: Browser
) -> None:
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await sign_in(page, site, "token-of-student")
    await expect(page.get_by_role("alert")).to_contain_text("not a coordinator's")
    await session.close()
