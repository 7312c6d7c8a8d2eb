"""The live ranking model: weights and co-enrolment refitted from feedback now and then.

Each replica refits on its own from the shared feedback log; until feedback shows better
weights, the cold-start ones apply. The counting runs in a separate process and the rest
between requests (see :mod:`services.matching.training`), so a refit does not starve
serving. A refit swaps the model in one assignment, so a request sees either the old model
or the new one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.matching.collaborative import CoEnrolmentModel, Tuning
from services.matching.index import ActivityIndex
from services.matching.nearby import SectionMap
from services.matching.ranking import Ranker
from services.matching.signals import SIGNALS, Weights
from services.matching.store import MatchingStore
from services.matching.training import (
    FittedModel,
    NeedProfiles,
    Offload,
    Validation,
    refit,
)
from services.runtime import metrics
from socialerasmus.matching.v1 import matching_pb2

log = logging.getLogger(__name__)

PROFILE_BATCH = 500
"""Profiles read from Redis per round trip during a refit."""


@dataclass(frozen=True, slots=True)
class ModelState:
    """What is serving, for operators."""

    version: int
    """0 for the cold start; +1 at each refit of this replica (the collaborative model is
    refreshed at every refit, the weights only when ``validation.adopted``)."""
    fitted_at: datetime | None
    """When the last refit finished (adopted or not); None before the first."""
    feedback_rows: int
    examples: int
    weights: Weights
    validation: Validation | None
    tuning: Tuning | None
    refit_seconds: float
    collaborative_students: int
    collaborative_activities: int


VALIDATION_METRIC = "hit_rate_at_10"


def state_message(state: ModelState) -> matching_pb2.ModelState:
    """The state as the API tells it."""
    message = matching_pb2.ModelState(
        version=state.version,
        feedback_rows=state.feedback_rows,
        examples=state.examples,
        weights={name: round(state.weights.of(name), 6) for name in SIGNALS},
        refit_seconds=round(state.refit_seconds, 3),
    )
    if state.fitted_at is not None:
        message.fitted_at.FromDatetime(state.fitted_at)
    if state.validation is not None:
        message.validation.CopyFrom(
            matching_pb2.WeightsValidation(
                metric=VALIDATION_METRIC,
                held_back=state.validation.held_back,
                candidates=state.validation.hit_rates,
                chosen=state.validation.chosen,
                adopted=state.validation.adopted,
            )
        )
    if state.tuning is not None:
        message.collaborative.CopyFrom(
            matching_pb2.CollaborativeState(
                settings=state.tuning.settings.describe(),
                students=state.collaborative_students,
                activities=state.collaborative_activities,
                hit_rate=round(state.tuning.hit_rate, 4),
                popularity_hit_rate=round(state.tuning.popularity_hit_rate, 4),
                held_back=state.tuning.held_back,
            )
        )
    return message


COLD_START = ModelState(0, None, 0, 0, Weights(), None, None, 0.0, 0, 0)


@dataclass(frozen=True)
class LiveModel:
    ranker: Ranker
    collaborative: CoEnrolmentModel
    state: ModelState = COLD_START


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
        self._processes: ProcessPoolExecutor | None = None

    def __call__(self) -> LiveModel:
        return self.current

    async def refresh(self) -> ModelState:
        """Refit from the whole feedback log; the state now serving."""
        started = time.perf_counter()
        feedback = await self.store.feedback_log()
        if not feedback:
            return self.current.state
        try:
            fitted = await self._drive(feedback)
        except Exception:
            metrics.MODEL_REFITS.labels("failed").inc()
            raise
        seconds = time.perf_counter() - started
        self._adopt(fitted, seconds)
        return self.current.state

    async def _drive(self, feedback: list[dict[str, str]]) -> FittedModel:
        in_use = self.current.ranker.weights
        if not self.current.collaborative.activity_ids:  # the signal reads 0 everywhere
            in_use = in_use.without("similar_students")
        steps = refit(
            feedback, self.index, datetime.now(UTC), in_use=in_use, sections=self.sections
        )
        reply: Any = None
        while True:
            try:
                step = steps.send(reply)
            except StopIteration as done:
                fitted: FittedModel = done.value
                return fitted
            if isinstance(step, Offload):
                reply = await self._offload(step)
            elif isinstance(step, NeedProfiles):
                reply = await self._profiles(step.student_ids)
            else:
                reply = None
                await asyncio.sleep(0)  # let requests waiting on the loop run

    async def _offload(self, step: Offload) -> Any:
        if self._processes is None:
            self._processes = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._processes, step.function, *step.args)
        except BrokenProcessPool:
            self._processes = None  # a new one next time
            raise

    async def _profiles(self, student_ids: tuple[str, ...]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(student_ids), PROFILE_BATCH):
            batch = list(student_ids[start : start + PROFILE_BATCH])
            for profile in await self.store.profiles(batch):
                found[profile.student_id] = profile
        return found

    def _adopt(self, fitted: FittedModel, seconds: float) -> None:
        previous = self.current.state
        adopted = fitted.validation.adopted
        version = previous.version + 1
        weights = fitted.weights  # as validated: the ones in use when none did better
        state = ModelState(
            version=version,
            fitted_at=datetime.now(UTC),
            feedback_rows=fitted.feedback_rows,
            examples=fitted.examples,
            weights=weights,
            validation=fitted.validation,
            tuning=fitted.tuning,
            refit_seconds=seconds,
            collaborative_students=fitted.collaborative.students,
            collaborative_activities=len(fitted.collaborative.activity_ids),
        )
        ranker = Ranker(self.index, weights, self.sections)
        self.current = LiveModel(ranker, fitted.collaborative, state)
        _publish_metrics(state, adopted)
        rates = fitted.validation.hit_rates
        log.info(
            "model refitted: weights %s",
            "adopted" if adopted else "kept (no candidate did better on held-back joins)",
            extra={
                "version": version,
                "chosen": fitted.validation.chosen,
                "hit_rate_in_use": rates.get("in_use"),
                "hit_rate_chosen": rates.get(fitted.validation.chosen),
                "held_back": fitted.validation.held_back,
                "examples": fitted.examples,
                "feedback": fitted.feedback_rows,
                "collaborative": fitted.tuning.settings.describe(),
                "seconds": round(seconds, 3),
            },
        )

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), self.interval_seconds)
                except TimeoutError:
                    try:
                        await self.refresh()
                    except Exception:  # keep serving with the previous model
                        log.exception("model refit failed")
        finally:
            if self._processes is not None:
                self._processes.shutdown(wait=False, cancel_futures=True)
                self._processes = None


def _publish_metrics(state: ModelState, adopted: bool) -> None:
    metrics.MODEL_REFITS.labels("adopted" if adopted else "kept").inc()
    metrics.MODEL_VERSION.set(state.version)
    if state.fitted_at is not None:
        metrics.MODEL_FITTED.set(state.fitted_at.timestamp())
    metrics.MODEL_EXAMPLES.labels("examples").set(state.examples)
    metrics.MODEL_EXAMPLES.labels("feedback").set(state.feedback_rows)
    metrics.MODEL_REFIT_SECONDS.observe(state.refit_seconds)
    if state.validation is not None:
        rates = state.validation.hit_rates
        metrics.MODEL_VALIDATION.labels("in_use").set(rates.get("in_use", 0.0))
        metrics.MODEL_VALIDATION.labels("cold_start").set(rates.get("cold_start", 0.0))
        metrics.MODEL_VALIDATION.labels("chosen").set(rates.get(state.validation.chosen, 0.0))
    if state.tuning is not None:
        metrics.MODEL_VALIDATION.labels("collaborative").set(state.tuning.hit_rate)
        metrics.MODEL_VALIDATION.labels("popularity").set(state.tuning.popularity_hit_rate)
