"""Turkish (informal "sen", as student organisations write; nouns after numbers stay singular)."""

# Turkish is written with the dotless i (U+0131), which ruff flags as a look-alike of "i".
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Final

from services.notify.locales import Catalogue, joined_with, plural_one_other

PHRASES: Final[dict[str, str]] = {
    "colon": ": ",
    "greeting": "Merhaba,",
    "greeting.named": "Merhaba {name},",
    "signoff": "Sevgiler,",
    "team": "ESN SocialErasmus ekibi",
    "label.when": "Ne zaman",
    "label.where": "Nerede",
    "label.causes": "Alanlar",
    "label.online": "Çevrim içi",
    "label.local_time": "Yerel saat",
    "label.why_suggested": "Neden öneriyoruz",
    "label.reason": "Düzenleyicilerin belirttiği neden",
    "label.changed": "Neler değişti",
    "label.view_activity": "Etkinliği gör",
    "footer.why.suggestion": (
        "Bu mesajı, SocialErasmus'tan ilgi alanlarına uygun gönüllülük etkinlikleri "
        "önermesini istediğin için alıyorsun."
    ),
    "footer.why.digest": (
        "Bu mesajı, SocialErasmus önerilerini düzenli bir özet olarak almayı seçtiğin için "
        "alıyorsun."
    ),
    "footer.why.activity": "Bu mesajı, bu SocialErasmus etkinliğine kaydolduğun için alıyorsun.",
    "footer.why.sign_in": "Bu mesajı, adresinle bir giriş bağlantısı istendiği için alıyorsun.",
    "sign_in.subject": "SocialErasmus giriş bağlantın",
    "sign_in.heading": "SocialErasmus'a giriş yap",
    "sign_in.text": (
        "SocialErasmus'a giriş yapmak için aşağıdaki düğmeyi kullan. Bağlantı bir kez, "
        "{minutes} dakika boyunca ve yalnızca senin için geçerlidir: kimseye iletme."
    ),
    "sign_in.cta": "SocialErasmus'a giriş yap",
    "sign_in.ignore": (
        "Giriş yapmak istemediysen bu mesajı yok sayabilirsin: o olmadan kimse giriş yapamaz."
    ),
    "footer.unsubscribe": "Abonelikten çık",
    "footer.manage": "Bildirim ayarlarını yönet",
    "footer.transactional": (
        "Kaydolduğun etkinliklerle ilgili mesajlar, önerilerin aboneliğinden çıkmış olsan da gelir."
    ),
    "footer.about": (
        "SocialErasmus, Erasmus Student Network'ün (ESN) uluslararası öğrenciler için "
        "gönüllülük programıdır."
    ),
    "cause.1": "Kültür",
    "cause.2": "Eğitim ve Gençlik",
    "cause.3": "Çevresel Sürdürülebilirlik",
    "cause.4": "Sağlık ve İyi Oluş",
    "cause.5": "Beceriler ve İstihdam Edilebilirlik",
    "cause.6": "Sosyal İçerme",
    "field.title": "Başlık",
    "field.description": "Açıklama",
    "field.goal": "Amaç",
    "field.type": "Etkinlik türü",
    "field.causes": "Alanlar",
    "field.sdgs": "Sürdürülebilir Kalkınma Amaçları",
    "field.objectives": "Hedefler",
    "field.section_id": "Düzenleyen şube",
    "field.co_organiser_section_ids": "Ortak düzenleyiciler",
    "field.starts_at": "Başlangıç",
    "field.ends_at": "Bitiş",
    "field.time_zone": "Saat dilimi",
    "field.location": "Yer",
    "field.capacity": "Kontenjan",
    "field.languages": "Çalışma dilleri",
    "field.skills_wanted": "Aranan beceriler",
    "field.accessibility_notes": "Erişilebilirlik",
    "field.week_edition": "SocialErasmus Week",
    "suggestion.subject": "Sana uygun bir gönüllülük etkinliği: {title}",
    "suggestion.heading": "Senin için bir etkinlik bulduk",
    "suggestion.intro": (
        "Bu SocialErasmus etkinliği ilgi alanlarınla örtüşüyor. Katıl ve yaşadığın şehirde "
        "fark yarat!"
    ),
    "suggestion.cta": "Etkinliği gör ve kaydol",
    "digest.subject.one": "SocialErasmus özetin: senin için {count} etkinlik",
    "digest.subject.other": "SocialErasmus özetin: senin için {count} etkinlik",
    "digest.heading": "SocialErasmus önerilerin",
    "digest.intro.one": "İlgi alanlarına uygun bir gönüllülük etkinliği seni bekliyor.",
    "digest.intro.other": "İlgi alanlarına uygun {count} gönüllülük etkinliği seni bekliyor.",
    "enrolment_confirmed.subject": "Yerin onaylandı: {title}",
    "enrolment_confirmed.heading": "Yerin onaylandı",
    "enrolment_confirmed.intro": (
        "Gönüllü olduğun için teşekkürler! Bu SocialErasmus etkinliğindeki yerin onaylandı."
    ),
    "enrolment_confirmed.hint": (
        "Katılamayacak olursan lütfen kaydını iptal et; böylece bekleme listesindeki biri "
        "yerini alabilir."
    ),
    "enrolment_confirmed.cta": "Etkinliğini gör",
    "enrolment_waitlisted.subject": "Bekleme listesindesin: {title}",
    "enrolment_waitlisted.heading": "Bekleme listesindesin",
    "enrolment_waitlisted.intro": (
        "Bu etkinlik şu anda dolu, bu yüzden seni bekleme listesine ekledik."
    ),
    "enrolment_waitlisted.position": "Bekleme listesindeki sıran: {position}",
    "enrolment_waitlisted.hint": (
        "Bir yer boşalırsa listede otomatik olarak ilerlersin ve sana hemen haber veririz."
    ),
    "enrolment_waitlisted.cta": "Etkinliği gör",
    "enrolment_promoted.subject": "Senin için bir yer açıldı: {title}",
    "enrolment_promoted.heading": "Müjde: katılıyorsun!",
    "enrolment_promoted.intro": (
        "Bir yer boşaldı ve bekleme listesinden çıktın. Bu etkinlikteki yerin artık onaylandı."
    ),
    "enrolment_promoted.hint": (
        "Katılamayacak olursan lütfen kaydını iptal et; böylece bekleme listesindeki "
        "sıradaki kişi yerini alabilir."
    ),
    "enrolment_promoted.cta": "Etkinliğini gör",
    "reminder.subject": "Hatırlatma: {title}",
    "reminder.heading": "Yakında görüşürüz!",
    "reminder.intro": "Küçük bir hatırlatma: SocialErasmus etkinliğin yaklaşıyor.",
    "reminder.hint": (
        "Gelemeyecek misin? Lütfen kaydını iptal et; böylece başka biri yerini alabilir."
    ),
    "reminder.cta": "Ayrıntıları gör",
    "activity_cancelled.subject": "İptal edildi: {title}",
    "activity_cancelled.heading": "Bu etkinlik iptal edildi",
    "activity_cancelled.intro": (
        "Üzgünüz: etkinliği düzenleyen ESN şubesi bu etkinliği iptal etti."
    ),
    "activity_cancelled.hint": (
        "Senin bir şey yapmana gerek yok. Seni bekleyen birçok başka SocialErasmus etkinliği var!"
    ),
    "activity_cancelled.cta": "Ayrıntıları gör",
    "activity_changed.subject": "Etkinlikte değişiklik: {title}",
    "activity_changed.heading": "Bu etkinlikte değişiklik var",
    "activity_changed.intro": (
        "Düzenleyiciler kaydolduğun bir etkinliği güncelledi. Lütfen aşağıdaki ayrıntıları "
        "kontrol et."
    ),
    "activity_changed.hint": (
        "Yeni ayrıntılar sana uymuyorsa lütfen kaydını iptal et; böylece başka biri yerini "
        "alabilir."
    ),
    "activity_changed.cta": "Etkinliği gör",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, ilgi alanlarına uygun",
    "reason.motivation": "motivasyonuna uygun",
    "reason.skills": "becerilerine uygun: {skills}",
    "reason.distance": "{distance} km uzaklıkta",
    "reason.online": "çevrim içi",
    "reason.seats_left.one": "yalnızca {count} yer kaldı",
    "reason.seats_left.other": "yalnızca {count} yer kaldı",
    "reason.full": "dolu, bekleme listesi açık",
    "reason.departure": "ayrılmadan önceki son fırsatlarından biri",
    "reason.similar_students": "senin gibi öğrenciler katıldı",
    "fact.languages": "{languages}",
    "fact.start": "{weekday} {time}",
}

LANGUAGES: Final[dict[str, str]] = {
    "ar": "Arapça",
    "az": "Azerice",
    "bg": "Bulgarca",
    "bs": "Boşnakça",
    "ca": "Katalanca",
    "cs": "Çekçe",
    "cy": "Galce",
    "da": "Danca",
    "de": "Almanca",
    "el": "Yunanca",
    "en": "İngilizce",
    "es": "İspanyolca",
    "et": "Estonca",
    "eu": "Baskça",
    "fi": "Fince",
    "fr": "Fransızca",
    "ga": "İrlandaca",
    "gl": "Galiçyaca",
    "hr": "Hırvatça",
    "hu": "Macarca",
    "hy": "Ermenice",
    "is": "İzlandaca",
    "it": "İtalyanca",
    "ka": "Gürcüce",
    "kk": "Kazakça",
    "lb": "Lüksemburgca",
    "lt": "Litvanca",
    "lv": "Letonca",
    "mk": "Makedonca",
    "mt": "Maltaca",
    "nl": "Felemenkçe",
    "no": "Norveççe",
    "pl": "Lehçe",
    "pt": "Portekizce",
    "ro": "Rumence",
    "ru": "Rusça",
    "sk": "Slovakça",
    "sl": "Slovence",
    "sq": "Arnavutça",
    "sr": "Sırpça",
    "sv": "İsveççe",
    "tr": "Türkçe",
    "uk": "Ukraynaca",
}
"""Names of the working languages of ESN countries, by ISO 639-1 code."""

CATALOGUE: Final = Catalogue(
    code="tr",
    phrases=PHRASES,
    weekdays=("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"),
    months=(
        "Ocak",
        "Şubat",
        "Mart",
        "Nisan",
        "Mayıs",
        "Haziran",
        "Temmuz",
        "Ağustos",
        "Eylül",
        "Ekim",
        "Kasım",
        "Aralık",
    ),
    plural=plural_one_other,
    date_format="{day} {month} {weekday}",
    decimal_mark=",",
    languages=LANGUAGES,
    and_list=joined_with("ve"),
)
