"""The run command end to end: services as processes, demo data seeded once, clean stop."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import httpx

from services.runtime.localstack import free_port
from services.runtime.processes import wait_until_serving
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from tests.conftest import Stack
from tests.notify.receivers import smtp_server
from tests.waiting import eventually


@contextmanager
def run_until_ready(
    env: dict[str, str], log: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The run command, once it printed its summary; whatever happens in the test, it and
    the services it started are gone afterwards (its own session, killed as a group)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "services"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "Ctrl-C stops everything" not in log.read_text() and process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"the run command did not get ready:\n{log.read_text()}")
            time.sleep(0.2)
        yield process, log.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def recommend_for_demo_student(port: int, token: str) -> list[pb.Recommendation]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = await MatchingServiceStub(channel).Recommend(
            pb.RecommendRequest(student_id="demo-student", k=5),
            metadata=(("authorization", f"Bearer {token}"),),
        )
    return list(reply.recommendations)


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(30)


def run_env(
    stack: Stack, local_dir: Path, smtp_port: int, ports: tuple[int, int, int]
) -> dict[str, str]:
    """The run command's environment: the suite's servers, free ports, the test's mailbox."""
    catalogue, matching, notify = ports
    return {
        **os.environ,
        "SE_NATS_URL": stack.nats_url,
        "SE_REDIS_URL": stack.redis_url,
        "SE_LOCAL_DIR": str(local_dir),
        "SE_CATALOGUE_LISTEN": f"127.0.0.1:{catalogue}",
        "SE_MATCHING_LISTEN": f"127.0.0.1:{matching}",
        "SE_NOTIFY_LISTEN": f"127.0.0.1:{notify}",
        "SE_HTTP_LISTEN": f"127.0.0.1:{free_port()}",
        "SE_WEB_LISTEN": f"127.0.0.1:{free_port()}",
        "SE_NOTIFY_UNSUBSCRIBE_SECRET": "launcher-test-secret",
        "SE_SMTP_HOST": "127.0.0.1",
        "SE_SMTP_PORT": str(smtp_port),
        "SE_SMTP_STARTTLS": "false",
    }


def children_of(pid: int) -> dict[str, int]:
    """The processes ``pid`` started with ``python -m MODULE``, by module."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == pid and b"-m" in argv[:-1]:
            found[argv[argv.index(b"-m") + 1].decode()] = int(entry.name)
    return found


def test_run_command_seeds_an_empty_catalogue_once_and_stops_cleanly(
    clean_stack: Stack, tmp_path: Path
) -> None:
    """First run seeds demo data and prints tokens; the second keeps it; Ctrl-C exits 0."""
    port, matching_port, notify_port = free_port(), free_port(), free_port()
    with smtp_server() as (mailbox, smtp_port):
        env = run_env(clean_stack, tmp_path, smtp_port, (port, matching_port, notify_port))
        with run_until_ready(env, tmp_path / "first.log") as (process, first):
            assert "300 activities seeded now" in first, first
            assert f"catalogue  grpc://127.0.0.1:{port}" in first
            assert f"matching   grpc://127.0.0.1:{matching_port}" in first
            assert f"notify     grpc://127.0.0.1:{notify_port}" in first
            edge = env["SE_HTTP_LISTEN"]
            assert f"edge       http://{edge}" in first
            # The welcome activity was suggested to the demo student: in the inbox and by mail.
            assert "inbox      A volunteering activity for you: Welcome clean-up" in first, first
            [mail] = [m for m in mailbox.messages if "Welcome clean-up" in m["Subject"]]
            assert mail["To"] == "demo-student@students.example"
            tokens = json.loads((tmp_path / "dev-tokens.json").read_text())
            recommendations = asyncio.run(
                recommend_for_demo_student(matching_port, tokens["student"])
            )
            assert recommendations, "the demo student should get suggestions from the demo data"
            assert all(r.explanation for r in recommendations)
            over_http = httpx.post(
                f"http://{edge}/socialerasmus.matching.v1.MatchingService/Recommend",
                json={"studentId": "demo-student", "k": 5},
                headers={"Authorization": f"Bearer {tokens['student']}"},
            )
            assert over_http.status_code == 200
            assert over_http.json()["recommendations"]
            # The web app, and a sign-in link for the demo student that signs them in.
            web = env["SE_WEB_LISTEN"]
            assert f"web        http://{web}" in first, first
            [link] = re.findall(rf"http://{re.escape(web)}/sign-in/link\?token=\S+", first)
            signed_in = httpx.get(link, follow_redirects=False)
            assert signed_in.status_code == 303
            assert signed_in.headers["location"] == "/suggestions"
            assert "se_session=" in signed_in.headers["set-cookie"]
            again = httpx.get(link, follow_redirects=False)  # a link signs in once
            assert again.status_code == 303
            assert again.headers["location"].startswith("/sign-in?used=1")
            # The welcome mail leads to the web app's page of the activity.
            text = mail.get_body(("plain",))
            assert text is not None
            assert f"http://{web}/activities/" in str(text.get_content())
            assert "Hi Zofia," in str(text.get_content()).splitlines()  # the demo student's name
            assert stop(process) == 0

        with run_until_ready(env, tmp_path / "second.log") as (process, second):
            assert "kept from an earlier run" in second, second
            welcomes = [m for m in mailbox.messages if "Welcome clean-up" in m["Subject"]]
            assert len(welcomes) == 1  # nothing sent twice
            assert stop(process) == 0


async def test_a_service_that_stops_is_restarted_while_the_others_keep_serving(
    clean_stack: Stack, tmp_path: Path
) -> None:
    """SIGTERM to matching and SIGKILL to notify: each is reported with why and started
    again; the catalogue and the run command itself never stop."""
    ports = (free_port(), free_port(), free_port())
    catalogue, matching, notify = (f"127.0.0.1:{p}" for p in ports)
    with (
        smtp_server() as (_, smtp_port),
        run_until_ready(run_env(clean_stack, tmp_path, smtp_port, ports), tmp_path / "run.log") as (
            process,
            _,
        ),
    ):
        before = children_of(process.pid)
        os.kill(before["services.matching"], signal.SIGTERM)
        os.kill(before["services.notify"], signal.SIGKILL)
        output = tmp_path / "run.log"

        def reported() -> bool:
            text = output.read_text()
            return text.count(" restarted\n") == 2

        await eventually(reported, "both services restarted", timeout=30)
        text = output.read_text()
        assert "matching exited with code 0; restarting it in" in text, text
        assert "notify was stopped by SIGKILL; restarting it in" in text, text
        assert await wait_until_serving(catalogue, timeout=1)
        assert await wait_until_serving(matching)
        assert await wait_until_serving(notify)
        after = children_of(process.pid)
        assert after["services.catalogue"] == before["services.catalogue"]
        assert after["services.matching"] != before["services.matching"]
        assert after["services.notify"] != before["services.notify"]
        assert process.poll() is None
        tokens = json.loads((tmp_path / "dev-tokens.json").read_text())
        assert await recommend_for_demo_student(ports[1], tokens["student"])
        assert stop(process) == 0
