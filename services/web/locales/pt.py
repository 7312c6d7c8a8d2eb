"""Portuguese."""

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "Deixa a tua marca!",
    "nav.label": "Principal",
    "nav.suggestions": "Sugestões",
    "nav.activities": "As minhas atividades",
    "nav.inbox": "Caixa de entrada",
    "nav.preferences": "Notificações",
    "nav.sign_out": "Terminar sessão",
    "nav.sign_in": "Entrar",
    "nav.skip": "Saltar para o conteúdo",
    "nav.language": "Idioma",
    "footer.about": (
        "O SocialErasmus é o programa de voluntariado da Erasmus Student Network (ESN) para "
        "estudantes internacionais."
    ),
    "footer.coordinators": "Coordenadores de secção",
    "time.shown_in": "As horas são mostradas em {zone}.",
    "sign_in.title": "Entrar",
    "sign_in.intro": "Enviamos-te por e-mail um link para entrar: sem palavra-passe.",
    "sign_in.who": "O teu endereço de e-mail ou ID de estudante ESN",
    "sign_in.who_hint": (
        "O endereço das tuas definições de notificações, ou o teu ID como a tua plataforma ESN "
        "o mostra (por exemplo demo-student)."
    ),
    "sign_in.sent.text": (
        "Se conhecermos este endereço ou ID, um link de acesso está a caminho do endereço de "
        "e-mail das tuas definições de notificações. Funciona uma só vez, durante {minutes} "
        "minutos."
    ),
    "sign_in.used": (
        "Este link de acesso já foi usado: cada link serve para entrar uma vez. Pede um novo "
        "aqui em baixo."
    ),
    "sign_in.missing_id": "Escreve o teu endereço de e-mail ou ID de estudante.",
    "sign_in.bad_address": "Isto não é um endereço de e-mail: verifica-o.",
    "sign_in.bad_id": (
        "Isto não é um ID de estudante: verifica-o, ou escreve o teu endereço de e-mail."
    ),
    "sign_in.submit": "Enviar-me um link de acesso",
    "sign_in.sent.title": "Vê o teu e-mail",
    "sign_in.invalid": "Este link expirou ou não é válido. Pede um novo aqui em baixo.",
    "sign_in.required": "Entra para veres esta página.",
    "sign_in.signed_out": "Terminaste a sessão.",
    "suggestions.title": "Sugestões para ti",
    "suggestions.intro": (
        "Atividades de voluntariado escolhidas pelos teus interesses, idiomas e horário."
    ),
    "suggestions.empty": (
        "Sem sugestões de momento. Revê o teu perfil na tua plataforma ESN ou volta em breve."
    ),
    "suggestions.diversified": "Ordenadas para mostrar causas variadas.",
    "suggestions.why": "Porque a sugerimos",
    "suggestions.no_profile": (
        "Ainda não temos o teu perfil de voluntário: cria-o na tua plataforma ESN para "
        "receberes sugestões."
    ),
    "activity.when": "Quando",
    "activity.where": "Onde",
    "activity.causes": "Causas",
    "activity.sdgs": "Objetivos de Desenvolvimento Sustentável",
    "activity.languages": "Idiomas de trabalho",
    "activity.organiser": "Organizado por",
    "activity.local_time": "Hora local",
    "activity.goal": "Objetivo",
    "activity.accessibility": "Acessibilidade",
    "activity.online": "Online",
    "activity.seats_left.one": "Resta {count} vaga",
    "activity.seats_left.other": "Restam {count} vagas",
    "activity.full": "Esgotada: lista de espera aberta",
    "activity.cancelled": "Esta atividade foi cancelada.",
    "activity.cancellation_reason": "Motivo indicado pelos organizadores: {reason}",
    "activity.completed": "Esta atividade já se realizou.",
    "activity.details": "Detalhes",
    "activity.not_found": "Esta atividade não existe ou não está publicada.",
    "action.enrol": "Inscrever-me",
    "action.join_waitlist": "Entrar na lista de espera",
    "action.cancel": "Cancelar a minha vaga",
    "action.ics": "Adicionar ao meu calendário (.ics)",
    "action.sign_in_to_enrol": "Entra para te inscreveres",
    "status.confirmed": "A tua vaga está confirmada",
    "status.waitlisted": "Na lista de espera, posição {position}",
    "status.activity_cancelled": "Cancelada pelos organizadores",
    "status.completed": "Realizada",
    "flash.confirmed": "Estás dentro! A tua vaga está confirmada.",
    "flash.waitlisted": "A atividade está esgotada: estás na lista de espera, posição {position}.",
    "flash.already": "Já estavas inscrito nesta atividade.",
    "flash.cancelled": "A tua vaga está cancelada. Obrigado por dares lugar a outra pessoa.",
    "flash.promoted_note": "Alguém da lista de espera ficou com a tua vaga.",
    "flash.refused": "Não funcionou: {reason}",
    "activities.title": "As minhas atividades",
    "activities.empty": "Ainda não te inscreveste em nenhuma atividade.",
    "activities.upcoming": "Próximas",
    "activities.past": "Anteriores",
    "calendar.title": "O teu calendário",
    "calendar.text": (
        "Subscreve na tua aplicação de calendário para veres lá as tuas atividades: as "
        "alterações e os cancelamentos chegam sozinhos."
    ),
    "calendar.subscribe": "Subscrever o meu calendário",
    "calendar.address": "Ou copia este endereço para a tua aplicação de calendário",
    "calendar.name": "SocialErasmus: as minhas atividades",
    "calendar.private": "Este endereço é pessoal: quem o tiver pode ver as tuas atividades.",
    "inbox.title": "Caixa de entrada",
    "inbox.empty": "Ainda não há nada aqui.",
    "inbox.new": "Nova",
    "inbox.mark_read": "Marcar tudo como lido",
    "inbox.live": "As mensagens novas aparecem aqui assim que chegam.",
    "inbox.open_activity": "Ver a atividade",
    "inbox.arrived": "Chegou uma mensagem nova.",
    "prefs.title": "Definições de notificações",
    "prefs.intro": "Escolhe como o SocialErasmus te informa sobre atividades.",
    "prefs.channels": "Para onde vão as mensagens",
    "prefs.email": "Endereço de e-mail",
    "prefs.display_name": "O teu nome (os e-mails cumprimentam-te com ele)",
    "prefs.display_name_hint": "Deixa vazio para uma saudação sem nome.",
    "prefs.in_app": "Para a caixa de entrada desta aplicação",
    "prefs.language": "Idioma",
    "prefs.time_zone": "Fuso horário",
    "prefs.time_zone_hint": "Como Europe/Lisbon. As datas e as horas de silêncio seguem-no.",
    "prefs.frequency": "Com que frequência chegam as sugestões",
    "prefs.frequency.1": "Assim que houver",
    "prefs.frequency.2": "Uma vez por dia, num resumo",
    "prefs.frequency.3": "Uma vez por semana, num resumo",
    "prefs.quiet": "Horas de silêncio (nada é enviado)",
    "prefs.quiet_from": "Das",
    "prefs.quiet_to": "Às",
    "prefs.budget": "Sugestões por semana, no máximo",
    "prefs.muted": "Causas sobre as quais não quero sugestões",
    "prefs.suggestions": "Enviar-me sugestões de atividades",
    "prefs.transactional": "As mensagens sobre atividades em que te inscreveste chegam sempre.",
    "prefs.save": "Guardar as minhas definições",
    "prefs.saved": "As tuas definições estão guardadas.",
    "unsubscribe.title": "Deixar de receber sugestões",
    "unsubscribe.text": (
        "Deixarás de receber sugestões e resumos. As mensagens sobre atividades em que te "
        "inscreveste continuam a chegar."
    ),
    "unsubscribe.submit": "Cancelar a subscrição",
    "unsubscribe.done": "Deixaste de receber sugestões.",
    "unsubscribe.manage": "Mudaste de ideias? Gere as tuas definições de notificações.",
    "unsubscribe.invalid": "Este link não é válido ou expirou.",
    "error.title": "Algo correu mal",
    "error.not_found": "Esta página não existe.",
    "error.unavailable": (
        "O serviço está ocupado ou em baixo por um momento. Tenta de novo em breve."
    ),
    "error.forbidden": "Não podes fazer isto.",
    "error.csrf": "Este formulário expirou. Volta atrás, recarrega a página e tenta de novo.",
    "error.back": "Voltar ao início",
    "cause.1": "Cultura",
    "cause.2": "Educação e juventude",
    "cause.3": "Sustentabilidade ambiental",
    "cause.4": "Saúde e bem-estar",
    "cause.5": "Competências e empregabilidade",
    "cause.6": "Inclusão social",
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
