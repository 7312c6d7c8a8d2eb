"""The PHP example (php-cli with curl, no Composer) completes a student's journey against
the real edge and services: list, recommend, enrol, read the inbox, a field violation."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.examples.conftest import EXAMPLES, Clients, a_suggestion_for
from tests.examples.journey import assert_journey, output_of, run

SCRIPT = str(EXAMPLES / "php" / "journey.php")


def php_has_curl() -> bool:
    check = ["php", "-r", "exit(extension_loaded('curl') ? 0 : 1);"]
    return shutil.which("php") is not None and subprocess.run(check, check=False).returncode == 0


pytestmark = pytest.mark.skipif(
    not php_has_curl(), reason="needs PHP with curl: apt-get install php-cli php-curl"
)


async def test_the_php_script_completes_a_journey(clients: Clients) -> None:
    activity_id = await a_suggestion_for(clients.platform, "piotr")
    output = await output_of("php", SCRIPT, clients.platform.url, "token-of-platform", "piotr")
    assert_journey(output, "piotr", activity_id)
    assert "Inbox of piotr:\n" in output


async def test_the_php_script_says_when_the_token_is_refused(clients: Clients) -> None:
    code, _, stderr = await run("php", SCRIPT, clients.platform.url, "not-a-token")
    assert code == 1
    assert stderr.startswith("HTTP 401 unauthenticated: "), stderr
