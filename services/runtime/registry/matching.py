"""Matching's events (``socialerasmus.matching.v1``, stream MATCHING).

Producer: matching (``services.matching.events`` builds them). Consumers, each in its
``subscriptions.py``: notify (suggestions, erasures, new profiles) and the catalogue
(erasures, new profiles). Nobody consumes allocation proposals yet: platforms read them.
"""

from __future__ import annotations

from typing import Final

from services.runtime.registry import Registry
from socialerasmus.matching.v1 import events_pb2 as pb

EVENTS: Final = Registry("se.matching.>")

SUGGESTION_CREATED: Final = EVENTS.add("se.matching.suggestion.created", pb.SuggestionCreated)
PROFILE_ERASED: Final = EVENTS.add("se.matching.profile.erased", pb.ProfileErased)
PROFILE_RECREATED: Final = EVENTS.add("se.matching.profile.recreated", pb.ProfileRecreated)
ALLOCATION_PROPOSED: Final = EVENTS.add("se.matching.allocation.proposed", pb.AllocationProposed)
