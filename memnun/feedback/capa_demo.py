"""The demo's CAPAs (`load_demo`, through `organisation.signals.demo_loaded`): one open,
with an action done and one still open, and one closed after an effective check.
Made through the real services, once: a second load finds them by their source.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.capa_codes import (
    AnalysisMethod,
    CapaKind,
    CapaSourceKind,
    CheckResult,
    CriterionKind,
)
from memnun.feedback.capa_models import CapaSource
from memnun.feedback.services.capa import (
    CapaInput,
    SourceInput,
    capa_action_add,
    capa_action_done,
    capa_check_record,
    capa_close,
    capa_open,
)

OPEN_SOURCE = "Pareto analizi, Ekim 2026: İstanbul'da onarım gecikmesi ilk sırada"
CLOSED_SOURCE = "Yönetimin gözden geçirmesi, Haziran 2026, karar 3: batarya güvenliği"


def _open_capa(quality: User, handler: User, reviewer: User, now: datetime) -> None:
    start = now - timedelta(days=20)
    capa = capa_open(
        actor=quality,
        data=CapaInput(
            kind=CapaKind.CORRECTIVE,
            problem="İstanbul ön bürosunda ekran değişimi bekleyen onarımlar hedef sürenin"
            " üzerinde kalıyor; onarım gecikmesi şikâyetleri üç aydır artıyor.",
            office="istanbul", category="repair-delay",
            analysis_method=AnalysisMethod.FIVE_WHYS,
            whys=[
                ("Onarımlar neden gecikiyor?", "Ekran parçası zamanında gelmiyor."),
                ("Parça neden zamanında gelmiyor?", "Tek tedarikçiden sipariş veriliyor."),
                ("Neden tek tedarikçi var?", "İkinci tedarikçi onay sürecinde kaldı."),
                ("Onay neden uzadı?", "Satın alma süreci için sorumlu atanmamış."),
                ("Sorumlu neden atanmamış?", "Tedarikçi onayı bir süreç olarak tanımlı değil."),
            ],
            cause_categories=["part-supply", "process"],
            findings="Kök neden: tedarikçi onayının tanımlı bir süreci yok.",
            criterion_kind=CriterionKind.NO_COMPLAINTS, criterion_days=60,
            check_planned_on=(now + timedelta(days=75)).date(),
        ),
        source=SourceInput(CapaSourceKind.PARETO, OPEN_SOURCE), now=start,
    )
    first = capa_action_add(
        actor=quality, capa=capa, owner=reviewer.username,
        description="İkinci ekran tedarikçisinin onayını tamamla.",
        due_on=(start + timedelta(days=7)).date(), now=start,
    )
    capa_action_add(
        actor=quality, capa=capa, owner=handler.username,
        description="Tedarikçi onay sürecini yaz ve sorumlusunu ata.",
        due_on=(now + timedelta(days=10)).date(), now=start,
    )
    capa_action_done(actor=reviewer, action=first, now=start + timedelta(days=6))


def _closed_capa(quality: User, reviewer: User, now: datetime) -> None:
    start = now - timedelta(days=150)
    capa = capa_open(
        actor=quality,
        data=CapaInput(
            kind=CapaKind.PREVENTIVE,
            problem="Şişmiş batarya ile gelen cihazlarda ön büro çalışanlarının ne yapacağı"
            " yazılı değil; bir kaza olmadan önlem alınmalı.",
            category="battery-safety",
            analysis_method=AnalysisMethod.CAUSE_CATEGORIES,
            cause_categories=["training", "process"],
            findings="Eğitim ve yazılı talimat eksik.",
            criterion_kind=CriterionKind.JUDGED,
            criterion_text="Tüm ön büro çalışanları eğitimi tamamlamış ve talimat her ön büroda"
            " asılı olmalı.",
            check_planned_on=(start + timedelta(days=90)).date(),
        ),
        source=SourceInput(CapaSourceKind.MANAGEMENT_REVIEW, CLOSED_SOURCE), now=start,
    )
    for i, text in enumerate((
        "Şişmiş batarya talimatını yaz ve her ön büroya as.",
        "Ön büro çalışanlarına batarya güvenliği eğitimi ver.",
    )):
        action = capa_action_add(
            actor=quality, capa=capa, owner=reviewer.username, description=text,
            due_on=(start + timedelta(days=30 * (i + 1))).date(), now=start,
        )
        capa_action_done(actor=reviewer, action=action, now=start + timedelta(days=25 * (i + 1)))
    capa_check_record(
        actor=quality, capa=capa, result=CheckResult.EFFECTIVE,
        notes="Üç ön büroda talimat yerinde; eğitim kayıtları tam.", now=start + timedelta(days=90),
    )
    capa_close(actor=quality, capa=capa, now=start + timedelta(days=91))


@transaction.atomic
def capa_demo_load(*, now: datetime | None = None) -> int:
    """The two demo CAPAs, each made once; how many were made now."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "quality", "handler", "reviewer",
    ])}
    if len(users) < 3:
        return 0
    made = 0
    if not CapaSource.objects.filter(reference=OPEN_SOURCE).exists():
        _open_capa(users["quality"], users["handler"], users["reviewer"], now)
        made += 1
    if not CapaSource.objects.filter(reference=CLOSED_SOURCE).exists():
        _closed_capa(users["quality"], users["reviewer"], now)
        made += 1
    return made
