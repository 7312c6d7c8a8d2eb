"""Every page, checked by axe-core in the browser: no serious or critical violation, at phone
and desktop widths."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from tests.web.conftest import (
    DESKTOP,
    NEEDS_CHROMIUM,
    PHONE,
    Site,
    context,
    serious_violations,
    sign_in_link,
)

pytestmark = NEEDS_CHROMIUM


async def check(page: Page, url: str) -> list[str]:
    response = await page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    return [f"{url} {line}" for line in await serious_violations(page)]


async def signed_in_student(
    browser: Browser, site: Site, viewport: Mapping[str, int]
) -> BrowserContext:
    session = await context(browser, viewport, bypass_csp=True)  # axe is injected as a script
    page = await session.new_page()
    await page.goto(f"{site.url}/sign-in")
    await page.get_by_label("Your e-mail address or ESN student ID").fill("ana")
    await page.get_by_role("button", name="E-mail me a sign-in link").click()
    await page.get_by_role("heading", name="Check your e-mail").wait_for()
    await page.goto(await sign_in_link(site.mail_dir, "ana"))
    await page.close()
    return session


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_the_pages_have_no_serious_accessibility_violations(
    site: Site, browser: Browser, viewport: Mapping[str, int]
) -> None:
    anonymous = await context(browser, viewport, bypass_csp=True)
    page = await anonymous.new_page()
    found = []
    for path in (
        "/sign-in",
        "/sign-in?invalid=1",
        "/sign-in?used=1",
        "/unsubscribe?token=x",
        "/coordinator/sign-in",
        f"/activities/{site.beach_id}",
    ):
        found += await check(page, f"{site.url}{path}")
    await anonymous.close()

    student = await signed_in_student(browser, site, viewport)
    page = await student.new_page()
    for path in (
        "/suggestions",
        f"/activities/{site.beach_id}",
        "/my-activities",
        "/inbox",
        "/notifications",
        "/language?lang=pl&next=/suggestions",
    ):
        found += await check(page, f"{site.url}{path}")
    await student.close()

    coordinator = await context(browser, viewport, bypass_csp=True)
    page = await coordinator.new_page()
    await page.goto(f"{site.url}/coordinator/sign-in")
    await page.get_by_label("Access token").fill("token-of-coordinator")
    await page.get_by_role("button", name="Sign in").click()
    for path in (
        "/coordinator/activities",
        "/coordinator/activities/new",
        f"/coordinator/activities/{site.beach_id}",
        f"/coordinator/activities/{site.beach_id}/edit",
        "/coordinator/week",
        "/coordinator/impact",
    ):
        found += await check(page, f"{site.url}{path}")
    await coordinator.close()
    assert found == []


async def test_the_check_finds_what_it_looks_for(browser: Browser) -> None:
    session = await context(browser, DESKTOP)
    page = await session.new_page()
    await page.set_content('<html><body><button></button><img src="x.png"></body></html>')
    found = await serious_violations(page)
    assert any(line.startswith("button-name") for line in found), found
    assert any(line.startswith("image-alt") for line in found), found
    await session.close()
