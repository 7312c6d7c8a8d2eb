"""Words matching uses when it explains a suggestion, in ESN's own terms."""

from __future__ import annotations

from typing import Final

from socialerasmus.common.v1 import common_pb2
from socialerasmus.matching.v1 import matching_pb2

__all__ = [
    "CAUSE_LABELS",
    "LANGUAGE_NAMES",
    "REASON_SIGNALS",
    "WEEKDAY_NAMES",
    "language_name",
]

CAUSE_LABELS: Final[dict[common_pb2.Cause.ValueType, str]] = {
    common_pb2.CAUSE_CULTURE: "Culture",
    common_pb2.CAUSE_EDUCATION_AND_YOUTH: "Education & Youth",
    common_pb2.CAUSE_ENVIRONMENTAL_SUSTAINABILITY: "Environmental Sustainability",
    common_pb2.CAUSE_HEALTH_AND_WELLBEING: "Health & Well-being",
    common_pb2.CAUSE_SKILLS_AND_EMPLOYABILITY: "Skills & Employability",
    common_pb2.CAUSE_SOCIAL_INCLUSION: "Social Inclusion",
}
"""ESN's six causes (since 2018), as ESN writes them."""

WEEKDAY_NAMES: Final[dict[int, str]] = {
    matching_pb2.WEEKDAY_MONDAY: "Monday",
    matching_pb2.WEEKDAY_TUESDAY: "Tuesday",
    matching_pb2.WEEKDAY_WEDNESDAY: "Wednesday",
    matching_pb2.WEEKDAY_THURSDAY: "Thursday",
    matching_pb2.WEEKDAY_FRIDAY: "Friday",
    matching_pb2.WEEKDAY_SATURDAY: "Saturday",
    matching_pb2.WEEKDAY_SUNDAY: "Sunday",
}
"""By Weekday value, which is also ``datetime.isoweekday()``."""

REASON_SIGNALS: Final[dict[str, str]] = {
    "cause": "cause",
    "motivation": "motivation",
    "skills": "skills",
    "proximity": "distance",
    "urgency": "urgency",
    "similar_students": "similar_students",
}
"""``Reason.signal`` for each scored signal of :data:`services.matching.signals.SIGNALS`.

Two more reasons state hard filters an activity passed: ``"language"`` and ``"time"``.
"""

LANGUAGE_NAMES: Final[dict[str, str]] = {
    "ar": "Arabic",
    "az": "Azerbaijani",
    "bg": "Bulgarian",
    "bs": "Bosnian",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "gl": "Galician",
    "hr": "Croatian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "is": "Icelandic",
    "it": "Italian",
    "ka": "Georgian",
    "kk": "Kazakh",
    "lb": "Luxembourgish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "mt": "Maltese",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
}
"""English names of the working languages of ESN countries, by ISO 639-1 code."""


def language_name(code: str) -> str:
    """English name of a language, or its code in capitals when not listed ("EO")."""
    return LANGUAGE_NAMES.get(code, code.upper())
