"""French."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "Laissez votre empreinte\u00a0!",
    "nav.label": "Principal",
    "nav.suggestions": "Suggestions",
    "nav.activities": "Mes activités",
    "nav.inbox": "Boîte de réception",
    "nav.preferences": "Notifications",
    "nav.sign_out": "Se déconnecter",
    "nav.sign_in": "Se connecter",
    "nav.skip": "Aller au contenu",
    "nav.language": "Langue",
    "footer.about": (
        "SocialErasmus est le programme de bénévolat de l'Erasmus Student Network (ESN) pour "
        "les étudiants internationaux."
    ),
    "footer.coordinators": "Coordinateurs de section",
    "time.shown_in": "Les heures sont indiquées en {zone}.",
    "sign_in.title": "Se connecter",
    "sign_in.intro": (
        "Nous vous envoyons un lien de connexion par e-mail\u00a0: pas de mot de passe."
    ),
    "sign_in.who": "Votre adresse e-mail ou identifiant étudiant ESN",
    "sign_in.who_hint": (
        "L'adresse de vos réglages de notification, ou votre identifiant tel que votre "
        "plateforme ESN l'affiche (par exemple demo-student)."
    ),
    "sign_in.sent.text": (
        "Si nous connaissons cette adresse ou cet identifiant, un lien de connexion part vers "
        "l'adresse e-mail de vos réglages de notification. Il fonctionne une seule fois, "
        "pendant {minutes}\u00a0minutes."
    ),
    "sign_in.used": (
        "Ce lien de connexion a déjà servi\u00a0: chaque lien connecte une fois. Demandez-en un "
        "nouveau ci-dessous."
    ),
    "sign_in.missing_id": "Saisissez votre adresse e-mail ou votre identifiant étudiant.",
    "sign_in.bad_address": "Ce n'est pas une adresse e-mail\u00a0: vérifiez-la.",
    "sign_in.bad_id": (
        "Ce n'est pas un identifiant étudiant\u00a0: vérifiez-le, ou saisissez votre adresse "
        "e-mail."
    ),
    "sign_in.submit": "M'envoyer un lien de connexion",
    "sign_in.sent.title": "Consultez vos e-mails",
    "sign_in.invalid": "Ce lien a expiré ou n'est pas valide. Demandez-en un nouveau ci-dessous.",
    "sign_in.required": "Connectez-vous pour voir cette page.",
    "sign_in.signed_out": "Vous êtes déconnecté.",
    "suggestions.title": "Suggéré pour vous",
    "suggestions.intro": (
        "Des activités de bénévolat choisies selon vos intérêts, vos langues et votre temps."
    ),
    "suggestions.empty": (
        "Aucune suggestion pour l'instant. Vérifiez votre profil sur votre plateforme ESN ou "
        "revenez bientôt."
    ),
    "suggestions.diversified": "Classées pour montrer des causes variées.",
    "suggestions.why": "Pourquoi nous la suggérons",
    "suggestions.no_profile": (
        "Nous n'avons pas encore votre profil de bénévole\u00a0: créez-le sur votre plateforme "
        "ESN pour recevoir des suggestions."
    ),
    "activity.when": "Quand",
    "activity.where": "Où",
    "activity.causes": "Causes",
    "activity.sdgs": "Objectifs de développement durable",
    "activity.languages": "Langues de travail",
    "activity.organiser": "Organisé par",
    "activity.local_time": "Heure locale",
    "activity.goal": "Objectif",
    "activity.accessibility": "Accessibilité",
    "activity.online": "En ligne",
    "activity.seats_left.one": "Plus que {count} place",
    "activity.seats_left.other": "Plus que {count} places",
    "activity.full": "Complet\u00a0: liste d'attente ouverte",
    "activity.cancelled": "Cette activité a été annulée.",
    "activity.cancellation_reason": "Motif donné par les organisateurs\u00a0: {reason}",
    "activity.completed": "Cette activité a eu lieu.",
    "activity.details": "Détails",
    "activity.not_found": "Cette activité n'existe pas ou n'est pas publiée.",
    "action.enrol": "M'inscrire",
    "action.join_waitlist": "Rejoindre la liste d'attente",
    "action.cancel": "Annuler ma place",
    "action.ics": "Ajouter à mon agenda (.ics)",
    "action.sign_in_to_enrol": "Connectez-vous pour vous inscrire",
    "status.confirmed": "Votre place est confirmée",
    "status.waitlisted": "Sur liste d'attente, position {position}",
    "status.activity_cancelled": "Annulée par les organisateurs",
    "status.completed": "A eu lieu",
    "flash.confirmed": "C'est fait\u00a0! Votre place est confirmée.",
    "flash.waitlisted": (
        "L'activité est complète\u00a0: vous êtes sur liste d'attente, position {position}."
    ),
    "flash.already": "Vous étiez déjà inscrit à cette activité.",
    "flash.cancelled": "Votre place est annulée. Merci de laisser la place à quelqu'un d'autre.",
    "flash.promoted_note": "Une personne de la liste d'attente a obtenu votre place.",
    "flash.refused": "Cela n'a pas marché\u00a0: {reason}",
    "activities.title": "Mes activités",
    "activities.empty": "Vous ne vous êtes encore inscrit à aucune activité.",
    "activities.upcoming": "À venir",
    "activities.past": "Passées",
    "calendar.title": "Votre agenda",
    "calendar.text": (
        "Abonnez-vous depuis votre application d'agenda pour y voir vos activités\u00a0: les "
        "changements et annulations suivent tout seuls."
    ),
    "calendar.subscribe": "M'abonner à mon agenda",
    "calendar.address": "Ou copiez cette adresse dans votre application d'agenda",
    "calendar.name": "SocialErasmus\u00a0: mes activités",
    "calendar.private": "Cette adresse est personnelle\u00a0: qui l'a peut voir vos activités.",
    "inbox.title": "Boîte de réception",
    "inbox.empty": "Rien ici pour l'instant.",
    "inbox.new": "Nouveau",
    "inbox.mark_read": "Tout marquer comme lu",
    "inbox.live": "Les nouveaux messages apparaissent ici dès leur arrivée.",
    "inbox.open_activity": "Voir l'activité",
    "inbox.arrived": "Un nouveau message est arrivé.",
    "prefs.title": "Réglages des notifications",
    "prefs.intro": "Choisissez comment SocialErasmus vous informe des activités.",
    "prefs.channels": "Où arrivent les messages",
    "prefs.email": "Adresse e-mail",
    "prefs.display_name": "Votre prénom (les e-mails vous saluent ainsi)",
    "prefs.display_name_hint": "Laissez vide pour être salué sans nom.",
    "prefs.in_app": "Dans la boîte de réception de cette application",
    "prefs.language": "Langue",
    "prefs.time_zone": "Fuseau horaire",
    "prefs.time_zone_hint": "Comme Europe/Paris. Les dates et les heures de silence le suivent.",
    "prefs.frequency": "À quelle fréquence arrivent les suggestions",
    "prefs.frequency.1": "Dès qu'il y en a",
    "prefs.frequency.2": "Une fois par jour, en résumé",
    "prefs.frequency.3": "Une fois par semaine, en résumé",
    "prefs.quiet": "Heures de silence (rien n'est envoyé)",
    "prefs.quiet_from": "De",
    "prefs.quiet_to": "À",
    "prefs.budget": "Suggestions par semaine, au plus",
    "prefs.muted": "Causes dont je ne veux pas de suggestions",
    "prefs.suggestions": "M'envoyer des suggestions d'activités",
    "prefs.transactional": (
        "Les messages sur les activités auxquelles vous êtes inscrit arrivent toujours."
    ),
    "prefs.save": "Enregistrer mes réglages",
    "prefs.saved": "Vos réglages sont enregistrés.",
    "unsubscribe.title": "Se désabonner des suggestions",
    "unsubscribe.text": (
        "Vous ne recevrez plus de suggestions ni de résumés. Les messages sur les activités "
        "auxquelles vous êtes inscrit continuent d'arriver."
    ),
    "unsubscribe.submit": "Me désabonner",
    "unsubscribe.done": "Vous êtes désabonné des suggestions.",
    "unsubscribe.manage": "Vous avez changé d'avis\u00a0? Gérez vos réglages de notification.",
    "unsubscribe.invalid": "Ce lien de désabonnement n'est pas valide ou a expiré.",
    "error.title": "Un problème est survenu",
    "error.not_found": "Cette page n'existe pas.",
    "error.unavailable": "Le service est occupé ou indisponible un instant. Réessayez bientôt.",
    "error.forbidden": "Vous ne pouvez pas faire cela.",
    "error.csrf": "Ce formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.",
    "error.back": "Retour à l'accueil",
    "cause.1": "Culture",
    "cause.2": "Éducation et jeunesse",
    "cause.3": "Durabilité environnementale",
    "cause.4": "Santé et bien-être",
    "cause.5": "Compétences et employabilité",
    "cause.6": "Inclusion sociale",
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
