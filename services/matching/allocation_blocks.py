"""A stored Week allocation in blocks, so that a page of ``ListAllocation`` parses only the
blocks it spans, not the whole allocation (350,000 students at most). Pure: no I/O.

The allocation reads as one sequence: every assignment (sorted by student id, then activity
id), then every unplaced student (sorted by student id); a page token is an offset into it.
Blocks cut it in order, each of one kind and at most ``limits.ALLOCATION_BLOCK_ENTRIES``
entries, serialised as a ``ListAllocationResponse`` holding only those entries. The
:class:`BlockIndex` lists the blocks in order with how many entries each holds and the first
and last student in it: a page finds its blocks from the counts, and erasing a student finds
theirs from the students (each kind is sorted by student), rewriting only those blocks, which
then hold fewer entries.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from services.matching.limits import ALLOCATION_BLOCK_ENTRIES
from socialerasmus.matching.v1.matching_pb2 import AllocateWeekResponse, ListAllocationResponse

Kind = Literal["assignments", "unplaced_students"]


@dataclass(frozen=True, slots=True)
class Block:
    name: str
    """Its field in the stored allocation; never reused."""
    kind: Kind
    count: int
    first: str
    """Student id of its first entry."""
    last: str


@dataclass(frozen=True, slots=True)
class BlockIndex:
    week_edition: str
    blocks: tuple[Block, ...]

    @property
    def total(self) -> int:
        """Entries of the allocation: assignments and unplaced students."""
        return sum(block.count for block in self.blocks)

    def spanning(self, offset: int, end: int) -> list[tuple[Block, int]]:
        """The blocks holding entries ``[offset, end)``, each with the offset of its first
        entry."""
        found: list[tuple[Block, int]] = []
        starts = itertools.accumulate((block.count for block in self.blocks), initial=0)
        for block, start in zip(self.blocks, starts, strict=False):
            if start < end and offset < start + block.count:
                found.append((block, start))
        return found

    def holding(self, student_id: str) -> list[Block]:
        """The blocks that may hold entries of ``student_id``."""
        return [block for block in self.blocks if block.first <= student_id <= block.last]

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "week_edition": self.week_edition,
                "blocks": [[b.name, b.kind, b.count, b.first, b.last] for b in self.blocks],
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> BlockIndex:
        data = json.loads(raw)
        return cls(
            data["week_edition"],
            tuple(
                Block(name, kind, count, first, last)
                for name, kind, count, first, last in data["blocks"]
            ),
        )


@dataclass(frozen=True, slots=True)
class StoredAllocation:
    """An allocation as stored: its index and its blocks, serialised, by name."""

    index: BlockIndex
    blocks: dict[str, bytes]


def blocks_of(
    allocation: AllocateWeekResponse, entries: int = ALLOCATION_BLOCK_ENTRIES
) -> StoredAllocation:
    """The allocation's assignments and unplaced students cut into blocks of ``entries``."""
    index: list[Block] = []
    blocks: dict[str, bytes] = {}
    for kind in ("assignments", "unplaced_students"):
        items = getattr(allocation, kind)
        for first in range(0, len(items), entries):
            part = items[first : first + entries]
            name = str(len(index))
            blocks[name] = _serialised(kind, part)
            index.append(Block(name, kind, len(part), part[0].student_id, part[-1].student_id))
    return StoredAllocation(BlockIndex(allocation.week_edition, tuple(index)), blocks)


def page_of(
    index: BlockIndex, raws: Mapping[str, bytes], offset: int, size: int
) -> ListAllocationResponse:
    """Entries ``[offset, offset + size)`` of the allocation, from the serialised blocks
    ``index.spanning`` names (``offset`` at most the total)."""
    end = min(offset + size, index.total)
    page = ListAllocationResponse(week_edition=index.week_edition)
    for block, start in index.spanning(offset, end):
        items = getattr(ListAllocationResponse.FromString(raws[block.name]), block.kind)
        getattr(page, block.kind).extend(items[max(offset - start, 0) : end - start])
    if end < index.total:
        page.next_page_token = str(end)
    return page


def without_student(
    index: BlockIndex, raws: Mapping[str, bytes], student_id: str
) -> tuple[BlockIndex, dict[str, bytes | None]]:
    """The allocation with no entry of ``student_id``, from the serialised blocks
    ``index.holding`` names: the new index and each block rewritten (None: left empty, to
    delete). Nothing rewritten when the student has no entry."""
    changed: dict[str, bytes | None] = {}
    blocks = list(index.blocks)
    for n, block in enumerate(index.blocks):
        if block.name not in raws:
            continue
        items = getattr(ListAllocationResponse.FromString(raws[block.name]), block.kind)
        kept = [item for item in items if item.student_id != student_id]
        if len(kept) == len(items):
            continue
        if kept:
            changed[block.name] = _serialised(block.kind, kept)
            blocks[n] = replace(
                block, count=len(kept), first=kept[0].student_id, last=kept[-1].student_id
            )
        else:
            changed[block.name] = None
            blocks[n] = replace(block, count=0)
    kept_blocks = tuple(block for block in blocks if block.count)
    return BlockIndex(index.week_edition, kept_blocks), changed


def _serialised(kind: Kind, items: Sequence[object]) -> bytes:
    block = ListAllocationResponse()
    getattr(block, kind).extend(items)
    return block.SerializeToString()
