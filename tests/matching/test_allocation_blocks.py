"""A stored allocation in blocks: any page reads as the same slice of the whole allocation,
and erasing a student rewrites only their blocks, leaving no trace of them."""

from __future__ import annotations

import random

import pytest

from services.matching.allocation_blocks import (
    BlockIndex,
    StoredAllocation,
    blocks_of,
    page_of,
    without_student,
)
from socialerasmus.matching.v1 import matching_pb2 as pb

REASONS = (pb.UNPLACED_REASON_CAPACITY, pb.UNPLACED_REASON_CLASHES)


def allocation(placed: int = 23, unplaced: int = 17) -> pb.AllocateWeekResponse:
    """``placed`` students with one to three places each, then ``unplaced`` students."""
    rng = random.Random(placed * 100 + unplaced)
    whole = pb.AllocateWeekResponse(allocation_id="01JWEEK", week_edition="2027-spring")
    for n in range(placed):
        for place in sorted(rng.sample(range(9), rng.randint(1, 3))):
            whole.assignments.add(student_id=f"in-{n:03d}", activity_id=f"act-{place}", fit=0.5)
    for n in range(unplaced):
        whole.unplaced_students.add(student_id=f"out-{n:03d}", reason=rng.choice(REASONS))
    return whole


def sequence(whole: pb.AllocateWeekResponse) -> list[object]:
    return [*whole.assignments, *whole.unplaced_students]


def read(stored: StoredAllocation, offset: int, size: int) -> pb.ListAllocationResponse:
    spanned = {block.name for block, _ in stored.index.spanning(offset, offset + size)}
    return page_of(
        stored.index, {n: raw for n, raw in stored.blocks.items() if n in spanned}, offset, size
    )


@pytest.mark.parametrize("entries", [1, 4, 7, 1000])
@pytest.mark.parametrize("size", [1, 5, 16, 100])
def test_every_page_is_the_slice_of_the_whole_allocation(entries: int, size: int) -> None:
    whole = allocation()
    stored = blocks_of(whole, entries)
    everything = sequence(whole)
    assert stored.index.total == len(everything)
    for offset in range(len(everything) + 1):
        page = read(stored, offset, size)  # only the blocks it spans
        assert [*page.assignments, *page.unplaced_students] == everything[offset : offset + size]
        assert page.week_edition == "2027-spring"
        end = min(offset + size, len(everything))
        assert page.next_page_token == (str(end) if end < len(everything) else "")


def test_a_block_holds_one_kind_of_entry() -> None:
    stored = blocks_of(allocation(placed=5, unplaced=5), 4)
    kinds = [block.kind for block in stored.index.blocks]
    assert kinds == sorted(kinds)  # assignments, then unplaced students
    for block in stored.index.blocks:
        items = getattr(pb.ListAllocationResponse.FromString(stored.blocks[block.name]), block.kind)
        assert len(items) == block.count <= 4
        assert (block.first, block.last) == (items[0].student_id, items[-1].student_id)


def test_an_empty_allocation_reads_as_one_empty_page() -> None:
    stored = blocks_of(allocation(placed=0, unplaced=0))
    page = read(stored, 0, 10)
    assert not page.assignments and not page.unplaced_students and not page.next_page_token


def erased(stored: StoredAllocation, student_id: str) -> StoredAllocation:
    """The allocation after erasing, as the store rewrites it: only the blocks named."""
    names = {block.name for block in stored.index.holding(student_id)}
    index, changed = without_student(
        stored.index, {n: raw for n, raw in stored.blocks.items() if n in names}, student_id
    )
    assert set(changed) <= names
    blocks = {**stored.blocks, **{n: raw for n, raw in changed.items() if raw is not None}}
    for name, raw in changed.items():
        if raw is None:
            del blocks[name]
    return StoredAllocation(BlockIndex.from_bytes(index.to_bytes()), blocks)


@pytest.mark.parametrize("student_id", ["in-000", "in-011", "in-022", "out-000", "out-009"])
def test_erasing_a_student_takes_all_their_entries_out_and_leaves_no_trace(
    student_id: str,
) -> None:
    whole = allocation()
    stored = erased(blocks_of(whole, 2), student_id)
    left = [entry for entry in sequence(whole) if entry.student_id != student_id]  # type: ignore[attr-defined]
    assert len(left) < len(sequence(whole))
    assert stored.index.total == len(left)
    for offset in range(0, len(left), 3):
        page = read(stored, offset, 3)
        assert [*page.assignments, *page.unplaced_students] == left[offset : offset + 3]
    assert student_id.encode() not in stored.index.to_bytes()
    assert not any(student_id.encode() in raw for raw in stored.blocks.values())
    assert all(block.name in stored.blocks and block.count for block in stored.index.blocks)


def test_erasing_a_student_of_no_entry_changes_nothing() -> None:
    stored = blocks_of(allocation(), 4)
    index, changed = without_student(stored.index, stored.blocks, "in-999")
    assert not changed
    assert index == stored.index


def test_a_block_left_empty_goes_from_the_index() -> None:
    whole = allocation(placed=3, unplaced=3)
    stored = blocks_of(whole, 1)  # one entry a block
    alone = next(b for b in stored.index.blocks if b.kind == "unplaced_students")
    after = erased(stored, alone.first)
    assert alone.name not in after.blocks
    assert alone.name not in {block.name for block in after.index.blocks}
