"""The run command: local stack, every service as its own process, demo data, a summary.

A service, or a server this command started, that exits is started again with back-off
(services.children) while the rest keep running. Ctrl-C (or SIGTERM to this command) stops
the services, then the servers this command started; data stays in ``.local/`` for the
next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import grpc

from services.catalogue.seed import seed_catalogue
from services.children import Child
from services.demo_journey import (
    Welcome,
    ensure_demo_preferences,
    publish_welcome_activity,
    wait_for_welcome,
)
from services.matching.demo_profile import DEMO_STUDENT, ensure_demo_profile
from services.notify import sign_in
from services.notify.settings import link_secret
from services.runtime.config import LOCAL_METRICS_PORTS, project_root
from services.runtime.devtokens import dev_tokens_path, ensure_dev_tokens
from services.runtime.localstack import LocalServer, LocalStack
from services.runtime.processes import (
    ServiceProcess,
    start_service,
    stop_processes,
    wait_until_answering,
    wait_until_serving,
)
from services.web.local_run import WEB, local_defaults, web_url

SERVICES = (
    ServiceProcess("catalogue", "services.catalogue", 50051),
    ServiceProcess("matching", "services.matching", 50052),
    ServiceProcess("notify", "services.notify", 50053),
)


def configured(services: tuple[ServiceProcess, ...], env: dict[str, str]) -> list[ServiceProcess]:
    """The services with the ports their ``SE_<NAME>_LISTEN`` variables ask for."""
    chosen = []
    for service in services:
        listen = env.get(f"SE_{service.name.upper()}_LISTEN", "")
        port = int(listen.rpartition(":")[2]) if listen else service.port
        chosen.append(ServiceProcess(service.name, service.module, port))
    return chosen


DEMO_ACTIVITIES = 300

EDGE_PORT = 8080
"""Where the HTTP edge (services.edge) listens unless ``SE_HTTP_LISTEN`` says otherwise."""


def demo_sign_in_link(local_dir: Path, env: dict[str, str]) -> str:
    """A sign-in link for the demo student, signed as notify signs the ones it mails (it works
    once, for SE_NOTIFY_SIGN_IN_MINUTES: a day under this command)."""
    token = sign_in.make_token(link_secret(local_dir, env), DEMO_STUDENT, datetime.now(UTC))
    return sign_in.link_url(env["SE_NOTIFY_SIGN_IN_URL"], token)


def edge_address(env: dict[str, str]) -> str:
    return env.get("SE_HTTP_LISTEN") or f"127.0.0.1:{EDGE_PORT}"


def start_edge(
    services: list[ServiceProcess], env: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    """The HTTP edge, forwarding to the services' gRPC ports."""
    logs.mkdir(parents=True, exist_ok=True)
    child_env = {
        **env,
        "SE_HTTP_LISTEN": edge_address(env),
        **{f"SE_{s.name.upper()}_ADDRESS": s.address for s in services},
    }
    with (logs / "edge.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.edge"], env=child_env, stdout=log, stderr=log
        )


def restart_server(server: LocalServer) -> subprocess.Popen[bytes]:
    """Start a server of the local stack again, on its port and with its data."""
    server.start()
    assert server.process is not None
    return server.process


def kept_alive(
    services: list[ServiceProcess],
    processes: list[subprocess.Popen[bytes]],
    env: dict[str, str],
    logs: Path,
    stack: LocalStack | None,
) -> list[Child]:
    """The services and the edge (``processes``, in that order), and the servers this
    command started, as children to keep alive."""
    starts = [functools.partial(start_service, service, env, logs) for service in services]
    starts.append(functools.partial(start_edge, services, env, logs))
    names = [*(service.name for service in services), "edge"]
    children = [
        Child(name, start, process, f".local/logs/{name}.log")
        for name, start, process in zip(names, starts, processes, strict=True)
    ]
    for server in stack.servers if stack is not None else []:
        if server.process is not None:  # not one that was already running
            children.append(
                Child(
                    server.name,
                    functools.partial(restart_server, server),
                    server.process,
                    shown(server.log_path),
                )
            )
    return children


async def keep_alive(children: list[Child], stop: asyncio.Event) -> None:
    """Restart whatever exits until ``stop`` is set."""
    while not stop.is_set():
        for child in children:
            if stop.is_set():  # Ctrl-C reaches the services too: their exit is expected
                return
            await child.look_after(lambda line: print(line, flush=True))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


def shown(path: Path) -> str:
    """``path`` relative to the project when inside it, as a person would type it."""
    try:
        return str(path.resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def summary(
    services: list[ServiceProcess],
    local_dir: Path,
    tokens: dict[str, str],
    seeded: int,
    stack: LocalStack | None,
    *,
    edge: str,
    welcome: Welcome,
    web: tuple[str, str] | None = None,
) -> str:
    """``web`` is the web app's address and a sign-in link for the demo student."""
    lines = ["", "SocialErasmus Match is running:"]
    for service in services:
        lines.append(
            f"  {service.name:<10} grpc://{service.address}  (logs: .local/logs/{service.name}.log)"
        )
    lines.append(
        f"  edge       http://{edge}  (JSON over HTTP; reference: http://{edge}/docs,"
        " logs: .local/logs/edge.log)"
    )
    if web is not None:
        lines.append(f"  web        {web[0]}  (logs: .local/logs/web.log)")
    if stack is not None:
        lines.append(f"  nats       {stack.nats_url}")
        lines.append(f"  redis      {stack.redis_url}")
        host, port = stack.smtp_address
        lines.append(
            f"  mailbox    smtp://{host}:{port}  (mail lands in {shown(stack.mailbox_dir)}/)"
        )
    lines.append(
        f"  demo data  {seeded} activities seeded now"
        if seeded
        else "  demo data  kept from an earlier run"
    )
    lines += ["", f"What {DEMO_STUDENT} received:"]
    if welcome.item is not None:
        lines.append(f"  inbox      {welcome.item.subject}")
    else:
        lines.append("  inbox      nothing yet; see .local/logs/notify.log")
    if welcome.mail is not None:
        lines.append(f"  mail       {shown(welcome.mail.html or welcome.mail.path)}")
    if web is not None:
        lines += ["", f"Sign in as {DEMO_STUDENT} (the link works once, for a day):", f"  {web[1]}"]
    lines += [
        "",
        f"Dev tokens (one per role) are in {dev_tokens_path(local_dir)}:",
        *(f"  {role:<12} {token}" for role, token in tokens.items()),
        "",
        'Try JSON over HTTP (more in the README\'s "Calling it from PHP or JavaScript"):',
        f"  curl -s -H 'Authorization: Bearer {tokens['student']}'"
        " -H 'Content-Type: application/json'"
        f' -d \'{{"studentId": "{DEMO_STUDENT}", "k": 3}}\''
        f" http://{edge}/socialerasmus.matching.v1.MatchingService/Recommend",
        "",
        "Or the command-line tool (--json for scripts, --help for more):",
        "  .venv/bin/socialerasmus health",
        "  .venv/bin/socialerasmus activities list --country es --cause social-inclusion",
        f"  .venv/bin/socialerasmus recommend {DEMO_STUDENT} -k 5",
        f"  .venv/bin/socialerasmus inbox {DEMO_STUDENT}",
        *(
            [f"  .venv/bin/socialerasmus enrol {welcome.item.activity_id} --student {DEMO_STUDENT}"]
            if welcome.item is not None
            else []
        ),
        "",
        *(
            [
                "Metrics (Prometheus): "
                + ", ".join(
                    f"http://127.0.0.1:{LOCAL_METRICS_PORTS[s.name]}/metrics" for s in services
                ),
                "",
            ]
            if stack is not None
            else []
        ),
        "A service or server that exits is started again; Ctrl-C stops everything; data stays"
        " in .local/ for the next run.",
    ]
    return "\n".join(lines)


async def welcome_demo_student(
    services: list[ServiceProcess], tokens: dict[str, str], stack: LocalStack | None
) -> Welcome:
    """The demo student's first suggestion: preferences, a fitting activity, then its arrival."""
    catalogue, _, notify = services
    async with grpc.aio.insecure_channel(notify.address) as notify_channel:
        await ensure_demo_preferences(notify_channel, tokens["operator"])
        async with grpc.aio.insecure_channel(catalogue.address) as catalogue_channel:
            welcome_id = await publish_welcome_activity(catalogue_channel, tokens["operator"])
        mail_dir = stack.mailbox_dir if stack is not None else None
        return await wait_for_welcome(notify_channel, tokens["operator"], welcome_id, mail_dir)


async def run() -> int:
    root = project_root()
    local_dir = Path(os.environ.get("SE_LOCAL_DIR") or root / ".local")
    env = dict(os.environ)
    stack: LocalStack | None = None
    if not (env.get("SE_NATS_URL") and env.get("SE_REDIS_URL")):
        stack = LocalStack(local_dir)
        print("Starting nats-server and redis-server (data in .local/)...", flush=True)
        stack.start()
        # The services find the servers started here on their default ports and reuse them.
        env.pop("SE_NATS_URL", None)
        env.pop("SE_REDIS_URL", None)
    tokens_file = Path(env.get("SE_TOKENS_FILE") or local_dir / "tokens.json")
    tokens = ensure_dev_tokens(local_dir, tokens_file)
    env["SE_TOKENS_FILE"] = str(tokens_file)
    [web] = configured((WEB,), env)
    local_defaults(web, env, local_dir, tokens["platform"])
    services = configured(SERVICES, env)
    for service in services:  # the web app calls them where they listen
        env.setdefault(f"SE_{service.name.upper()}_ADDRESS", service.address)
    edge = edge_address(env)
    processes = [start_service(s, env, local_dir / "logs") for s in [*services, web]]
    processes.append(start_edge(services, env, local_dir / "logs"))
    children = kept_alive([*services, web], processes, env, local_dir / "logs", stack)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        for service in services:
            if not await wait_until_serving(service.address):
                print(f"{service.name} did not start; see .local/logs/{service.name}.log")
                return 1
        if not await wait_until_answering(f"http://{edge}/healthz"):
            print("the edge did not start; see .local/logs/edge.log")
            return 1
        if not await wait_until_answering(f"{web_url(web, env)}/healthz"):
            print("web did not start; see .local/logs/web.log")
            return 1
        async with grpc.aio.insecure_channel(services[0].address) as channel:
            seeded = await seed_catalogue(
                channel, tokens["operator"], DEMO_ACTIVITIES, datetime.now(UTC).date()
            )
        async with grpc.aio.insecure_channel(services[1].address) as channel:
            await ensure_demo_profile(channel, tokens["operator"])
        welcome = await welcome_demo_student(services, tokens, stack)
        url = web_url(web, env)
        link = demo_sign_in_link(local_dir, env)
        print(
            summary(
                services,
                local_dir,
                tokens,
                seeded,
                stack,
                edge=edge,
                welcome=welcome,
                web=(url, link),
            ),
            flush=True,
        )
        await keep_alive(children, stop)
        print("\nStopping...", flush=True)
        return 0
    finally:
        stop_processes([child.process for child in children[: len(processes)]])
        if stack is not None:
            stack.stop()


def main() -> None:
    raise SystemExit(asyncio.run(run()))
