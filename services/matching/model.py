"""The live ranking model: weights and co-enrolment refitted from feedback now and then.

Each replica refits on its own from the shared feedback log; until feedback shows better
weights, the cold-start ones apply. The counting runs in a separate process
(:mod:`services.matching.refit_worker`) and the rest between requests (see
:mod:`services.matching.training`), so a refit does not starve serving. A refit swaps the
model in one assignment, so a request sees either the old model or the new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.matching.collaborative import KeyedModel, Tuning
from services.matching.index import ActivityIndex
from services.matching.nearby import SectionMap
from services.matching.ranking import Ranker
from services.matching.refit_worker import RefitWorker
from services.matching.signals import SIGNALS, Weights
from services.matching.store import FeedbackLogAt, MatchingStore
from services.matching.training import (
    FeedbackSource,
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
    collaborative: KeyedModel
    """The similar-students model, its activities found by the index's keys."""
    state: ModelState = COLD_START


class ModelRefresher:
    """Holds the current model and refits it every ``interval_seconds``."""

    def __init__(
        self,
        store: MatchingStore,
        index: ActivityIndex,
        sections: SectionMap,
        interval_seconds: float = 600.0,
        redis_url: str = "",
    ) -> None:
        """``redis_url``: where the refit worker reads the feedback log itself; without it,
        the log is read here and sent to the worker."""
        self.store = store
        self.redis_url = redis_url
        self.index = index
        self.sections = sections
        self.interval_seconds = interval_seconds
        self.current = LiveModel(Ranker(index, Weights(), sections), KeyedModel.empty())
        self._worker = RefitWorker()

    def __call__(self) -> LiveModel:
        return self.current

    async def refresh(self) -> ModelState:
        """Refit from the whole feedback log; the state now serving."""
        started = time.perf_counter()
        if not await self.store.feedback_count():
            return self.current.state
        try:
            fitted = await self._drive()
        except Exception:
            metrics.MODEL_REFITS.labels("failed").inc()
            raise
        seconds = time.perf_counter() - started
        self._adopt(fitted, seconds)
        return self.current.state

    async def _drive(self) -> FittedModel:
        in_use = self.current.ranker.weights
        if not self.current.collaborative.model.activity_ids:  # the signal reads 0 everywhere
            in_use = in_use.without("similar_students")
        feedback: FeedbackSource = (
            FeedbackLogAt(self.redis_url) if self.redis_url else await self.store.feedback_log()
        )
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
                reply = await self._worker.run(step.function, *step.args)
            elif isinstance(step, NeedProfiles):
                reply = await self._profiles(step.student_ids)
            else:
                reply = None
                await asyncio.sleep(0)  # let requests waiting on the loop run

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
        keys = self.index.keys_of(fitted.collaborative.activity_ids)
        self.current = LiveModel(ranker, KeyedModel(fitted.collaborative, keys), state)
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
        """Refit every ``interval_seconds`` until ``stop``, which also ends a refit under
        way (its worker is killed: the service does not wait for it)."""
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), self.interval_seconds)
                except TimeoutError:
                    await self._refresh_unless_stopped(stop)
        finally:
            self.close()

    def close(self) -> None:
        """Kill the refit worker, if one runs (the next refit starts another)."""
        self._worker.close()

    async def _refresh_unless_stopped(self, stop: asyncio.Event) -> None:
        refit = asyncio.ensure_future(self.refresh())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({refit, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not refit.done():
            refit.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refit
            return
        if (error := refit.exception()) is not None:  # keep serving with the previous model
            log.error("model refit failed", exc_info=error)


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
