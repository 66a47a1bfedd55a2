# ruff: noqa: E501 - the policy is prose, one paragraph a line (policy_html joins nothing)
"""The demo's complaints-handling policy (version 1, approved by top management and
published) and its management representative. `load_demo` only, never in production;
the tests' demo leaves it out, so that no test meets the acknowledgement page unasked.

The text states the source document's commitments in the product's own words.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from memnun.accounts.models import User
from memnun.governance.models import PolicyStatus, PolicyVersion, RepresentativeAppointment

POLICY_TR = """\
Cep telefonları ve diğer elektronik ürünler için satış sonrası hizmet veren bir şirket olarak, hizmet verdiğimiz her markada müşterilerimize güvenilir, şeffaf, hızlı, gizliliğe saygılı ve müşteri odaklı davranmayı taahhüt ederiz. Şikâyet ve geri bildirim yönetimimiz ISO 10002 standardına uygundur.

## Taahhütlerimiz

- Geri bildirimi her kanaldan kabul ederiz: ön bürolarımız, çağrı merkezimiz, web sitemiz, e-posta, faks, mektup, sosyal medya ve bayilerimiz.
- Geri bildirim vermek ücretsizdir; bu süreçten hiçbir kazanç sağlamayız.
- Her geri bildirime ayrı bir referans numarası veririz; müşterimiz her aşamayı çevrim içi izleyebilir.
- Web ve e-postayla gelene hemen, telefonla gelene aynı görüşmede, diğer kanallardan gelene en geç 6 iş saati içinde alındı bilgisi veririz. Mesai dışında gelen geri bildirim ertesi iş gününde işleme alınır.
- Her geri bildirimi, müşterinin kim olduğuna ya da profiline bakmadan, eşit, adil ve tarafsız biçimde ve adil bir sırayla ele alırız. Konuyla ilgisi olan bir çalışan o geri bildirimi ele almaz ve karara bağlamaz.
- Kök nedeni araştırır, düzeltici ve önleyici faaliyet başlatırız. Kararımızı gerekçesiyle bildirir, müşterimizin mutabakatını alırız; mutabakat sağlanana ya da makul tüm iç ve dış çözüm yolları tükenene kadar takibi sürdürürüz.
- Zarara biz yol açtıysak, ilgili mevzuat çerçevesinde karşılarız.
- Kişisel verileri yalnızca geri bildirimi ele almak için ve yalnızca kuruluş içinde, gereken çalışanlarla paylaşırız; müşterimizin açık rızası olmadan üçüncü kişilere açıklamayız.

## Sürekli iyileştirme

Süreçlerimizi yönetim sistemimizle bütünleştirir, memnuniyetsizliğin tekrarlanmaması için kontrol ve iyileştirmeyi sürekli kılarız. Tüm çalışanlarımızın süreç aşamalarını eksiksiz ve tutarlı uyguladığını düzenli olarak kontrol eder ve denetleriz; sonuçları yönetimin gözden geçirmesinde değerlendiririz.
"""

POLICY_EN = """\
As an after-sales service company for mobile phones and other electronics, we commit to treating our customers, for every brand we serve, in a way that is trustworthy, transparent, fast, respectful of their privacy and focused on them. Our handling of complaints and feedback follows ISO 10002.

## Our commitments

- We accept feedback on every channel: our front offices, our call centre, our website, e-mail, fax, letter, social media and our dealers.
- Giving feedback is free of charge; we make no gain from this process.
- Every piece of feedback gets its own reference number, and the customer can follow each stage online.
- We confirm receipt at once for the web and e-mail, on the same call for the phone, and within 6 business hours for the other channels. Feedback that arrives outside business hours is taken in on the next business day.
- We handle every piece of feedback equally, fairly and impartially, in a fair order, whoever the customer is. No one involved in the matter handles or decides it.
- We look for the root cause and start corrective and preventive action. We explain our decision with its reasons and ask for the customer's agreement, and we follow up until the customer agrees or every reasonable internal and external option is exhausted.
- Where we caused the harm, we make it good as the law provides.
- We use personal data only to handle the feedback and share it only inside the organisation, with the staff who need it; we disclose nothing to third parties without the customer's explicit consent.

## Continual improvement

We integrate our processes with our management system and keep checking and improving them so that a cause of dissatisfaction does not recur. We regularly check and audit that every member of staff follows each stage completely and consistently, and we weigh the results in the management review.
"""

APPOINTMENT_TR = (
    "Müşteri memnuniyeti yönetim sisteminin kurulması, uygulanması ve iyileştirilmesinden"
    " sorumlu yönetim temsilcisi olarak atanmıştır; sistemin performansını üst yönetime raporlar."
)


@transaction.atomic
def demo_policy_load() -> None:
    """Version 1 drafted by quality, approved by top management, published; the quality
    manager appointed management representative. Left as it is once there."""
    if PolicyVersion.objects.exists():
        return
    quality = User.objects.get(username="quality")
    manager = User.objects.get(username="manager")
    now = timezone.now()
    PolicyVersion.objects.create(
        number=1, text_tr=POLICY_TR, text_en=POLICY_EN, effective_from=date(2026, 1, 1),
        status=PolicyStatus.PUBLISHED, drafted_by=quality, drafted_at=now,
        approved_by=manager, approved_at=now, published_by=manager, published_at=now,
    )
    RepresentativeAppointment.objects.create(
        user=quality, appointed_by=manager, starts_on=date(2026, 1, 1), text=APPOINTMENT_TR,
        recorded_at=now,
    )
