"""The live ranking model: weights and co-enrolment refitted from feedback now and then.

Each replica refits on its own from the shared feedback log; until there is enough
feedback the cold-start weights apply. A refit swaps the model in one assignment, so a
request sees either the old model or the new one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from services.matching.collaborative import CoEnrolmentModel
from services.matching.index import ActivityIndex
from services.matching.nearby import SectionMap
from services.matching.ranking import Ranker
from services.matching.signals import Weights
from services.matching.store import MatchingStore
from services.matching.training import fit_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveModel:
    ranker: Ranker
    collaborative: CoEnrolmentModel


class ModelRefresher:
    """Holds the current model and refits it every ``interval_seconds``."""

    def __init__(
        self,
        store: MatchingStore,
        index: ActivityIndex,
        sections: SectionMap,
        interval_seconds: float = 600.0,
    ) -> None:
        self.store = store
        self.index = index
        self.sections = sections
        self.interval_seconds = interval_seconds
        self.current = LiveModel(Ranker(index, Weights(), sections), CoEnrolmentModel.empty())

    def __call__(self) -> LiveModel:
        return self.current

    async def refresh(self) -> None:
        feedback = await self.store.feedback_log()
        if not feedback:
            return
        student_ids = sorted({row["student_id"] for row in feedback})
        profiles = {p.student_id: p for p in await self.store.profiles(student_ids)}
        fitted = await asyncio.to_thread(
            fit_model, feedback, self.index, profiles, datetime.now(UTC), sections=self.sections
        )
        self.current = LiveModel(
            Ranker(self.index, fitted.weights, self.sections), fitted.collaborative
        )
        log.info(
            "model refitted",
            extra={"examples": fitted.weights.learned_from, "feedback": len(feedback)},
        )

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.interval_seconds)
            except TimeoutError:
                try:
                    await self.refresh()
                except Exception:  # keep serving with the previous model
                    log.exception("model refit failed")
