"""French ("vous"; a no-break space before ":", "!" and "?", as French typography wants)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_zero_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": "\u00a0: ",
    "greeting": "Bonjour,",
    "greeting.named": "Bonjour {name},",
    "signoff": "À bientôt,",
    "team": "L'équipe SocialErasmus d'ESN",
    "label.when": "Quand",
    "label.where": "Où",
    "label.causes": "Causes",
    "label.online": "En ligne",
    "label.local_time": "Heure locale",
    "label.why_suggested": "Pourquoi nous vous la proposons",
    "label.reason": "Motif indiqué par les organisateurs",
    "label.changed": "Ce qui a changé",
    "label.view_activity": "Voir l'activité",
    "footer.why.suggestion": (
        "Vous recevez ce message car vous avez demandé à SocialErasmus de vous proposer des "
        "activités de bénévolat correspondant à vos centres d'intérêt."
    ),
    "footer.why.digest": (
        "Vous recevez ce message car vous avez choisi de recevoir vos suggestions "
        "SocialErasmus sous forme de récapitulatif régulier."
    ),
    "footer.why.activity": (
        "Vous recevez ce message car vous avez demandé à participer à cette activité SocialErasmus."
    ),
    "footer.why.sign_in": (
        "Vous recevez ce message parce qu'un lien de connexion a été demandé avec votre adresse."
    ),
    "sign_in.subject": "Votre lien de connexion à SocialErasmus",
    "sign_in.heading": "Connexion à SocialErasmus",
    "sign_in.text": (
        "Utilisez le bouton ci-dessous pour vous connecter à SocialErasmus. Le lien fonctionne "
        "une seule fois, pendant {minutes}\u00a0minutes, et pour vous seul\u00a0: ne le "
        "transférez pas."
    ),
    "sign_in.cta": "Se connecter à SocialErasmus",
    "sign_in.ignore": (
        "Si vous n'avez pas demandé à vous connecter, ignorez ce message\u00a0: personne ne "
        "peut se connecter sans lui."
    ),
    "footer.unsubscribe": "Se désabonner",
    "footer.manage": "Gérer vos notifications",
    "footer.transactional": (
        "Les messages sur les activités auxquelles vous participez vous parviennent même si "
        "vous vous êtes désabonné des suggestions."
    ),
    "footer.about": (
        "SocialErasmus est le programme de bénévolat d'Erasmus Student Network (ESN) pour "
        "les étudiants internationaux."
    ),
    "cause.1": "Culture",
    "cause.2": "Éducation et jeunesse",
    "cause.3": "Durabilité environnementale",
    "cause.4": "Santé et bien-être",
    "cause.5": "Compétences et employabilité",
    "cause.6": "Inclusion sociale",
    "field.title": "Titre",
    "field.description": "Description",
    "field.goal": "But",
    "field.type": "Type d'activité",
    "field.causes": "Causes",
    "field.sdgs": "Objectifs de développement durable",
    "field.objectives": "Objectifs",
    "field.section_id": "Section organisatrice",
    "field.co_organiser_section_ids": "Co-organisateurs",
    "field.starts_at": "Début",
    "field.ends_at": "Fin",
    "field.time_zone": "Fuseau horaire",
    "field.location": "Lieu",
    "field.capacity": "Nombre de places",
    "field.languages": "Langues de travail",
    "field.skills_wanted": "Compétences recherchées",
    "field.accessibility_notes": "Accessibilité",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Une activité de bénévolat pour vous\u00a0: {title}",
    "suggestion.heading": "Nous avons trouvé une activité pour vous",
    "suggestion.intro": (
        "Cette activité SocialErasmus correspond à vos centres d'intérêt. Participez et "
        "agissez pour votre ville d'accueil\u00a0!"
    ),
    "suggestion.cta": "Voir l'activité et s'inscrire",
    "digest.subject.one": "Votre récapitulatif SocialErasmus\u00a0: {count} activité pour vous",
    "digest.subject.other": (
        "Votre récapitulatif SocialErasmus\u00a0: {count} activités pour vous"
    ),
    "digest.heading": "Vos suggestions SocialErasmus",
    "digest.intro.one": "Voici une activité de bénévolat qui correspond à vos centres d'intérêt.",
    "digest.intro.other": (
        "Voici {count} activités de bénévolat qui correspondent à vos centres d'intérêt."
    ),
    "enrolment_confirmed.subject": "Votre place est confirmée\u00a0: {title}",
    "enrolment_confirmed.heading": "Votre place est confirmée",
    "enrolment_confirmed.intro": (
        "Merci pour votre engagement\u00a0! Votre place pour cette activité SocialErasmus "
        "est confirmée."
    ),
    "enrolment_confirmed.hint": (
        "Si vous ne pouvez plus participer, merci d'annuler votre inscription afin qu'une "
        "personne de la liste d'attente puisse prendre votre place."
    ),
    "enrolment_confirmed.cta": "Voir votre activité",
    "enrolment_waitlisted.subject": "Vous êtes sur liste d'attente\u00a0: {title}",
    "enrolment_waitlisted.heading": "Vous êtes sur liste d'attente",
    "enrolment_waitlisted.intro": (
        "Cette activité est complète pour le moment, nous avons donc ajouté votre nom à la "
        "liste d'attente."
    ),
    "enrolment_waitlisted.position": "Votre position sur la liste d'attente\u00a0: {position}",
    "enrolment_waitlisted.hint": (
        "Si une place se libère, vous avancerez automatiquement et nous vous préviendrons aussitôt."
    ),
    "enrolment_waitlisted.cta": "Voir l'activité",
    "enrolment_promoted.subject": "Une place s'est libérée pour vous\u00a0: {title}",
    "enrolment_promoted.heading": "Bonne nouvelle\u00a0: c'est confirmé\u00a0!",
    "enrolment_promoted.intro": (
        "Une place s'est libérée et votre inscription sur liste d'attente est maintenant confirmée."
    ),
    "enrolment_promoted.hint": (
        "Si vous ne pouvez plus participer, merci d'annuler votre inscription afin que la "
        "personne suivante sur la liste d'attente puisse prendre votre place."
    ),
    "enrolment_promoted.cta": "Voir votre activité",
    "reminder.subject": "Rappel\u00a0: {title}",
    "reminder.heading": "À bientôt\u00a0!",
    "reminder.intro": "Petit rappel\u00a0: votre activité SocialErasmus approche.",
    "reminder.hint": (
        "Finalement, vous ne pouvez pas venir\u00a0? Merci d'annuler votre inscription pour "
        "qu'une autre personne puisse prendre votre place."
    ),
    "reminder.cta": "Voir les détails",
    "activity_cancelled.subject": "Annulée\u00a0: {title}",
    "activity_cancelled.heading": "Cette activité a été annulée",
    "activity_cancelled.intro": (
        "Nous sommes désolés\u00a0: la section ESN organisatrice a annulé cette activité."
    ),
    "activity_cancelled.hint": (
        "Vous n'avez rien à faire. Beaucoup d'autres activités SocialErasmus vous attendent\u00a0!"
    ),
    "activity_cancelled.cta": "Voir les détails",
    "activity_changed.subject": "Modifications\u00a0: {title}",
    "activity_changed.heading": "Cette activité a été modifiée",
    "activity_changed.intro": (
        "Les organisateurs ont mis à jour une activité à laquelle vous avez demandé à "
        "participer. Merci de vérifier les détails ci-dessous."
    ),
    "activity_changed.hint": (
        "Si les nouvelles conditions ne vous conviennent plus, merci d'annuler votre "
        "inscription pour qu'une autre personne puisse prendre votre place."
    ),
    "activity_changed.cta": "Voir l'activité",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "\u00a0; ",
    "reason.cause": "{causes}, comme vous l'avez demandé",
    "reason.motivation": "proche de votre motivation",
    "reason.skills": "correspond à vos compétences\u00a0: {skills}",
    "reason.distance": "à {distance}\u00a0km",
    "reason.online": "en ligne",
    "reason.seats_left.one": "plus que {count} place",
    "reason.seats_left.other": "plus que {count} places",
    "reason.full": "complet, liste d'attente ouverte",
    "reason.departure": "l'une de vos dernières occasions avant votre départ",
    "reason.similar_students": "des étudiants comme vous y ont participé",
    "fact.languages": "en {languages}",
    "fact.start": "{weekday} à {time}",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "arabe",
    "az": "azerbaïdjanais",
    "bg": "bulgare",
    "bs": "bosnien",
    "ca": "catalan",
    "cs": "tchèque",
    "cy": "gallois",
    "da": "danois",
    "de": "allemand",
    "el": "grec",
    "en": "anglais",
    "es": "espagnol",
    "et": "estonien",
    "eu": "basque",
    "fi": "finnois",
    "fr": "français",
    "ga": "irlandais",
    "gl": "galicien",
    "hr": "croate",
    "hu": "hongrois",
    "hy": "arménien",
    "is": "islandais",
    "it": "italien",
    "ka": "géorgien",
    "kk": "kazakh",
    "lb": "luxembourgeois",
    "lt": "lituanien",
    "lv": "letton",
    "mk": "macédonien",
    "mt": "maltais",
    "nl": "néerlandais",
    "no": "norvégien",
    "pl": "polonais",
    "pt": "portugais",
    "ro": "roumain",
    "ru": "russe",
    "sk": "slovaque",
    "sl": "slovène",
    "sq": "albanais",
    "sr": "serbe",
    "sv": "suédois",
    "tr": "turc",
    "uk": "ukrainien",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

CATALOGUE: Final = Catalogue(
    code="fr",
    phrases=PHRASES,
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    plural=plural_zero_one_other,
    date_format="{weekday} {day} {month}",
    day_names={1: "1er"},
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("et"),
)
