"""Screenshots of every page of the web app, for the README (docs/screenshots/).

Against the app of a running `make run` (its demo data, its demo student and its dev tokens),
in Debian's chromium driven by Playwright, at phone and desktop widths:

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from services.launcher import demo_sign_in_link
from services.runtime.config import project_root
from services.runtime.devtokens import dev_tokens_path

CHROMIUM = "/usr/bin/chromium"
DEMO_WEEK = "2027-spring"
"""The Week the demo student joins (``services.matching.demo_profile``)."""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
STUDENT_PAGES = {
    "suggestions": "/suggestions",
    "activity": None,  # the first suggestion's page
    "my-activities": "/my-activities",
    "inbox": "/inbox",
    "notifications": "/notifications",
    "suggestions-es": "/language?lang=es&next=/suggestions",
}
COORDINATOR_PAGES = {
    "coordinator-activities": "/coordinator/activities",
    "coordinator-new-activity": "/coordinator/activities/new",
    "coordinator-activity": None,  # the first activity's page
    "coordinator-week": "/coordinator/week",
    "coordinator-impact": "/coordinator/impact",
}


async def shoot(page: Page, out: Path, name: str, width: str) -> None:
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=out / f"{name}-{width}.png", full_page=width == "desktop")
    print(f"  {name}-{width}.png")


async def student(browser: Browser, url: str, out: Path, width: str, local: Path) -> None:
    context = await browser.new_context(viewport=WIDTHS[width], locale="en-GB")  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{url}/sign-in")
    await shoot(page, out, "sign-in", width)
    await page.goto(f"{url}/sign-in?used=1")
    await shoot(page, out, "sign-in-used", width)
    await page.goto(f"{url}/unsubscribe?token=example")
    await shoot(page, out, "unsubscribe", width)
    await page.goto(demo_sign_in_link(local, {"SE_NOTIFY_SIGN_IN_URL": f"{url}/sign-in/link"}))
    for name, path in STUDENT_PAGES.items():
        if path is None:
            await page.goto(f"{url}/suggestions")
            await page.locator(".card h2 a").first.click()
        else:
            await page.goto(f"{url}{path}")
        await shoot(page, out, name, width)
        if name == "suggestions-es":
            await page.goto(f"{url}/language?lang=en&next=/suggestions")
    await context.close()


async def coordinator(browser: Browser, url: str, out: Path, width: str, token: str) -> None:
    context = await browser.new_context(viewport=WIDTHS[width], locale="en-GB")  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{url}/coordinator/sign-in")
    await shoot(page, out, "coordinator-sign-in", width)
    await page.get_by_label("Access token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    for name, path in COORDINATOR_PAGES.items():
        if path is None:
            await page.goto(f"{url}/coordinator/activities")
            await page.locator("table a").first.click()
        else:
            await page.goto(f"{url}{path}")
        await shoot(page, out, name, width)
        if name == "coordinator-week":
            edition = page.get_by_label("Week edition")
            if not await edition.input_value():  # no activity of the section is in a Week
                await edition.fill(DEMO_WEEK)
            await page.get_by_role("button", name="Run the allocation").click()
            await page.get_by_role("heading", level=2).first.wait_for()
            await shoot(page, out, "coordinator-week-result", width)
    await context.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=project_root() / "docs" / "screenshots")
    parser.add_argument("--local-dir", type=Path, default=project_root() / ".local")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tokens = json.loads(dev_tokens_path(args.local_dir).read_text())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
        for width in WIDTHS:
            await student(browser, args.url, args.out, width, args.local_dir)
            await coordinator(browser, args.url, args.out, width, tokens["coordinator"])
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
