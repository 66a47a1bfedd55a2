"""The demo's process audit (`load_demo`, through `organisation.signals.demo_loaded`): three
complaints handled last month and closed, and one finished audit of them, with its
checklist confirmed, a nonconformity (which opened a CAPA) and an observation.
Made through the real services, once: a second load finds the audit by its title.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from memnun.accounts.models import User
from memnun.feedback.codes import AnswerChannel, Closure
from memnun.feedback.models import Feedback
from memnun.feedback.process_audit_codes import FindingKind
from memnun.feedback.process_audit_models import AuditCheck, AuditPlan
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.customer_answers import customer_answer_record
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_start,
)
from memnun.feedback.services.process_audit import (
    audit_check_confirm,
    audit_finding_record,
    audit_plan_create,
    audit_plan_finish,
    audit_sample_take,
)

TITLE = "Örnek süreç denetimi: İstanbul, son 60 gün"


def _complaint(
    users: dict[str, User], *, channel: str, received: datetime, name: str, accept: bool,
) -> Feedback:
    """A complaint worked through every stage, a day apart, from `received` on."""
    feedback = feedback_record(
        actor=users["agent"],
        data=IntakeInput(
            type="complaint", channel=channel, office="istanbul",
            subject="Onarım sonrası ekran yine arızalandı",
            description="Ekran değişiminden bir hafta sonra aynı arıza tekrarladı.",
            customer=CustomerInput(name=name, phone="+905321230000",
                                   preferred_contact="phone"),
            privacy_notice=True, received_at=received,
        ),
    ).feedback
    day = timedelta(days=1)

    def fresh() -> Feedback:  # each service reads the case as the last one left it
        return Feedback.objects.get(pk=feedback.pk)

    started = received + 2 * day
    if feedback.ack_sent_at is None and feedback.ack_due_at is not None:
        # A fax: the call-back came a day after its deadline, whatever day of the week
        # and hour the demo is loaded (two days later was on time from a Friday evening).
        acknowledged = feedback.ack_due_at + day
        feedback_acknowledge(actor=users["agent"], feedback=fresh(), method="phone",
                             sent_at=acknowledged)
        started = max(started, acknowledged + timedelta(hours=1))
    feedback_start(
        actor=users["reviewer"], feedback=fresh(), assignee="handler",
        assessment=AssessmentInput(severity="medium", safety_hazard=False,
                                   category="repair-delay"),
        now=started,
    )
    feedback_propose(
        actor=users["handler"], feedback=fresh(), now=started + 2 * day,
        root_cause="Değiştirilen ekran parçası hatalı partiden çıktı.",
        root_cause_category="part-supply", corrective_action="Parti tedarikçiye iade edildi.",
        response_type="redo_repair", resolution="Ekranınız ücretsiz olarak yeniden değiştirilecek.",
    )
    feedback_approve(actor=users["reviewer"], feedback=fresh(), now=started + 3 * day)
    customer_answer_record(feedback=fresh(), accept=accept, channel=AnswerChannel.PHONE,
                           recorded_by=users["agent"], now=started + 4 * day)
    if accept:
        feedback_close(actor=users["handler"], feedback=fresh(),
                       closure=Closure.CUSTOMER_AGREED, now=started + 5 * day)
    else:
        feedback_close(
            actor=users["quality"], feedback=fresh(), closure=Closure.OPTIONS_EXHAUSTED,
            external_recourse="Kararımıza itiraz için ilçe tüketici hakem heyetine"
            " başvurabilirsiniz.", now=started + 6 * day,
        )
    return fresh()


def _audit(users: dict[str, User], now: datetime) -> None:
    start = now - timedelta(days=45)
    _complaint(users, channel="phone", received=start, name="Deniz Aksoy", accept=True)
    _complaint(users, channel="phone", received=start + timedelta(days=2), name="Can Erdem",
               accept=False)
    late = _complaint(users, channel="fax", received=start + timedelta(days=3),
                      name="Gül Tekin", accept=True)
    auditor = users["auditor"]
    plan = audit_plan_create(
        actor=auditor, title=TITLE, period_from=(now - timedelta(days=60)).date(),
        period_to=(now - timedelta(days=20)).date(), offices=["istanbul"],
        per_office=3, per_handler=3, seed=2026, now=now - timedelta(days=15),
    )
    audit_sample_take(actor=auditor, plan=plan, now=now - timedelta(days=15))
    for check in AuditCheck.objects.filter(sample__plan=plan):
        audit_check_confirm(actor=auditor, check=check, outcome=check.evaluated,
                            now=now - timedelta(days=14))
    if plan.samples.filter(feedback=late).exists():
        audit_finding_record(
            actor=auditor, plan=plan, kind=FindingKind.NONCONFORMITY, feedback=late,
            text="Faksla gelen şikâyete alındı bilgisi altı iş saati içinde verilmemiş;"
            " faksları geri arama için kimin izlediği belli değil.",
            now=now - timedelta(days=14),
        )
    audit_finding_record(
        actor=auditor, plan=plan, kind=FindingKind.OBSERVATION,
        text="Kök neden açıklamaları kısa; parça partisi numarası da yazılmalı.",
        now=now - timedelta(days=14),
    )
    audit_plan_finish(actor=auditor, plan=plan, now=now - timedelta(days=13))


@transaction.atomic
def process_audit_demo_load(*, now: datetime | None = None) -> int:
    """The demo audit, made once; how many were made now (0 or 1)."""
    now = now or timezone.now()
    names = ["agent", "handler", "reviewer", "quality", "auditor"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names) or AuditPlan.objects.filter(title=TITLE).exists():
        return 0
    with translation.override("tr"):  # the evidence is written in the demo's language
        _audit(users, now)
    return 1
