"""Why an activity was suggested, in the student's language.

Matching sends its reasons as data (``Reason`` and ``MatchFacts`` of ``matching.proto``):
the signal that added to the score and the facts it quotes, then the languages and start
every suggestion shares. Here they are worded with the student's catalogue: ESN's cause
names, "a 1,6 km", "en inglés y español", "el miércoles a las 10:30". A reason whose signal
(or whose facts) notify does not know keeps matching's English text; a suggestion with
nothing structured at all (from before matching sent reasons as data) keeps its English line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from services.notify.i18n import Translator
from services.notify.locales import Catalogue
from services.notify.messages import Explanation, SuggestionReason
from socialerasmus.matching.v1.matching_pb2 import MatchFacts, Reason

__all__ = ["explain", "explanation_of", "format_decimal", "reason_phrase"]

_DAYS_PER_WEEK = 7
_MINUTES_PER_HOUR = 60


def explanation_of(reasons: Iterable[Reason], facts: MatchFacts, text: str) -> Explanation:
    """An explanation from what a ``SuggestionCreated`` carries."""
    return Explanation(
        reasons=tuple(_reason_of(reason) for reason in reasons),
        languages=tuple(facts.shared_languages),
        weekday=int(facts.weekday),
        start_minute=facts.start_minute,
        text=text,
    )


def _reason_of(reason: Reason) -> SuggestionReason:
    urgency = reason.WhichOneof("urgency")
    return SuggestionReason(
        signal=reason.signal,
        text=reason.text,
        causes=tuple(int(cause) for cause in reason.causes),
        distance_km=reason.distance_km if reason.HasField("distance_km") else None,
        online=reason.online,
        matched_skills=tuple(reason.matched_skills),
        seats_left=reason.seats_left if urgency == "seats_left" else None,
        days_until_departure=(
            reason.days_until_departure if urgency == "days_until_departure" else None
        ),
    )


def explain(explanation: Explanation, t: Translator) -> str:
    """The reasons, then the facts, in the student's language, in one line."""
    phrases = [reason_phrase(reason, t) for reason in explanation.reasons]
    phrases += _fact_phrases(explanation, t)
    worded = [phrase for phrase in phrases if phrase]
    return t("separator").join(worded) if worded else explanation.text.strip()


def reason_phrase(reason: SuggestionReason, t: Translator) -> str:
    """One reason in the student's language; matching's English text when notify does not
    know its signal or its facts are missing."""
    wording = _WORDINGS.get(reason.signal)
    phrase = None if wording is None else wording(reason, t)
    return reason.text.strip() if phrase is None else phrase


def format_decimal(value: float, catalogue: Catalogue) -> str:
    """One decimal, with the language's decimal mark: "1.6", "1,6"."""
    return f"{value:.1f}".replace(".", catalogue.decimal_mark)


def _cause(reason: SuggestionReason, t: Translator) -> str | None:
    names = [name for cause in reason.causes if (name := t.cause(cause)) is not None]
    return t("reason.cause", causes=t.catalogue.and_list(names)) if names else None


def _motivation(_: SuggestionReason, t: Translator) -> str:
    return t("reason.motivation")


def _skills(reason: SuggestionReason, t: Translator) -> str | None:
    skills = [skill.strip() for skill in reason.matched_skills if skill.strip()]
    return t("reason.skills", skills=", ".join(skills)) if skills else None


def _distance(reason: SuggestionReason, t: Translator) -> str | None:
    if reason.online:
        return t("reason.online")
    if reason.distance_km is None:
        return None
    return t("reason.distance", distance=format_decimal(reason.distance_km, t.catalogue))


def _urgency(reason: SuggestionReason, t: Translator) -> str | None:
    if reason.days_until_departure is not None:
        return t("reason.departure")
    if reason.seats_left is None:
        return None
    if reason.seats_left <= 0:
        return t("reason.full")
    return t.plural("reason.seats_left", reason.seats_left)


def _similar_students(_: SuggestionReason, t: Translator) -> str:
    return t("reason.similar_students")


_WORDINGS: Final[dict[str, Callable[[SuggestionReason, Translator], str | None]]] = {
    "cause": _cause,
    "motivation": _motivation,
    "skills": _skills,
    "distance": _distance,
    "urgency": _urgency,
    "similar_students": _similar_students,
}
"""By ``Reason.signal``: the phrase of a reason, ``None`` when its facts are missing."""


def _fact_phrases(explanation: Explanation, t: Translator) -> list[str]:
    catalogue = t.catalogue
    phrases = []
    if explanation.languages:
        names = [catalogue.languages.get(code, code.upper()) for code in explanation.languages]
        phrases.append(t("fact.languages", languages=catalogue.and_list(names)))
    if 1 <= explanation.weekday <= _DAYS_PER_WEEK:
        hours, minutes = divmod(explanation.start_minute, _MINUTES_PER_HOUR)
        phrases.append(
            t(
                "fact.start",
                weekday=catalogue.weekdays[explanation.weekday - 1],
                time=f"{hours:02d}:{minutes:02d}",
            )
        )
    return phrases
