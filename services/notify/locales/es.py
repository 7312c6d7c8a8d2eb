"""Spanish (tuteo, as ESN Spain writes to students)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, plural_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "¡Hola!",
    "signoff": "Un saludo,",
    "team": "El equipo de SocialErasmus de ESN",
    "label.when": "Cuándo",
    "label.where": "Dónde",
    "label.causes": "Causas",
    "label.online": "En línea",
    "label.local_time": "Hora local",
    "label.why_suggested": "Por qué te la sugerimos",
    "label.reason": "Motivo indicado por la organización",
    "label.changed": "Qué ha cambiado",
    "label.view_activity": "Ver la actividad",
    "footer.why.suggestion": (
        "Recibes este mensaje porque pediste a SocialErasmus que te sugiriera actividades "
        "de voluntariado acordes con tus intereses."
    ),
    "footer.why.digest": (
        "Recibes este mensaje porque elegiste recibir tus sugerencias de SocialErasmus en "
        "un resumen periódico."
    ),
    "footer.why.activity": (
        "Recibes este mensaje porque te has apuntado a esta actividad de SocialErasmus."
    ),
    "footer.unsubscribe": "Cancelar la suscripción",
    "footer.manage": "Gestionar tus notificaciones",
    "footer.about": (
        "SocialErasmus es el programa de voluntariado de Erasmus Student Network (ESN) para "
        "estudiantes internacionales."
    ),
    "cause.1": "Cultura",
    "cause.2": "Educación y juventud",
    "cause.3": "Sostenibilidad medioambiental",
    "cause.4": "Salud y bienestar",
    "cause.5": "Habilidades y empleabilidad",
    "cause.6": "Inclusión social",
    "field.title": "Título",
    "field.description": "Descripción",
    "field.goal": "Finalidad",
    "field.type": "Tipo de actividad",
    "field.causes": "Causas",
    "field.sdgs": "Objetivos de Desarrollo Sostenible",
    "field.objectives": "Objetivos",
    "field.section_id": "Sección organizadora",
    "field.co_organiser_section_ids": "Coorganizadores",
    "field.starts_at": "Inicio",
    "field.ends_at": "Fin",
    "field.time_zone": "Zona horaria",
    "field.location": "Lugar",
    "field.capacity": "Número de plazas",
    "field.languages": "Idiomas de trabajo",
    "field.skills_wanted": "Habilidades buscadas",
    "field.accessibility_notes": "Accesibilidad",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Una actividad de voluntariado para ti: {title}",
    "suggestion.heading": "Hemos encontrado una actividad para ti",
    "suggestion.intro": (
        "Esta actividad de SocialErasmus encaja con tus intereses. ¡Participa y deja huella "
        "en tu comunidad de acogida!"
    ),
    "suggestion.cta": "Ver la actividad e inscribirme",
    "digest.subject.one": "Tu resumen de SocialErasmus: {count} actividad para ti",
    "digest.subject.other": "Tu resumen de SocialErasmus: {count} actividades para ti",
    "digest.heading": "Tus propuestas de SocialErasmus",
    "digest.intro.one": "Aquí tienes una actividad de voluntariado que encaja con tus intereses.",
    "digest.intro.other": (
        "Aquí tienes {count} actividades de voluntariado que encajan con tus intereses."
    ),
    "enrolment_confirmed.subject": "Tu plaza está confirmada: {title}",
    "enrolment_confirmed.heading": "Tu plaza está confirmada",
    "enrolment_confirmed.intro": (
        "¡Gracias por hacer voluntariado! Tu plaza en esta actividad de SocialErasmus está "
        "confirmada."
    ),
    "enrolment_confirmed.hint": (
        "Si al final no puedes participar, cancela tu inscripción para que otra persona de "
        "la lista de espera pueda ocupar tu plaza."
    ),
    "enrolment_confirmed.cta": "Ver tu actividad",
    "enrolment_waitlisted.subject": "Estás en la lista de espera: {title}",
    "enrolment_waitlisted.heading": "Estás en la lista de espera",
    "enrolment_waitlisted.intro": (
        "Ahora mismo esta actividad está completa, así que te hemos añadido a la lista de espera."
    ),
    "enrolment_waitlisted.position": "Tu posición en la lista de espera: {position}",
    "enrolment_waitlisted.hint": (
        "Si se libera una plaza, avanzarás automáticamente y te avisaremos enseguida."
    ),
    "enrolment_waitlisted.cta": "Ver la actividad",
    "enrolment_promoted.subject": "Se ha liberado una plaza para ti: {title}",
    "enrolment_promoted.heading": "¡Buenas noticias: tienes plaza!",
    "enrolment_promoted.intro": (
        "Se ha liberado una plaza y has salido de la lista de espera. Tu plaza en esta "
        "actividad ya está confirmada."
    ),
    "enrolment_promoted.hint": (
        "Si al final no puedes participar, cancela tu inscripción para que la siguiente "
        "persona de la lista de espera pueda ocupar tu plaza."
    ),
    "enrolment_promoted.cta": "Ver tu actividad",
    "reminder.subject": "Recordatorio: {title}",
    "reminder.heading": "¡Nos vemos pronto!",
    "reminder.intro": "Un pequeño recordatorio: tu actividad de SocialErasmus ya está muy cerca.",
    "reminder.hint": (
        "¿Al final no puedes ir? Cancela tu inscripción para que otra persona pueda ocupar "
        "tu plaza."
    ),
    "reminder.cta": "Ver los detalles",
    "activity_cancelled.subject": "Cancelada: {title}",
    "activity_cancelled.heading": "Esta actividad se ha cancelado",
    "activity_cancelled.intro": (
        "Lo sentimos: la sección de ESN organizadora ha cancelado esta actividad."
    ),
    "activity_cancelled.hint": (
        "No tienes que hacer nada. ¡Hay muchas otras actividades de SocialErasmus esperándote!"
    ),
    "activity_cancelled.cta": "Ver los detalles",
    "activity_changed.subject": "Cambios en {title}",
    "activity_changed.heading": "Esta actividad ha cambiado",
    "activity_changed.intro": (
        "La organización ha actualizado una actividad a la que te has apuntado. Revisa los "
        "detalles a continuación."
    ),
    "activity_changed.hint": (
        "Si los nuevos detalles ya no te vienen bien, cancela tu inscripción para que otra "
        "persona pueda ocupar tu plaza."
    ),
    "activity_changed.cta": "Ver la actividad",
}

CATALOGUE: Final = Catalogue(
    code="es",
    phrases=PHRASES,
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    months=(
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    plural=plural_one_other,
    date_format="{weekday} {day} de {month}",
)
