"""Italian (informal "tu"; phrased so that no adjective needs the student's gender)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "Ciao!",
    "greeting.named": "Ciao {name}!",
    "signoff": "A presto,",
    "team": "Il team SocialErasmus di ESN",
    "label.when": "Quando",
    "label.where": "Dove",
    "label.causes": "Cause",
    "label.online": "Online",
    "label.local_time": "Ora locale",
    "label.why_suggested": "Perché te la suggeriamo",
    "label.reason": "Motivo indicato dagli organizzatori",
    "label.changed": "Cosa è cambiato",
    "label.view_activity": "Vedi l'attività",
    "footer.why.suggestion": (
        "Ricevi questo messaggio perché hai chiesto a SocialErasmus di suggerirti attività "
        "di volontariato in linea con i tuoi interessi."
    ),
    "footer.why.digest": (
        "Ricevi questo messaggio perché hai scelto di ricevere i suggerimenti di "
        "SocialErasmus in un riepilogo periodico."
    ),
    "footer.why.activity": (
        "Ricevi questo messaggio perché hai effettuato l'iscrizione a questa attività "
        "SocialErasmus."
    ),
    "footer.why.sign_in": (
        "Ricevi questo messaggio perché è stato chiesto un link di accesso con il tuo indirizzo."
    ),
    "sign_in.subject": "Il tuo link di accesso a SocialErasmus",
    "sign_in.heading": "Accedi a SocialErasmus",
    "sign_in.text": (
        "Usa il pulsante qui sotto per accedere a SocialErasmus. Il link funziona una sola "
        "volta, per {minutes} minuti, e solo per te: non inoltrarlo."
    ),
    "sign_in.cta": "Accedi a SocialErasmus",
    "sign_in.ignore": (
        "Se non hai chiesto di accedere, puoi ignorare questo messaggio: nessuno può accedere "
        "senza."
    ),
    "footer.unsubscribe": "Non ricevere più questi messaggi",
    "footer.manage": "Gestisci le tue notifiche",
    "footer.transactional": (
        "I messaggi sulle attività a cui ti sei iscritto arrivano anche se non ricevi più i "
        "suggerimenti."
    ),
    "footer.about": (
        "SocialErasmus è il programma di volontariato di Erasmus Student Network (ESN) per "
        "studenti internazionali."
    ),
    "cause.1": "Cultura",
    "cause.2": "Educazione e giovani",
    "cause.3": "Sostenibilità ambientale",
    "cause.4": "Salute e benessere",
    "cause.5": "Competenze e occupabilità",
    "cause.6": "Inclusione sociale",
    "field.title": "Titolo",
    "field.description": "Descrizione",
    "field.goal": "Scopo",
    "field.type": "Tipo di attività",
    "field.causes": "Cause",
    "field.sdgs": "Obiettivi di sviluppo sostenibile",
    "field.objectives": "Obiettivi",
    "field.section_id": "Sezione organizzatrice",
    "field.co_organiser_section_ids": "Co-organizzatori",
    "field.starts_at": "Inizio",
    "field.ends_at": "Fine",
    "field.time_zone": "Fuso orario",
    "field.location": "Luogo",
    "field.capacity": "Numero di posti",
    "field.languages": "Lingue di lavoro",
    "field.skills_wanted": "Competenze richieste",
    "field.accessibility_notes": "Accessibilità",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Un'attività di volontariato per te: {title}",
    "suggestion.heading": "Abbiamo trovato un'attività per te",
    "suggestion.intro": (
        "Questa attività SocialErasmus è in linea con i tuoi interessi. Partecipa e lascia "
        "il segno nella comunità che ti ospita!"
    ),
    "suggestion.cta": "Vedi l'attività e iscriviti",
    "digest.subject.one": "Il tuo riepilogo SocialErasmus: {count} attività per te",
    "digest.subject.other": "Il tuo riepilogo SocialErasmus: {count} attività per te",
    "digest.heading": "Le tue proposte SocialErasmus",
    "digest.intro.one": "Ecco un'attività di volontariato in linea con i tuoi interessi.",
    "digest.intro.other": "Ecco {count} attività di volontariato in linea con i tuoi interessi.",
    "enrolment_confirmed.subject": "Il tuo posto è confermato: {title}",
    "enrolment_confirmed.heading": "Il tuo posto è confermato",
    "enrolment_confirmed.intro": (
        "Grazie per aver scelto il volontariato! Il tuo posto in questa attività "
        "SocialErasmus è confermato."
    ),
    "enrolment_confirmed.hint": (
        "Se non puoi più partecipare, annulla la tua iscrizione così che qualcuno in lista "
        "d'attesa possa prendere il tuo posto."
    ),
    "enrolment_confirmed.cta": "Vedi la tua attività",
    "enrolment_waitlisted.subject": "Sei in lista d'attesa: {title}",
    "enrolment_waitlisted.heading": "Sei in lista d'attesa",
    "enrolment_waitlisted.intro": (
        "Al momento questa attività è al completo, quindi abbiamo aggiunto il tuo nome alla "
        "lista d'attesa."
    ),
    "enrolment_waitlisted.position": "La tua posizione in lista d'attesa: {position}",
    "enrolment_waitlisted.hint": (
        "Se si libera un posto, salirai automaticamente e ti avviseremo subito."
    ),
    "enrolment_waitlisted.cta": "Vedi l'attività",
    "enrolment_promoted.subject": "Si è liberato un posto per te: {title}",
    "enrolment_promoted.heading": "Buone notizie: ci sei!",
    "enrolment_promoted.intro": (
        "Si è liberato un posto e la tua iscrizione dalla lista d'attesa è ora confermata."
    ),
    "enrolment_promoted.hint": (
        "Se non puoi più partecipare, annulla la tua iscrizione così che la prossima persona "
        "in lista d'attesa possa prendere il tuo posto."
    ),
    "enrolment_promoted.cta": "Vedi la tua attività",
    "reminder.subject": "Promemoria: {title}",
    "reminder.heading": "A presto!",
    "reminder.intro": "Un piccolo promemoria: la tua attività SocialErasmus si avvicina.",
    "reminder.hint": (
        "Alla fine non riesci a partecipare? Annulla la tua iscrizione così che qualcun "
        "altro possa prendere il tuo posto."
    ),
    "reminder.cta": "Vedi i dettagli",
    "activity_cancelled.subject": "Annullata: {title}",
    "activity_cancelled.heading": "Questa attività è stata annullata",
    "activity_cancelled.intro": (
        "Ci dispiace: la sezione ESN organizzatrice ha annullato questa attività."
    ),
    "activity_cancelled.hint": (
        "Non devi fare nulla. Ci sono tante altre attività SocialErasmus che ti aspettano!"
    ),
    "activity_cancelled.cta": "Vedi i dettagli",
    "activity_changed.subject": "Modifiche a {title}",
    "activity_changed.heading": "Questa attività è cambiata",
    "activity_changed.intro": (
        "Gli organizzatori hanno aggiornato un'attività per cui hai effettuato l'iscrizione. "
        "Controlla i dettagli qui sotto."
    ),
    "activity_changed.hint": (
        "Se i nuovi dettagli non fanno più per te, annulla la tua iscrizione così che "
        "qualcun altro possa prendere il tuo posto."
    ),
    "activity_changed.cta": "Vedi l'attività",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, come hai chiesto",
    "reason.motivation": "in linea con la tua motivazione",
    "reason.skills": "in linea con le tue competenze: {skills}",
    "reason.distance": "a {distance} km",
    "reason.online": "online",
    "reason.seats_left.one": "resta {count} posto",
    "reason.seats_left.other": "restano {count} posti",
    "reason.full": "al completo, lista d'attesa aperta",
    "reason.departure": "una delle tue ultime occasioni prima di partire",
    "reason.similar_students": "hanno partecipato studenti come te",
    "fact.languages": "in {languages}",
    "fact.start": "{weekday} alle {time}",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "arabo",
    "az": "azero",
    "bg": "bulgaro",
    "bs": "bosniaco",
    "ca": "catalano",
    "cs": "ceco",
    "cy": "gallese",
    "da": "danese",
    "de": "tedesco",
    "el": "greco",
    "en": "inglese",
    "es": "spagnolo",
    "et": "estone",
    "eu": "basco",
    "fi": "finlandese",
    "fr": "francese",
    "ga": "irlandese",
    "gl": "galiziano",
    "hr": "croato",
    "hu": "ungherese",
    "hy": "armeno",
    "is": "islandese",
    "it": "italiano",
    "ka": "georgiano",
    "kk": "kazako",
    "lb": "lussemburghese",
    "lt": "lituano",
    "lv": "lettone",
    "mk": "macedone",
    "mt": "maltese",
    "nl": "olandese",
    "no": "norvegese",
    "pl": "polacco",
    "pt": "portoghese",
    "ro": "rumeno",
    "ru": "russo",
    "sk": "slovacco",
    "sl": "sloveno",
    "sq": "albanese",
    "sr": "serbo",
    "sv": "svedese",
    "tr": "turco",
    "uk": "ucraino",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

CATALOGUE: Final = Catalogue(
    code="it",
    phrases=PHRASES,
    weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    months=(
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    plural=plural_one_other,
    date_format="{weekday} {day} {month}",
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("e"),
)
