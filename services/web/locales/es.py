"""Spanish."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "¡Deja tu huella!",
    "nav.label": "Principal",
    "nav.suggestions": "Sugerencias",
    "nav.activities": "Mis actividades",
    "nav.inbox": "Bandeja de entrada",
    "nav.preferences": "Notificaciones",
    "nav.sign_out": "Cerrar sesión",
    "nav.sign_in": "Iniciar sesión",
    "nav.skip": "Ir al contenido",
    "nav.language": "Idioma",
    "footer.about": (
        "SocialErasmus es el programa de voluntariado de la Erasmus Student Network (ESN) "
        "para estudiantes internacionales."
    ),
    "footer.coordinators": "Coordinadores de sección",
    "time.shown_in": "Las horas se muestran en {zone}.",
    "sign_in.title": "Iniciar sesión",
    "sign_in.intro": "Te enviamos por correo un enlace para entrar: sin contraseña.",
    "sign_in.who": "Tu dirección de correo o tu ID de estudiante de ESN",
    "sign_in.who_hint": (
        "La dirección de tus ajustes de notificaciones, o tu ID tal como lo muestra tu "
        "plataforma de ESN (por ejemplo demo-student)."
    ),
    "sign_in.sent.text": (
        "Si conocemos esta dirección o este ID, un enlace de acceso va de camino a la dirección "
        "de correo de tus ajustes de notificaciones. Funciona una sola vez, durante {minutes} "
        "minutos."
    ),
    "sign_in.used": (
        "Este enlace de acceso ya se usó: cada enlace sirve para entrar una vez. Pide uno nuevo "
        "aquí abajo."
    ),
    "sign_in.missing_id": "Escribe tu dirección de correo o tu ID de estudiante.",
    "sign_in.bad_address": "Esto no es una dirección de correo: revísala.",
    "sign_in.bad_id": "Esto no es un ID de estudiante: revísalo, o escribe tu dirección de correo.",
    "sign_in.submit": "Enviarme un enlace de acceso",
    "sign_in.sent.title": "Revisa tu correo",
    "sign_in.invalid": "Este enlace ha caducado o no es válido. Pide uno nuevo aquí abajo.",
    "sign_in.required": "Inicia sesión para ver esta página.",
    "sign_in.signed_out": "Has cerrado la sesión.",
    "suggestions.title": "Sugerencias para ti",
    "suggestions.intro": (
        "Actividades de voluntariado elegidas según tus intereses, idiomas y horario."
    ),
    "suggestions.empty": (
        "Ahora no hay sugerencias. Revisa tu perfil en tu plataforma de ESN o vuelve pronto."
    ),
    "suggestions.diversified": "Ordenadas para mostrar causas variadas.",
    "suggestions.why": "Por qué te la sugerimos",
    "suggestions.no_profile": (
        "Aún no tenemos tu perfil de voluntario: créalo en tu plataforma de ESN para recibir "
        "sugerencias."
    ),
    "activity.when": "Cuándo",
    "activity.where": "Dónde",
    "activity.causes": "Causas",
    "activity.sdgs": "Objetivos de Desarrollo Sostenible",
    "activity.languages": "Idiomas de trabajo",
    "activity.organiser": "Organiza",
    "activity.local_time": "Hora local",
    "activity.goal": "Objetivo",
    "activity.accessibility": "Accesibilidad",
    "activity.online": "En línea",
    "activity.seats_left.one": "Queda {count} plaza",
    "activity.seats_left.other": "Quedan {count} plazas",
    "activity.full": "Completa: lista de espera abierta",
    "activity.cancelled": "Esta actividad se ha cancelado.",
    "activity.cancellation_reason": "Motivo que dan los organizadores: {reason}",
    "activity.completed": "Esta actividad ya se ha celebrado.",
    "activity.details": "Detalles",
    "activity.not_found": "Esta actividad no existe o no está publicada.",
    "action.enrol": "Apuntarme",
    "action.join_waitlist": "Apuntarme a la lista de espera",
    "action.cancel": "Cancelar mi plaza",
    "action.ics": "Añadir a mi calendario (.ics)",
    "action.sign_in_to_enrol": "Inicia sesión para apuntarte",
    "status.confirmed": "Tu plaza está confirmada",
    "status.waitlisted": "En lista de espera, posición {position}",
    "status.activity_cancelled": "Cancelada por los organizadores",
    "status.completed": "Celebrada",
    "flash.confirmed": "¡Estás dentro! Tu plaza está confirmada.",
    "flash.waitlisted": (
        "La actividad está completa: estás en la lista de espera, posición {position}."
    ),
    "flash.already": "Ya te habías apuntado a esta actividad.",
    "flash.cancelled": "Tu plaza está cancelada. Gracias por dejar entrar a otra persona.",
    "flash.promoted_note": "Alguien de la lista de espera ha conseguido tu plaza.",
    "flash.refused": "No ha funcionado: {reason}",
    "activities.title": "Mis actividades",
    "activities.empty": "Todavía no te has apuntado a ninguna actividad.",
    "activities.upcoming": "Próximas",
    "activities.past": "Anteriores",
    "calendar.title": "Tu calendario",
    "calendar.text": (
        "Suscríbete desde tu aplicación de calendario para ver allí tus actividades: los "
        "cambios y cancelaciones llegan solos."
    ),
    "calendar.subscribe": "Suscribirme a mi calendario",
    "calendar.address": "O copia esta dirección en tu aplicación de calendario",
    "calendar.name": "SocialErasmus: mis actividades",
    "calendar.private": "Esta dirección es personal: quien la tenga puede ver tus actividades.",
    "inbox.title": "Bandeja de entrada",
    "inbox.empty": "Aquí no hay nada todavía.",
    "inbox.new": "Nuevo",
    "inbox.mark_read": "Marcar todo como leído",
    "inbox.live": "Los mensajes nuevos aparecen aquí en cuanto llegan.",
    "inbox.open_activity": "Ver la actividad",
    "inbox.arrived": "Ha llegado un mensaje nuevo.",
    "prefs.title": "Ajustes de notificaciones",
    "prefs.intro": "Elige cómo te informa SocialErasmus de las actividades.",
    "prefs.channels": "Adónde llegan los mensajes",
    "prefs.email": "Dirección de correo",
    "prefs.display_name": "Tu nombre (los correos te saludan con él)",
    "prefs.display_name_hint": "Déjalo vacío para un saludo sin nombre.",
    "prefs.in_app": "A la bandeja de entrada de esta aplicación",
    "prefs.language": "Idioma",
    "prefs.time_zone": "Zona horaria",
    "prefs.time_zone_hint": "Como Europe/Madrid. Las fechas y las horas de silencio la siguen.",
    "prefs.frequency": "Con qué frecuencia llegan las sugerencias",
    "prefs.frequency.1": "En cuanto las hay",
    "prefs.frequency.2": "Una vez al día, en un resumen",
    "prefs.frequency.3": "Una vez a la semana, en un resumen",
    "prefs.quiet": "Horas de silencio (no se envía nada)",
    "prefs.quiet_from": "Desde",
    "prefs.quiet_to": "Hasta",
    "prefs.budget": "Sugerencias por semana, como máximo",
    "prefs.muted": "Causas de las que no quiero sugerencias",
    "prefs.suggestions": "Enviarme sugerencias de actividades",
    "prefs.transactional": "Los mensajes sobre actividades a las que te apuntaste llegan siempre.",
    "prefs.save": "Guardar mis ajustes",
    "prefs.saved": "Tus ajustes están guardados.",
    "unsubscribe.title": "Darse de baja de las sugerencias",
    "unsubscribe.text": (
        "Dejarás de recibir sugerencias y resúmenes. Los mensajes sobre actividades a las que "
        "te apuntaste siguen llegando."
    ),
    "unsubscribe.submit": "Darme de baja",
    "unsubscribe.done": "Te has dado de baja de las sugerencias.",
    "unsubscribe.manage": "¿Has cambiado de opinión? Gestiona tus ajustes de notificaciones.",
    "unsubscribe.invalid": "Este enlace de baja no es válido o ha caducado.",
    "error.title": "Algo ha salido mal",
    "error.not_found": "Esta página no existe.",
    "error.unavailable": "El servicio está ocupado o caído un momento. Inténtalo de nuevo pronto.",
    "error.forbidden": "No puedes hacer esto.",
    "error.csrf": (
        "Este formulario ha caducado. Vuelve atrás, recarga la página e inténtalo otra vez."
    ),
    "error.back": "Volver al inicio",
    "cause.1": "Cultura",
    "cause.2": "Educación y juventud",
    "cause.3": "Sostenibilidad medioambiental",
    "cause.4": "Salud y bienestar",
    "cause.5": "Habilidades y empleabilidad",
    "cause.6": "Inclusión social",
    "reason.cause": "{causes}, como pediste",
    "reason.motivation": "encaja con tu motivación",
    "reason.skills": "encaja con tus habilidades: {skills}",
    "reason.distance": "a {distance} km",
    "reason.online": "en línea",
    "reason.seats_left.one": "queda {count} plaza",
    "reason.seats_left.other": "quedan {count} plazas",
    "reason.full": "completa, con lista de espera",
    "reason.departure": "una de tus últimas oportunidades antes de irte",
    "reason.similar_students": "se han apuntado estudiantes como tú",
    "fact.languages": "en {languages}",
    "fact.start": "el {weekday} a las {time}",
}
