"""A copy of the activity index to send to another process: what a Week allocation works
from, in the solver's worker and in the processes that find its candidates."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.index import ActivityIndex, IndexState
from services.matching.text import TextEncoder


@dataclass(frozen=True, slots=True)
class DetachedIndex:
    """What an index holds, copied at once and without its activity messages (the Week needs
    their columns, not the messages, which would cost more to send than all the rest)."""

    state: IndexState
    n_features: int

    @classmethod
    def of(cls, index: ActivityIndex) -> DetachedIndex:
        state = index.state()
        return cls(IndexState(state.arrays, state.strings, []), index.encoder.n_features)

    def restored(self) -> ActivityIndex:
        """An index that ranks and filters as the copied one did, holding no activity
        messages."""
        return ActivityIndex.restored(self.state, TextEncoder(self.n_features))
