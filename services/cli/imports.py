"""Import files: feedback as CSV, profiles as JSON lines, read into batches that remember
the line each item came from, so a refusal of ``items[3]`` can name the line."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from google.protobuf.message import Message

from services.cli.arguments import FEEDBACK_KIND, enum_value
from services.cli.errors import BAD_INPUT, CliError
from services.cli.files import parse_message
from socialerasmus.matching.v1 import matching_pb2 as match

M = TypeVar("M", bound=Message)

FEEDBACK_COLUMNS = ("student_id", "activity_id", "kind")
"""Required; ``rating`` (1 to 5, with kind rated) and ``occurred_at`` (ISO 8601, UTC when
it names no offset) may follow."""

_kind = enum_value(FEEDBACK_KIND)


@dataclass(frozen=True, slots=True)
class Batch(Generic[M]):
    items: list[M]
    lines: list[int]
    """The file's line of each item."""

    def line_of(self, field: str) -> str:
        """``items[3].student_id`` as ``line 12: student_id``; other paths as they are."""
        head, dot, rest = field.partition(".")
        if head.startswith("items[") and head.endswith("]"):
            index = int(head[6:-1])
            if 0 <= index < len(self.lines):
                return f"line {self.lines[index]}" + (f": {rest}" if dot else "")
        return field

    def by_line(self, found: Mapping[str, str]) -> list[str]:
        return [f"{self.line_of(field)}: {why}" for field, why in found.items()]


def _text(path: str) -> io.StringIO:
    try:
        if path == "-":
            return io.StringIO(sys.stdin.read())
        return io.StringIO(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise CliError(f"cannot read {path}: {reason}", BAD_INPUT) from None


def _batches(rows: Iterator[tuple[int, M]], size: int) -> Iterator[Batch[M]]:
    batch: Batch[M] = Batch([], [])
    for line, item in rows:
        batch.items.append(item)
        batch.lines.append(line)
        if len(batch.items) == size:
            yield batch
            batch = Batch([], [])
    if batch.items:
        yield batch


def profile_batches(path: str, size: int) -> list[Batch[match.VolunteerProfile]]:
    """One VolunteerProfile per line (protobuf JSON mapping); blank lines are skipped. The
    whole file is read first, so a bad line stops the import before anything is sent."""

    def rows() -> Iterator[tuple[int, match.VolunteerProfile]]:
        for number, text in enumerate(_text(path), start=1):
            if not text.strip():
                continue
            yield number, parse_message(text, match.VolunteerProfile(), f"{path} line {number}")

    return list(_batches(rows(), size))


def feedback_batches(path: str, size: int) -> list[Batch[match.Feedback]]:
    """CSV with a header naming FEEDBACK_COLUMNS (and optionally ``rating``,
    ``occurred_at``); the whole file is read first."""
    reader = csv.DictReader(_text(path))
    missing = [c for c in FEEDBACK_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CliError(
            f"{path}: the header names no {', '.join(missing)} column",
            BAD_INPUT,
            [f"columns: {', '.join(FEEDBACK_COLUMNS)}, and optionally rating, occurred_at"],
        )

    def rows() -> Iterator[tuple[int, match.Feedback]]:
        for row in reader:
            line = reader.line_num
            try:
                yield line, _feedback(row)
            except ValueError as error:
                raise CliError(f"{path} line {line}: {error}", BAD_INPUT) from None

    return list(_batches(rows(), size))


def _feedback(row: Mapping[str, str | None]) -> match.Feedback:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    try:
        kind = _kind(cell("kind"))
    except Exception as error:  # argparse's type error, worded for a person
        raise ValueError(f"kind: {error}") from None
    feedback = match.Feedback(
        student_id=cell("student_id"),
        activity_id=cell("activity_id"),
        kind=kind,  # type: ignore[arg-type]  # an enum number, checked by the parser
    )
    if rating := cell("rating"):
        try:
            feedback.rating = int(rating)
        except ValueError:
            raise ValueError(f"rating: not a whole number: {rating!r}") from None
    if occurred := cell("occurred_at"):
        try:
            moment = datetime.fromisoformat(occurred)
        except ValueError:
            raise ValueError(f"occurred_at: not an ISO 8601 time: {occurred!r}") from None
        feedback.occurred_at.FromDatetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return feedback
