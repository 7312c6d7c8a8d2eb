"""The services and the edge for the non-Python clients under ``examples/``, and a student
who has a suggestion to enrol in; one set for the whole folder.

Each client runs as a person runs it (``php``, ``node``, a page in Chromium), so each test
skips, saying what to install, when its tool is missing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.demo_journey import publish_welcome_activity
from services.matching.demo_profile import demo_profile
from services.runtime.config import project_root
from socialerasmus.matching.v1 import matching_pb2
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from tests.conftest import Stack, bearer, channel_to
from tests.edge.conftest import Platform, platform_on
from tests.waiting import eventually

EXAMPLES = project_root() / "examples"


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def static_files(directory: Path) -> Iterator[str]:
    """``directory`` served over HTTP on a free port; yields the origin."""
    handler = functools.partial(_QuietFiles, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class Clients:
    platform: Platform
    page: str
    """The origin serving ``examples/browser/``, which the edge allows."""
    other_page: str
    """The same page on an origin the edge does not allow."""


@pytest.fixture(scope="package")
def clients(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clients]:
    pages = EXAMPLES / "browser"
    with static_files(pages) as page, static_files(pages) as other_page:
        logs = tmp_path_factory.mktemp("clients-logs")
        with platform_on(stack, logs, origins=page) as platform:
            yield Clients(platform, page, other_page)


async def a_suggestion_for(platform: Platform, student_id: str) -> str:
    """Gives ``student_id`` the demo student's profile and publishes the welcome activity
    that suits it (once); returns the activity's id once matching suggests it to them."""
    async with channel_to(platform.addresses["catalogue"]) as channel:
        activity_id = await publish_welcome_activity(channel, "token-of-coordinator")
    profile = demo_profile(datetime.now(UTC))
    profile.student_id = student_id
    async with channel_to(platform.addresses["matching"]) as channel:
        matching = MatchingServiceStub(channel)
        await matching.UpsertProfile(
            matching_pb2.UpsertProfileRequest(profile=profile), metadata=bearer("platform")
        )

        async def suggested() -> bool:
            reply = await matching.Recommend(
                matching_pb2.RecommendRequest(student_id=student_id, k=1),
                metadata=bearer("platform"),
            )
            return [r.activity.id for r in reply.recommendations] == [activity_id]

        await eventually(suggested, f"the welcome activity suggested to {student_id}", 30)
    return activity_id
