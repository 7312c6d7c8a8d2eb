"""Input files: JSON in the protobuf JSON mapping (field names as in the .proto files or
in lowerCamelCase, enums by name)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor
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
        try:
            unknown = unknown_fields(json.loads(text), message.DESCRIPTOR)  # type: ignore[arg-type]
        except ValueError:
            unknown = []
        reasons = unknown or [" ".join(str(error).split())]
        raise CliError(
            f"{where} is not a valid {message.DESCRIPTOR.name}:", BAD_INPUT, reasons
        ) from None
    return message


def unknown_fields(value: object, descriptor: Descriptor, path: str = "") -> list[str]:
    """One line per key of the JSON ``value`` that names no field of the message, with the
    names it may use, as in the .proto files (the help and the examples use those)."""
    if not isinstance(value, dict):
        return []
    fields = {f.name: f for f in descriptor.fields} | {f.json_name: f for f in descriptor.fields}
    found: list[str] = []
    for key, item in value.items():
        field = fields.get(key)
        where = f"{path}.{key}" if path else key
        if field is None:
            names = ", ".join(f.name for f in descriptor.fields)
            found.append(f"{where}: no such field in {descriptor.name}; its fields: {names}")
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            items = item if isinstance(item, list) else [item]
            for number, element in enumerate(items):
                at = f"{where}[{number}]" if isinstance(item, list) else where
                found += unknown_fields(element, field.message_type, at)
    return found
