"""A page on another origin lists activities and enrols the student through the edge, in
headless Chromium: every call carries the Authorization header, so the browser sends a CORS
preflight first, and the same page on an origin the edge does not allow gets nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.examples.conftest import Clients, a_suggestion_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}: apt-get install chromium"
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


async def list_activities(browser: Browser, origin: str, api: str) -> Page:
    """The page of ``origin``, asked to list the activities as the student ana."""
    page = await browser.new_page()
    await page.goto(f"{origin}/index.html")
    await page.fill("#api", api)
    await page.fill("#token", "token-of-student")
    await page.fill("#student", "ana")
    await page.click("button[type=submit]")
    return page


async def test_a_page_on_an_allowed_origin_lists_and_enrols(
    clients: Clients, browser: Browser
) -> None:
    activity_id = await a_suggestion_for(clients.platform, "ana")
    page = await list_activities(browser, clients.page, clients.platform.url)

    activity = page.locator(f"li[data-activity-id='{activity_id}']")
    await expect(activity).to_contain_text("Welcome clean-up at La Malvarrosa beach (Valencia")
    await activity.get_by_role("button", name="Enrol").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Enrolled ana in Welcome clean-up at La Malvarrosa beach: ENROLMENT_STATUS_CONFIRMED"
    )
    await expect(page.get_by_role("alert")).to_be_empty()


async def test_a_page_on_another_origin_is_refused(clients: Clients, browser: Browser) -> None:
    page = await list_activities(browser, clients.other_page, clients.platform.url)

    await expect(page.get_by_role("alert")).to_have_text(
        f"Cannot call {clients.platform.url} from {clients.other_page}: Failed to fetch"
    )
    await expect(page.locator("#activities li")).to_have_count(0)
