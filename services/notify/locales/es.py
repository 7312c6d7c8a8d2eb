"""Spanish (tuteo, as ESN Spain writes to students)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "¡Hola!",
    "greeting.named": "¡Hola, {name}!",
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
    "footer.why.sign_in": (
        "Recibes este mensaje porque se pidió un enlace de acceso con tu dirección."
    ),
    "sign_in.subject": "Tu enlace de acceso a SocialErasmus",
    "sign_in.heading": "Entra en SocialErasmus",
    "sign_in.text": (
        "Usa el botón de abajo para entrar en SocialErasmus. El enlace funciona una sola vez, "
        "durante {minutes} minutos, y solo para ti: no lo reenvíes."
    ),
    "sign_in.cta": "Entrar en SocialErasmus",
    "sign_in.ignore": (
        "Si no has pedido entrar, puedes ignorar este mensaje: nadie puede entrar sin él."
    ),
    "footer.unsubscribe": "Cancelar la suscripción",
    "footer.manage": "Gestionar tus notificaciones",
    "footer.transactional": (
        "Los mensajes sobre las actividades a las que te has apuntado llegan aunque hayas "
        "cancelado la suscripción a las sugerencias."
    ),
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
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
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

LANGUAGES: Final[dict[str, str]] = {
    "ar": "árabe",
    "az": "azerí",
    "bg": "búlgaro",
    "bs": "bosnio",
    "ca": "catalán",
    "cs": "checo",
    "cy": "galés",
    "da": "danés",
    "de": "alemán",
    "el": "griego",
    "en": "inglés",
    "es": "español",
    "et": "estonio",
    "eu": "euskera",
    "fi": "finés",
    "fr": "francés",
    "ga": "irlandés",
    "gl": "gallego",
    "hr": "croata",
    "hu": "húngaro",
    "hy": "armenio",
    "is": "islandés",
    "it": "italiano",
    "ka": "georgiano",
    "kk": "kazajo",
    "lb": "luxemburgués",
    "lt": "lituano",
    "lv": "letón",
    "mk": "macedonio",
    "mt": "maltés",
    "nl": "neerlandés",
    "no": "noruego",
    "pl": "polaco",
    "pt": "portugués",
    "ro": "rumano",
    "ru": "ruso",
    "sk": "eslovaco",
    "sl": "esloveno",
    "sq": "albanés",
    "sr": "serbio",
    "sv": "sueco",
    "tr": "turco",
    "uk": "ucraniano",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

_AND = joined_with("y")
_AND_BEFORE_I = joined_with("e")


def _spanish_and_list(words: Sequence[str]) -> str:
    """ "inglés y español", but "español e inglés": "y" becomes "e" before the sound /i/
    (i-, hi-, but not the diphthongs of "hielo", "hiato")."""
    last = words[-1].lower() if words else ""
    before_i = last.startswith(("i", "í", "hi", "hí")) and not last.startswith(
        ("hia", "hie", "hio", "hiu")
    )
    return (_AND_BEFORE_I if before_i else _AND)(words)


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
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=_spanish_and_list,
)
