"""The demo configuration and users (`make run`, `memnun demo`). Never in production."""

from __future__ import annotations

from datetime import date, time

from django.db import transaction
from django.utils import timezone

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.governance.models import TrainingRecord
from memnun.organisation.models import Brand, Category, Office, OnCall, RootCauseCategory
from memnun.servicelevels.defaults import STANDARD_CALENDAR, STANDARD_TIMEZONE
from memnun.servicelevels.models import Calendar, OpeningPeriod

DEMO_PASSWORD = "memnun-demo-2026"  # noqa: S105 - documented in the README, demo only

OFFICES = [
    (
        "istanbul",
        "İstanbul",
        "Bağlarbaşı Mahallesi, Atatürk Caddesi No:134, Maltepe, TR-34848 İstanbul",
    ),
    ("ankara", "Ankara", "Kızılay Mahallesi, Necatibey Caddesi No:55/A, Çankaya, Ankara"),
    ("izmir", "İzmir", "İsmet Kaptan Mahallesi, Şair Eşref Bulvarı No:30/A, Konak, İzmir"),
]
# office → (name, e-mail, mobile): a standing on-call person for safety alerts at any hour.
ON_CALL = {
    "istanbul": ("İstanbul nöbetçi amiri", "nobet-istanbul@memnun.local", "+905321234501"),
    "ankara": ("Ankara nöbetçi amiri", "nobet-ankara@memnun.local", "+905321234502"),
    "izmir": ("İzmir nöbetçi amiri", "nobet-izmir@memnun.local", "+905321234503"),
}
BRANDS = [
    ("samsung", "Samsung"),
    ("apple", "Apple"),
    ("xiaomi", "Xiaomi"),
    ("huawei", "Huawei"),
    ("oppo", "OPPO"),
    ("lenovo", "Lenovo"),
]
CATEGORIES = [
    ("repair-delay", "Onarım gecikmesi", "Repair delay", False),
    ("repair-quality", "Onarım kalitesi", "Repair quality", False),
    ("parts", "Yedek parça", "Spare parts", False),
    ("pricing", "Ücretlendirme", "Pricing", False),
    ("staff-conduct", "Personel tutumu", "Staff conduct", False),
    ("communication", "İletişim ve bilgilendirme", "Communication", False),
    ("data-loss", "Veri kaybı", "Data loss", False),
    ("battery-safety", "Batarya güvenliği (şişme, ısınma, yanık)", "Battery safety", True),
]
# Personal-data matters: their complaints alert the personal-data contact (KVKK K13).
PRIVACY_CATEGORIES = frozenset({"data-loss"})
ROOT_CAUSES = [
    ("part-supply", "Yedek parça tedariki", "Spare part supply"),
    ("workmanship", "İşçilik hatası", "Workmanship"),
    ("diagnosis", "Hatalı arıza tespiti", "Wrong diagnosis"),
    ("process", "Süreç eksikliği", "Process gap"),
    ("information", "Eksik bilgilendirme", "Customer not informed"),
    ("training", "Eğitim eksikliği", "Training gap"),
    ("logistics", "Kargo ve lojistik", "Shipping and logistics"),
    ("product-defect", "Ürün kaynaklı arıza", "Product defect"),
]
USERS = [
    ("agent", Role.AGENT, "istanbul", "Ayşe", "Demir"),
    ("handler", Role.HANDLER, "istanbul", "Mehmet", "Yıldız"),
    ("reviewer", Role.REVIEWER, "istanbul", "Zeynep", "Kaya"),
    ("quality", Role.QUALITY, None, "Emre", "Şahin"),
    ("auditor", Role.AUDITOR, None, "Elif", "Çelik"),
    ("manager", Role.MANAGEMENT, None, "Selin", "Arslan"),
    ("privacy", Role.PRIVACY, None, "Deniz", "Koç"),
    ("admin", Role.ADMIN, None, "İlker", "Aydın"),
]

# The demo's case workers have the complaints-handling training (MEMNUN_REQUIRE_TRAINING).
DEMO_TRAINING = ("ISO 10002 şikâyet yönetimi temel eğitimi", date(2020, 1, 6))
TRAINED_USERS = ("handler", "reviewer", "quality")


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create or refresh the demo data; users keep their password once set."""
    calendar, created = Calendar.objects.get_or_create(
        code=STANDARD_CALENDAR,
        defaults={"name": "Mesai saatleri (Pzt–Cum 09:00–18:00)", "timezone": STANDARD_TIMEZONE},
    )
    if created:
        # Weekdays 09:00–18:00; an administrator may change them later, so only on creation.
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(calendar=calendar, weekday=day, opens=time(9), closes=time(18))
            for day in range(5)
        )
    offices = {}
    for code, name, address in OFFICES:
        offices[code], _ = Office.objects.update_or_create(
            code=code, defaults={"name": name, "address": address, "calendar": calendar}
        )
    for code, (name, email, phone) in ON_CALL.items():
        OnCall.objects.update_or_create(
            office=offices[code], name=name, defaults={"email": email, "phone": phone}
        )
    for code, name in BRANDS:
        Brand.objects.update_or_create(code=code, defaults={"name": name})
    for code, name_tr, name_en, safety in CATEGORIES:
        Category.objects.update_or_create(
            code=code, defaults={
                "name_tr": name_tr, "name_en": name_en, "is_safety": safety,
                "is_privacy": code in PRIVACY_CATEGORIES,
            }
        )
    for code, name_tr, name_en in ROOT_CAUSES:
        RootCauseCategory.objects.update_or_create(
            code=code, defaults={"name_tr": name_tr, "name_en": name_en}
        )
    created_users = 0
    for username, role, office, first, last in USERS:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "office": offices[office] if office else None,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@memnun.local",
                # The personal-data contact keeps the retention schedule in the admin (K9).
                "is_staff": role in (Role.ADMIN, Role.PRIVACY),
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created_users += 1
    course, completed_on = DEMO_TRAINING
    for username in TRAINED_USERS:
        TrainingRecord.objects.get_or_create(
            user=User.objects.get(username=username), course=course,
            defaults={"completed_on": completed_on, "evidence": "Katılım sertifikası (demo)",
                      "recorded_at": timezone.now()},
        )
    return {"offices": len(OFFICES), "brands": len(BRANDS), "users_created": created_users}
