"""The web app in a real browser, in front of the real services.

Catalogue, matching, notify and the web app run as their own processes over the suite's real
NATS and Redis; mail goes to the local mailbox (its own process, keeping messages as files),
where the tests read the sign-in links; Debian's chromium, driven by Playwright, is the
browser. Without chromium the tests are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from services.demo_journey import welcome_activity
from services.launcher import SERVICES
from services.runtime.localstack import LocalServer, free_port, mailbox_server
from services.runtime.mailbox import stored_messages
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_answering,
    wait_until_serving,
)
from services.web.local_run import WEB, mail_links
from socialerasmus.catalogue.v1 import catalogue_pb2 as catalogue
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1 import matching_pb2 as matching
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from socialerasmus.notify.v1 import notify_pb2 as notify
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceStub
from tests.conftest import Stack, bearer, reset
from tests.test_journey import ana_profile
from tests.waiting import eventually

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="chromium is not installed (apt-get install -y chromium): the browser tests need it",
)
"""Every browser test module carries it (``pytestmark = NEEDS_CHROMIUM``)."""


def email_of(student_id: str) -> str:
    return f"{student_id}@students.example"


@dataclass
class Site:
    url: str
    addresses: Mapping[str, str]
    mail_dir: Path
    beach_id: str
    """A published beach clean-up of ESN Valencia UPV, in a week, that suits every student."""

    def channel(self, service: str) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(self.addresses[service])


def profile(student_id: str, now: datetime) -> matching.VolunteerProfile:
    """The journey test's Ana, as ``student_id``, joining the 2027 spring Week; no reverse
    matching (the tests read suggestions through Recommend)."""
    made = ana_profile(now)
    made.student_id = student_id
    made.suggestions_opt_in = False
    made.week_editions.append("2027-spring")
    return made


async def seed(addresses: Mapping[str, str], students: list[str]) -> str:
    now = datetime.now(UTC)
    async with (
        grpc.aio.insecure_channel(addresses["catalogue"]) as for_catalogue,
        grpc.aio.insecure_channel(addresses["matching"]) as for_matching,
        grpc.aio.insecure_channel(addresses["notify"]) as for_notify,
    ):
        for student in students:
            await MatchingServiceStub(for_matching).UpsertProfile(
                matching.UpsertProfileRequest(profile=profile(student, now)),
                metadata=bearer("platform"),
            )
            preferences = notify.Preferences(
                student_id=student,
                email=email_of(student),
                in_app=True,
                locale="en",
                time_zone="Europe/Madrid",
                frequency=notify.FREQUENCY_INSTANT,
                weekly_suggestion_budget=10,
            )
            await NotifyServiceStub(for_notify).SetPreferences(
                notify.SetPreferencesRequest(preferences=preferences), metadata=bearer("platform")
            )
        stub = CatalogueServiceStub(for_catalogue)
        details = welcome_activity((now + timedelta(days=7)).replace(hour=9, minute=0))
        details.week_edition = "2027-spring"
        created = await stub.CreateActivity(
            catalogue.CreateActivityRequest(details=details), metadata=bearer("coordinator")
        )
        await stub.PublishActivity(
            catalogue.PublishActivityRequest(activity_id=created.activity.id),
            metadata=bearer("coordinator"),
        )
        matching_stub = MatchingServiceStub(for_matching)

        async def suggested() -> bool:
            reply = await matching_stub.Recommend(
                matching.RecommendRequest(student_id=students[0]), metadata=bearer("platform")
            )
            return any(r.activity.id == created.activity.id for r in reply.recommendations)

        await eventually(suggested, "matching to index the beach clean-up", timeout=30)
        return str(created.activity.id)


def environment(stack: Stack, local_dir: Path, mail_port: int, web_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SE_NATS_URL": stack.nats_url,
        "SE_REDIS_URL": stack.redis_url,
        "SE_TOKENS_FILE": str(stack.tokens_file),
        "SE_LOCAL_DIR": str(local_dir),
        "SE_METRICS_LISTEN": "off",
        "SE_NOTIFY_UNSUBSCRIBE_SECRET": "web-tests-unsubscribe-secret",
        "SE_SMTP_HOST": "127.0.0.1",
        "SE_SMTP_PORT": str(mail_port),
        "SE_SMTP_STARTTLS": "false",
        "SE_WEB_TOKEN": "token-of-platform",
        "SE_WEB_SECRET": "web-tests-signing-secret",
        "SE_NOTIFY_SIGN_IN_INTERVAL_SECONDS": "0",  # each journey asks for its own link
        "SE_WEB_PUBLIC_URL": web_url,
        **mail_links(web_url),
    }


@pytest.fixture(scope="module")
def site(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    asyncio.run(reset(stack))
    local_dir = tmp_path_factory.mktemp("web")
    mail_dir = local_dir / "mail"
    mailbox: LocalServer = mailbox_server(mail_dir, free_port())
    mailbox.start()
    web = ServiceProcess(WEB.name, WEB.module, free_port())
    url = f"http://127.0.0.1:{web.port}"
    env = environment(stack, local_dir, mailbox.port, url)
    services = [ServiceProcess(s.name, s.module, free_port()) for s in SERVICES]
    env |= {f"SE_{s.name.upper()}_ADDRESS": s.address for s in services}
    children = [start_service(s, env, local_dir / "logs") for s in [*services, web]]
    try:
        for service in services:
            assert asyncio.run(wait_until_serving(service.address, 60)), service.name
        assert asyncio.run(wait_until_answering(f"{url}/healthz", 30)), "the web app did not answer"
        addresses = {service.name: service.address for service in services}
        beach = asyncio.run(seed(addresses, ["ana", "ben"]))
        yield Site(url, addresses, mail_dir, beach)
    finally:
        stop_processes(children)
        mailbox.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def context(browser: Browser, viewport: Mapping[str, int], **options: Any) -> BrowserContext:
    made = await browser.new_context(
        viewport=dict(viewport),  # type: ignore[arg-type]
        locale="en-GB",
        timezone_id="Europe/Madrid",
        accept_downloads=True,
        **options,
    )
    made.set_default_timeout(20_000)
    return made


LINK = re.compile(r"https?://\S+/sign-in/link\?\S+")


HANDED_OUT: set[str] = set()
"""Sign-in links a test took from the mailbox already: each signs in once."""


def new_sign_in_link(mail_dir: Path, student_id: str) -> str | None:
    """The link of a sign-in mail to the student that no test took yet."""
    for message in stored_messages(mail_dir):
        if email_of(student_id) not in message.recipients or message.text is None:
            continue
        found = LINK.search(message.text.read_text())  # in the student's language
        if found is not None and found.group(0) not in HANDED_OUT:
            return found.group(0)
    return None


async def sign_in_link(mail_dir: Path, student_id: str) -> str:
    """The link of the sign-in mail just asked for (waiting for it to arrive)."""
    await eventually(
        lambda: new_sign_in_link(mail_dir, student_id) is not None,
        f"a new sign-in mail for {student_id}",
        timeout=20,
    )
    link = new_sign_in_link(mail_dir, student_id)
    assert link is not None
    HANDED_OUT.add(link)
    return link


async def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, as 'rule: target' lines."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    results = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]
