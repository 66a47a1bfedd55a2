"""The management review's desk pages (R8.6): record a review, record its decisions (one
opens a CAPA), make its pack as a job that shows its progress, download both files,
approve it (top management only); and who may see and do what."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.feedback.capa_codes import CapaSourceKind
from memnun.feedback.review_models import ManagementReview, PackStatus, ReviewStatus
from memnun.feedback.services.policy import policy_acknowledge
from memnun.governance.models import PolicyVersion
from memnun.jobs.worker import Worker
from tests.casework import case_in
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _run_jobs() -> list[str]:
    """Run what is queued; the pack's progress as the job wrote it."""
    with CaptureQueriesContext(connection) as queries:
        Worker(worker_id="test", periodic={}).run(once=True)
    return [q["sql"] for q in queries.captured_queries
            if "feedback_managementreview" in q["sql"] and '"pack_done"' in q["sql"]
            and q["sql"].lstrip().upper().startswith("UPDATE")]


def test_quality_records_a_review_and_top_management_approves_it(demo: None) -> None:
    case_in("closed")
    quality = signed_in("quality")
    assert 'href="/desk/reviews/"' in quality.get("/desk/queue/").content.decode()
    response = quality.post("/desk/reviews/new", {
        "meeting_on": "2026-11-20", "period_from": "2026-10-01", "period_to": "2026-10-31",
        "attendees": ["manager", "quality"], "other_attendees": "Dış danışman",
    })
    review = ManagementReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/reviews/{review.pk}"

    # A draft's attendees change (an edit, audited).
    assert quality.get(f"/desk/reviews/{review.pk}/edit").status_code == 200
    assert quality.post(f"/desk/reviews/{review.pk}/edit", {
        "meeting_on": "2026-11-21", "period_from": "2026-10-01", "period_to": "2026-10-31",
        "attendees": ["manager", "quality", "auditor"], "other_attendees": "Dış danışman",
    }).status_code == 302
    review.refresh_from_db()
    assert review.meeting_on.isoformat() == "2026-11-21" and review.attendees.count() == 3

    response = quality.post(f"/desk/reviews/{review.pk}/do/decision", {
        "decision-text": "Faks kanalına geri arama sorumlusu atanacak.",
        "decision-action": "capa",
    })
    assert response.status_code == 302
    decision = review.decisions.get()
    assert decision.capa is not None
    assert decision.capa.sources.get().kind == CapaSourceKind.MANAGEMENT_REVIEW
    page = quality.get(f"/desk/reviews/{review.pk}").content.decode()
    assert decision.capa.number in page and "Faks kanalına" in page

    assert quality.post(f"/desk/reviews/{review.pk}/do/pack",
                        {"pack-language": "en"}).status_code == 302
    review.refresh_from_db()
    assert review.pack_status == PackStatus.QUEUED
    waiting = quality.get(f"/desk/reviews/{review.pk}/pack").content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "review-pack-bar" in waiting
    progress = _run_jobs()
    assert len(progress) >= 8  # a step at a time: the sections, then the files
    review.refresh_from_db()
    assert review.pack_status == PackStatus.DONE
    ready = quality.get(f"/desk/reviews/{review.pk}/pack").content.decode()
    assert "every 2s" not in ready and f"/desk/reviews/{review.pk}/pack.pdf" in ready
    pdf = quality.get(f"/desk/reviews/{review.pk}/pack.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == review.pack_pdf_sha256
    xlsx = quality.get(f"/desk/reviews/{review.pk}/pack.xlsx")
    assert xlsx.status_code == 200

    # Quality may not approve: no button, and the POST is refused.
    assert "review-approve" not in quality.get(f"/desk/reviews/{review.pk}").content.decode()
    assert quality.post(f"/desk/reviews/{review.pk}/do/approve").status_code == 403
    manager = signed_in("manager")
    assert "review-approve" in manager.get(f"/desk/reviews/{review.pk}").content.decode()
    assert manager.post(f"/desk/reviews/{review.pk}/do/approve").status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    page = manager.get(f"/desk/reviews/{review.pk}").content.decode()
    assert "decision-text" not in page and "Approved" in page and "review-edit" not in page
    assert manager.get(f"/desk/reviews/{review.pk}/edit").status_code == 404

    assert manager.post(
        f"/desk/reviews/{review.pk}/decisions/{decision.pk}/done").status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done"
    assert list(AuditEvent.objects.filter(object_type="management_review")
                .order_by("seq").values_list("action", flat=True)) == [
        "review.drafted", "review.edited", "review.decision_added", "review.pack_requested",
        "review.pack_made", "review.approved", "review.decision_done",
    ]


def test_errors_are_shown_beside_their_fields(demo: None) -> None:
    quality = signed_in("quality")
    response = quality.post("/desk/reviews/new", {
        "meeting_on": "2026-11-20", "period_from": "2026-10-31", "period_to": "2026-10-01",
    })
    assert response.status_code == 422
    assert "The end of the period is before its start." in response.content.decode()


@pytest.mark.parametrize(("username", "status"), [
    ("quality", 200), ("manager", 200), ("auditor", 200), ("reviewer", 403), ("handler", 403),
    ("agent", 403), ("admin", 403), ("privacy", 403),
])
def test_who_may_read_the_reviews(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get("/desk/reviews/").status_code == status


def test_the_auditor_reads_but_records_nothing(demo: None) -> None:
    auditor = signed_in("auditor")
    assert "/desk/reviews/new" not in auditor.get("/desk/reviews/").content.decode()
    assert auditor.get("/desk/reviews/new").status_code == 403


def test_the_demo_has_an_approved_review_with_its_pack_and_decisions(demo: None) -> None:
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    review = ManagementReview.objects.get()
    assert review.status == ReviewStatus.APPROVED and review.approved_by is not None
    assert review.pack_status == PackStatus.DONE and review.pack_language == "tr"
    assert [(d.action, d.status) for d in review.decisions.all()] == [
        ("capa", "open"), ("objective", "open"), ("none", "done")]
    # The demo publishes a policy: acknowledged first, as a new login would.
    manager = User.objects.get(username="manager")
    policy_acknowledge(actor=manager, version=PolicyVersion.objects.get(status="published"))
    page = signed_in("manager").get(f"/desk/reviews/{review.pk}").content.decode()
    assert "review-pack-pdf" in page and review.decisions.all()[0].capa.number in page
