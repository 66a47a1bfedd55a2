"""The management review record (R8.6): drafted by quality or top management, decisions
with their resulting actions (a CAPA opened through the register, an objective), approved
by top management only, every write audited, and the next pack reporting its decisions."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from memnun.audit.models import AuditEvent
from memnun.desk.review_pack_render import review_pack_files
from memnun.feedback.capa_codes import CapaSourceKind
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.review_models import (
    DecisionAction,
    DecisionStatus,
    ManagementReview,
    ReviewStatus,
)
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.management_review import (
    ReviewInput,
    review_approve,
    review_decision_add,
    review_decision_done,
    review_draft,
    review_pack_attach,
)
from tests.casework import user
from tests.reports.objectives_helpers import objective

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # the packs' files
    return tmp_path

JANUARY = ReviewInput(
    meeting_on=date(2026, 2, 10), period_from=date(2026, 1, 1), period_to=date(2026, 1, 31),
    attendees=("manager", "quality"), other_attendees="Ayşe Demir (dış danışman)",
)


def drafted(by: str = "quality", data: ReviewInput = JANUARY) -> ManagementReview:
    return review_draft(actor=user(by), data=data)


def packed(review: ManagementReview, by: str = "quality") -> ManagementReview:
    made = review_pack_files(
        viewer=user(by), language="en", review_id=review.pk,
        period=Period(start=review.period_from, end=review.period_to),
    )
    return review_pack_attach(actor=user(by), review=review, language="en", pdf=made.pdf,
                              xlsx=made.xlsx)


def test_a_decision_opens_a_capa_with_the_review_as_its_source(demo: None) -> None:
    review = drafted()
    with translation.override("en"):
        decision = review_decision_add(
            actor=user("manager"), review=review, action=DecisionAction.CAPA,
            text="Faks kanalı için geri arama sorumlusu atanacak.",
        )
    assert decision.capa is not None
    source = decision.capa.sources.get()
    assert source.kind == CapaSourceKind.MANAGEMENT_REVIEW
    assert source.reference == "Management review of 10.02.2026, decision 1"
    assert decision.capa.problem == "Faks kanalı için geri arama sorumlusu atanacak."
    assert decision.capa.created_by == user("manager")
    # The CAPA's own trail says where it came from.
    opened = AuditEvent.objects.get(object_type="capa", object_id=decision.capa.number)
    assert opened.data["source"] == "management_review"


def test_a_decision_links_the_objective_it_changes(demo: None) -> None:
    target = objective("acknowledgement.rate", "95", "at_least")
    review = drafted()
    decision = review_decision_add(actor=user("quality"), review=review,
                                   action=DecisionAction.OBJECTIVE, objective=target.pk,
                                   text="Alındı bildirimi hedefi %95'e çıkarıldı.")
    assert decision.objective == target and decision.capa is None
    with pytest.raises(FieldErrors) as refused:
        review_decision_add(actor=user("quality"), review=review,
                            action=DecisionAction.OBJECTIVE, text="Hedef değişecek.")
    assert set(refused.value.fields) == {"objective"}


@pytest.mark.parametrize("username", ["quality", "auditor", "reviewer", "handler", "admin"])
def test_only_top_management_approves(demo: None, username: str) -> None:
    review = packed(drafted())
    with pytest.raises(NotPermitted):
        review_approve(actor=user(username), review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_approval_is_final_and_needs_the_pack(demo: None) -> None:
    review = drafted(by="manager")
    with pytest.raises(Conflict):
        review_approve(actor=user("manager"), review=review)  # no pack yet
    review = review_approve(actor=user("manager"), review=packed(review, by="manager"))
    assert review.status == ReviewStatus.APPROVED and review.approved_by == user("manager")
    with pytest.raises(Conflict):
        review_decision_add(actor=user("manager"), review=review, action=DecisionAction.NONE,
                            text="Geç kalan karar.")
    with pytest.raises(NotPermitted):  # the auditor reads reviews, writes none
        review_draft(actor=user("auditor"), data=JANUARY)


def test_the_pack_is_kept_with_its_hash(demo: None) -> None:
    import hashlib

    from memnun.feedback.services.management_review import review_pack_file

    review = packed(drafted())
    pdf = review_pack_file(review=review, kind="pdf").read_bytes()
    xlsx = review_pack_file(review=review, kind="xlsx").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert review.pack_pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert review.pack_xlsx_sha256 == hashlib.sha256(xlsx).hexdigest()


def test_the_next_pack_shows_the_previous_reviews_decisions_and_their_status(
    demo: None
) -> None:
    january = drafted()
    first = review_decision_add(actor=user("manager"), review=january,
                                action=DecisionAction.CAPA, text="Faks geri arama sorumlusu.")
    review_decision_add(actor=user("manager"), review=january, action=DecisionAction.NONE,
                        text="Şikâyet formu sadeleştirilecek.")
    january = review_approve(actor=user("manager"), review=packed(january))
    review_decision_done(actor=user("quality"), decision=first)

    february = Period(start=date(2026, 2, 1), end=date(2026, 2, 28))
    files = review_pack_files(viewer=user("manager"), period=february, language="en")
    rows = list(load_workbook(io.BytesIO(files.xlsx))["Previous decisions"]
                .iter_rows(values_only=True))
    decisions = [row[:4] for row in rows[rows.index(("Decisions", None, None, None)) + 2:]]
    assert first.capa is not None
    assert decisions == [
        ("Faks geri arama sorumlusu.", "A CAPA (DÖF) opened for it", first.capa.number, "Done"),
        ("Şikâyet formu sadeleştirilecek.", "No further action", None, "Open"),
    ]
    assert rows[1][0].startswith("The review of 10.02.2026 (period 01.01.2026 – 31.01.2026)")


def test_every_write_is_audited(demo: None) -> None:
    review = drafted()
    decision = review_decision_add(actor=user("quality"), review=review,
                                   action=DecisionAction.NONE, text="Eğitim planı yenilenecek.")
    review = review_approve(actor=user("manager"), review=packed(review))
    review_decision_done(actor=user("manager"), decision=decision)
    events = AuditEvent.objects.filter(object_type="management_review",
                                       object_id=str(review.pk)).order_by("seq")
    assert [(e.action, e.actor) for e in events] == [
        ("review.drafted", "quality"),
        ("review.decision_added", "quality"),
        ("review.pack_made", "quality"),
        ("review.approved", "manager"),
        ("review.decision_done", "manager"),
    ]
    assert events[0].data["attendees"] == ["manager", "quality"]
    assert events[2].data["pdf_sha256"] == review.pack_pdf_sha256
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_a_bad_draft_is_refused_field_by_field(demo: None) -> None:
    with pytest.raises(FieldErrors) as refused:
        review_draft(actor=user("quality"), data=ReviewInput(
            meeting_on=None, period_from=date(2026, 3, 1), period_to=date(2026, 2, 1),
            attendees=("nobody",),
        ))
    assert set(refused.value.fields) == {"meeting_on", "period_to", "attendees"}
