"""Operating the programme: Week allocation, demo data and the offline evaluation."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from datetime import date

import grpc
from redis.exceptions import ConnectionError as RedisConnectionError

from services.catalogue.seed import DEFAULT_COUNT, SeedError, seed
from services.cli import arguments, views
from services.cli.commands import Subparsers, add_command
from services.cli.context import Context
from services.cli.errors import OK, UNREACHABLE, CliError
from services.client import ClientError, Service

ALLOCATION_DEADLINE_SECONDS = 120.0


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    allocate = add_command(
        subparsers,
        "allocate",
        allocate_week,
        common=common,
        summary="allocate the places of a SocialErasmus Week edition",
        description=(
            "Propose places for the students who opted in to a SocialErasmus Week edition: "
            "everyone who can get a place gets one before anyone gets a second. Enrolling "
            "them is a separate step. The deadline is 120 s unless --timeout says otherwise."
        ),
        role="platform",
        deadline=ALLOCATION_DEADLINE_SECONDS,
        examples="socialerasmus allocate 2027-spring --places 2 --assignments",
    )
    allocate.add_argument("week_edition", metavar="EDITION", help='e.g. "2027-spring"')
    allocate.add_argument(
        "--places", type=arguments.positive_int, default=1, help="places per student, 1 to 5"
    )
    allocate.add_argument(
        "--assignments", action="store_true", help="also list every proposed place"
    )
    seed_parser = add_command(
        subparsers,
        "seed",
        seed_demo_data,
        common=common,
        summary="fill an empty catalogue with demo activities",
        description=(
            "Create and publish demo activities of real ESN sections. Does nothing when the "
            "catalogue already has activities, unless --force; re-running is safe."
        ),
        role="operator",
        examples="socialerasmus seed --count 50",
    )
    seed_parser.add_argument(
        "--count", type=arguments.positive_int, default=DEFAULT_COUNT, help="default %(default)s"
    )
    seed_parser.add_argument("--force", action="store_true", help="seed even when not empty")
    add_command(
        subparsers,
        "model",
        show_model_state,
        common=common,
        summary="show the ranking model serving",
        description=(
            "The ranking model of the matching replica that answers: its version, when it was "
            "fitted and on how much feedback, its weights, and how they and the "
            "similar-students model did on held-back joins."
        ),
        role="operator",
        examples="socialerasmus model --json",
    )
    _register_evaluate(subparsers, common)


def _register_evaluate(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        "evaluate",
        evaluate_model,
        common=common,
        summary="evaluate the ranking offline against baselines",
        description=(
            "Precision, recall, NDCG, coverage and cause diversity of the learned ranking "
            "against the cold-start weights, popularity and random baselines. By default on a "
            "simulated world; with --redis-url on the feedback a matching service recorded "
            "(the activities then come from the catalogue, read with the operator token)."
        ),
        role="operator",
        examples="socialerasmus evaluate --students 500 --activities 300",
    )
    parser.add_argument("--redis-url", metavar="URL", help="the matching service's Redis")
    parser.add_argument("--k", type=arguments.positive_int, default=10, help="list length")
    parser.add_argument("--students", type=arguments.positive_int, default=2000)
    parser.add_argument("--activities", type=arguments.positive_int, default=1200)
    parser.add_argument("--sections", type=arguments.positive_int, default=40)
    parser.add_argument("--seed", type=int, default=7, help="of the simulation")


async def allocate_week(ctx: Context) -> int:
    args = ctx.args
    async with ctx.client() as client:
        with ctx.out.working(f"Allocating the places of {args.week_edition}..."):
            reply = await client.allocate_week(args.week_edition, args.places)
    if ctx.out.json_mode:
        ctx.out.data(reply)
        return OK
    ctx.out.show(views.allocation_view(reply, args.week_edition))
    if args.assignments and reply.assignments:
        ctx.out.show(views.assignments_table(list(reply.assignments)))
    return OK


async def show_model_state(ctx: Context) -> int:
    async with ctx.client() as client:
        state = await client.model_state()
    if ctx.out.json_mode:
        ctx.out.data(state)
    else:
        ctx.out.show(views.model_state_view(state))
    return OK


async def seed_demo_data(ctx: Context) -> int:
    address = ctx.address(Service.CATALOGUE)
    async with ctx.client() as client:
        channel = client.channel(Service.CATALOGUE)
        try:
            with ctx.out.working(f"Seeding {ctx.args.count} demo activities..."):
                outcome = await seed(
                    channel, ctx.token(), ctx.args.count, date.today(), force=ctx.args.force
                )
        except SeedError as error:
            cause = error.__cause__
            if isinstance(cause, grpc.aio.AioRpcError):
                raise ClientError.from_rpc_error(cause, Service.CATALOGUE, address) from error
            raise CliError(str(error)) from error
    if ctx.out.json_mode:
        ctx.out.data({"address": address, **dataclasses.asdict(outcome)})
    else:
        ctx.out.line(outcome.summary(address), "green")
    return OK


async def evaluate_model(ctx: Context) -> int:
    # The evaluation loads numpy, SciPy and scikit-learn: only for this command.
    from services.matching import evaluate  # noqa: PLC0415

    args = ctx.args
    argv = ["--k", str(args.k), "--seed", str(args.seed)]
    if args.redis_url:
        catalogue = ctx.address(Service.CATALOGUE)
        argv += ["--redis-url", args.redis_url, "--catalogue", catalogue, "--token", ctx.token()]
    else:
        argv += [
            "--students", str(args.students),
            "--activities", str(args.activities),
            "--sections", str(args.sections),
        ]  # fmt: skip
    options = evaluate.parse_args(argv)
    try:
        with ctx.out.working("Evaluating..."):
            result, report = await asyncio.to_thread(evaluate.run, options)
    except grpc.aio.AioRpcError as error:
        address = ctx.address(Service.CATALOGUE)
        raise ClientError.from_rpc_error(error, Service.CATALOGUE, address) from error
    except (RedisConnectionError, OSError) as error:
        raise CliError(f"cannot reach Redis at {args.redis_url}: {error}", UNREACHABLE) from error
    if ctx.out.json_mode:
        ctx.out.data(report)
    else:
        ctx.out.show(views.evaluation_view(result))
    return OK
