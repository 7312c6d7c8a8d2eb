"""Render every notify message kind as HTML files, to look at them in a browser.

    python scripts/render_samples.py OUT_DIR [--locale es] [--time-zone Europe/Madrid]

Writes ``OUT_DIR/<kind>.en.html`` and ``OUT_DIR/<kind>.<locale>.html`` for every kind (the
plain-text part next to it as ``.txt``) and an ``index.html`` linking them all. The data
are made up; nothing is sent.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.notify.i18n import SUPPORTED_LOCALES, resolve_locale
from services.notify.messages import (
    ActivityFacts,
    Explanation,
    MessageContext,
    MessageKind,
    SuggestionItem,
    SuggestionReason,
)
from services.notify.planner import TRANSACTIONAL_KINDS
from services.notify.rendering import Renderer

UNSUBSCRIBE_URL = "https://match.socialerasmus.example/unsubscribe?token=sample"
MANAGE_URL = "https://match.socialerasmus.example/preferences"


def sample_activities(now: datetime) -> list[ActivityFacts]:
    """Three activities in the coming weeks, one of them online."""
    saturday = (now + timedelta(days=(5 - now.weekday()) % 7 + 7)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return [
        ActivityFacts(
            activity_id="act-valencia-beach",
            title="Beach clean-up at La Malvarrosa",
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=3),
            time_zone="Europe/Madrid",
            city="Valencia",
            country_code="ES",
            online=False,
            causes=(3,),
            venue="Playa de la Malvarrosa, next to the lifeguard tower 4",
            url="https://activities.esn.org/activity/beach-clean-up-malvarrosa",
        ),
        ActivityFacts(
            activity_id="act-valencia-cafe",
            title="Language café with young refugees",
            starts_at=saturday + timedelta(days=4, hours=9),
            ends_at=saturday + timedelta(days=4, hours=11),
            time_zone="Europe/Madrid",
            city="Valencia",
            country_code="ES",
            online=False,
            causes=(6, 2),
            venue="Centro Cultural La Petxina",
            url="https://activities.esn.org/activity/language-cafe-petxina",
        ),
        ActivityFacts(
            activity_id="act-online-cv",
            title="Online CV clinic for local high-school students",
            starts_at=saturday + timedelta(days=8, hours=9, minutes=30),
            ends_at=saturday + timedelta(days=8, hours=11),
            time_zone="Europe/Lisbon",
            city="",
            country_code="PT",
            online=True,
            causes=(5, 2),
            venue="",
            url="https://activities.esn.org/activity/online-cv-clinic",
        ),
    ]


BEACH_EXPLANATION = Explanation(
    reasons=(
        SuggestionReason(signal="cause", causes=(3,)),
        SuggestionReason(signal="distance", distance_km=1.2),
        SuggestionReason(signal="skills", matched_skills=("first aid",)),
    ),
    languages=("en", "es"),
    weekday=6,
    start_minute=10 * 60,
)
"""Why the beach clean-up was suggested, as matching sends it."""


def sample_context(
    kind: MessageKind, locale: str, time_zone: str, activities: Sequence[ActivityFacts]
) -> MessageContext:
    first = activities[0]
    if kind is MessageKind.DIGEST:
        explanations = (
            BEACH_EXPLANATION,
            Explanation(
                reasons=(
                    SuggestionReason(signal="cause", causes=(6,)),
                    SuggestionReason(signal="distance", distance_km=2.4),
                    SuggestionReason(signal="urgency", seats_left=3),
                ),
                languages=("es", "en"),
                weekday=3,
                start_minute=18 * 60,
            ),
            Explanation(
                reasons=(
                    SuggestionReason(signal="cause", causes=(5,)),
                    SuggestionReason(signal="distance", online=True),
                    SuggestionReason(signal="similar_students"),
                ),
                languages=("en",),
            ),
        )
        return MessageContext(
            kind=kind,
            student_id="stu-sample",
            locale=locale,
            student_time_zone=time_zone,
            unsubscribe_url=UNSUBSCRIBE_URL,
            manage_url=MANAGE_URL,
            items=tuple(
                SuggestionItem(activity, explanation)
                for activity, explanation in zip(activities, explanations, strict=False)
            ),
        )
    return MessageContext(
        kind=kind,
        student_id="stu-sample",
        locale=locale,
        student_time_zone=time_zone,
        # As the dispatcher does: unsubscribing does not stop transactional messages.
        unsubscribe_url="" if kind in TRANSACTIONAL_KINDS else UNSUBSCRIBE_URL,
        manage_url=MANAGE_URL,
        activity=first,
        explanation=BEACH_EXPLANATION,
        reason="A storm warning for the coast of Valencia: the beach is closed.",
        changed_fields=("starts_at", "location"),
        waitlist_position=2,
    )


def render_samples(out_dir: Path, locale: str, time_zone: str) -> list[Path]:
    """Writes the samples; returns the HTML files written, index first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    renderer = Renderer()
    activities = sample_activities(datetime.now(UTC))
    locales = list(dict.fromkeys(["en", resolve_locale(locale)]))
    written: list[Path] = []
    rows: list[str] = []
    for kind in MessageKind:
        links: list[str] = []
        for code in locales:
            message = renderer.render(sample_context(kind, code, time_zone, activities))
            page = out_dir / f"{kind.value}.{code}.html"
            page.write_text(message.html, encoding="utf-8")
            page.with_suffix(".txt").write_text(message.text, encoding="utf-8")
            written.append(page)
            links.append(
                f'<a href="{html.escape(page.name)}">{code}</a> '
                f'(<a href="{html.escape(page.with_suffix(".txt").name)}">text</a>): '
                f"{html.escape(message.subject)}"
            )
        rows.append(f"<li><strong>{kind.value}</strong><br>{'<br>'.join(links)}</li>")
    index = out_dir / "index.html"
    index.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>SocialErasmus notify samples</title></head>"
        '<body style="font-family:sans-serif;line-height:1.6;">'
        f"<h1>SocialErasmus notify samples</h1><ul>{''.join(rows)}</ul></body></html>\n",
        encoding="utf-8",
    )
    return [index, *written]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, help="folder to write the HTML files into")
    parser.add_argument(
        "--locale",
        default="es",
        help=f"the language besides English (one of {', '.join(SUPPORTED_LOCALES)})",
    )
    parser.add_argument("--time-zone", default="Europe/Madrid", help="the student's IANA time zone")
    args = parser.parse_args(argv)
    written = render_samples(args.out_dir, args.locale, args.time_zone)
    print(f"wrote {len(written)} HTML files; open {written[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
