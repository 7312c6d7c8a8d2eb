"""The command line: global options, accepted before or after the command."""

from __future__ import annotations

import argparse

from services.cli import arguments
from services.cli.commands import activities, health, imports, operations, students
from services.cli.errors import EXIT_CODES_HELP
from services.cli.tokens import ROLES
from services.client import Service

DESCRIPTION = """\
Work with SocialErasmus Match from a terminal: activities, enrolments, volunteer profiles,
recommendations, inboxes, SocialErasmus Week allocation, demo data, offline evaluation and
the health of the services.

Services are reached at 127.0.0.1:50051 (catalogue), :50052 (matching) and :50053 (notify),
or where SE_CATALOGUE_ADDRESS, SE_MATCHING_ADDRESS, SE_NOTIFY_ADDRESS or the options say.

The bearer token is, in order: --token; the local dev token of the role named by --as;
SE_TOKEN; the local dev token of the role the command needs (the dev tokens are those
`make run` writes to .local/dev-tokens.json)."""

EPILOG = f"""\
examples:
  socialerasmus health
  socialerasmus activities list --country es --limit 5
  socialerasmus --json recommend demo-student -k 3

{EXIT_CODES_HELP}"""


def common_options() -> argparse.ArgumentParser:
    """Options every command takes; SUPPRESS keeps a value given before the command from
    being overwritten by the subcommand's default."""
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = common.add_argument_group("global options")
    group.add_argument("--json", action="store_true", help="print JSON for scripts")
    group.add_argument("--token", help="bearer token to send")
    group.add_argument(
        "--as",
        dest="as_role",
        choices=ROLES,
        help="use the local dev token of this role",
    )
    for service in Service:
        group.add_argument(
            f"--{service.value}",
            metavar="HOST:PORT",
            help=f"{service.value} address (default ${service.address_variable} "
            f"or {service.default_address})",
        )
    group.add_argument(
        "--timeout",
        type=arguments.positive_float,
        metavar="SECONDS",
        help="deadline of each call (default 10)",
    )
    group.add_argument(
        "--request-id", metavar="ID", help="sent as x-request-id, to find the call in the logs"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="socialerasmus",
        description=DESCRIPTION,
        epilog=EPILOG,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    health.register(subparsers, common)
    activities.register(subparsers, common)
    students.register(subparsers, common)
    imports.register(subparsers, common)
    operations.register(subparsers, common)
    return parser
