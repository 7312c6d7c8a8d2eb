"""German (informal "du", as ESN Germany writes to students)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "Hallo,",
    "greeting.named": "Hallo {name},",
    "signoff": "Viele Grüße",
    "team": "Dein SocialErasmus-Team von ESN",
    "label.when": "Wann",
    "label.where": "Wo",
    "label.causes": "Themen",
    "label.online": "Online",
    "label.local_time": "Ortszeit",
    "label.why_suggested": "Warum wir sie dir vorschlagen",
    "label.reason": "Begründung des Organisationsteams",
    "label.changed": "Was sich geändert hat",
    "label.view_activity": "Zur Aktivität",
    "footer.why.suggestion": (
        "Du erhältst diese Nachricht, weil du dir von SocialErasmus Freiwilligenaktivitäten "
        "vorschlagen lässt, die zu deinen Interessen passen."
    ),
    "footer.why.digest": (
        "Du erhältst diese Nachricht, weil du deine SocialErasmus-Vorschläge als "
        "regelmäßige Zusammenfassung bekommen möchtest."
    ),
    "footer.why.activity": (
        "Du erhältst diese Nachricht, weil du dich für diese SocialErasmus-Aktivität "
        "angemeldet hast."
    ),
    "footer.why.sign_in": (
        "Du bekommst diese Nachricht, weil mit deiner Adresse ein Anmeldelink angefordert wurde."
    ),
    "sign_in.subject": "Dein Anmeldelink für SocialErasmus",
    "sign_in.heading": "Bei SocialErasmus anmelden",
    "sign_in.text": (
        "Mit dem Button unten meldest du dich bei SocialErasmus an. Der Link gilt einmal, "
        "{minutes} Minuten lang, und nur für dich: leite ihn nicht weiter."
    ),
    "sign_in.cta": "Bei SocialErasmus anmelden",
    "sign_in.ignore": (
        "Wenn du keine Anmeldung angefordert hast, kannst du diese Nachricht ignorieren: Ohne "
        "sie kann sich niemand anmelden."
    ),
    "footer.unsubscribe": "Abmelden",
    "footer.manage": "Benachrichtigungen verwalten",
    "footer.transactional": (
        "Nachrichten zu Aktivitäten, für die du angemeldet bist, erhältst du auch dann, wenn "
        "du die Vorschläge abbestellt hast."
    ),
    "footer.about": (
        "SocialErasmus ist das Freiwilligenprogramm des Erasmus Student Network (ESN) für "
        "internationale Studierende."
    ),
    "cause.1": "Kultur",
    "cause.2": "Bildung & Jugend",
    "cause.3": "Ökologische Nachhaltigkeit",
    "cause.4": "Gesundheit & Wohlbefinden",
    "cause.5": "Kompetenzen & Beschäftigungsfähigkeit",
    "cause.6": "Soziale Inklusion",
    "field.title": "Titel",
    "field.description": "Beschreibung",
    "field.goal": "Ziel",
    "field.type": "Art der Aktivität",
    "field.causes": "Themen",
    "field.sdgs": "Ziele für nachhaltige Entwicklung",
    "field.objectives": "Zielsetzungen",
    "field.section_id": "Organisierende Sektion",
    "field.co_organiser_section_ids": "Mitveranstaltende",
    "field.starts_at": "Beginn",
    "field.ends_at": "Ende",
    "field.time_zone": "Zeitzone",
    "field.location": "Ort",
    "field.capacity": "Anzahl der Plätze",
    "field.languages": "Arbeitssprachen",
    "field.skills_wanted": "Gesuchte Fähigkeiten",
    "field.accessibility_notes": "Barrierefreiheit",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Eine Freiwilligenaktivität für dich: {title}",
    "suggestion.heading": "Wir haben eine Aktivität für dich gefunden",
    "suggestion.intro": (
        "Diese SocialErasmus-Aktivität passt zu deinen Interessen. Mach mit und bewirke "
        "etwas vor Ort!"
    ),
    "suggestion.cta": "Aktivität ansehen und anmelden",
    "digest.subject.one": "Deine SocialErasmus-Zusammenfassung: {count} Aktivität für dich",
    "digest.subject.other": "Deine SocialErasmus-Zusammenfassung: {count} Aktivitäten für dich",
    "digest.heading": "Deine SocialErasmus-Tipps",
    "digest.intro.one": "Hier ist eine Freiwilligenaktivität, die zu deinen Interessen passt.",
    "digest.intro.other": (
        "Hier sind {count} Freiwilligenaktivitäten, die zu deinen Interessen passen."
    ),
    "enrolment_confirmed.subject": "Dein Platz ist bestätigt: {title}",
    "enrolment_confirmed.heading": "Dein Platz ist bestätigt",
    "enrolment_confirmed.intro": (
        "Danke für dein Engagement! Dein Platz bei dieser SocialErasmus-Aktivität ist bestätigt."
    ),
    "enrolment_confirmed.hint": (
        "Falls du doch nicht teilnehmen kannst, melde dich bitte ab, damit jemand von der "
        "Warteliste deinen Platz bekommt."
    ),
    "enrolment_confirmed.cta": "Zu deiner Aktivität",
    "enrolment_waitlisted.subject": "Du stehst auf der Warteliste: {title}",
    "enrolment_waitlisted.heading": "Du stehst auf der Warteliste",
    "enrolment_waitlisted.intro": (
        "Diese Aktivität ist gerade ausgebucht, deshalb haben wir dich auf die Warteliste gesetzt."
    ),
    "enrolment_waitlisted.position": "Dein Platz auf der Warteliste: {position}",
    "enrolment_waitlisted.hint": (
        "Sobald ein Platz frei wird, rückst du automatisch nach und wir sagen dir sofort Bescheid."
    ),
    "enrolment_waitlisted.cta": "Zur Aktivität",
    "enrolment_promoted.subject": "Ein Platz ist für dich frei geworden: {title}",
    "enrolment_promoted.heading": "Gute Nachricht: Du bist dabei!",
    "enrolment_promoted.intro": (
        "Ein Platz ist frei geworden und du bist von der Warteliste nachgerückt. Dein Platz "
        "bei dieser Aktivität ist jetzt bestätigt."
    ),
    "enrolment_promoted.hint": (
        "Falls du doch nicht teilnehmen kannst, melde dich bitte ab, damit die nächste "
        "Person auf der Warteliste deinen Platz bekommt."
    ),
    "enrolment_promoted.cta": "Zu deiner Aktivität",
    "reminder.subject": "Erinnerung: {title}",
    "reminder.heading": "Bis bald!",
    "reminder.intro": "Kurze Erinnerung: Deine SocialErasmus-Aktivität steht bald an.",
    "reminder.hint": (
        "Du kannst doch nicht? Bitte melde dich ab, damit jemand anderes deinen Platz bekommt."
    ),
    "reminder.cta": "Details ansehen",
    "activity_cancelled.subject": "Abgesagt: {title}",
    "activity_cancelled.heading": "Diese Aktivität wurde abgesagt",
    "activity_cancelled.intro": (
        "Leider hat die organisierende ESN-Sektion diese Aktivität abgesagt."
    ),
    "activity_cancelled.hint": (
        "Du musst nichts weiter tun. Viele andere SocialErasmus-Aktivitäten warten auf dich!"
    ),
    "activity_cancelled.cta": "Details ansehen",
    "activity_changed.subject": "Änderungen bei {title}",
    "activity_changed.heading": "Diese Aktivität hat sich geändert",
    "activity_changed.intro": (
        "Das Organisationsteam hat eine Aktivität aktualisiert, für die du angemeldet bist. "
        "Bitte sieh dir die Details unten an."
    ),
    "activity_changed.hint": (
        "Wenn die neuen Details nicht mehr zu dir passen, melde dich bitte ab, damit jemand "
        "anderes deinen Platz bekommt."
    ),
    "activity_changed.cta": "Zur Aktivität",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, wie gewünscht",
    "reason.motivation": "passt zu deiner Motivation",
    "reason.skills": "passt zu deinen Fähigkeiten: {skills}",
    "reason.distance": "{distance} km entfernt",
    "reason.online": "online",
    "reason.seats_left.one": "nur noch {count} Platz frei",
    "reason.seats_left.other": "nur noch {count} Plätze frei",
    "reason.full": "ausgebucht, Warteliste offen",
    "reason.departure": "eine deiner letzten Gelegenheiten vor deiner Abreise",
    "reason.similar_students": "Studierende wie du haben mitgemacht",
    "fact.languages": "auf {languages}",
    "fact.start": "{weekday}, {time} Uhr",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "Arabisch",
    "az": "Aserbaidschanisch",
    "bg": "Bulgarisch",
    "bs": "Bosnisch",
    "ca": "Katalanisch",
    "cs": "Tschechisch",
    "cy": "Walisisch",
    "da": "Dänisch",
    "de": "Deutsch",
    "el": "Griechisch",
    "en": "Englisch",
    "es": "Spanisch",
    "et": "Estnisch",
    "eu": "Baskisch",
    "fi": "Finnisch",
    "fr": "Französisch",
    "ga": "Irisch",
    "gl": "Galicisch",
    "hr": "Kroatisch",
    "hu": "Ungarisch",
    "hy": "Armenisch",
    "is": "Isländisch",
    "it": "Italienisch",
    "ka": "Georgisch",
    "kk": "Kasachisch",
    "lb": "Luxemburgisch",
    "lt": "Litauisch",
    "lv": "Lettisch",
    "mk": "Mazedonisch",
    "mt": "Maltesisch",
    "nl": "Niederländisch",
    "no": "Norwegisch",
    "pl": "Polnisch",
    "pt": "Portugiesisch",
    "ro": "Rumänisch",
    "ru": "Russisch",
    "sk": "Slowakisch",
    "sl": "Slowenisch",
    "sq": "Albanisch",
    "sr": "Serbisch",
    "sv": "Schwedisch",
    "tr": "Türkisch",
    "uk": "Ukrainisch",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

CATALOGUE: Final = Catalogue(
    code="de",
    phrases=PHRASES,
    weekdays=(
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ),
    months=(
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    plural=plural_one_other,
    date_format="{weekday}, {day}. {month}",
    range_format="{date}, {start}\u2013{end} Uhr ({zone})",
    span_format="{start_date}, {start} Uhr \u2013 {end_date}, {end} Uhr ({zone})",
    moment_format="{date}, {start} Uhr ({zone})",
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("und"),
)
