"""The reasons of a suggestion, worded by notify in the student's language from matching's facts."""

# Turkish is written with the dotless i (U+0131), which ruff flags as a look-alike of "i".
# ruff: noqa: RUF001

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.kernel.causes import CAUSE_LABELS
from services.notify.i18n import CATALOGUES, SUPPORTED_LOCALES, Translator
from services.notify.jobs import Job, Notice, decode_item, decode_job, encode_item, encode_job
from services.notify.messages import (
    ActivityFacts,
    Explanation,
    MessageContext,
    MessageKind,
    SuggestionItem,
    SuggestionReason,
)
from services.notify.reasons import explain, explanation_of
from services.notify.rendering import Renderer
from socialerasmus.common.v1.common_pb2 import CAUSE_ENVIRONMENTAL_SUSTAINABILITY
from socialerasmus.matching.v1.matching_pb2 import WEEKDAY_WEDNESDAY, MatchFacts, Reason

ENVIRONMENT = int(CAUSE_ENVIRONMENTAL_SUSTAINABILITY)
FALLBACK = "ENGLISH FALLBACK"
"""The English text every reason below carries: it must not show when notify knows the signal."""


def reason(signal: str, **facts: Any) -> SuggestionReason:
    return SuggestionReason(signal=signal, text=f"{FALLBACK} {signal}", **facts)


EVERY_SIGNAL = Explanation(
    reasons=(
        reason("cause", causes=(ENVIRONMENT,)),
        reason("distance", distance_km=1.6),
        reason("motivation"),
        reason("skills", matched_skills=("first aid",)),
        reason("urgency", seats_left=3),
        reason("similar_students"),
    ),
    languages=("en", "es"),
    weekday=3,
    start_minute=10 * 60 + 30,
    text=f"{FALLBACK}: the whole line",
)
"""A reason of every signal matching gives, and both facts."""

EXPECTED = {
    "en": "Environmental Sustainability, like you asked; 1.6 km away; close to your motivation; "
    "matches your skills: first aid; 3 seats left; students like you joined; "
    "in English and Spanish; Wednesday 10:30",
    "es": "Sostenibilidad medioambiental, como pediste; a 1,6 km; encaja con tu motivación; "
    "encaja con tus habilidades: first aid; quedan 3 plazas; se han apuntado estudiantes "
    "como tú; en inglés y español; el miércoles a las 10:30",
    "de": "Ökologische Nachhaltigkeit, wie gewünscht; 1,6 km entfernt; passt zu deiner "
    "Motivation; passt zu deinen Fähigkeiten: first aid; nur noch 3 Plätze frei; Studierende "
    "wie du haben mitgemacht; auf Englisch und Spanisch; Mittwoch, 10:30 Uhr",
    "pl": "Zrównoważony rozwój środowiskowy, zgodnie z Twoimi zainteresowaniami; 1,6 km od "
    "Ciebie; pasuje do Twojej motywacji; pasuje do Twoich umiejętności: first aid; zostały 3 "
    "wolne miejsca; dołączyli studenci podobni do Ciebie; po angielsku i po hiszpańsku; "
    "środa, 10:30",
    "tr": "Çevresel Sürdürülebilirlik, ilgi alanlarına uygun; 1,6 km uzaklıkta; motivasyonuna "
    "uygun; becerilerine uygun: first aid; yalnızca 3 yer kaldı; senin gibi öğrenciler "
    "katıldı; İngilizce ve İspanyolca; Çarşamba 10:30",
}


STARTS = datetime(2027, 3, 17, 9, 30, tzinfo=UTC)  # Wednesday 10:30 in Madrid
BEACH = ActivityFacts(
    activity_id="act-1",
    title="Beach clean-up",
    starts_at=STARTS,
    ends_at=STARTS + timedelta(hours=3),
    time_zone="Europe/Madrid",
    city="Valencia",
    country_code="ES",
    online=False,
    causes=(),  # no cause chips: a cause name in the message can only come from a reason
    venue="Playa de la Malvarrosa",
)


def suggestion(locale: str, explanation: Explanation) -> MessageContext:
    return MessageContext(
        kind=MessageKind.SUGGESTION,
        student_id="stu-1",
        locale=locale,
        student_time_zone="Europe/Madrid",
        unsubscribe_url="https://match.socialerasmus.example/unsubscribe?token=t",
        activity=BEACH,
        explanation=explanation,
    )


def why_line(text: str, locale: str) -> str:
    t = Translator(locale)
    label = t("label.why_suggested") + t("colon")
    (line,) = [line for line in text.splitlines() if line.startswith(label)]
    return line.removeprefix(label)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_signal_is_worded_in_every_locale(renderer: Renderer, locale: str) -> None:
    message = renderer.render(suggestion(locale, EVERY_SIGNAL))
    line = why_line(message.text, locale)
    catalogue = CATALOGUES[locale]

    assert FALLBACK not in message.text
    assert FALLBACK not in message.html
    assert catalogue.phrases["cause.3"] in line
    assert catalogue.phrases["cause.3"] in message.html
    assert f"1{catalogue.decimal_mark}6" in line
    assert catalogue.weekdays[2] in line
    assert "10:30" in line
    if locale != "en":
        assert catalogue.decimal_mark == ","
        assert "1.6" not in line
        assert CAUSE_LABELS[CAUSE_ENVIRONMENTAL_SUSTAINABILITY] not in message.text
        assert "English" not in line
        assert "Wednesday" not in line
    if locale in EXPECTED:
        assert line == EXPECTED[locale]


def test_french_typography_keeps_its_no_break_spaces() -> None:
    worded = explain(EVERY_SIGNAL, Translator("fr"))

    assert worded.startswith("Durabilité environnementale, comme vous l'avez demandé\u00a0; ")
    assert "à 1,6\u00a0km" in worded
    assert "compétences\u00a0: first aid" in worded
    assert worded.endswith("en anglais et espagnol\u00a0; mercredi à 10:30")


def test_online_full_and_last_chance() -> None:
    t = Translator("es")

    def worded(*reasons: SuggestionReason) -> str:
        return explain(Explanation(reasons=reasons), t)

    assert worded(reason("distance", online=True)) == "en línea"
    assert worded(reason("urgency", seats_left=0)) == "completa, con lista de espera"
    assert worded(reason("urgency", seats_left=1)) == "queda 1 plaza"
    assert (
        worded(reason("urgency", days_until_departure=4))
        == "una de tus últimas oportunidades antes de irte"
    )


@pytest.mark.parametrize(
    ("seats", "expected"),
    [
        (1, "zostało 1 wolne miejsce"),
        (4, "zostały 4 wolne miejsca"),
        (5, "zostało 5 wolnych miejsc"),
    ],
)
def test_seats_left_agree_in_polish(seats: int, expected: str) -> None:
    only = Explanation(reasons=(reason("urgency", seats_left=seats),))

    assert explain(only, Translator("pl")) == expected


def test_lists_use_the_language_s_and() -> None:
    both = Explanation(
        reasons=(reason("cause", causes=(ENVIRONMENT, 6)),), languages=("es", "it", "en")
    )

    assert explain(both, Translator("es")) == (
        "Sostenibilidad medioambiental e Inclusión social, como pediste; "
        "en español, italiano e inglés"  # "y" is "e" before an i-sound, twice
    )
    assert explain(both, Translator("de")).endswith("auf Spanisch, Italienisch und Englisch")


def test_english_text_only_for_what_notify_cannot_word() -> None:
    t = Translator("es")
    unknown = Explanation(
        reasons=(
            reason("cause", causes=(ENVIRONMENT,)),
            reason("weather"),  # a signal notify does not know yet
            reason("cause", causes=(99,)),  # a cause it does not know
            reason("urgency"),  # neither fact of urgency
        ),
        languages=("eo",),  # no name for Esperanto: its code
    )

    assert explain(unknown, t) == (
        f"Sostenibilidad medioambiental, como pediste; {FALLBACK} weather; {FALLBACK} cause; "
        f"{FALLBACK} urgency; en EO"
    )
    # A suggestion from before matching sent reasons as data: its English line, as it is.
    assert explain(Explanation(text=" Environmental Sustainability "), t) == (
        "Environmental Sustainability"
    )
    assert explain(Explanation(), t) == ""


def test_explanation_of_a_suggestion_event() -> None:
    reasons = [
        Reason(
            signal="cause", text="x", causes=[CAUSE_ENVIRONMENTAL_SUSTAINABILITY], contribution=0.3
        ),
        Reason(signal="distance", text="3.2 km away", distance_km=3.2),
        Reason(signal="distance", text="online", online=True),
        Reason(signal="urgency", text="3 seats left", seats_left=3),
        Reason(signal="urgency", text="full", seats_left=0),
        Reason(signal="urgency", text="last chance", days_until_departure=2),
        Reason(signal="skills", text="skills", matched_skills=["first aid"]),
    ]
    facts = MatchFacts(
        shared_languages=["en"], weekday=WEEKDAY_WEDNESDAY, start_minute=630, time_zone="UTC"
    )

    found = explanation_of(reasons, facts, "the line")

    cause, near, online, seats, full, leaving, skills = found.reasons
    assert (cause.signal, cause.text, cause.causes) == ("cause", "x", (ENVIRONMENT,))
    assert (near.distance_km, near.online) == (3.2, False)
    assert (online.distance_km, online.online) == (None, True)
    assert (seats.seats_left, seats.days_until_departure) == (3, None)
    assert (full.seats_left, full.days_until_departure) == (0, None)  # 0 is a fact, not unset
    assert (leaving.seats_left, leaving.days_until_departure) == (None, 2)
    assert skills.matched_skills == ("first aid",)
    assert (found.languages, found.weekday, found.start_minute) == (("en",), 3, 630)
    assert found.text == "the line"
    assert explanation_of([], MatchFacts(), "").weekday == 0


def test_jobs_and_digest_items_keep_the_explanation() -> None:
    item = SuggestionItem(BEACH, EVERY_SIGNAL)
    notice = Notice(
        kind=MessageKind.SUGGESTION,
        student_id="stu-1",
        activity=BEACH,
        explanation=EVERY_SIGNAL,
        items=(item,),
    )
    job = Job(job_id="m:email", notice=notice, channel="email")

    assert decode_job(encode_job(job)) == job
    assert decode_item(encode_item(item)) == item
    # Stored before reasons came as data: the English line.
    legacy = json.loads(encode_item(item))
    legacy["explanation"] = "Environmental Sustainability, like you asked"
    assert decode_item(json.dumps(legacy)).explanation == Explanation(
        text="Environmental Sustainability, like you asked"
    )
