"""Rendering a :class:`~services.notify.messages.MessageContext` into subject, text and HTML.

Design: one layout per format (``templates/base.html.j2``, ``templates/base.txt.j2``) and
one small template per kind and format that extends it and arranges the parts; every
word comes from the student's language catalogue (:mod:`services.notify.locales`), so a
new language is one Python module and no template is copied per language. Everything
that depends on the language or the time zone (dates, cause names, labels of changed
fields, the reasons of a suggestion) is prepared here; the templates only place it.

Pure: no I/O besides reading the templates of the package once, in ``Renderer()``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Final

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from services.notify.dates import format_when, load_zone
from services.notify.i18n import Translator
from services.notify.messages import (
    ActivityFacts,
    MessageContext,
    MessageKind,
    RenderedMessage,
    SignInMail,
)
from services.notify.reasons import explain

__all__ = ["ActivityView", "CauseView", "ItemView", "Renderer"]

CAUSE_COLOURS: Final[Mapping[int, str]] = {
    1: "#ec008c",  # Culture: magenta
    2: "#00aeef",  # Education & Youth: cyan
    3: "#7ac143",  # Environmental Sustainability: green
    4: "#f47b20",  # Health & Well-being: orange
    5: "#2e3192",  # Skills & Employability: dark blue
    6: "#ec008c",  # Social Inclusion: magenta
}
"""ESN colours for the cause chips of the HTML part (a border; the text stays dark blue)."""

_WHY: Final[Mapping[MessageKind, str]] = {
    MessageKind.SUGGESTION: "footer.why.suggestion",
    MessageKind.DIGEST: "footer.why.digest",
}
_WHY_DEFAULT: Final = "footer.why.activity"

_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CauseView:
    name: str
    colour: str


@dataclass(frozen=True, slots=True)
class ActivityView:
    """An activity as the templates show it: every value already in the student's terms."""

    title: str
    when: str
    local_when: str
    """The time at the place, when its clock differs from the student's (else empty)."""
    where: str
    causes: tuple[CauseView, ...]
    url: str


@dataclass(frozen=True, slots=True)
class ItemView:
    activity: ActivityView
    explanation: str
    """Why it was suggested, worded in the student's language."""


def _autoescape(template_name: str | None) -> bool:
    return template_name is not None and template_name.endswith(".html.j2")


class Renderer:
    """Renders messages in the student's language and time zone.

    Templates are loaded and compiled once, here; :meth:`render` is pure and safe to
    call from several tasks at once.
    """

    def __init__(self) -> None:
        environment = Environment(
            loader=PackageLoader("services.notify", "templates"),
            autoescape=_autoescape,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        # Compile every template now (layouts and parts too): rendering reads no file.
        for name in environment.list_templates(extensions=["j2"]):
            environment.get_template(name)
        self._html: dict[MessageKind, Template] = {}
        self._text: dict[MessageKind, Template] = {}
        for kind in MessageKind:
            self._html[kind] = environment.get_template(f"{kind.value}.html.j2")
            self._text[kind] = environment.get_template(f"{kind.value}.txt.j2")
        self._sign_in = (
            environment.get_template("sign_in.txt.j2"),
            environment.get_template("sign_in.html.j2"),
        )

    def render(self, context: MessageContext, *, html: bool = True) -> RenderedMessage:
        """Subject, plain text and HTML of one message; ``html=False`` leaves the HTML part
        empty, for channels that show only the text (the in-app inbox).

        Raises :class:`ValueError` when the context lacks what its kind needs (an
        activity, or the items of a digest).
        """
        kind = context.kind
        t = Translator(context.locale)
        zone = _student_zone(context)
        activity = None if context.activity is None else _activity_view(context.activity, t, zone)
        items = tuple(
            ItemView(_activity_view(item.activity, t, zone), explain(item.explanation, t))
            for item in context.items
        )
        if kind is MessageKind.DIGEST:
            if not items:
                raise ValueError("a digest needs at least one item")
            subject = t.plural("digest.subject", len(items))
            preheader = t.plural("digest.intro", len(items))
            cta_url, cta_label = "", ""
        else:
            if activity is None:
                raise ValueError(f"a {kind.value} message needs an activity")
            subject = t(f"{kind.value}.subject", title=_one_line(activity.title))
            preheader = t(f"{kind.value}.intro")
            cta_url = activity.url or context.manage_url
            cta_label = t(f"{kind.value}.cta")
        values: dict[str, object] = {
            "lang": t.locale,
            "kind": kind.value,
            "t": t,
            "colon": t("colon"),
            "subject": _one_line(subject),
            "preheader": preheader,
            "heading": t(f"{kind.value}.heading"),
            "greeting": _greeting(context.display_name, t),
            "activity": activity,
            "items": items,
            "explanation": explain(context.explanation, t),
            "reason": context.reason.strip(),
            "changed": tuple(dict.fromkeys(t.field(name) for name in context.changed_fields)),
            "waitlist_position": context.waitlist_position,
            "cta_url": cta_url,
            "cta_label": cta_label,
            "why": t(_WHY.get(kind, _WHY_DEFAULT)),
            "unsubscribe_url": context.unsubscribe_url,
            "manage_url": context.manage_url,
            "transactional": True,
        }
        return RenderedMessage(
            subject=_one_line(subject),
            text=_tidy_text(self._text[kind].render(values)),
            html=self._html[kind].render(values).strip() + "\n" if html else "",
        )

    def render_sign_in(self, link: SignInMail) -> RenderedMessage:
        """The mail of a sign-in link, in the student's language, greeting them by name."""
        t = Translator(link.locale)
        subject = t("sign_in.subject")
        values: dict[str, object] = {
            "lang": t.locale,
            "kind": "sign_in",
            "t": t,
            "colon": t("colon"),
            "subject": subject,
            "preheader": t("sign_in.text", minutes=link.minutes),
            "heading": t("sign_in.heading"),
            "greeting": _greeting(link.display_name, t),
            "minutes": link.minutes,
            "cta_url": link.url,
            "cta_label": t("sign_in.cta"),
            "why": t("footer.why.sign_in"),
            "unsubscribe_url": "",
            "manage_url": link.manage_url,
            "transactional": False,
        }
        text, html = self._sign_in
        return RenderedMessage(
            subject=subject,
            text=_tidy_text(text.render(values)),
            html=html.render(values).strip() + "\n",
        )


def _greeting(display_name: str, t: Translator) -> str:
    """ "Hi Ana," with a name, "Hi," without one."""
    name = _one_line(display_name)
    return t("greeting.named", name=name) if name else t("greeting")


def _student_zone(context: MessageContext) -> tzinfo:
    """The student's zone; else the activity's (or the first item's); else UTC."""
    candidates = [context.student_time_zone]
    if context.activity is not None:
        candidates.append(context.activity.time_zone)
    candidates.extend(item.activity.time_zone for item in context.items[:1])
    for name in candidates:
        zone = load_zone(name)
        if zone is not None:
            return zone
    return UTC


def _activity_view(activity: ActivityFacts, t: Translator, zone: tzinfo) -> ActivityView:
    when = format_when(activity.starts_at, activity.ends_at, zone, t.catalogue)
    local_when = ""
    place_zone = load_zone(activity.time_zone)
    if not activity.online and place_zone is not None:
        start = activity.starts_at
        if start.astimezone(place_zone).utcoffset() != start.astimezone(zone).utcoffset():
            local_when = format_when(start, activity.ends_at, place_zone, t.catalogue)
    causes = []
    for cause in dict.fromkeys(activity.causes):
        name = t.cause(cause)
        if name is not None:
            causes.append(CauseView(name, CAUSE_COLOURS.get(cause, "#00aeef")))
    return ActivityView(
        title=activity.title.strip(),
        when=when,
        local_when=local_when,
        where=_where(activity, t),
        causes=tuple(causes),
        url=activity.url.strip(),
    )


def _where(activity: ActivityFacts, t: Translator) -> str:
    if activity.online:
        return t("label.online")
    parts = [part.strip() for part in (activity.venue, activity.city) if part.strip()]
    if not activity.city.strip() and activity.country_code.strip():
        parts.append(activity.country_code.strip().upper())
    return ", ".join(parts)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _tidy_text(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", lines).strip() + "\n"
