"""Turkish."""

# Turkish is written with the dotless i (U+0131), which ruff flags as a look-alike of "i".
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Final

PHRASES: Final[dict[str, str]] = {
    "app.tagline": "İzini bırak!",
    "nav.label": "Ana menü",
    "nav.suggestions": "Öneriler",
    "nav.activities": "Etkinliklerim",
    "nav.inbox": "Gelen kutusu",
    "nav.preferences": "Bildirimler",
    "nav.sign_out": "Çıkış yap",
    "nav.sign_in": "Giriş yap",
    "nav.skip": "İçeriğe geç",
    "nav.language": "Dil",
    "footer.about": (
        "SocialErasmus, Erasmus Student Network'ün (ESN) uluslararası öğrenciler için "
        "gönüllülük programıdır."
    ),
    "footer.coordinators": "Şube koordinatörleri",
    "time.shown_in": "Saatler {zone} saatine göre gösterilir.",
    "sign_in.title": "Giriş yap",
    "sign_in.intro": "Sana giriş bağlantısını e-postayla gönderiyoruz: şifre gerekmez.",
    "sign_in.who": "E-posta adresin veya ESN öğrenci kimliğin",
    "sign_in.who_hint": (
        "Bildirim ayarlarındaki adres veya ESN platformunun gösterdiği kimliğin (örneğin "
        "demo-student)."
    ),
    "sign_in.sent.text": (
        "Bu adresi veya kimliği tanıyorsak, bildirim ayarlarındaki e-posta adresine bir giriş "
        "bağlantısı yolda. Bir kez, {minutes} dakika boyunca geçerlidir."
    ),
    "sign_in.used": (
        "Bu giriş bağlantısı zaten kullanıldı: her bağlantı bir kez giriş yaptırır. Aşağıdan "
        "yenisini iste."
    ),
    "sign_in.missing_id": "E-posta adresini veya öğrenci kimliğini yaz.",
    "sign_in.bad_address": "Bu bir e-posta adresi değil: lütfen kontrol et.",
    "sign_in.bad_id": "Bu bir öğrenci kimliği değil: kontrol et veya e-posta adresini yaz.",
    "sign_in.submit": "Bana giriş bağlantısı gönder",
    "sign_in.sent.title": "E-postanı kontrol et",
    "sign_in.invalid": "Bu bağlantının süresi dolmuş ya da geçersiz. Aşağıdan yenisini iste.",
    "sign_in.required": "Bu sayfayı görmek için giriş yap.",
    "sign_in.signed_out": "Çıkış yaptın.",
    "suggestions.title": "Sana önerilenler",
    "suggestions.intro": (
        "İlgi alanlarına, dillerine ve zamanına göre seçilmiş gönüllülük etkinlikleri."
    ),
    "suggestions.empty": (
        "Şu anda öneri yok. ESN platformundaki profilini kontrol et ya da yakında tekrar gel."
    ),
    "suggestions.diversified": "Farklı amaçları göstermek için sıralandı.",
    "suggestions.why": "Neden öneriyoruz",
    "suggestions.no_profile": (
        "Henüz gönüllü profilin yok: öneri almak için ESN platformunda bir profil oluştur."
    ),
    "activity.when": "Ne zaman",
    "activity.where": "Nerede",
    "activity.causes": "Amaçlar",
    "activity.sdgs": "Sürdürülebilir Kalkınma Amaçları",
    "activity.languages": "Çalışma dilleri",
    "activity.organiser": "Düzenleyen",
    "activity.local_time": "Yerel saat",
    "activity.goal": "Hedef",
    "activity.accessibility": "Erişilebilirlik",
    "activity.online": "Çevrim içi",
    "activity.seats_left.one": "{count} yer kaldı",
    "activity.seats_left.other": "{count} yer kaldı",
    "activity.full": "Dolu: bekleme listesi açık",
    "activity.cancelled": "Bu etkinlik iptal edildi.",
    "activity.cancellation_reason": "Düzenleyenlerin belirttiği neden: {reason}",
    "activity.completed": "Bu etkinlik gerçekleşti.",
    "activity.details": "Ayrıntılar",
    "activity.not_found": "Bu etkinlik yok ya da yayımlanmamış.",
    "action.enrol": "Kaydol",
    "action.join_waitlist": "Bekleme listesine gir",
    "action.cancel": "Yerimi iptal et",
    "action.ics": "Takvimime ekle (.ics)",
    "action.sign_in_to_enrol": "Kaydolmak için giriş yap",
    "status.confirmed": "Yerin onaylandı",
    "status.waitlisted": "Bekleme listesinde, sıra {position}",
    "status.activity_cancelled": "Düzenleyenler iptal etti",
    "status.completed": "Gerçekleşti",
    "flash.confirmed": "Harika! Yerin onaylandı.",
    "flash.waitlisted": "Etkinlik dolu: bekleme listesindesin, sıra {position}.",
    "flash.already": "Bu etkinliğe zaten kaydolmuştun.",
    "flash.cancelled": "Yerin iptal edildi. Başkasına yer açtığın için teşekkürler.",
    "flash.promoted_note": "Bekleme listesinden biri yerini aldı.",
    "flash.refused": "Olmadı: {reason}",
    "activities.title": "Etkinliklerim",
    "activities.empty": "Henüz hiçbir etkinliğe kaydolmadın.",
    "activities.upcoming": "Yaklaşan",
    "activities.past": "Geçmiş",
    "calendar.title": "Takvimin",
    "calendar.text": (
        "Etkinliklerini takvim uygulamanda görmek için abone ol: değişiklikler ve iptaller "
        "kendiliğinden gelir."
    ),
    "calendar.subscribe": "Takvimime abone ol",
    "calendar.address": "Ya da bu adresi takvim uygulamana kopyala",
    "calendar.name": "SocialErasmus: etkinliklerim",
    "calendar.private": "Bu adres kişiseldir: ona sahip olan herkes etkinliklerini görebilir.",
    "inbox.title": "Gelen kutusu",
    "inbox.empty": "Henüz burada bir şey yok.",
    "inbox.new": "Yeni",
    "inbox.mark_read": "Tümünü okundu işaretle",
    "inbox.live": "Yeni mesajlar gelir gelmez burada görünür.",
    "inbox.open_activity": "Etkinliği gör",
    "inbox.arrived": "Yeni bir mesaj geldi.",
    "prefs.title": "Bildirim ayarları",
    "prefs.intro": "SocialErasmus'un seni etkinlikler hakkında nasıl bilgilendireceğini seç.",
    "prefs.channels": "Mesajların gideceği yer",
    "prefs.email": "E-posta adresi",
    "prefs.display_name": "Adın (e-postalar seni bununla selamlar)",
    "prefs.display_name_hint": "İsimsiz bir selam için boş bırak.",
    "prefs.in_app": "Bu uygulamanın gelen kutusuna",
    "prefs.language": "Dil",
    "prefs.time_zone": "Saat dilimi",
    "prefs.time_zone_hint": "Örneğin Europe/Istanbul. Tarihler ve sessiz saatler buna göre olur.",
    "prefs.frequency": "Öneriler ne sıklıkla gelsin",
    "prefs.frequency.1": "Hemen",
    "prefs.frequency.2": "Günde bir kez, özet olarak",
    "prefs.frequency.3": "Haftada bir kez, özet olarak",
    "prefs.quiet": "Sessiz saatler (hiçbir şey gönderilmez)",
    "prefs.quiet_from": "Başlangıç",
    "prefs.quiet_to": "Bitiş",
    "prefs.budget": "Haftada en fazla öneri",
    "prefs.muted": "Öneri istemediğim amaçlar",
    "prefs.suggestions": "Bana etkinlik önerileri gönder",
    "prefs.transactional": "Kaydolduğun etkinliklerle ilgili mesajlar her zaman gelir.",
    "prefs.save": "Ayarlarımı kaydet",
    "prefs.saved": "Ayarların kaydedildi.",
    "unsubscribe.title": "Önerilerden çık",
    "unsubscribe.text": (
        "Artık öneri ve özet almayacaksın. Kaydolduğun etkinliklerle ilgili mesajlar gelmeye "
        "devam eder."
    ),
    "unsubscribe.submit": "Abonelikten çık",
    "unsubscribe.done": "Önerilerden çıktın.",
    "unsubscribe.manage": "Fikrini mi değiştirdin? Bildirim ayarlarını yönet.",
    "unsubscribe.invalid": "Bu bağlantı geçersiz ya da süresi dolmuş.",
    "error.title": "Bir şeyler ters gitti",
    "error.not_found": "Bu sayfa yok.",
    "error.unavailable": "Hizmet şu an meşgul ya da kapalı. Birazdan tekrar dene.",
    "error.forbidden": "Bunu yapamazsın.",
    "error.csrf": "Bu formun süresi doldu. Geri dön, sayfayı yenile ve tekrar dene.",
    "error.back": "Başa dön",
    "cause.1": "Kültür",
    "cause.2": "Eğitim ve Gençlik",
    "cause.3": "Çevresel Sürdürülebilirlik",
    "cause.4": "Sağlık ve İyi Oluş",
    "cause.5": "Beceriler ve İstihdam Edilebilirlik",
    "cause.6": "Sosyal İçerme",
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
