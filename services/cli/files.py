"""Input files: JSON in the protobuf JSON mapping (field names as in the .proto files or
in lowerCamelCase, enums by name)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message

from services.cli.errors import BAD_INPUT, CliError

M = TypeVar("M", bound=Message)


def read_message(path: str, message: M) -> M:
    """Parses the JSON file at ``path`` (``-`` for standard input) into ``message``."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise CliError(f"cannot read {path}: {reason}", BAD_INPUT) from None
    return parse_message(text, message, path)


def parse_message(text: str, message: M, where: str) -> M:
    """Parses JSON ``text`` into ``message``; ``where`` names it in the error (a file, or a
    file's line)."""
    try:
        json_format.Parse(text, message)
    except json_format.ParseError as error:
        raise CliError(
            f"{where} is not a valid {message.DESCRIPTOR.name}:",
            BAD_INPUT,
            [" ".join(str(error).split())],
        ) from None
    return message
