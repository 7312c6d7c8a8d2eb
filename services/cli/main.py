"""Entry point of the ``socialerasmus`` command."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

from services.cli.context import Context
from services.cli.errors import INTERRUPTED, CliError, explain
from services.cli.output import Output
from services.cli.parser import build_parser
from services.client import ClientError


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit code (see ``socialerasmus --help``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error argparse has already printed
        return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 2
    out = Output(sys.stdout, sys.stderr, json_mode=getattr(args, "json", False))
    ctx = Context(args, out, os.environ)
    try:
        code: int = asyncio.run(args.handler(ctx))
    except CliError as error:
        out.error(error.message, error.details)
        return error.exit_code
    except ClientError as error:
        explained = explain(error, ctx.token_origin)
        out.error(explained.message, explained.details)
        return explained.exit_code
    except KeyboardInterrupt:
        out.error("interrupted")
        return INTERRUPTED
    return code
