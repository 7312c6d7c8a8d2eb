"""The commands, one module per subject; each adds its parsers with :func:`add_command`."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TypeAlias

from services.cli.context import Context

Handler = Callable[[Context], Awaitable[int]]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(
    subparsers: Subparsers,
    name: str,
    handler: Handler,
    *,
    common: argparse.ArgumentParser,
    summary: str,
    description: str = "",
    role: str = "",
    deadline: float | None = None,
    examples: str = "",
) -> argparse.ArgumentParser:
    """A subcommand running ``handler``, authenticated by default as ``role``."""
    text = description or summary
    if role:
        text += (
            f"\n\nSends the local dev {role} token unless --token, --as or SE_TOKEN name another."
        )
    parser = subparsers.add_parser(
        name,
        parents=[common],
        help=summary,
        description=text,
        epilog=f"example:\n  {examples}" if examples else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, role=role, deadline=deadline)
    return parser


def add_group(
    subparsers: Subparsers, name: str, *, common: argparse.ArgumentParser, summary: str
) -> Subparsers:
    """A command with subcommands of its own (``activities list``)."""
    parser = subparsers.add_parser(name, parents=[common], help=summary, description=summary)
    return parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
