"""Polish (direct "Ty", capitalised as in letters; no verb form needs the student's gender)."""

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_polish

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "Cześć!",
    "greeting.named": "Cześć {name}!",
    "signoff": "Pozdrawiamy",
    "team": "Zespół SocialErasmus, ESN",
    "label.when": "Kiedy",
    "label.where": "Gdzie",
    "label.causes": "Obszary działań",
    "label.online": "Online",
    "label.local_time": "Czas lokalny",
    "label.why_suggested": "Dlaczego ją proponujemy",
    "label.reason": "Powód podany przez organizatorów",
    "label.changed": "Co się zmieniło",
    "label.view_activity": "Zobacz aktywność",
    "footer.why.suggestion": (
        "Otrzymujesz tę wiadomość, ponieważ chcesz, aby SocialErasmus proponował Ci "
        "aktywności wolontariackie zgodne z Twoimi zainteresowaniami."
    ),
    "footer.why.digest": (
        "Otrzymujesz tę wiadomość, ponieważ propozycje SocialErasmus dostajesz w formie "
        "regularnego podsumowania."
    ),
    "footer.why.activity": (
        "Otrzymujesz tę wiadomość, ponieważ zapisano Cię na tę aktywność SocialErasmus."
    ),
    "footer.why.sign_in": (
        "Otrzymujesz tę wiadomość, ponieważ ktoś poprosił o link do logowania na Twój adres."
    ),
    "sign_in.subject": "Twój link do logowania w SocialErasmus",
    "sign_in.heading": "Zaloguj się w SocialErasmus",
    "sign_in.text": (
        "Użyj przycisku poniżej, aby zalogować się w SocialErasmus. Link działa raz, przez "
        "{minutes} minut, i tylko dla Ciebie: nie przekazuj go dalej."
    ),
    "sign_in.cta": "Zaloguj się w SocialErasmus",
    "sign_in.ignore": (
        "Jeśli nie prosiłeś o logowanie, zignoruj tę wiadomość: bez niej nikt się nie zaloguje."
    ),
    "footer.unsubscribe": "Zrezygnuj z tych wiadomości",
    "footer.manage": "Zarządzaj powiadomieniami",
    "footer.transactional": (
        "Wiadomości o aktywnościach, na które Cię zapisano, otrzymujesz także po rezygnacji z "
        "propozycji."
    ),
    "footer.about": (
        "SocialErasmus to program wolontariatu Erasmus Student Network (ESN) dla studentów "
        "zagranicznych."
    ),
    "cause.1": "Kultura",
    "cause.2": "Edukacja i młodzież",
    "cause.3": "Zrównoważony rozwój środowiskowy",
    "cause.4": "Zdrowie i dobre samopoczucie",
    "cause.5": "Umiejętności i zatrudnienie",
    "cause.6": "Włączenie społeczne",
    "field.title": "Tytuł",
    "field.description": "Opis",
    "field.goal": "Cel",
    "field.type": "Rodzaj aktywności",
    "field.causes": "Obszary działań",
    "field.sdgs": "Cele zrównoważonego rozwoju",
    "field.objectives": "Założenia",
    "field.section_id": "Sekcja organizująca",
    "field.co_organiser_section_ids": "Współorganizatorzy",
    "field.starts_at": "Początek",
    "field.ends_at": "Koniec",
    "field.time_zone": "Strefa czasowa",
    "field.location": "Miejsce",
    "field.capacity": "Liczba miejsc",
    "field.languages": "Języki robocze",
    "field.skills_wanted": "Poszukiwane umiejętności",
    "field.accessibility_notes": "Dostępność",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Aktywność wolontariacka dla Ciebie: {title}",
    "suggestion.heading": "Mamy dla Ciebie propozycję",
    "suggestion.intro": (
        "Ta aktywność SocialErasmus pasuje do Twoich zainteresowań. Dołącz i zrób coś "
        "dobrego dla lokalnej społeczności!"
    ),
    "suggestion.cta": "Zobacz aktywność i zapisz się",
    "digest.subject.one": "Twoje podsumowanie SocialErasmus: {count} aktywność dla Ciebie",
    "digest.subject.few": "Twoje podsumowanie SocialErasmus: {count} aktywności dla Ciebie",
    "digest.subject.many": "Twoje podsumowanie SocialErasmus: {count} aktywności dla Ciebie",
    "digest.subject.other": "Twoje podsumowanie SocialErasmus: {count} aktywności dla Ciebie",
    "digest.heading": "Twoje propozycje SocialErasmus",
    "digest.intro.one": "Oto aktywność wolontariacka zgodna z Twoimi zainteresowaniami.",
    "digest.intro.few": (
        "Oto {count} aktywności wolontariackie zgodne z Twoimi zainteresowaniami."
    ),
    "digest.intro.many": (
        "Oto {count} aktywności wolontariackich zgodnych z Twoimi zainteresowaniami."
    ),
    "digest.intro.other": (
        "Oto {count} aktywności wolontariackich zgodnych z Twoimi zainteresowaniami."
    ),
    "enrolment_confirmed.subject": "Twoje miejsce jest potwierdzone: {title}",
    "enrolment_confirmed.heading": "Twoje miejsce jest potwierdzone",
    "enrolment_confirmed.intro": (
        "Dziękujemy za zaangażowanie w wolontariat! Twoje miejsce w tej aktywności "
        "SocialErasmus jest potwierdzone."
    ),
    "enrolment_confirmed.hint": (
        "Jeśli nie możesz już wziąć udziału, anuluj zapis, aby ktoś z listy rezerwowej mógł "
        "zająć Twoje miejsce."
    ),
    "enrolment_confirmed.cta": "Zobacz swoją aktywność",
    "enrolment_waitlisted.subject": "Jesteś na liście rezerwowej: {title}",
    "enrolment_waitlisted.heading": "Jesteś na liście rezerwowej",
    "enrolment_waitlisted.intro": (
        "Wszystkie miejsca w tej aktywności są obecnie zajęte, więc wpisaliśmy Cię na listę "
        "rezerwową."
    ),
    "enrolment_waitlisted.position": "Twoje miejsce na liście rezerwowej: {position}",
    "enrolment_waitlisted.hint": (
        "Jeśli zwolni się miejsce, automatycznie przesuniesz się w kolejce, a my od razu "
        "damy Ci znać."
    ),
    "enrolment_waitlisted.cta": "Zobacz aktywność",
    "enrolment_promoted.subject": "Zwolniło się miejsce dla Ciebie: {title}",
    "enrolment_promoted.heading": "Dobra wiadomość: masz miejsce!",
    "enrolment_promoted.intro": (
        "Zwolniło się miejsce, więc Twój zapis z listy rezerwowej jest teraz potwierdzony."
    ),
    "enrolment_promoted.hint": (
        "Jeśli nie możesz już wziąć udziału, anuluj zapis, aby kolejna osoba z listy "
        "rezerwowej mogła zająć Twoje miejsce."
    ),
    "enrolment_promoted.cta": "Zobacz swoją aktywność",
    "reminder.subject": "Przypomnienie: {title}",
    "reminder.heading": "Do zobaczenia!",
    "reminder.intro": "Krótkie przypomnienie: Twoja aktywność SocialErasmus już wkrótce.",
    "reminder.hint": (
        "Jednak nie dasz rady przyjść? Anuluj zapis, aby ktoś inny mógł zająć Twoje miejsce."
    ),
    "reminder.cta": "Zobacz szczegóły",
    "activity_cancelled.subject": "Aktywność odwołana: {title}",
    "activity_cancelled.heading": "Ta aktywność została odwołana",
    "activity_cancelled.intro": "Przykro nam: organizująca sekcja ESN odwołała tę aktywność.",
    "activity_cancelled.hint": (
        "Nie musisz nic robić. Czeka na Ciebie wiele innych aktywności SocialErasmus!"
    ),
    "activity_cancelled.cta": "Zobacz szczegóły",
    "activity_changed.subject": "Zmiany w aktywności: {title}",
    "activity_changed.heading": "Ta aktywność została zmieniona",
    "activity_changed.intro": (
        "Organizatorzy zaktualizowali aktywność, na którą Cię zapisano. Sprawdź szczegóły poniżej."
    ),
    "activity_changed.hint": (
        "Jeśli nowe szczegóły Ci nie odpowiadają, anuluj zapis, aby ktoś inny mógł zająć "
        "Twoje miejsce."
    ),
    "activity_changed.cta": "Zobacz aktywność",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, zgodnie z Twoimi zainteresowaniami",
    "reason.motivation": "pasuje do Twojej motywacji",
    "reason.skills": "pasuje do Twoich umiejętności: {skills}",
    "reason.distance": "{distance} km od Ciebie",
    "reason.online": "online",
    "reason.seats_left.one": "zostało {count} wolne miejsce",
    "reason.seats_left.few": "zostały {count} wolne miejsca",
    "reason.seats_left.many": "zostało {count} wolnych miejsc",
    "reason.seats_left.other": "zostało {count} wolnych miejsc",
    "reason.full": "brak miejsc, lista rezerwowa otwarta",
    "reason.departure": "jedna z ostatnich okazji przed Twoim wyjazdem",
    "reason.similar_students": "dołączyli studenci podobni do Ciebie",
    "fact.languages": "{languages}",
    "fact.start": "{weekday}, {time}",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "po arabsku",
    "az": "po azersku",
    "bg": "po bułgarsku",
    "bs": "po bośniacku",
    "ca": "po katalońsku",
    "cs": "po czesku",
    "cy": "po walijsku",
    "da": "po duńsku",
    "de": "po niemiecku",
    "el": "po grecku",
    "en": "po angielsku",
    "es": "po hiszpańsku",
    "et": "po estońsku",
    "eu": "po baskijsku",
    "fi": "po fińsku",
    "fr": "po francusku",
    "ga": "po irlandzku",
    "gl": "po galicyjsku",
    "hr": "po chorwacku",
    "hu": "po węgiersku",
    "hy": "po ormiańsku",
    "is": "po islandzku",
    "it": "po włosku",
    "ka": "po gruzińsku",
    "kk": "po kazachsku",
    "lb": "po luksembursku",
    "lt": "po litewsku",
    "lv": "po łotewsku",
    "mk": "po macedońsku",
    "mt": "po maltańsku",
    "nl": "po niderlandzku",
    "no": "po norwesku",
    "pl": "po polsku",
    "pt": "po portugalsku",
    "ro": "po rumuńsku",
    "ru": "po rosyjsku",
    "sk": "po słowacku",
    "sl": "po słoweńsku",
    "sq": "po albańsku",
    "sr": "po serbsku",
    "sv": "po szwedzku",
    "tr": "po turecku",
    "uk": "po ukraińsku",
}
"""Languages as adverbs, as Polish says "in English": "po angielsku"."""

CATALOGUE: Final = Catalogue(
    code="pl",
    phrases=PHRASES,
    weekdays=(
        "poniedziałek",
        "wtorek",
        "środa",
        "czwartek",
        "piątek",
        "sobota",
        "niedziela",
    ),
    months=(
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ),
    plural=plural_polish,
    date_format="{weekday}, {day} {month}",
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("i"),
)
