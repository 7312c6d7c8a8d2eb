"""``socialerasmus health``: is every service up?"""

from __future__ import annotations

import argparse

from services.cli import views
from services.cli.commands import Subparsers, add_command
from services.cli.context import Context
from services.cli.errors import BAD_INPUT, FAILED, OK, UNREACHABLE, CliError
from services.client import Service
from services.client.health import ServiceHealth

HEALTH_DEADLINE_SECONDS = 3.0


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        "health",
        run,
        common=common,
        summary="check the health of every service",
        description=(
            "Ask each service's gRPC health check whether it is SERVING; needs no token. "
            "Exits 0 when every service asked is SERVING, 3 when one cannot be reached or "
            "does not answer in time, else 1 (one is NOT_SERVING, e.g. while its Redis is "
            "down)."
        ),
        deadline=HEALTH_DEADLINE_SECONDS,
        examples="socialerasmus health catalogue matching",
    )
    parser.add_argument(
        "services",
        nargs="*",
        metavar="SERVICE",
        help="catalogue, matching or notify (default: all three)",
    )


async def run(ctx: Context) -> int:
    names: list[str] = ctx.args.services
    known = {s.value: s for s in Service}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CliError(
            f"unknown service {', '.join(unknown)}; choose from {', '.join(known)}", BAD_INPUT
        )
    async with ctx.client(authenticated=False) as client:
        report = await client.health(*(known[n] for n in dict.fromkeys(names)))
    if ctx.out.json_mode:
        ctx.out.data(
            [
                {
                    "service": h.service.value,
                    "address": h.address,
                    "status": h.status,
                    "detail": h.detail,
                }
                for h in report
            ]
        )
    else:
        ctx.out.show(views.health_table(report))
    return exit_code(report)


def exit_code(report: list[ServiceHealth]) -> int:
    """3 if any service is out of reach (as for every other command), else 1 if any is not
    serving, else 0."""
    if any(h.unreachable for h in report):
        return UNREACHABLE
    return OK if all(h.serving for h in report) else FAILED
