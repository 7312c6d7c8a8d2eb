"""Importing history: feedback from CSV and profiles from JSON lines, in batches."""

from __future__ import annotations

import argparse
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from google.protobuf.message import Message

from services.cli.commands import Subparsers, add_command, add_group
from services.cli.context import Context
from services.cli.errors import OK, CliError, explain
from services.cli.imports import FEEDBACK_COLUMNS, Batch, feedback_batches, profile_batches
from services.client import ClientError
from services.matching.limits import BATCH_ITEMS_MAX
from socialerasmus.matching.v1 import matching_pb2 as match

M = TypeVar("M", bound=Message)

IMPORT_DEADLINE_SECONDS = 60.0
"""One batch's call: a full batch is one Redis step, but a loaded service takes longer."""


def batch_size(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if not 1 <= value <= BATCH_ITEMS_MAX:
        raise argparse.ArgumentTypeError(f"must be between 1 and {BATCH_ITEMS_MAX}")
    return value


def add_import(
    subparsers: Subparsers,
    common: argparse.ArgumentParser,
    handler: Callable[[Context], Awaitable[int]],
    *,
    what: str,
    description: str,
    example: str,
) -> None:
    parser = add_command(
        subparsers,
        "import",
        handler,
        common=common,
        summary=f"import {what} from a file, {BATCH_ITEMS_MAX} per call",
        description=description,
        role="platform",
        deadline=IMPORT_DEADLINE_SECONDS,
        examples=example,
    )
    parser.add_argument("file", metavar="FILE", help="the file, or - for standard input")
    parser.add_argument(
        "--batch",
        type=batch_size,
        default=BATCH_ITEMS_MAX,
        metavar="N",
        help=f"items per call, 1 to {BATCH_ITEMS_MAX} (default %(default)s)",
    )


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "feedback", common=common, summary="record what students did, in bulk"
    )
    add_import(
        group,
        common,
        import_feedback,
        what="feedback",
        description=(
            f"Record feedback events from a CSV file with a header naming "
            f"{', '.join(FEEDBACK_COLUMNS)} and optionally rating (1 to 5, with kind rated) "
            "and occurred_at (ISO 8601; UTC when it names no offset). kind is one of shown, "
            "opened, saved, dismissed, enrolled, attended, rated. Each call records its batch "
            "whole or not at all; the import stops at the first batch refused, naming its lines."
        ),
        example="socialerasmus feedback import joins.csv",
    )


def register_profile_import(group: Subparsers, common: argparse.ArgumentParser) -> None:
    add_import(
        group,
        common,
        import_profiles,
        what="profiles",
        description=(
            "Create or replace volunteer profiles from a JSON lines file: one VolunteerProfile "
            "per line (the protobuf JSON mapping, as `profile upsert` reads), each student "
            "once per batch. Each call saves its batch whole or not at all; the import stops "
            "at the first batch refused, naming its lines."
        ),
        example="socialerasmus profile import students.jsonl",
    )


async def import_feedback(ctx: Context) -> int:
    batches = feedback_batches(ctx.args.file, ctx.args.batch)
    async with ctx.client() as client:
        return await _import(ctx, batches, client.record_feedback_batch, "feedback events")


async def import_profiles(ctx: Context) -> int:
    batches = profile_batches(ctx.args.file, ctx.args.batch)
    async with ctx.client() as client:

        async def save(items: list[match.VolunteerProfile]) -> int:
            return len(await client.upsert_profiles(items))

        return await _import(ctx, batches, save, "profiles")


async def _import(
    ctx: Context,
    batches: Sequence[Batch[M]],
    send: Callable[[list[M]], Awaitable[int]],
    what: str,
) -> int:
    done = 0
    started = time.perf_counter()
    with ctx.out.working(f"importing {what}"):
        for batch in batches:
            try:
                done += await send(batch.items)
            except ClientError as error:
                raise _refused(ctx, batch, done, error) from None
    seconds = time.perf_counter() - started
    if ctx.out.json_mode:
        ctx.out.data({"imported": done, "calls": len(batches), "seconds": round(seconds, 3)})
    else:
        ctx.out.line(f"Imported {done:,} {what} in {len(batches)} calls ({seconds:.1f} s)", "green")
    return OK


def _refused(ctx: Context, batch: Batch[M], done: int, error: ClientError) -> CliError:
    explained = explain(error, ctx.token_origin)
    lines = f"lines {batch.lines[0]} to {batch.lines[-1]}"
    details = batch.by_line(error.violations) + batch.by_line(error.preconditions)
    return CliError(
        f"{explained.message.rstrip(':')} — nothing of {lines} was saved; "
        f"{done:,} items before them were",
        explained.exit_code,
        details or explained.details,
    )
