"""Notify's message rendering: every kind in every language, time zones, fallbacks, escaping."""

# The expected texts hold en dashes (U+2013), as the messages do; ruff flags them as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape

from services.kernel.causes import CAUSE_LABELS
from services.notify.dates import format_when, zone_label
from services.notify.i18n import CATALOGUES, SUPPORTED_LOCALES, Translator, resolve_locale
from services.notify.locales import Catalogue, plural_polish
from services.notify.messages import (
    ActivityFacts,
    Explanation,
    MessageContext,
    MessageKind,
    RenderedMessage,
    SuggestionItem,
    SuggestionReason,
)
from services.notify.planner import TRANSACTIONAL_KINDS
from services.notify.rendering import Renderer

UNSUBSCRIBE_URL = "https://match.socialerasmus.example/unsubscribe?token=v1.abc-DEF_123&kind=all"
MANAGE_URL = "https://match.socialerasmus.example/preferences"
TITLE = "Beach clean-up at La Malvarrosa"
WHY = Explanation(
    reasons=(SuggestionReason(signal="cause", causes=(3,)),),
    languages=("en",),
    weekday=6,
    start_minute=20 * 60,
)
"""Why the beach clean-up is suggested, as matching sends it."""
HTML_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")


def activity(
    title: str = TITLE,
    *,
    activity_id: str = "act-1",
    starts_at: datetime = datetime(2026, 7, 11, 18, 0, tzinfo=UTC),  # a Saturday
    duration: timedelta = timedelta(hours=2),
    time_zone: str = "Europe/Madrid",
    online: bool = False,
    url: str = "https://activities.esn.org/activity/act-1",
) -> ActivityFacts:
    return ActivityFacts(
        activity_id=activity_id,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        time_zone=time_zone,
        city="" if online else "Valencia",
        country_code="ES",
        online=online,
        causes=(3, 6),
        venue="" if online else "Playa de la Malvarrosa",
        url=url,
    )


def context(
    kind: MessageKind,
    locale: str = "en",
    *,
    student_time_zone: str = "Europe/Madrid",
    facts: ActivityFacts | None = None,
    items: tuple[SuggestionItem, ...] | None = None,
) -> MessageContext:
    facts = facts or activity()
    if kind is MessageKind.DIGEST:
        if items is None:
            items = (
                SuggestionItem(facts, WHY),
                SuggestionItem(
                    activity("Language café with refugees", activity_id="act-2"),
                    Explanation(text="Social Inclusion; in English; 1.2 km"),  # as stored before
                ),
            )
        return MessageContext(
            kind=kind,
            student_id="stu-1",
            locale=locale,
            student_time_zone=student_time_zone,
            unsubscribe_url=UNSUBSCRIBE_URL,
            manage_url=MANAGE_URL,
            items=items,
        )
    return MessageContext(
        kind=kind,
        student_id="stu-1",
        locale=locale,
        student_time_zone=student_time_zone,
        unsubscribe_url=UNSUBSCRIBE_URL,
        manage_url=MANAGE_URL,
        activity=facts,
        explanation=WHY,
        reason="A storm warning for the whole coast",
        changed_fields=("starts_at", "location"),
        waitlist_position=3,
    )


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def assert_clean(message: RenderedMessage) -> None:
    for part in (message.subject, message.text, message.html):
        assert part.strip()
        for syntax in TEMPLATE_SYNTAX:
            assert syntax not in part
    assert "\n" not in message.subject
    assert HTML_TAG.search(message.text) is None, HTML_TAG.search(message.text)
    assert "&amp;" not in message.text
    assert "&nbsp;" not in message.text
    assert message.text.endswith("\n")
    assert "\n\n\n" not in message.text
    assert all(line == line.rstrip() for line in message.text.splitlines())


class TagBalance(HTMLParser):
    """Checks that every element the HTML part opens is closed, in order."""

    VOID = frozenset({"meta", "br", "img", "hr", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> at {self.getpos()} closes {self.open[-1:]}")


def assert_well_formed(html: str) -> None:
    balance = TagBalance()
    balance.feed(html)
    balance.close()
    assert balance.errors == []
    assert balance.open == []


# Every kind in every language


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_in_every_locale(
    renderer: Renderer, kind: MessageKind, locale: str
) -> None:
    message = renderer.render(context(kind, locale))

    assert_clean(message)
    assert UNSUBSCRIBE_URL in message.text
    assert str(escape(UNSUBSCRIBE_URL)) in message.html
    assert f'href="{escape(UNSUBSCRIBE_URL)}"' in message.html
    assert message.html.startswith("<!DOCTYPE html>")
    assert_well_formed(message.html)
    assert f'<html lang="{locale}"' in message.html
    assert TITLE in message.text
    assert TITLE in message.html
    if kind is not MessageKind.DIGEST:
        assert TITLE in message.subject
    catalogue = CATALOGUES[locale]
    assert catalogue.phrases["team"] in message.text
    # Dates are written in the student's language: the July month name appears.
    assert catalogue.months[6] in message.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("kind", sorted(TRANSACTIONAL_KINDS))
def test_transactional_messages_link_to_the_settings_and_not_to_unsubscribing(
    renderer: Renderer, kind: MessageKind, locale: str
) -> None:
    """The dispatcher gives them no unsubscribe link: unsubscribing does not stop them."""
    message = renderer.render(replace(context(kind, locale), unsubscribe_url=""))
    t = Translator(locale)

    assert_clean(message)
    assert_well_formed(message.html)
    assert f"{t('footer.manage')}{t('colon')}{MANAGE_URL}" in message.text
    assert f'href="{escape(MANAGE_URL)}"' in message.html
    assert t("footer.transactional") in message.text
    assert str(escape(t("footer.transactional"))) in message.html
    assert t("footer.unsubscribe") not in message.text + message.html
    assert "/unsubscribe" not in message.text + message.html


GREETINGS = {
    "en": ("Hi Ana,", "Hi,"),
    "es": ("¡Hola, Ana!", "¡Hola!"),
    "it": ("Ciao Ana!", "Ciao!"),
    "de": ("Hallo Ana,", "Hallo,"),
    "fr": ("Bonjour Ana,", "Bonjour,"),
    "pt": ("Olá, Ana!", "Olá!"),
    "pl": ("Cześć Ana!", "Cześć!"),
    "tr": ("Merhaba Ana,", "Merhaba,"),
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_greeting_names_the_student_when_they_gave_a_name(
    renderer: Renderer, locale: str
) -> None:
    named, unnamed = GREETINGS[locale]
    for kind in (MessageKind.ENROLMENT_CONFIRMED, MessageKind.DIGEST):
        plain = context(kind, locale)
        greeted = renderer.render(replace(plain, display_name="Ana"))
        assert f"\n{named}\n" in greeted.text
        assert f">{escape(named)}</p>" in greeted.html
        anonymous = renderer.render(plain)
        assert f"\n{unnamed}\n" in anonymous.text
        assert "Ana" not in anonymous.text


def test_a_name_is_escaped_in_html_and_kept_on_one_line(renderer: Renderer) -> None:
    message = renderer.render(
        replace(context(MessageKind.REMINDER, "en"), display_name="  <b>Zoë</b> \t & co ")
    )
    assert "\nHi <b>Zoë</b> & co,\n" in message.text
    assert "Hi &lt;b&gt;Zoë&lt;/b&gt; &amp; co," in message.html


def test_languages_differ_from_english(renderer: Renderer) -> None:
    subjects = {
        locale: renderer.render(context(MessageKind.ENROLMENT_CONFIRMED, locale)).subject
        for locale in SUPPORTED_LOCALES
    }
    assert len(set(subjects.values())) == len(SUPPORTED_LOCALES)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_title_is_escaped_in_html_and_plain_elsewhere(
    renderer: Renderer, kind: MessageKind
) -> None:
    risky = "Soup kitchen <b>& friends</b>"
    message = renderer.render(context(kind, "en", facts=activity(risky)))

    assert str(escape(risky)) in message.html
    assert "Soup kitchen &lt;b&gt;&amp; friends&lt;/b&gt;" in message.html
    assert risky not in message.html
    assert risky in message.text
    if kind is not MessageKind.DIGEST:
        assert risky in message.subject


def test_html_has_the_esn_look_and_a_call_to_action(renderer: Renderer) -> None:
    html = renderer.render(context(MessageKind.SUGGESTION)).html

    for colour in ("#00aeef", "#ec008c", "#7ac143", "#f47b20", "#2e3192"):
        assert colour in html
    assert "<img" not in html  # readable without images
    assert 'name="viewport"' in html
    assert 'href="https://activities.esn.org/activity/act-1"' in html
    assert "See the activity and sign up" in html
    assert f'href="{MANAGE_URL}"' in html
    assert "because you asked SocialErasmus" in html


# Languages


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt-BR", "pt"),
        ("pt_PT", "pt"),
        ("DE", "de"),
        ("fr-CA", "fr"),
        ("tr-TR", "tr"),
        ("nl", "en"),
        ("nl-BE", "en"),
        ("", "en"),
        ("  ", "en"),
        ("zh-Hant-TW", "en"),
        ("x", "en"),
    ],
)
def test_locale_resolution(tag: str, expected: str) -> None:
    assert resolve_locale(tag) == expected


@pytest.mark.parametrize(
    ("tag", "expected"), [("pt-BR", "pt"), ("nl", "en"), ("", "en"), ("pl-PL", "pl")]
)
def test_rendering_falls_back_by_locale(renderer: Renderer, tag: str, expected: str) -> None:
    kind = MessageKind.REMINDER
    message = renderer.render(context(kind, tag))

    assert message == renderer.render(context(kind, expected))
    assert f'<html lang="{expected}"' in message.html


def test_missing_phrase_falls_back_to_english() -> None:
    german = CATALOGUES["de"]
    partial = replace(
        german,
        phrases={
            key: value
            for key, value in german.phrases.items()
            if key not in {"reminder.subject", "digest.intro.one", "digest.intro.other"}
        },
    )
    catalogues = {**CATALOGUES, "de": partial}
    t = Translator("de-AT", catalogues)

    assert t.locale == "de"
    assert t("reminder.subject", title="X") == "Reminder: X"
    assert t("reminder.heading") == "Bis bald!"
    assert (
        t.plural("digest.intro", 2)
        == "Here are 2 volunteering activities that match your interests."
    )
    assert t.field("no_such_field") == "No such field"
    assert t.cause(0) is None
    with pytest.raises(KeyError):
        t("no.such.phrase")


def test_every_catalogue_has_every_english_phrase_with_the_same_fields() -> None:
    english = CATALOGUES["en"].phrases
    formatter = string.Formatter()

    def fields(pattern: str) -> set[str]:
        return {name for _, name, _, _ in formatter.parse(pattern) if name}

    for code, catalogue in CATALOGUES.items():
        assert catalogue.code == code
        phrases = catalogue.phrases
        extra = {key for key in phrases if key not in english}
        # Only plural categories English does not use may be added (Polish few/many).
        assert all(key.rsplit(".", 1)[1] in {"zero", "two", "few", "many"} for key in extra), extra
        assert set(english) <= set(phrases), set(english) - set(phrases)
        for key, pattern in phrases.items():
            base = key.rsplit(".", 1)[0] + ".other" if key in extra else key
            assert fields(pattern) <= fields(english[base]) | {"count"}, (code, key)
            assert key in {"colon", "separator"} or pattern == pattern.strip(), (code, key)


def test_english_cause_names_are_esn_s_own() -> None:
    t = Translator("en")
    assert {int(cause): t.cause(int(cause)) for cause in CAUSE_LABELS} == dict(CAUSE_LABELS)


def test_causes_and_changed_fields_are_translated(renderer: Renderer) -> None:
    text = renderer.render(context(MessageKind.ACTIVITY_CHANGED, "es")).text

    assert "Sostenibilidad medioambiental, Inclusión social" in text
    assert "- Inicio\n- Lugar\n" in text


@pytest.mark.parametrize(
    ("count", "category"),
    [(1, "one"), (2, "few"), (4, "few"), (5, "many"), (12, "many"), (14, "many"), (22, "few")],
)
def test_polish_plural(count: int, category: str) -> None:
    assert plural_polish(count) == category


def test_digest_count_agrees_in_polish(renderer: Renderer) -> None:
    def digest(count: int) -> RenderedMessage:
        items = tuple(
            SuggestionItem(activity(f"Activity {n}", activity_id=f"act-{n}")) for n in range(count)
        )
        return renderer.render(context(MessageKind.DIGEST, "pl", items=items))

    assert "Oto aktywność wolontariacka zgodna" in digest(1).text
    assert "Oto 3 aktywności wolontariackie zgodne" in digest(3).text
    assert "Oto 5 aktywności wolontariackich zgodnych" in digest(5).text


# Dates and time zones


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Madrid", "Saturday 11 July, 20:00–22:00 CEST"),
        ("Europe/Istanbul", "Saturday 11 July, 21:00–23:00 UTC+3"),
        ("Europe/London", "Saturday 11 July, 19:00–21:00 BST"),
        ("UTC", "Saturday 11 July, 18:00–20:00 UTC"),
        ("America/Sao_Paulo", "Saturday 11 July, 15:00–17:00 UTC-3"),
        ("Asia/Kathmandu", "Saturday 11 July, 23:45 – Sunday 12 July, 01:45 UTC+5:45"),
    ],
)
def test_times_show_in_the_student_s_zone(renderer: Renderer, zone: str, expected: str) -> None:
    facts = activity(online=True)
    message = renderer.render(context(MessageKind.REMINDER, student_time_zone=zone, facts=facts))

    assert expected in message.text
    assert expected in message.html


def test_madrid_winter_time_and_istanbul(renderer: Renderer) -> None:
    winter = activity(starts_at=datetime(2026, 1, 17, 18, 0, tzinfo=UTC))
    madrid = renderer.render(context(MessageKind.REMINDER, facts=winter)).text
    istanbul = renderer.render(
        context(MessageKind.REMINDER, student_time_zone="Europe/Istanbul", facts=winter)
    ).text

    assert "Saturday 17 January, 19:00–21:00 CET" in madrid
    assert "Saturday 17 January, 21:00–23:00 UTC+3" in istanbul


def test_local_time_of_the_place_is_added_when_clocks_differ(renderer: Renderer) -> None:
    in_valencia = activity()
    abroad = renderer.render(
        context(MessageKind.REMINDER, student_time_zone="Europe/Istanbul", facts=in_valencia)
    )
    at_home = renderer.render(context(MessageKind.REMINDER, facts=in_valencia))
    online = renderer.render(
        context(
            MessageKind.REMINDER, student_time_zone="Europe/Istanbul", facts=activity(online=True)
        )
    )

    assert "Local time: Saturday 11 July, 20:00–22:00 CEST" in abroad.text
    assert "Local time" not in at_home.text
    assert "Local time" not in online.text
    assert "Where: Online" in online.text
    assert "Where: Playa de la Malvarrosa, Valencia" in at_home.text


@pytest.mark.parametrize(
    ("student_zone", "place_zone", "expected"),
    [
        ("", "Europe/Istanbul", "21:00–23:00 UTC+3"),
        ("Not/AZone", "Europe/Istanbul", "21:00–23:00 UTC+3"),
        ("", "", "18:00–20:00 UTC"),
        ("../../etc/passwd", "nonsense", "18:00–20:00 UTC"),
    ],
)
def test_unknown_student_zone_falls_back_to_the_place_then_utc(
    renderer: Renderer, student_zone: str, place_zone: str, expected: str
) -> None:
    facts = activity(time_zone=place_zone)
    text = renderer.render(
        context(MessageKind.REMINDER, student_time_zone=student_zone, facts=facts)
    ).text

    assert expected in text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Sunday 1 March, 10:00–12:30 CET"),
        ("es", "domingo 1 de marzo, 10:00–12:30 (CET)"),
        ("it", "domenica 1 marzo, 10:00–12:30 (CET)"),
        ("de", "Sonntag, 1. März, 10:00–12:30 Uhr (CET)"),
        ("fr", "dimanche 1er mars, 10:00–12:30 (CET)"),
        ("pt", "domingo, 1 de março, 10:00–12:30 (CET)"),
        ("pl", "niedziela, 1 marca, 10:00–12:30 (CET)"),
        ("tr", "1 Mart Pazar, 10:00–12:30 (CET)"),
    ],
)
def test_date_format_per_locale(locale: str, expected: str) -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    zone = ZoneInfo("Europe/Madrid")

    assert format_when(start, start + timedelta(hours=2.5), zone, CATALOGUES[locale]) == expected


def test_date_without_a_later_end_and_over_midnight() -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    zone = ZoneInfo("Europe/Madrid")
    en = CATALOGUES["en"]

    assert format_when(start, start, zone, en) == "Sunday 1 March, 10:00 CET"
    assert (
        format_when(start, start + timedelta(days=1), zone, en)
        == "Sunday 1 March, 10:00 – Monday 2 March, 10:00 CET"
    )


def test_zone_label() -> None:
    moment = datetime(2026, 7, 11, 18, 0, tzinfo=UTC)
    assert zone_label(moment.astimezone(ZoneInfo("Europe/Lisbon"))) == "WEST"
    assert zone_label(moment.astimezone(ZoneInfo("Asia/Kathmandu"))) == "UTC+5:45"
    assert zone_label(moment.astimezone(ZoneInfo("America/Sao_Paulo"))) == "UTC-3"
    assert zone_label(moment) == "UTC"


# Kind-specific content


def test_digest_lists_all_three_items(renderer: Renderer) -> None:
    titles = ("Beach clean-up", "Language café with refugees", "Tree planting in Turia park")
    items = tuple(
        SuggestionItem(
            activity(title, activity_id=f"act-{n}", url=f"https://activities.esn.org/a/{n}"),
            Explanation(text=f"because {n}"),
        )
        for n, title in enumerate(titles)
    )
    message = renderer.render(context(MessageKind.DIGEST, items=items))

    assert message.subject == "Your SocialErasmus digest: 3 activities for you"
    assert "Here are 3 volunteering activities" in message.text
    positions = [message.text.index(f"{n}. {title}") for n, title in enumerate(titles, start=1)]
    assert positions == sorted(positions)
    for n, title in enumerate(titles):
        assert title in message.html
        assert f"because {n}" in message.text
        assert f'href="https://activities.esn.org/a/{n}"' in message.html
        assert f"https://activities.esn.org/a/{n}" in message.text


def test_digest_of_one_is_singular(renderer: Renderer) -> None:
    items = (SuggestionItem(activity()),)
    message = renderer.render(context(MessageKind.DIGEST, "de", items=items))

    assert message.subject == "Deine SocialErasmus-Zusammenfassung: 1 Aktivität für dich"


def test_kind_specific_details(renderer: Renderer) -> None:
    suggestion = renderer.render(context(MessageKind.SUGGESTION)).text
    waitlisted = renderer.render(context(MessageKind.ENROLMENT_WAITLISTED, "it")).text
    cancelled = renderer.render(context(MessageKind.ACTIVITY_CANCELLED, "fr")).text
    changed = renderer.render(context(MessageKind.ACTIVITY_CHANGED)).text

    assert (
        "Why we suggest it: Environmental Sustainability, like you asked; in English; "
        "Saturday 20:00\n"
    ) in suggestion
    assert "La tua posizione in lista d'attesa: 3" in waitlisted
    assert "Motif indiqué par les organisateurs\u00a0: A storm warning" in cancelled
    assert "What changed: \n" not in changed
    assert "What changed:\n- Start\n- Place\n" in changed


def test_optional_parts_are_left_out(renderer: Renderer) -> None:
    bare = replace(
        context(MessageKind.ENROLMENT_WAITLISTED, facts=activity(url="")),
        waitlist_position=0,
        manage_url="",
    )
    message = renderer.render(bare)

    assert "waitlist: " not in message.text
    assert "Manage your notification settings" not in message.text
    assert "See the activity" not in message.text  # no link to offer: no button
    assert 'bgcolor="#ec008c"' not in message.html
    assert UNSUBSCRIBE_URL in message.text


def test_call_to_action_falls_back_to_the_manage_url(renderer: Renderer) -> None:
    message = renderer.render(context(MessageKind.ENROLMENT_CONFIRMED, facts=activity(url="")))

    assert f"See your activity: {MANAGE_URL}" in message.text


def test_missing_content_is_refused(renderer: Renderer) -> None:
    with pytest.raises(ValueError, match="needs an activity"):
        renderer.render(replace(context(MessageKind.REMINDER), activity=None))
    with pytest.raises(ValueError, match="at least one item"):
        renderer.render(replace(context(MessageKind.DIGEST), items=()))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        activity(starts_at=datetime(2026, 7, 11, 18, 0))


def test_catalogue_checks_its_calendar() -> None:
    english = CATALOGUES["en"]
    with pytest.raises(ValueError, match="weekday"):
        Catalogue(
            code="xx",
            phrases={},
            weekdays=english.weekdays[:6],
            months=english.months,
            plural=english.plural,
            date_format="{day}",
        )


def test_the_html_part_can_be_left_out_for_text_only_channels(renderer: Renderer) -> None:
    reminder = context(MessageKind.REMINDER, locale="es")
    full = renderer.render(reminder)
    text_only = renderer.render(reminder, html=False)
    assert (text_only.subject, text_only.text) == (full.subject, full.text)
    assert text_only.html == ""
    assert "<html" in full.html
