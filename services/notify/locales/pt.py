"""Portuguese (European, informal "tu", as ESN Portugal writes; also serves pt-BR)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_zero_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "Olá!",
    "greeting.named": "Olá, {name}!",
    "signoff": "Até breve,",
    "team": "A equipa SocialErasmus da ESN",
    "label.when": "Quando",
    "label.where": "Onde",
    "label.causes": "Causas",
    "label.online": "Online",
    "label.local_time": "Hora local",
    "label.why_suggested": "Porque te sugerimos esta atividade",
    "label.reason": "Motivo indicado pela organização",
    "label.changed": "O que mudou",
    "label.view_activity": "Ver a atividade",
    "footer.why.suggestion": (
        "Recebes esta mensagem porque pediste ao SocialErasmus que te sugerisse atividades "
        "de voluntariado de acordo com os teus interesses."
    ),
    "footer.why.digest": (
        "Recebes esta mensagem porque escolheste receber as tuas sugestões do SocialErasmus "
        "num resumo periódico."
    ),
    "footer.why.activity": (
        "Recebes esta mensagem porque te inscreveste nesta atividade SocialErasmus."
    ),
    "footer.why.sign_in": (
        "Recebes esta mensagem porque foi pedido um link de acesso com o teu endereço."
    ),
    "sign_in.subject": "O teu link de acesso ao SocialErasmus",
    "sign_in.heading": "Entra no SocialErasmus",
    "sign_in.text": (
        "Usa o botão abaixo para entrar no SocialErasmus. O link funciona uma só vez, durante "
        "{minutes} minutos, e só para ti: não o reencaminhes."
    ),
    "sign_in.cta": "Entrar no SocialErasmus",
    "sign_in.ignore": (
        "Se não pediste para entrar, podes ignorar esta mensagem: ninguém entra sem ela."
    ),
    "footer.unsubscribe": "Cancelar a subscrição",
    "footer.manage": "Gerir as tuas notificações",
    "footer.transactional": (
        "As mensagens sobre as atividades em que te inscreveste chegam mesmo que tenhas "
        "cancelado a subscrição das sugestões."
    ),
    "footer.about": (
        "O SocialErasmus é o programa de voluntariado da Erasmus Student Network (ESN) para "
        "estudantes internacionais."
    ),
    "cause.1": "Cultura",
    "cause.2": "Educação e juventude",
    "cause.3": "Sustentabilidade ambiental",
    "cause.4": "Saúde e bem-estar",
    "cause.5": "Competências e empregabilidade",
    "cause.6": "Inclusão social",
    "field.title": "Título",
    "field.description": "Descrição",
    "field.goal": "Finalidade",
    "field.type": "Tipo de atividade",
    "field.causes": "Causas",
    "field.sdgs": "Objetivos de Desenvolvimento Sustentável",
    "field.objectives": "Objetivos",
    "field.section_id": "Secção organizadora",
    "field.co_organiser_section_ids": "Coorganizadores",
    "field.starts_at": "Início",
    "field.ends_at": "Fim",
    "field.time_zone": "Fuso horário",
    "field.location": "Local",
    "field.capacity": "Número de lugares",
    "field.languages": "Línguas de trabalho",
    "field.skills_wanted": "Competências procuradas",
    "field.accessibility_notes": "Acessibilidade",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Uma atividade de voluntariado para ti: {title}",
    "suggestion.heading": "Encontrámos uma atividade para ti",
    "suggestion.intro": (
        "Esta atividade SocialErasmus corresponde aos teus interesses. Participa e faz a "
        "diferença na tua comunidade de acolhimento!"
    ),
    "suggestion.cta": "Ver a atividade e inscrever-me",
    "digest.subject.one": "O teu resumo SocialErasmus: {count} atividade para ti",
    "digest.subject.other": "O teu resumo SocialErasmus: {count} atividades para ti",
    "digest.heading": "As tuas sugestões SocialErasmus",
    "digest.intro.one": (
        "Aqui tens uma atividade de voluntariado que corresponde aos teus interesses."
    ),
    "digest.intro.other": (
        "Aqui tens {count} atividades de voluntariado que correspondem aos teus interesses."
    ),
    "enrolment_confirmed.subject": "O teu lugar está confirmado: {title}",
    "enrolment_confirmed.heading": "O teu lugar está confirmado",
    "enrolment_confirmed.intro": (
        "Obrigado por fazeres voluntariado! O teu lugar nesta atividade SocialErasmus está "
        "confirmado."
    ),
    "enrolment_confirmed.hint": (
        "Se já não puderes participar, cancela a tua inscrição para que alguém da lista de "
        "espera possa ficar com o teu lugar."
    ),
    "enrolment_confirmed.cta": "Ver a tua atividade",
    "enrolment_waitlisted.subject": "Estás na lista de espera: {title}",
    "enrolment_waitlisted.heading": "Estás na lista de espera",
    "enrolment_waitlisted.intro": (
        "De momento, esta atividade está esgotada, por isso colocámos-te na lista de espera."
    ),
    "enrolment_waitlisted.position": "A tua posição na lista de espera: {position}",
    "enrolment_waitlisted.hint": (
        "Se vagar um lugar, sobes automaticamente e avisamos-te de imediato."
    ),
    "enrolment_waitlisted.cta": "Ver a atividade",
    "enrolment_promoted.subject": "Abriu uma vaga para ti: {title}",
    "enrolment_promoted.heading": "Boas notícias: tens lugar!",
    "enrolment_promoted.intro": (
        "Vagou um lugar e saíste da lista de espera. O teu lugar nesta atividade está agora "
        "confirmado."
    ),
    "enrolment_promoted.hint": (
        "Se já não puderes participar, cancela a tua inscrição para que a próxima pessoa da "
        "lista de espera possa ficar com o teu lugar."
    ),
    "enrolment_promoted.cta": "Ver a tua atividade",
    "reminder.subject": "Lembrete: {title}",
    "reminder.heading": "Até breve!",
    "reminder.intro": "Só para lembrar: a tua atividade SocialErasmus está quase a começar.",
    "reminder.hint": (
        "Afinal não podes ir? Cancela a tua inscrição para que outra pessoa possa ficar com "
        "o teu lugar."
    ),
    "reminder.cta": "Ver os detalhes",
    "activity_cancelled.subject": "Cancelada: {title}",
    "activity_cancelled.heading": "Esta atividade foi cancelada",
    "activity_cancelled.intro": "Lamentamos: a secção ESN organizadora cancelou esta atividade.",
    "activity_cancelled.hint": (
        "Não precisas de fazer nada. Há muitas outras atividades SocialErasmus à tua espera!"
    ),
    "activity_cancelled.cta": "Ver os detalhes",
    "activity_changed.subject": "Alterações em {title}",
    "activity_changed.heading": "Esta atividade foi alterada",
    "activity_changed.intro": (
        "A organização atualizou uma atividade em que te inscreveste. Confirma os detalhes abaixo."
    ),
    "activity_changed.hint": (
        "Se os novos detalhes já não te convierem, cancela a tua inscrição para que outra "
        "pessoa possa ficar com o teu lugar."
    ),
    "activity_changed.cta": "Ver a atividade",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, como pediste",
    "reason.motivation": "próxima da tua motivação",
    "reason.skills": "corresponde às tuas competências: {skills}",
    "reason.distance": "a {distance} km",
    "reason.online": "online",
    "reason.seats_left.one": "resta {count} vaga",
    "reason.seats_left.other": "restam {count} vagas",
    "reason.full": "esgotada, lista de espera aberta",
    "reason.departure": "uma das tuas últimas oportunidades antes de partires",
    "reason.similar_students": "estudantes como tu inscreveram-se",
    "fact.languages": "em {languages}",
    "fact.start": "{weekday} às {time}",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "árabe",
    "az": "azeri",
    "bg": "búlgaro",
    "bs": "bósnio",
    "ca": "catalão",
    "cs": "checo",
    "cy": "galês",
    "da": "dinamarquês",
    "de": "alemão",
    "el": "grego",
    "en": "inglês",
    "es": "espanhol",
    "et": "estónio",
    "eu": "basco",
    "fi": "finlandês",
    "fr": "francês",
    "ga": "irlandês",
    "gl": "galego",
    "hr": "croata",
    "hu": "húngaro",
    "hy": "arménio",
    "is": "islandês",
    "it": "italiano",
    "ka": "georgiano",
    "kk": "cazaque",
    "lb": "luxemburguês",
    "lt": "lituano",
    "lv": "letão",
    "mk": "macedónio",
    "mt": "maltês",
    "nl": "neerlandês",
    "no": "norueguês",
    "pl": "polaco",
    "pt": "português",
    "ro": "romeno",
    "ru": "russo",
    "sk": "eslovaco",
    "sl": "esloveno",
    "sq": "albanês",
    "sr": "sérvio",
    "sv": "sueco",
    "tr": "turco",
    "uk": "ucraniano",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

CATALOGUE: Final = Catalogue(
    code="pt",
    phrases=PHRASES,
    weekdays=(
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ),
    months=(
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    plural=plural_zero_one_other,
    date_format="{weekday}, {day} de {month}",
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("e"),
)
