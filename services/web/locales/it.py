"""Italian."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "Lascia il segno!",
    "nav.label": "Principale",
    "nav.suggestions": "Suggerimenti",
    "nav.activities": "Le mie attività",
    "nav.inbox": "Posta in arrivo",
    "nav.preferences": "Notifiche",
    "nav.sign_out": "Esci",
    "nav.sign_in": "Accedi",
    "nav.skip": "Vai al contenuto",
    "nav.language": "Lingua",
    "footer.about": (
        "SocialErasmus è il programma di volontariato dell'Erasmus Student Network (ESN) "
        "per gli studenti internazionali."
    ),
    "footer.coordinators": "Coordinatori di sezione",
    "time.shown_in": "Gli orari sono mostrati in {zone}.",
    "sign_in.title": "Accedi",
    "sign_in.intro": "Ti inviamo via e-mail un link per accedere: nessuna password.",
    "sign_in.who": "Il tuo indirizzo e-mail o ID studente ESN",
    "sign_in.who_hint": (
        "L'indirizzo delle tue impostazioni di notifica, o il tuo ID come lo mostra la tua "
        "piattaforma ESN (per esempio demo-student)."
    ),
    "sign_in.sent.text": (
        "Se conosciamo questo indirizzo o ID, un link di accesso sta arrivando all'indirizzo "
        "e-mail delle tue impostazioni di notifica. Funziona una sola volta, per {minutes} "
        "minuti."
    ),
    "sign_in.used": (
        "Questo link di accesso è già stato usato: ogni link fa accedere una volta. Chiedine "
        "uno nuovo qui sotto."
    ),
    "sign_in.missing_id": "Inserisci il tuo indirizzo e-mail o ID studente.",
    "sign_in.bad_address": "Questo non è un indirizzo e-mail: controllalo.",
    "sign_in.bad_id": (
        "Questo non è un ID studente: controllalo, o inserisci il tuo indirizzo e-mail."
    ),
    "sign_in.submit": "Inviami un link di accesso",
    "sign_in.sent.title": "Controlla la tua e-mail",
    "sign_in.invalid": "Questo link è scaduto o non è valido. Chiedine uno nuovo qui sotto.",
    "sign_in.required": "Accedi per vedere questa pagina.",
    "sign_in.signed_out": "Sei uscito.",
    "suggestions.title": "Suggeriti per te",
    "suggestions.intro": "Attività di volontariato scelte per i tuoi interessi, lingue e orari.",
    "suggestions.empty": (
        "Nessun suggerimento per ora. Controlla il tuo profilo sulla piattaforma ESN o "
        "torna presto."
    ),
    "suggestions.diversified": "Ordinati per mostrare cause diverse.",
    "suggestions.why": "Perché te lo suggeriamo",
    "suggestions.no_profile": (
        "Non abbiamo ancora il tuo profilo di volontario: crealo sulla tua piattaforma ESN per "
        "ricevere suggerimenti."
    ),
    "activity.when": "Quando",
    "activity.where": "Dove",
    "activity.causes": "Cause",
    "activity.sdgs": "Obiettivi di sviluppo sostenibile",
    "activity.languages": "Lingue di lavoro",
    "activity.organiser": "Organizzato da",
    "activity.local_time": "Ora locale",
    "activity.goal": "Obiettivo",
    "activity.accessibility": "Accessibilità",
    "activity.online": "Online",
    "activity.seats_left.one": "Resta {count} posto",
    "activity.seats_left.other": "Restano {count} posti",
    "activity.full": "Al completo: lista d'attesa aperta",
    "activity.cancelled": "Questa attività è stata annullata.",
    "activity.cancellation_reason": "Motivo indicato dagli organizzatori: {reason}",
    "activity.completed": "Questa attività si è già svolta.",
    "activity.details": "Dettagli",
    "activity.not_found": "Questa attività non esiste o non è pubblicata.",
    "action.enrol": "Iscrivimi",
    "action.join_waitlist": "Mettimi in lista d'attesa",
    "action.cancel": "Annulla il mio posto",
    "action.ics": "Aggiungi al mio calendario (.ics)",
    "action.sign_in_to_enrol": "Accedi per iscriverti",
    "status.confirmed": "Il tuo posto è confermato",
    "status.waitlisted": "In lista d'attesa, posizione {position}",
    "status.activity_cancelled": "Annullata dagli organizzatori",
    "status.completed": "Svolta",
    "flash.confirmed": "Ci sei! Il tuo posto è confermato.",
    "flash.waitlisted": "L'attività è al completo: sei in lista d'attesa, posizione {position}.",
    "flash.already": "Eri già iscritto a questa attività.",
    "flash.cancelled": "Il tuo posto è annullato. Grazie per aver lasciato spazio a un altro.",
    "flash.promoted_note": "Qualcuno in lista d'attesa ha ottenuto il tuo posto.",
    "flash.refused": "Non ha funzionato: {reason}",
    "activities.title": "Le mie attività",
    "activities.empty": "Non ti sei ancora iscritto a nessuna attività.",
    "activities.upcoming": "In arrivo",
    "activities.past": "Precedenti",
    "calendar.title": "Il tuo calendario",
    "calendar.text": (
        "Iscriviti dalla tua app di calendario per vedere lì le tue attività: modifiche e "
        "annullamenti arrivano da soli."
    ),
    "calendar.subscribe": "Iscrivimi al mio calendario",
    "calendar.address": "Oppure copia questo indirizzo nella tua app di calendario",
    "calendar.name": "SocialErasmus: le mie attività",
    "calendar.private": "Questo indirizzo è personale: chi lo ha può vedere le tue attività.",
    "inbox.title": "Posta in arrivo",
    "inbox.empty": "Ancora niente qui.",
    "inbox.new": "Nuovo",
    "inbox.mark_read": "Segna tutto come letto",
    "inbox.live": "I nuovi messaggi compaiono qui appena arrivano.",
    "inbox.open_activity": "Vedi l'attività",
    "inbox.arrived": "È arrivato un nuovo messaggio.",
    "prefs.title": "Impostazioni di notifica",
    "prefs.intro": "Scegli come SocialErasmus ti informa delle attività.",
    "prefs.channels": "Dove arrivano i messaggi",
    "prefs.email": "Indirizzo e-mail",
    "prefs.display_name": "Il tuo nome (le e-mail ti salutano con questo)",
    "prefs.display_name_hint": "Lascialo vuoto per un saluto senza nome.",
    "prefs.in_app": "Nella posta in arrivo di questa app",
    "prefs.language": "Lingua",
    "prefs.time_zone": "Fuso orario",
    "prefs.time_zone_hint": "Come Europe/Rome. Le date e le ore di silenzio lo seguono.",
    "prefs.frequency": "Quanto spesso arrivano i suggerimenti",
    "prefs.frequency.1": "Appena ci sono",
    "prefs.frequency.2": "Una volta al giorno, in un riepilogo",
    "prefs.frequency.3": "Una volta alla settimana, in un riepilogo",
    "prefs.quiet": "Ore di silenzio (non si invia nulla)",
    "prefs.quiet_from": "Dalle",
    "prefs.quiet_to": "Alle",
    "prefs.budget": "Suggerimenti a settimana, al massimo",
    "prefs.muted": "Cause di cui non voglio suggerimenti",
    "prefs.suggestions": "Inviami suggerimenti di attività",
    "prefs.transactional": "I messaggi sulle attività a cui ti sei iscritto arrivano sempre.",
    "prefs.save": "Salva le mie impostazioni",
    "prefs.saved": "Le tue impostazioni sono salvate.",
    "unsubscribe.title": "Annulla l'iscrizione ai suggerimenti",
    "unsubscribe.text": (
        "Non riceverai più suggerimenti né riepiloghi. I messaggi sulle attività a cui ti sei "
        "iscritto continuano ad arrivare."
    ),
    "unsubscribe.submit": "Annulla l'iscrizione",
    "unsubscribe.done": "Non riceverai più suggerimenti.",
    "unsubscribe.manage": "Hai cambiato idea? Gestisci le tue impostazioni di notifica.",
    "unsubscribe.invalid": "Questo link non è valido o è scaduto.",
    "error.title": "Qualcosa è andato storto",
    "error.not_found": "Questa pagina non esiste.",
    "error.unavailable": "Il servizio è occupato o non disponibile. Riprova tra poco.",
    "error.forbidden": "Non puoi farlo.",
    "error.csrf": "Questo modulo è scaduto. Torna indietro, ricarica la pagina e riprova.",
    "error.back": "Torna all'inizio",
    "cause.1": "Cultura",
    "cause.2": "Educazione e giovani",
    "cause.3": "Sostenibilità ambientale",
    "cause.4": "Salute e benessere",
    "cause.5": "Competenze e occupabilità",
    "cause.6": "Inclusione sociale",
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
