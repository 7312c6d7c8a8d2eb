"""A student's side: enrol, unenrol, profile, recommendations and inbox."""

from __future__ import annotations

import argparse

import grpc

from services.cli import arguments, views
from services.cli.commands import Subparsers, add_command, add_group, imports
from services.cli.context import Context
from services.cli.errors import OK
from services.cli.files import read_message
from services.client import ClientError, SocialErasmusClient
from services.matching.demo_profile import DEMO_STUDENT
from socialerasmus.matching.v1 import matching_pb2 as match
from socialerasmus.notify.v1 import notify_pb2 as notify

STUDENT = "student"
PLATFORM = "platform"
STUDENT_HELP = f"student id (default {DEMO_STUDENT}, the demo student of `make run`)"


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    enrol = add_command(
        subparsers,
        "enrol",
        enrol_student,
        common=common,
        summary="enrol a student in an activity",
        description="Enrol a student: CONFIRMED while seats remain, else WAITLISTED.",
        role=STUDENT,
        examples="socialerasmus enrol 01JX3Q7Z8M5V2K9T4R6B1C0D2E --student demo-student",
    )
    unenrol = add_command(
        subparsers,
        "unenrol",
        unenrol_student,
        common=common,
        summary="cancel a student's enrolment",
        description="Cancel an enrolment; the first waitlisted student takes the seat.",
        role=STUDENT,
        examples="socialerasmus unenrol 01JX3Q7Z8M5V2K9T4R6B1C0D2E",
    )
    for parser in (enrol, unenrol):
        parser.add_argument("activity_id", metavar="ACTIVITY_ID")
        parser.add_argument("--student", default=DEMO_STUDENT, help=STUDENT_HELP)
    _register_profile(subparsers, common)
    _register_recommend(subparsers, common)
    inbox = add_command(
        subparsers,
        "inbox",
        show_inbox,
        common=common,
        summary="show a student's inbox, newest first",
        role=STUDENT,
        examples="socialerasmus inbox demo-student --unread",
    )
    inbox.add_argument("student", nargs="?", default=DEMO_STUDENT, help=STUDENT_HELP)
    inbox.add_argument("--unread", action="store_true", help="only unread messages")
    inbox.add_argument(
        "--limit",
        type=arguments.positive_int,
        default=20,
        metavar="N",
        help="at most this many (default %(default)s)",
    )
    deliveries = add_command(
        subparsers,
        "deliveries",
        show_deliveries,
        common=common,
        summary="where a student's messages stand on each channel, with the reasons",
        role=STUDENT,
        examples="socialerasmus deliveries demo-student",
    )
    deliveries.add_argument("student", nargs="?", default=DEMO_STUDENT, help=STUDENT_HELP)
    deliveries.add_argument("--message", default="", help="only this message id")
    deliveries.add_argument(
        "--limit",
        type=arguments.positive_int,
        default=20,
        metavar="N",
        help="at most this many (default %(default)s)",
    )


def _register_profile(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "profile", common=common, summary="show or write a volunteer profile"
    )
    upsert = add_command(
        group,
        "upsert",
        upsert_profile,
        common=common,
        summary="create or replace a profile from a JSON file",
        description=(
            "Create or replace a volunteer profile from a JSON file holding a VolunteerProfile "
            "message (protos/socialerasmus/matching/v1/matching.proto), field names as in the "
            'proto file: {"student_id": "demo-student", "host_section_id": "esn-valencia-upv", '
            '"languages": [{"code": "en", "level": "LANGUAGE_LEVEL_C1"}], ...}. '
            "Use - to read standard input. Sent as the platform the student signed up on "
            "(--as student writes only the dev student's own profile)."
        ),
        role=PLATFORM,
        examples="socialerasmus profile upsert examples/cli/ana.json",
    )
    upsert.add_argument("file", metavar="FILE", help="JSON file of VolunteerProfile, or -")
    show = add_command(
        group,
        "show",
        show_profile,
        common=common,
        summary="show a profile",
        role=STUDENT,
        examples="socialerasmus profile show demo-student",
    )
    show.add_argument("student", nargs="?", default=DEMO_STUDENT, help=STUDENT_HELP)
    imports.register_profile_import(group, common)


def _register_recommend(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        "recommend",
        recommend,
        common=common,
        summary="activities suggested for a student, with the reasons",
        role=STUDENT,
        examples="socialerasmus recommend demo-student -k 5 --cause environmental-sustainability",
    )
    parser.add_argument("student", nargs="?", default=DEMO_STUDENT, help=STUDENT_HELP)
    parser.add_argument(
        "-k", type=arguments.positive_int, default=10, help="how many (default %(default)s)"
    )
    parser.add_argument(
        "--cause",
        action="append",
        default=[],
        type=arguments.cause,
        help=f"only these causes: {', '.join(arguments.enum_names(arguments.CAUSE))}",
    )
    parser.add_argument(
        "--sdg",
        action="append",
        default=[],
        type=arguments.sdg,
        metavar="N",
        help="only these UN Sustainable Development Goals, 1 to 17",
    )
    parser.add_argument("--online", action="store_true", help="only online activities")
    parser.add_argument("--week", metavar="EDITION", help="only this SocialErasmus Week edition")
    parser.add_argument(
        "--waitlist", action="store_true", help="also full activities (they have a waitlist)"
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ACTIVITY_ID",
        help="never suggest this activity",
    )


async def enrol_student(ctx: Context) -> int:
    async with ctx.client() as client:
        reply = await client.enrol(ctx.args.activity_id, ctx.args.student)
    if ctx.out.json_mode:
        ctx.out.data(reply)
    else:
        ctx.out.line(views.enrolment_line(reply.enrolment, reply.created), "green")
    return OK


async def unenrol_student(ctx: Context) -> int:
    async with ctx.client() as client:
        reply = await client.cancel_enrolment(ctx.args.activity_id, ctx.args.student)
    if ctx.out.json_mode:
        ctx.out.data(reply)
        return OK
    ctx.out.line(views.enrolment_line(reply.enrolment), "yellow")
    if reply.promoted.student_id:
        ctx.out.line(f"{reply.promoted.student_id} moved up from the waitlist and has the seat")
    return OK


async def upsert_profile(ctx: Context) -> int:
    profile = read_message(ctx.args.file, match.VolunteerProfile())
    async with ctx.client() as client:
        stored = await client.upsert_profile(profile)
    if ctx.out.json_mode:
        ctx.out.data(stored)
    else:
        ctx.out.line(f"Saved the profile of {stored.student_id}", "green")
        ctx.out.show(views.profile_view(stored))
    return OK


async def show_profile(ctx: Context) -> int:
    async with ctx.client() as client:
        profile = await client.get_profile(ctx.args.student)
    if ctx.out.json_mode:
        ctx.out.data(profile)
    else:
        ctx.out.show(views.profile_view(profile))
    return OK


async def recommend(ctx: Context) -> int:
    args = ctx.args
    wanted = match.RecommendFilter(
        causes=args.cause,
        online_only=args.online,
        week_edition=args.week or "",
        accept_waitlist=args.waitlist,
        exclude_activity_ids=args.exclude,
        sdgs=sorted(set(args.sdg)),
    )
    async with ctx.client() as client:
        found = await client.recommend(args.student, args.k, wanted)
    if ctx.out.json_mode:
        ctx.out.data(
            match.RecommendResponse(recommendations=found, diversified=views.is_diversified(found))
        )
    elif not found:
        ctx.out.line(
            f"Nothing to suggest to {args.student} right now: no published activity passes "
            "their profile's filters (dates, distance, languages, availability)."
        )
    else:
        ctx.out.show(views.recommendations_table(args.student, found))
    return OK


async def show_deliveries(ctx: Context) -> int:
    args = ctx.args
    async with ctx.client() as client:
        found = await client.list_deliveries(
            args.student, message_id=args.message, page_size=args.limit
        )
    if ctx.out.json_mode:
        ctx.out.data(notify.ListDeliveriesResponse(deliveries=found))
    else:
        ctx.out.show(views.deliveries_table(args.student, found))
    return OK


async def show_inbox(ctx: Context) -> int:
    args = ctx.args
    async with ctx.client() as client:
        page = await client.list_inbox(args.student, unread_only=args.unread, page_size=args.limit)
        if ctx.out.json_mode:
            ctx.out.data(page)
            return OK
        time_zone = await _time_zone_of(client, args.student)
    ctx.out.show(views.inbox_table(args.student, list(page.items), time_zone))
    return OK


async def _time_zone_of(client: SocialErasmusClient, student_id: str) -> str:
    """The time zone the student reads dates in (their notification preferences); empty,
    so UTC, when they have none."""
    try:
        return (await client.get_preferences(student_id)).time_zone
    except ClientError as error:
        if error.code == grpc.StatusCode.NOT_FOUND:
            return ""
        raise
