# ruff: noqa: E501  (the notice's paragraphs are kept whole, one per line)
"""The product's own privacy notice (aydınlatma metni, KVKK Art. 10), first version.

Its texts become a `PrivacyNotice` record (a data migration seeds it, and
`services/privacy_notice.notice_current` when the table is empty); the record,
with its hash, is what a case points to. A changed text is a new version: never
edit a published one here, add the next.

It covers what Art. 10 asks: the controller and its contact, the purposes, the
recipients (the e-mail and SMS providers among them), the method and legal basis
of collection, every right of Art. 11, and how long the data is kept. The phone
script adds the notice for call recording.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_VERSION = "2026-12"


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    email_provider: str
    sms_provider: str


_SUMMARY_EN = (
    "{name} (the data controller) uses the details you give here — your name, contact "
    "details, device details and what you tell us — to handle your feedback and to keep you "
    "informed. This rests on handling your request, our legal duties and our legitimate "
    "interest, not on your consent. Our staff who handle it see it, our e-mail and SMS "
    "providers carry our messages to you, and we give it to the brand of your device or an "
    "insurer only if you agree below. You may ask what we hold, have it corrected or erased, "
    "and more (KVKK Art. 11): write to {email}."
)
_SUMMARY_TR = (
    "{name} (veri sorumlusu), burada verdiğiniz bilgileri — adınızı, iletişim bilgilerinizi, "
    "cihaz bilgilerinizi ve bize anlattıklarınızı — geri bildiriminizi ele almak ve sizi "
    "bilgilendirmek için kullanır. Bunun hukuki sebebi açık rızanız değil; talebinizin "
    "yerine getirilmesi, hukuki yükümlülüklerimiz ve meşru menfaatimizdir. Bilgilerinizi "
    "başvurunuzla ilgilenen çalışanlarımız görür, mesajlarımızı size e-posta ve SMS "
    "sağlayıcılarımız iletir; cihazınızın markasına veya bir sigortacıya yalnızca aşağıda "
    "onay verirseniz aktarırız. Hakkınızda ne tuttuğumuzu sorabilir, düzeltilmesini veya "
    "silinmesini isteyebilirsiniz (KVKK md. 11): {email} adresine yazın."
)

_TEXT_EN = """\
1. The data controller
{name}, {address}. Contact for personal data: {email}.

2. What we process and why
We process your name, e-mail address, phone number, postal address (when you give one), the details of your device (brand, model, IMEI, serial number, repair order) and what you tell us and send us (your description, files and messages) in order to record your feedback, look into it, answer you, keep you informed of each stage, and learn from complaints to improve our service.

3. Method and legal basis of collection
We collect these data by automated and partly automated means: through our web form, by e-mail, by phone, by letter or fax, and at our offices. The legal basis is that processing is necessary to perform our service contract with you and to handle your request (KVKK Art. 5(2)(c)), to meet our legal obligations under consumer law (Art. 5(2)(ç)), to establish, exercise or defend a right (Art. 5(2)(e)), and our legitimate interest in improving our service (Art. 5(2)(f)). Handling your feedback does not depend on your consent.

4. To whom we give it
- Our staff who handle your feedback, within {name}; lists show your details masked.
- Our e-mail provider ({email_provider}) and SMS provider ({sms_provider}), who carry our messages to you on our behalf (processors).
- The brand or manufacturer of your device, or an insurer, only with your explicit consent, which you can withdraw at any time.
- Courts and public authorities when the law requires it.
Each transfer is recorded, so we can tell you to whom your data was given.

5. Optional purposes that need your consent
A satisfaction survey by SMS or e-mail after your case is closed, and sharing your case with the brand of your device or an insurer. Both are optional, never pre-ticked, and you can give or withdraw them at any time on your case's tracking page.

6. How long we keep it
We keep your feedback while it is handled and, after it is closed, as long as the limitation periods of consumer law require; then we anonymise it, keeping only figures that identify no one.

7. Your rights (KVKK Art. 11)
You may ask us: (a) whether we process personal data about you; (b) for information about it if we do; (c) for the purpose of processing and whether it is used for that purpose; (d) to whom, in Turkey or abroad, it has been transferred; (e) to correct it if it is incomplete or wrong; (f) to erase or destroy it under Art. 7; (g) to tell those to whom it was transferred about a correction or erasure; (h) to object to a result against you that comes solely from automated analysis; (i) for compensation if you suffer damage from unlawful processing.
Write to {email} or to our address above, or visit one of our offices; we answer within 30 days. You may also complain to the Personal Data Protection Board (Kişisel Verileri Koruma Kurulu).
"""

_TEXT_TR = """\
1. Veri sorumlusu
{name}, {address}. Kişisel veriler için iletişim: {email}.

2. Hangi verileri, hangi amaçla işliyoruz
Adınızı, e-posta adresinizi, telefon numaranızı, (verdiyseniz) posta adresinizi, cihazınızın bilgilerini (marka, model, IMEI, seri numarası, servis fişi) ve bize anlattığınız ve gönderdiklerinizi (açıklamanız, dosyalarınız ve mesajlarınız) geri bildiriminizi kaydetmek, incelemek, size yanıt vermek, sizi her aşamada bilgilendirmek ve hizmetimizi iyileştirmek için şikâyetlerden ders çıkarmak amacıyla işliyoruz.

3. Toplama yöntemi ve hukuki sebep
Bu verileri otomatik ve kısmen otomatik yollarla topluyoruz: web formumuz, e-posta, telefon, mektup veya faks ve ofislerimiz aracılığıyla. Hukuki sebep; sizinle yaptığımız hizmet sözleşmesinin ifası ve talebinizin yerine getirilmesi için gerekli olması (KVKK md. 5/2-c), tüketici mevzuatından doğan hukuki yükümlülüklerimiz (md. 5/2-ç), bir hakkın tesisi, kullanılması veya korunması (md. 5/2-e) ve hizmetimizi iyileştirmedeki meşru menfaatimizdir (md. 5/2-f). Geri bildiriminizin ele alınması açık rızanıza bağlı değildir.

4. Kimlere aktarıyoruz
- {name} bünyesinde geri bildiriminizle ilgilenen çalışanlarımız; listelerde bilgileriniz maskeli görünür.
- Mesajlarımızı bizim adımıza size ileten e-posta sağlayıcımız ({email_provider}) ve SMS sağlayıcımız ({sms_provider}) (veri işleyenler).
- Cihazınızın markası veya üreticisi ya da bir sigortacı, yalnızca açık rızanızla; rızanızı her zaman geri alabilirsiniz.
- Kanunun gerektirdiği hâllerde mahkemeler ve kamu kurumları.
Her aktarım kaydedilir; böylece verilerinizin kimlere aktarıldığını size bildirebiliriz.

5. Açık rızanızı gerektiren isteğe bağlı amaçlar
Başvurunuz kapandıktan sonra SMS veya e-posta ile memnuniyet anketi ve başvurunuzun cihazınızın markası ya da bir sigortacıyla paylaşılması. İkisi de isteğe bağlıdır, önceden işaretlenmez; başvurunuzun takip sayfasından her zaman verebilir veya geri alabilirsiniz.

6. Ne kadar saklıyoruz
Geri bildiriminizi ele alındığı süre boyunca ve kapandıktan sonra tüketici mevzuatındaki zamanaşımı süreleri boyunca saklarız; ardından kimseyi tanımlamayan rakamlar dışında anonim hâle getiririz.

7. Haklarınız (KVKK md. 11)
Bize başvurarak: (a) kişisel verilerinizin işlenip işlenmediğini öğrenme; (b) işlenmişse buna ilişkin bilgi talep etme; (c) işlenme amacını ve amacına uygun kullanılıp kullanılmadığını öğrenme; (ç) yurt içinde veya yurt dışında aktarıldığı üçüncü kişileri bilme; (d) eksik veya yanlış işlenmişse düzeltilmesini isteme; (e) md. 7 çerçevesinde silinmesini veya yok edilmesini isteme; (f) düzeltme ve silme işlemlerinin aktarıldığı üçüncü kişilere bildirilmesini isteme; (g) münhasıran otomatik sistemlerle analiz edilmesi sonucu aleyhinize bir sonucun ortaya çıkmasına itiraz etme; (ğ) kanuna aykırı işleme sebebiyle zarara uğramanız hâlinde zararın giderilmesini talep etme haklarına sahipsiniz.
{email} adresine veya yukarıdaki adresimize yazabilir ya da ofislerimizden birine gelebilirsiniz; 30 gün içinde yanıt veririz. Kişisel Verileri Koruma Kurulu'na şikâyette de bulunabilirsiniz.
"""

_SCRIPT_EN = (
    "Before we take your details: this call may be recorded so that we can handle your "
    "feedback and check the quality of our service. {name} uses your name, contact details, "
    "device details and what you tell us to handle your feedback; this does not depend on "
    "your consent. Our staff, and our e-mail and SMS providers who carry our messages, see "
    "them; nobody else without your consent. You can ask us what we hold about you, and have "
    "it corrected or erased, at {email}. The full notice is on our website and comes with "
    "your acknowledgement. Shall we go on?"
)
_SCRIPT_TR = (
    "Bilgilerinizi almadan önce: bu görüşme, geri bildiriminizi ele alabilmemiz ve hizmet "
    "kalitemizi denetleyebilmemiz için kaydedilebilir. {name}; adınızı, iletişim ve cihaz "
    "bilgilerinizi ve bize anlattıklarınızı geri bildiriminizi ele almak için kullanır; bu "
    "açık rızanıza bağlı değildir. Bilgilerinizi çalışanlarımız ve mesajlarımızı ileten "
    "e-posta ve SMS sağlayıcılarımız görür; rızanız olmadan başka kimse görmez. Hakkınızda ne "
    "tuttuğumuzu sorabilir, düzeltilmesini veya silinmesini {email} adresinden "
    "isteyebilirsiniz. Aydınlatma metninin tamamı web sitemizde ve size göndereceğimiz alındı "
    "bilgisinde yer alır. Devam edelim mi?"
)


def notice_texts(controller: Controller) -> dict[str, str]:
    """The first version's texts with the controller's identity and providers filled in."""
    values = {
        "name": controller.name, "address": controller.address, "email": controller.email,
        "email_provider": controller.email_provider, "sms_provider": controller.sms_provider,
    }
    return {
        "summary_tr": _SUMMARY_TR.format(**values),
        "summary_en": _SUMMARY_EN.format(**values),
        "text_tr": _TEXT_TR.format(**values),
        "text_en": _TEXT_EN.format(**values),
        "phone_script_tr": _SCRIPT_TR.format(**values),
        "phone_script_en": _SCRIPT_EN.format(**values),
    }
