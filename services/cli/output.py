"""Where results go: rich renderings for people, JSON for scripts, errors to stderr."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import TextIO

from google.protobuf import json_format
from google.protobuf.message import Message
from rich.console import Console, RenderableType
from rich.text import Text


def message_to_data(message: Message) -> dict[str, object]:
    """The protobuf JSON mapping with field names as in the .proto files and every field
    present, so scripts find the same keys every time."""
    data: dict[str, object] = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return data


class Output:
    """Human (rich) or JSON output of one command."""

    def __init__(self, stdout: TextIO, stderr: TextIO, *, json_mode: bool) -> None:
        self.json_mode = json_mode
        self._stdout = stdout
        self.console = Console(file=stdout, highlight=False)
        self.errors = Console(file=stderr, highlight=False, stderr=True)

    def data(self, value: object) -> None:
        """Writes ``value`` (a protobuf message or plain data) as JSON."""
        if isinstance(value, Message):
            value = message_to_data(value)
        self._stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        self._stdout.flush()

    def show(self, *renderables: RenderableType) -> None:
        self.console.print(*renderables)

    def line(self, text: str, style: str | None = None) -> None:
        """A line of plain text: never read as rich markup."""
        self.console.print(Text(text, style=style or ""), soft_wrap=True)

    def error(self, message: str, details: Sequence[str] = ()) -> None:
        """Never wrapped, so that the message can be searched for in logs."""
        self.errors.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
        for detail in details:
            self.errors.print(Text(f"  {detail}"), soft_wrap=True)

    @contextlib.contextmanager
    def working(self, text: str) -> Iterator[None]:
        """A spinner on the terminal while something runs; nothing for JSON or pipes."""
        if self.json_mode or not self.errors.is_terminal:
            yield
            return
        with self.errors.status(text):
            yield
