"""German."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "Hinterlasse deine Spuren!",
    "nav.label": "Hauptmenü",
    "nav.suggestions": "Vorschläge",
    "nav.activities": "Meine Aktivitäten",
    "nav.inbox": "Posteingang",
    "nav.preferences": "Benachrichtigungen",
    "nav.sign_out": "Abmelden",
    "nav.sign_in": "Anmelden",
    "nav.skip": "Zum Inhalt springen",
    "nav.language": "Sprache",
    "footer.about": (
        "SocialErasmus ist das Freiwilligenprogramm des Erasmus Student Network (ESN) für "
        "internationale Studierende."
    ),
    "footer.coordinators": "Koordinator:innen der Sektionen",
    "time.shown_in": "Uhrzeiten in {zone}.",
    "sign_in.title": "Anmelden",
    "sign_in.intro": "Wir schicken dir einen Anmeldelink per E-Mail: ganz ohne Passwort.",
    "sign_in.who": "Deine E-Mail-Adresse oder ESN-Studierenden-ID",
    "sign_in.who_hint": (
        "Die Adresse deiner Benachrichtigungseinstellungen oder deine ID, wie deine "
        "ESN-Plattform sie zeigt (etwa demo-student)."
    ),
    "sign_in.sent.text": (
        "Wenn wir diese Adresse oder ID kennen, ist ein Anmeldelink an die E-Mail-Adresse "
        "deiner Benachrichtigungseinstellungen unterwegs. Er gilt einmal, {minutes} Minuten "
        "lang."
    ),
    "sign_in.used": (
        "Dieser Anmeldelink wurde schon benutzt: Jeder Link meldet einmal an. Fordere unten "
        "einen neuen an."
    ),
    "sign_in.missing_id": "Bitte gib deine E-Mail-Adresse oder Studierenden-ID ein.",
    "sign_in.bad_address": "Das ist keine E-Mail-Adresse: Bitte prüfe sie.",
    "sign_in.bad_id": (
        "Das ist keine Studierenden-ID: Bitte prüfe sie oder gib deine E-Mail-Adresse ein."
    ),
    "sign_in.submit": "Anmeldelink per E-Mail schicken",
    "sign_in.sent.title": "Sieh in dein Postfach",
    "sign_in.invalid": (
        "Dieser Anmeldelink ist abgelaufen oder ungültig. Fordere unten einen neuen an."
    ),
    "sign_in.required": "Bitte melde dich an, um diese Seite zu sehen.",
    "sign_in.signed_out": "Du bist abgemeldet.",
    "suggestions.title": "Vorschläge für dich",
    "suggestions.intro": (
        "Freiwilligenaktivitäten passend zu deinen Interessen, Sprachen und Zeiten."
    ),
    "suggestions.empty": (
        "Gerade gibt es keine Vorschläge. Prüfe dein Profil auf deiner ESN-Plattform oder "
        "schau bald wieder vorbei."
    ),
    "suggestions.diversified": "So sortiert, dass verschiedene Anliegen vorkommen.",
    "suggestions.why": "Warum wir sie vorschlagen",
    "suggestions.no_profile": (
        "Wir haben noch kein Freiwilligenprofil von dir: lege es auf deiner ESN-Plattform an, "
        "um Vorschläge zu bekommen."
    ),
    "activity.when": "Wann",
    "activity.where": "Wo",
    "activity.causes": "Anliegen",
    "activity.sdgs": "Ziele für nachhaltige Entwicklung",
    "activity.languages": "Arbeitssprachen",
    "activity.organiser": "Organisiert von",
    "activity.local_time": "Ortszeit",
    "activity.goal": "Ziel",
    "activity.accessibility": "Barrierefreiheit",
    "activity.online": "Online",
    "activity.seats_left.one": "Noch {count} Platz frei",
    "activity.seats_left.other": "Noch {count} Plätze frei",
    "activity.full": "Ausgebucht: Warteliste offen",
    "activity.cancelled": "Diese Aktivität wurde abgesagt.",
    "activity.cancellation_reason": "Begründung der Organisator:innen: {reason}",
    "activity.completed": "Diese Aktivität hat stattgefunden.",
    "activity.details": "Details",
    "activity.not_found": "Diese Aktivität gibt es nicht, oder sie ist nicht veröffentlicht.",
    "action.enrol": "Anmelden",
    "action.join_waitlist": "Auf die Warteliste",
    "action.cancel": "Meinen Platz absagen",
    "action.ics": "Zu meinem Kalender (.ics)",
    "action.sign_in_to_enrol": "Melde dich an, um mitzumachen",
    "status.confirmed": "Dein Platz ist bestätigt",
    "status.waitlisted": "Auf der Warteliste, Platz {position}",
    "status.activity_cancelled": "Von den Organisator:innen abgesagt",
    "status.completed": "Hat stattgefunden",
    "flash.confirmed": "Du bist dabei! Dein Platz ist bestätigt.",
    "flash.waitlisted": (
        "Die Aktivität ist ausgebucht: du stehst auf der Warteliste, Platz {position}."
    ),
    "flash.already": "Du warst für diese Aktivität schon angemeldet.",
    "flash.cancelled": "Dein Platz ist abgesagt. Danke, dass jemand anderes nachrücken kann.",
    "flash.promoted_note": "Jemand von der Warteliste hat deinen Platz bekommen.",
    "flash.refused": "Das hat nicht geklappt: {reason}",
    "activities.title": "Meine Aktivitäten",
    "activities.empty": "Du hast dich noch für keine Aktivität angemeldet.",
    "activities.upcoming": "Demnächst",
    "activities.past": "Vorher",
    "calendar.title": "Dein Kalender",
    "calendar.text": (
        "Abonniere ihn in deiner Kalender-App, um deine Aktivitäten dort zu sehen: "
        "Änderungen und Absagen kommen von selbst."
    ),
    "calendar.subscribe": "Meinen Kalender abonnieren",
    "calendar.address": "Oder kopiere diese Adresse in deine Kalender-App",
    "calendar.name": "SocialErasmus: meine Aktivitäten",
    "calendar.private": "Diese Adresse ist persönlich: wer sie hat, sieht deine Aktivitäten.",
    "inbox.title": "Posteingang",
    "inbox.empty": "Noch nichts hier.",
    "inbox.new": "Neu",
    "inbox.mark_read": "Alle als gelesen markieren",
    "inbox.live": "Neue Nachrichten erscheinen hier, sobald sie ankommen.",
    "inbox.open_activity": "Zur Aktivität",
    "inbox.arrived": "Eine neue Nachricht ist angekommen.",
    "prefs.title": "Benachrichtigungseinstellungen",
    "prefs.intro": "Wähle, wie SocialErasmus dich über Aktivitäten informiert.",
    "prefs.channels": "Wohin Nachrichten gehen",
    "prefs.email": "E-Mail-Adresse",
    "prefs.display_name": "Dein Name (E-Mails begrüßen dich damit)",
    "prefs.display_name_hint": "Lass das Feld leer für einen Gruß ohne Namen.",
    "prefs.in_app": "In den Posteingang dieser App",
    "prefs.language": "Sprache",
    "prefs.time_zone": "Zeitzone",
    "prefs.time_zone_hint": "Etwa Europe/Berlin. Daten und Ruhezeiten richten sich danach.",
    "prefs.frequency": "Wie oft Vorschläge kommen",
    "prefs.frequency.1": "Sobald es welche gibt",
    "prefs.frequency.2": "Einmal am Tag, als Zusammenfassung",
    "prefs.frequency.3": "Einmal pro Woche, als Zusammenfassung",
    "prefs.quiet": "Ruhezeiten (dann wird nichts gesendet)",
    "prefs.quiet_from": "Von",
    "prefs.quiet_to": "Bis",
    "prefs.budget": "Vorschläge pro Woche, höchstens",
    "prefs.muted": "Anliegen, zu denen ich keine Vorschläge möchte",
    "prefs.suggestions": "Schickt mir Vorschläge für Aktivitäten",
    "prefs.transactional": "Nachrichten zu Aktivitäten, für die du angemeldet bist, kommen immer.",
    "prefs.save": "Einstellungen speichern",
    "prefs.saved": "Deine Einstellungen sind gespeichert.",
    "unsubscribe.title": "Vorschläge abbestellen",
    "unsubscribe.text": (
        "Du bekommst keine Vorschläge und Zusammenfassungen mehr. Nachrichten zu Aktivitäten, "
        "für die du angemeldet bist, kommen weiterhin."
    ),
    "unsubscribe.submit": "Abbestellen",
    "unsubscribe.done": "Du hast die Vorschläge abbestellt.",
    "unsubscribe.manage": "Anders überlegt? Verwalte deine Benachrichtigungseinstellungen.",
    "unsubscribe.invalid": "Dieser Abmeldelink ist ungültig oder abgelaufen.",
    "error.title": "Etwas ist schiefgelaufen",
    "error.not_found": "Diese Seite gibt es nicht.",
    "error.unavailable": (
        "Der Dienst ist gerade ausgelastet oder nicht erreichbar. Versuch es gleich noch einmal."
    ),
    "error.forbidden": "Das darfst du nicht.",
    "error.csrf": (
        "Dieses Formular ist abgelaufen. Geh zurück, lade die Seite neu und versuch es noch einmal."
    ),
    "error.back": "Zurück zum Anfang",
    "cause.1": "Kultur",
    "cause.2": "Bildung & Jugend",
    "cause.3": "Ökologische Nachhaltigkeit",
    "cause.4": "Gesundheit & Wohlbefinden",
    "cause.5": "Kompetenzen & Beschäftigungsfähigkeit",
    "cause.6": "Soziale Inklusion",
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
