"""``socialerasmus activities``: list, show, create, publish and cancel activities."""

from __future__ import annotations

import argparse
import contextlib

from services.cli import arguments, views
from services.cli.commands import Subparsers, add_command, add_group
from services.cli.context import Context
from services.cli.errors import OK
from services.cli.files import read_message
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat

MAX_PAGE_SIZE = 100
MANAGER = "coordinator"


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "activities", common=common, summary="list, show, create and publish activities"
    )
    _register_list(group, common)
    show = add_command(
        group,
        "show",
        show_activity,
        common=common,
        summary="show one activity",
        role=MANAGER,
        examples="socialerasmus activities show 01JX3Q7Z8M5V2K9T4R6B1C0D2E",
    )
    show.add_argument("activity_id", metavar="ACTIVITY_ID")
    create = add_command(
        group,
        "create",
        create_activity,
        common=common,
        summary="create a draft from a JSON file",
        description=(
            "Create a draft activity from a JSON file holding an ActivityDetails message "
            "(protos/socialerasmus/catalogue/v1/catalogue.proto), field names as in the proto "
            'file, enums by name: {"title": "Beach clean-up", "type": '
            '"ACTIVITY_TYPE_VOLUNTEERING", "starts_at": "2027-04-10T08:00:00Z", ...}. '
            "Use - to read standard input."
        ),
        role=MANAGER,
        examples="socialerasmus activities create beach-clean-up.json --publish",
    )
    create.add_argument("file", metavar="FILE", help="JSON file of ActivityDetails, or -")
    create.add_argument("--publish", action="store_true", help="publish it right away")
    create.add_argument(
        "--key",
        metavar="KEY",
        help="idempotency key: running the command again with it returns the first activity",
    )
    publish = add_command(
        group,
        "publish",
        publish_activity,
        common=common,
        summary="publish a draft",
        role=MANAGER,
        examples="socialerasmus activities publish 01JX3Q7Z8M5V2K9T4R6B1C0D2E",
    )
    publish.add_argument("activity_id", metavar="ACTIVITY_ID")
    cancel = add_command(
        group,
        "cancel",
        cancel_activity,
        common=common,
        summary="cancel an activity, telling enrolled students why",
        role=MANAGER,
        examples='socialerasmus activities cancel 01JX3Q7Z8M5V2K9T4R6B1C0D2E --reason "Storm"',
    )
    cancel.add_argument("activity_id", metavar="ACTIVITY_ID")
    cancel.add_argument("--reason", required=True, help="shown to the enrolled students")


def _register_list(group: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        group,
        "list",
        list_activities,
        common=common,
        summary="list activities, soonest first",
        description="List activities matching every given filter, ordered by start time.",
        role="student",
        examples="socialerasmus activities list --country es --cause social-inclusion",
    )
    parser.add_argument("--section", action="append", default=[], help="ESN section id")
    parser.add_argument("--country", action="append", default=[], help="ISO code, e.g. es")
    parser.add_argument(
        "--cause",
        action="append",
        default=[],
        type=arguments.cause,
        help=f"one of: {', '.join(arguments.enum_names(arguments.CAUSE))}",
    )
    parser.add_argument("--language", action="append", default=[], help="ISO 639-1, e.g. en")
    parser.add_argument("--week", metavar="EDITION", help="SocialErasmus Week edition")
    parser.add_argument(
        "--state",
        action="append",
        default=[],
        type=arguments.activity_state,
        help="default: published; one of "
        + ", ".join(arguments.enum_names(arguments.ACTIVITY_STATE)),
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--online", action="store_true", help="only online activities")
    where.add_argument("--in-person", action="store_true", help="only in-person activities")
    parser.add_argument("--text", metavar="WORDS", help="words that must all appear")
    parser.add_argument(
        "--limit",
        type=arguments.count,
        default=20,
        metavar="N",
        help="at most this many, 0 for all (default %(default)s)",
    )


async def list_activities(ctx: Context) -> int:
    args = ctx.args
    online = cat.ONLINE_FILTER_UNSPECIFIED
    if args.online:
        online = cat.ONLINE_FILTER_ONLINE_ONLY
    elif args.in_person:
        online = cat.ONLINE_FILTER_IN_PERSON_ONLY
    where = cat.ActivityFilter(
        section_ids=args.section,
        country_codes=[c.lower() for c in args.country],
        causes=args.cause,
        languages=args.language,
        week_edition=args.week or "",
        states=args.state,
        online=online,
        text_query=args.text or "",
    )
    limit: int = args.limit
    page_size = min(limit, MAX_PAGE_SIZE) if limit else MAX_PAGE_SIZE
    found: list[cat.Activity] = []
    async with ctx.client() as client:
        pages = client.iter_activities(where, page_size=page_size)
        async with contextlib.aclosing(pages):
            async for activity in pages:
                found.append(activity)
                if len(found) == limit:
                    break
    if ctx.out.json_mode:
        ctx.out.data(cat.ListActivitiesResponse(activities=found))
    else:
        ctx.out.show(views.activities_table(found))
    return OK


async def show_activity(ctx: Context) -> int:
    async with ctx.client() as client:
        activity = await client.get_activity(ctx.args.activity_id)
    _print_activity(ctx, activity)
    return OK


async def create_activity(ctx: Context) -> int:
    details = read_message(ctx.args.file, cat.ActivityDetails())
    async with ctx.client() as client:
        activity = await client.create_activity(details, idempotency_key=ctx.args.key)
        if not ctx.out.json_mode:
            ctx.out.line(f"Created draft {activity.id}: {activity.details.title}", "green")
        if ctx.args.publish and activity.state == cat.ACTIVITY_STATE_DRAFT:
            activity = await client.publish_activity(activity.id, activity.version)
            if not ctx.out.json_mode:
                ctx.out.line(f"Published {activity.id}", "green")
    _print_activity(ctx, activity)
    return OK


async def publish_activity(ctx: Context) -> int:
    async with ctx.client() as client:
        activity = await client.publish_activity(ctx.args.activity_id)
    if not ctx.out.json_mode:
        ctx.out.line(f"Published {activity.id}: {activity.details.title}", "green")
    _print_activity(ctx, activity)
    return OK


async def cancel_activity(ctx: Context) -> int:
    async with ctx.client() as client:
        activity = await client.cancel_activity(ctx.args.activity_id, ctx.args.reason)
    if not ctx.out.json_mode:
        ctx.out.line(f"Cancelled {activity.id}: {activity.details.title}", "yellow")
    _print_activity(ctx, activity)
    return OK


def _print_activity(ctx: Context, activity: cat.Activity) -> None:
    if ctx.out.json_mode:
        ctx.out.data(activity)
    else:
        ctx.out.show(views.activity_view(activity))
