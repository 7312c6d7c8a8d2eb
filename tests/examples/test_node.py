"""The Node.js example (built-in fetch, no npm packages) completes a student's journey
against the real edge and services, reading the inbox item from the WatchInbox stream."""

from __future__ import annotations

import shutil

import pytest

from tests.examples.conftest import EXAMPLES, Clients, a_suggestion_for
from tests.examples.journey import assert_journey, output_of, run

SCRIPT = str(EXAMPLES / "node" / "journey.mjs")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None, reason="needs Node.js 18+: apt-get install nodejs"
)


async def test_the_node_script_completes_a_journey(clients: Clients) -> None:
    activity_id = await a_suggestion_for(clients.platform, "nora")
    output = await output_of("node", SCRIPT, clients.platform.url, "token-of-platform", "nora")
    assert_journey(output, "nora", activity_id)
    assert "New in the inbox of nora (WatchInbox): [enrolment_confirmed]" in output


async def test_the_node_script_says_when_the_token_is_refused(clients: Clients) -> None:
    code, _, stderr = await run("node", SCRIPT, clients.platform.url, "not-a-token")
    assert code == 1
    assert stderr.startswith("HTTP 401 unauthenticated: "), stderr
