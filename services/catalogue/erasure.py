"""Erasing a student from the catalogue: their places, and the CATALOGUE messages naming them.

The CATALOGUE stream is kept without limit (matching rebuilds its index from it), so the
enrolment events of an erased student are deleted from it one by one. Which messages name
whom is learnt from the stream itself (:meth:`CatalogueErasure.index_message`, on every
enrolment event), and erasure deletes what that index holds. A message indexed after the
student's tombstone was set is deleted right away instead, so one published just after the
erasure (its enrolment was made just before) does not stay either.

JetStream overwrites a deleted message in its store (``no_erase`` is false), so the bytes go
too, not only the index entry.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from services.catalogue.service import CatalogueService
from services.catalogue.store import CatalogueStore

__all__ = ["STREAM", "CatalogueErasure"]

log = logging.getLogger(__name__)

STREAM = "CATALOGUE"


@dataclass(frozen=True, slots=True)
class CatalogueErasure:
    service: CatalogueService
    store: CatalogueStore
    js: JetStreamContext

    async def erase(self, student_id: str) -> None:
        """Everything of an erased student (their tombstone is set already): enrolments,
        then the stream messages naming them. Safe to repeat after a failure."""
        activities = await self.service.erase_enrolments(student_id)
        sequences = await self.store.messages_of(student_id)
        for sequence in sequences:
            await self._delete(sequence)
        await self.store.forget_messages(student_id, sequences)
        log.info(
            "student erased",
            extra={"activities": activities, "messages_deleted": len(sequences)},
        )

    async def index_message(self, student_id: str, sequence: int) -> None:
        """Remember that a CATALOGUE message names the student, or delete it if they are
        erased already."""
        if not await self.store.record_message(student_id, sequence):
            await self._delete(sequence)

    async def _delete(self, sequence: int) -> None:
        # Not found: deleted before (an erasure repeated after a failure).
        with contextlib.suppress(NotFoundError):
            await self.js.delete_msg(STREAM, sequence)
