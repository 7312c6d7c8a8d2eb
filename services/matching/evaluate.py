"""Offline evaluation of matching: ``python -m services.matching.evaluate``.

Reports precision@k, recall@k, NDCG@k, catalogue coverage and cause diversity of the learned
model against the cold-start weights, a popularity and a random baseline (the protocol is in
:mod:`services.matching.evaluation`).

Data, one of:

- ``--synthetic`` (the default): a seeded simulated world over real ESN sections;
- ``--redis-url URL --catalogue HOST:PORT --token T``: the feedback log and profiles recorded
  by a running matching service, and the activities from the catalogue's ListActivities
  (published and completed ones, indexed as they were while published, with every seat
  free: live seat counts would reveal enrolments of the test window).

``--json`` prints JSON instead of the table; ``--save`` also writes it to
``bench/results/evaluation.json``.

Or, with ``--listings FILE.csv --text-columns title desc [--label-columns ...]``, matching
quality on any labelled file of listings, through the real catalogue and matching services
started on a fresh local stack, against text-search baselines on the same split (the
protocol is in :mod:`services.matching.listings_evaluation`); ``--save`` then writes
``bench/results/listings_evaluation.json``.

Or, with ``--joins FILE.csv --user-column U --activity-column A`` and ``--time-column T``
(leave last out) or ``--split-column S`` (the file's own train/test split), HR@k and NDCG@k
of Recommend on implicit feedback (who joined what), through the real services on a fresh
local stack, against popularity, item-kNN and random on the same split (the protocol is in
:mod:`services.matching.implicit_evaluation`); ``--save`` then writes
``bench/results/implicit_evaluation.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import grpc
from redis.asyncio import Redis

from services.matching.evaluation import TRAIN_SHARE, Evaluation, evaluate
from services.matching.implicit_evaluation import (
    TEST_VALUE,
    TRAIN_VALUE,
    ImplicitEvaluation,
    JoinsError,
    evaluate_lists,
    leave_last_out,
    read_joins,
    split_by_column,
)
from services.matching.implicit_run import recommend_for_test_users
from services.matching.limits import RECOMMEND_K_MAX
from services.matching.listings_evaluation import (
    STUDENTS_PER_LABEL,
    ListingsError,
    ListingsEvaluation,
    read_listings,
)
from services.matching.listings_run import evaluate_listings
from services.matching.ranking_metrics import DEFAULT_K
from services.matching.simulation import simulate
from services.matching.store import MatchingStore
from socialerasmus.catalogue.v1 import catalogue_pb2, catalogue_pb2_grpc
from socialerasmus.matching.v1 import matching_pb2

PAGE_SIZE = 100
PROFILE_BATCH = 500
CALL_TIMEOUT_SECONDS = 30.0
_LISTED_STATES = (catalogue_pb2.ACTIVITY_STATE_PUBLISHED, catalogue_pb2.ACTIVITY_STATE_COMPLETED)

Recorded = tuple[
    list[catalogue_pb2.Activity], dict[str, matching_pb2.VolunteerProfile], list[dict[str, str]]
]


async def read_recorded(redis_url: str, catalogue: str, token: str) -> Recorded:
    """Activities, profiles of the students in the feedback log, and the log."""
    redis = Redis.from_url(redis_url)
    try:
        store = MatchingStore(redis)
        feedback = await store.feedback_log()
        students = sorted({row["student_id"] for row in feedback})
        profiles: dict[str, matching_pb2.VolunteerProfile] = {}
        for start in range(0, len(students), PROFILE_BATCH):
            for profile in await store.profiles(students[start : start + PROFILE_BATCH]):
                profiles[profile.student_id] = profile
    finally:
        await redis.aclose()
    return await list_activities(catalogue, token), profiles, feedback


async def list_activities(address: str, token: str) -> list[catalogue_pb2.Activity]:
    """Every published or completed activity, as published and with every seat free."""
    metadata = (("authorization", f"Bearer {token}"),)
    found: list[catalogue_pb2.Activity] = []
    async with grpc.aio.insecure_channel(address) as channel:
        stub: Any = catalogue_pb2_grpc.CatalogueServiceStub(channel)
        page_token = ""
        while True:
            request = catalogue_pb2.ListActivitiesRequest(
                filter=catalogue_pb2.ActivityFilter(states=_LISTED_STATES),
                page_size=PAGE_SIZE,
                page_token=page_token,
            )
            response = await stub.ListActivities(
                request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
            )
            for activity in response.activities:
                copy = catalogue_pb2.Activity()
                copy.CopyFrom(activity)
                copy.state = catalogue_pb2.ACTIVITY_STATE_PUBLISHED
                copy.seats_left = copy.details.capacity
                found.append(copy)
            page_token = response.next_page_token
            if not page_token:
                return found


def _add_joins_options(parser: argparse.ArgumentParser) -> None:
    joins = parser.add_argument_group("with --joins")
    joins.add_argument("--user-column", metavar="COLUMN", help="who joined")
    joins.add_argument("--activity-column", metavar="COLUMN", help="what they joined")
    split = joins.add_mutually_exclusive_group()
    split.add_argument(
        "--time-column", metavar="COLUMN", help="when (ISO 8601 or epoch seconds): leave last out"
    )
    split.add_argument("--split-column", metavar="COLUMN", help="the file's own train/test split")
    joins.add_argument("--train-value", default=TRAIN_VALUE, help="default %(default)s")
    joins.add_argument("--test-value", default=TEST_VALUE, help="default %(default)s")


def _check_joins_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    joins_options = (args.user_column, args.activity_column, args.time_column, args.split_column)
    if args.joins is not None:
        if not (args.user_column and args.activity_column):
            parser.error("--joins needs --user-column and --activity-column")
        if not (args.time_column or args.split_column):
            parser.error("--joins needs --time-column or --split-column")
        if args.catalogue or args.token:
            parser.error("--joins starts its own services; --catalogue and --token do not apply")
        if args.k > RECOMMEND_K_MAX:
            parser.error(f"--k must be at most {RECOMMEND_K_MAX}, as Recommend allows")
    elif any(joins_options):
        parser.error(
            "--user-column, --activity-column, --time-column and --split-column go with --joins"
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.matching.evaluate",
        description="Offline evaluation of matching against popularity and random baselines.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--synthetic", action="store_true", help="simulated data (the default)")
    source.add_argument("--redis-url", help="the matching service's Redis")
    source.add_argument(
        "--joins",
        type=Path,
        metavar="FILE.csv",
        help="a CSV of who joined what, evaluated through the services on a local stack",
    )
    source.add_argument(
        "--listings",
        type=Path,
        metavar="FILE.csv",
        help="a labelled CSV of listings, evaluated through the services on a local stack",
    )
    parser.add_argument("--catalogue", help="catalogue gRPC address, with --redis-url")
    parser.add_argument("--token", help="bearer token for the catalogue, with --redis-url")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="list length (default 10)")
    parser.add_argument("--train-share", type=float, default=TRAIN_SHARE)
    parser.add_argument("--seed", type=int, default=7, help="simulation and random baseline")
    parser.add_argument("--students", type=int, default=2000, help="synthetic students")
    parser.add_argument("--activities", type=int, default=1200, help="synthetic activities")
    parser.add_argument("--sections", type=int, default=40, help="synthetic ESN sections")
    listings = parser.add_argument_group("with --listings")
    listings.add_argument(
        "--text-columns", nargs="+", metavar="COLUMN", help="the text; the first is the title"
    )
    listings.add_argument(
        "--label-columns",
        nargs="+",
        metavar="COLUMN",
        help="the labels (default: every column of booleans)",
    )
    listings.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2], metavar="SEED")
    listings.add_argument("--students-per-label", type=int, default=STUDENTS_PER_LABEL)
    _add_joins_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--save",
        action="store_true",
        help="save bench/results/evaluation.json (listings_evaluation.json with --listings, "
        "implicit_evaluation.json with --joins)",
    )
    args = parser.parse_args(argv)
    _check_joins_options(parser, args)
    if args.listings is not None:
        if not args.text_columns:
            parser.error("--listings needs --text-columns")
        if args.students_per_label < 1:
            parser.error("--students-per-label must be at least 1")
        if args.catalogue or args.token:
            parser.error("--listings starts its own services; --catalogue and --token do not apply")
        if args.k > RECOMMEND_K_MAX:
            parser.error(f"--k must be at most {RECOMMEND_K_MAX}, as Recommend allows")
    elif args.text_columns or args.label_columns:
        parser.error("--text-columns and --label-columns go with --listings")
    if args.redis_url and not (args.catalogue and args.token):
        parser.error("--redis-url needs --catalogue and --token to read the activities")
    if (
        not args.redis_url
        and not args.listings
        and not args.joins
        and (args.catalogue or args.token)
    ):
        parser.error("--catalogue and --token go with --redis-url")
    if args.k < 1:
        parser.error("--k must be at least 1")
    return args


def run(args: argparse.Namespace) -> tuple[Evaluation, dict[str, object]]:
    started = time.perf_counter()
    if args.redis_url:
        activities, profiles, feedback = asyncio.run(
            read_recorded(args.redis_url, args.catalogue, args.token)
        )
        source: dict[str, object] = {"source": "redis", "redis_url": _without_password(args)}
    else:
        world = simulate(
            students=args.students,
            activities=args.activities,
            sections=args.sections,
            seed=args.seed,
        )
        activities, profiles, feedback = world.activities, world.profiles, world.feedback
        source = {
            "source": "synthetic",
            "seed": args.seed,
            "students": args.students,
            "activities_generated": args.activities,
            "sections": args.sections,
        }
    result = evaluate(
        activities, profiles, feedback, k=args.k, train_share=args.train_share, seed=args.seed
    )
    report = {
        **source,
        "feedback_rows": len(feedback),
        "profiles": len(profiles),
        "train_share": args.train_share,
        **result.as_dict(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return result, report


def _without_password(args: argparse.Namespace) -> str:
    url: str = args.redis_url
    scheme, _, rest = url.partition("://")
    _, at, host = rest.rpartition("@")
    return f"{scheme}://{host}" if at else url


def run_listings(args: argparse.Namespace) -> tuple[ListingsEvaluation, dict[str, object]]:
    started = time.perf_counter()
    listings = read_listings(args.listings, args.text_columns, args.label_columns)
    result = asyncio.run(
        evaluate_listings(
            listings,
            args.seeds,
            k=args.k,
            students_per_label=args.students_per_label,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    )
    report = {
        "source": "listings",
        "file": args.listings.name,
        **result.as_dict(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return result, report


def main_listings(args: argparse.Namespace) -> int:
    return _on_services(args, run_listings, ListingsError, args.listings, "listings_evaluation")


def _on_services(
    args: argparse.Namespace,
    run: Callable[[argparse.Namespace], tuple[_Result, dict[str, object]]],
    bad_file: type[Exception],
    path: Path,
    name: str,
) -> int:
    """Runs a protocol that starts its own services; a bad file exits 2, services that
    refuse or do not come up 1."""
    try:
        result, report = run(args)
    except bad_file as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    except grpc.aio.AioRpcError as error:
        print(f"services: {error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    except (RuntimeError, TimeoutError) as error:  # a service or server did not come up
        print(f"services: {error}", file=sys.stderr)
        return 1
    return _report(args, result, report, name)


def run_joins(args: argparse.Namespace) -> tuple[ImplicitEvaluation, dict[str, object]]:
    started = time.perf_counter()
    rows = read_joins(
        args.joins,
        args.user_column,
        args.activity_column,
        time_column=args.time_column,
        split_column=args.split_column,
    )
    if args.time_column:
        split = leave_last_out(rows)
    else:
        split = split_by_column(rows, args.train_value, args.test_value)
    if not split.test:
        raise JoinsError("no user has two joins: nothing to hold out")
    api_started = time.perf_counter()
    lists, timings = asyncio.run(
        recommend_for_test_users(
            split,
            k=args.k,
            seed=args.seed,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    )
    result = evaluate_lists(
        split,
        lists,
        rows=len(rows),
        k=args.k,
        seed=args.seed,
        api_seconds=time.perf_counter() - api_started,
        extra=timings,
    )
    report = {
        "source": "joins",
        "file": args.joins.name,
        **result.as_dict(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return result, report


def main_joins(args: argparse.Namespace) -> int:
    return _on_services(args, run_joins, JoinsError, args.joins, "implicit_evaluation")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.joins is not None:
        return main_joins(args)
    if args.listings is not None:
        return main_listings(args)
    try:
        result, report = run(args)
    except grpc.aio.AioRpcError as error:
        print(f"catalogue: {error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    return _report(args, result, report, "evaluation")


class _Result(Protocol):
    def summary(self) -> str: ...
    def table(self) -> str: ...


def _report(args: argparse.Namespace, result: _Result, report: dict[str, Any], name: str) -> int:
    """Prints the table (or JSON) and, with ``--save``, writes ``bench/results/<name>.json``."""
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(result.summary())
        print()
        print(result.table())
        print(f"\n{report['seconds']} s")
    if args.save:
        from bench.harness import save  # noqa: PLC0415  (only when asked: it loads the stack)

        print("saved", save(name, report), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
