"""Fill an empty catalogue with demo activities: ``python -m services.catalogue.seed``.

Creates the activities of :func:`services.demo.activities.demo_activities`, at real ESN
sections, and publishes them. Re-running is safe: every create carries the request id
``seed-<n>``, so the catalogue hands back the activity it made the first time instead of a copy.

Environment:
    SE_CATALOGUE_ADDRESS: the catalogue's gRPC address, ``127.0.0.1:50051`` by default.
    SE_TOKEN: bearer token of an operator or ESN platform (coordinators may only create
        activities of their own section). Defaults to the local stack's dev operator token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import grpc

from services.demo.activities import demo_activities
from services.kernel.sections import load_sections
from services.runtime.config import project_root
from services.runtime.devtokens import dev_tokens_path
from services.runtime.status import field_violations
from socialerasmus.catalogue.v1 import catalogue_pb2, catalogue_pb2_grpc

DEFAULT_ADDRESS = "127.0.0.1:50051"
DEFAULT_COUNT = 300
CONCURRENCY = 16
"""Requests in flight at once."""
CALL_TIMEOUT_SECONDS = 10.0

_ALL_STATES = (
    catalogue_pb2.ACTIVITY_STATE_DRAFT,
    catalogue_pb2.ACTIVITY_STATE_PUBLISHED,
    catalogue_pb2.ACTIVITY_STATE_CANCELLED,
    catalogue_pb2.ACTIVITY_STATE_COMPLETED,
)


class SeedError(Exception):
    """Seeding stopped; the message says why, for a person at a terminal."""


@dataclass(slots=True)
class SeedOutcome:
    """What one seeding run did."""

    requested: int
    skipped: bool = False
    """True when the catalogue already had activities, so nothing was done (no ``force``)."""
    published: int = 0
    """Activities this run published."""
    existing: int = 0
    """Activities a previous run had made already (their request id was known)."""
    unpublishable: int = 0
    """Drafts the catalogue refused to publish, e.g. because they start in the past."""

    def summary(self, address: str) -> str:
        if self.skipped:
            return (
                f"catalogue at {address} already has activities; nothing seeded "
                "(--force seeds anyway)"
            )
        line = f"seeded catalogue at {address}: {self.published} demo activities published"
        if self.existing:
            line += f", {self.existing} already there"
        if self.unpublishable:
            line += f", {self.unpublishable} left as drafts (they could not be published)"
        return line


async def seed_catalogue(
    channel: grpc.aio.Channel, token: str, count: int, today: date, force: bool = False
) -> int:
    """Creates and publishes ``count`` demo activities; returns how many this call published.

    Does nothing (and returns 0) when the catalogue already holds activities in any state,
    unless ``force``. Raises :class:`SeedError` when the catalogue refuses or cannot be reached.
    """
    outcome = await seed(channel, token, count, today, force=force)
    return outcome.published


async def seed(
    channel: grpc.aio.Channel, token: str, count: int, today: date, *, force: bool = False
) -> SeedOutcome:
    """:func:`seed_catalogue`, returning the whole outcome."""
    stub = catalogue_pb2_grpc.CatalogueServiceStub(channel)
    metadata = (("authorization", f"Bearer {token}"),)
    try:
        if not force and not await _is_empty(stub, metadata):
            return SeedOutcome(requested=count, skipped=True)
        activities = demo_activities(load_sections(), count, today=today)
        limit = asyncio.Semaphore(CONCURRENCY)
        tasks = [
            asyncio.create_task(_create_and_publish(stub, metadata, limit, f"seed-{i}", details))
            for i, details in enumerate(activities)
        ]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:
            # Stop the rest on the first failure rather than sending hundreds of doomed calls.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
    except grpc.aio.AioRpcError as error:
        raise SeedError(_explain(error)) from error
    return SeedOutcome(
        requested=count,
        published=results.count("published"),
        existing=results.count("existing"),
        unpublishable=results.count("unpublishable"),
    )


async def _is_empty(
    stub: catalogue_pb2_grpc.CatalogueServiceStub, metadata: tuple[tuple[str, str], ...]
) -> bool:
    request = catalogue_pb2.ListActivitiesRequest(
        filter=catalogue_pb2.ActivityFilter(states=_ALL_STATES), page_size=1
    )
    response = await stub.ListActivities(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)
    return not response.activities


async def _create_and_publish(
    stub: catalogue_pb2_grpc.CatalogueServiceStub,
    metadata: tuple[tuple[str, str], ...],
    limit: asyncio.Semaphore,
    request_id: str,
    details: catalogue_pb2.ActivityDetails,
) -> str:
    async with limit:
        created = await stub.CreateActivity(
            catalogue_pb2.CreateActivityRequest(details=details, request_id=request_id),
            metadata=metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )
        activity = created.activity
        if activity.state != catalogue_pb2.ACTIVITY_STATE_DRAFT:
            return "existing"
        try:
            await stub.PublishActivity(
                catalogue_pb2.PublishActivityRequest(activity_id=activity.id),
                metadata=metadata,
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.FAILED_PRECONDITION:
                return "unpublishable"
            raise
        return "published"


def _explain(error: grpc.aio.AioRpcError) -> str:
    code = error.code()
    details = error.details() or code.name
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"cannot reach the catalogue ({details}); is it running?"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"the catalogue did not answer within {CALL_TIMEOUT_SECONDS:g} seconds"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return f"the catalogue does not accept SE_TOKEN ({details})"
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return f"SE_TOKEN may not do this ({details}); use an operator or platform token"
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = field_violations(error)
        if violations:
            details = "; ".join(f"{field}: {why}" for field, why in violations.items())
        return f"the catalogue rejected a demo activity: {details}"
    return f"{code.name}: {details}"


def _count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.catalogue.seed",
        description=(
            "Fill an empty catalogue with demo SocialErasmus activities of real ESN sections. "
            f"Reads SE_CATALOGUE_ADDRESS (default {DEFAULT_ADDRESS}) and SE_TOKEN (an operator "
            "or platform token, required)."
        ),
    )
    parser.add_argument(
        "--count",
        type=_count,
        default=DEFAULT_COUNT,
        help="how many activities to create (default %(default)s)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="seed even when the catalogue already has activities",
    )
    return parser


async def _run(address: str, token: str, count: int, force: bool) -> SeedOutcome:
    async with grpc.aio.insecure_channel(address) as channel:
        return await seed(channel, token, count, date.today(), force=force)


def local_operator_token() -> str:
    """The local stack's dev operator token, when ``make run`` has created one."""
    local_dir = Path(os.environ.get("SE_LOCAL_DIR") or project_root() / ".local")
    path = dev_tokens_path(local_dir)
    if not path.exists():
        return ""
    tokens: dict[str, str] = json.loads(path.read_text())
    return tokens.get("operator", "")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    token = os.environ.get("SE_TOKEN", "").strip() or local_operator_token()
    if not token:
        print(
            "error: SE_TOKEN is not set. Set it to an operator or platform token; the local "
            "stack (make run) writes its dev tokens to .local/dev-tokens.json.",
            file=sys.stderr,
        )
        return 1
    address = os.environ.get("SE_CATALOGUE_ADDRESS", "").strip() or DEFAULT_ADDRESS
    try:
        outcome = asyncio.run(_run(address, token, args.count, args.force))
    except SeedError as error:
        print(f"error: catalogue at {address}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(outcome.summary(address))
    return 0


if __name__ == "__main__":
    sys.exit(main())
