"""K9: the retention schedule, its holds, and the destruction job with its log."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from memnun.api.models import IdempotentRequest
from memnun.audit.models import AuditEvent
from memnun.cli import main
from memnun.dataprotection.models import (
    DestructionEntry,
    DestructionRun,
    DestructionTrigger,
    RetentionHold,
    RetentionPeriod,
)
from memnun.dataprotection.retention import case_kept_by_hold, cases_expired
from memnun.dataprotection.retention_rules import (
    DEFAULTS,
    RetentionCategory,
    period_covers,
    period_start,
)
from memnun.dataprotection.services.destruction import destruction_run
from memnun.feedback.codes import Status
from memnun.feedback.models import Customer, Feedback
from memnun.jobs.schedule import PERIODIC, autodiscover
from memnun.mailin.models import InboundMessage, InboundStatus
from memnun.ratelimit.limiter import rate_hit
from memnun.ratelimit.models import RateWindow
from tests.casework import Case, case_in, user
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)
NAME = "Işıl Öztürk"


def closed_ago(case: Case, delta: timedelta) -> Feedback:
    """Say the case was closed `delta` ago (the clock of the test's world)."""
    Feedback.objects.filter(pk=case.feedback.pk).update(closed_at=timezone.now() - delta)
    return case.fresh()


def customer_name(case: Case) -> str:
    return Customer.objects.get(pk=case.fresh().customer_id).name


def hold(name: str, *cases: Case, **extra: object) -> RetentionHold:
    rule = RetentionHold.objects.create(name=name, reason="Dava sürüyor.", **extra)
    rule.cases.set([c.feedback.pk for c in cases])
    return rule


def audit_verified() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


# --- the schedule ---


def test_k9_the_migration_seeds_the_documented_defaults(demo: None) -> None:
    periods = {p.category: (p.amount, p.unit) for p in RetentionPeriod.objects.all()}
    assert periods == {
        "case": (10, "years"), "inbound_mail": (90, "days"), "idempotency": (30, "days"),
        "rate_limit": (1, "days"), "logs": (3, "years"),
    }
    # The migration froze the documented defaults of this version: the two agree.
    assert periods == {c.value: (d.amount, d.unit) for c, d in DEFAULTS.items()}


def test_k9_period_arithmetic_follows_the_calendar() -> None:
    now = datetime(2036, 2, 29, 12, tzinfo=timezone.get_current_timezone())
    assert period_start(now=now, amount=10, unit="years") == now.replace(year=2026, day=28)
    assert period_start(now=now, amount=1, unit="months") == now.replace(month=1)
    assert period_start(now=now, amount=90, unit="days") == now - timedelta(days=90)
    # The destruction log is kept at least three years (the Regulation, Art. 7).
    assert period_covers(amount=3, unit="years", category=RetentionCategory.LOGS)
    assert not period_covers(amount=35, unit="months", category=RetentionCategory.LOGS)


# --- selection ---


def test_k9_only_closed_cases_past_their_period_expire(demo: None) -> None:
    old = case_in(Status.CLOSED)
    closed_ago(old, 10 * YEAR + timedelta(days=5))
    recent = case_in(Status.CLOSED)
    closed_ago(recent, 9 * YEAR)
    handled = case_in(Status.IN_PROGRESS)  # never expires while it is handled
    now = timezone.now()
    assert [c.reference for c in cases_expired(now=now)] == [old.reference]
    # Time injected: a year on, the recent one has expired too; the open one never.
    later = [c.reference for c in cases_expired(now=now + 1 * YEAR + timedelta(days=5))]
    assert later == [old.reference, recent.reference]
    assert handled.reference not in later


def test_k9_a_hold_keeps_a_case_while_in_force_and_names_the_rule(demo: None) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 11 * YEAR)
    rule = hold("Dava 2036/12", case, until=(timezone.localdate() + timedelta(days=1)))
    now = timezone.now()
    assert case_kept_by_hold(feedback=case.feedback, now=now) == rule
    assert [(c.reference, c.hold) for c in cases_expired(now=now)] == [
        (case.reference, "Dava 2036/12")
    ]
    # Past its last day, or made inactive, it keeps nothing.
    assert case_kept_by_hold(feedback=case.feedback, now=now + timedelta(days=2)) is None
    RetentionHold.objects.filter(pk=rule.pk).update(active=False)
    assert case_kept_by_hold(feedback=case.feedback, now=now) is None


# --- the destruction job ---


def test_k9_the_job_anonymises_only_what_expired_and_logs_it(demo: None) -> None:
    expired = case_in(Status.CLOSED)
    closed_ago(expired, 10 * YEAR + timedelta(days=5))
    recent = case_in(Status.CLOSED)
    handled = case_in(Status.IN_PROGRESS)
    held = case_in(Status.CLOSED)
    closed_ago(held, 12 * YEAR)
    hold("Tüketici hakem heyeti başvurusu", held)
    events = AuditEvent.objects.count()

    summary = destruction_run(now=timezone.now(), trigger=DestructionTrigger.SCHEDULE)

    assert summary.references == [expired.reference]
    assert summary.held == [(held.reference, "Tüketici hakem heyeti başvurusu")]
    assert expired.fresh().anonymised_at is not None
    assert customer_name(expired) != NAME
    for kept in (recent, handled, held):
        assert kept.fresh().anonymised_at is None
        assert customer_name(kept) == NAME
    run = DestructionRun.objects.get()
    assert run.trigger == "schedule" and run.finished_at is not None and not run.error
    assert run.counts["case"] == 1 and run.counts["held"] == 1
    entry = DestructionEntry.objects.get()
    assert (entry.run, entry.reference, entry.category, entry.rule) == (
        run, expired.reference, "case", "case: 10 years"
    )
    assert AuditEvent.objects.filter(
        action="retention.destruction_run", object_id=str(run.pk)
    ).exists()
    assert AuditEvent.objects.count() > events
    assert "intact" in audit_verified()

    # A second run finds nothing to do (and logs that it found nothing).
    again = destruction_run(now=timezone.now(), trigger=DestructionTrigger.SCHEDULE)
    assert again.nothing_done and again.references == []
    assert DestructionEntry.objects.count() == 1
    assert DestructionRun.objects.count() == 2


def test_k9_a_longer_period_in_the_schedule_keeps_the_case(demo: None) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 11 * YEAR)
    RetentionPeriod.objects.filter(category="case").update(amount=12)
    assert destruction_run(now=timezone.now(), trigger="schedule").references == []
    assert case.fresh().anonymised_at is None
    summary = destruction_run(now=timezone.now() + 1 * YEAR + timedelta(days=10),
                              trigger="schedule")
    assert summary.references == [case.reference]
    assert DestructionEntry.objects.get().rule == "case: 12 years"


def test_k9_the_job_prunes_rate_limit_counters_and_mails_without_a_case(demo: None) -> None:
    now = timezone.now()
    rate_hit(key="track-miss:203.0.113.9", window_seconds=3600,
             now=(now - timedelta(days=2)).timestamp())
    rate_hit(key="track-miss:203.0.113.9", window_seconds=3600, now=now.timestamp())
    case = Case()
    InboundMessage.objects.create(
        message_id="<old-bounce@x>", status=InboundStatus.IGNORED, from_address="a@example.com",
        received_at=now - timedelta(days=91),
    )
    InboundMessage.objects.create(
        message_id="<new-bounce@x>", status=InboundStatus.IGNORED, received_at=now,
    )
    InboundMessage.objects.create(
        message_id="<reply@x>", status=InboundStatus.THREADED, feedback=case.feedback,
        received_at=now - timedelta(days=400),
    )

    summary = destruction_run(now=now, trigger="schedule")

    assert summary.counts["rate_limit"] == 1
    assert RateWindow.objects.count() == 1
    assert summary.counts["inbound_mail"] == 1
    assert sorted(InboundMessage.objects.values_list("message_id", flat=True)) == [
        "<new-bounce@x>", "<reply@x>",  # a case's mail stays with its case
    ]
    assert destruction_run(now=now, trigger="schedule").nothing_done


def test_k9_a_stored_api_answer_keeps_no_tracking_code_past_the_retry_window(
    demo: None,
) -> None:
    api = Client()
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-k9"}
    first = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json",
                     **headers)
    assert first.status_code == 201
    code, reference = first.json()["tracking_code"], first.json()["reference"]
    row = IdempotentRequest.objects.get()
    assert row.response["tracking_code"] == code  # within the window: the retry gets it whole

    # A day and an hour later: the window has passed.
    IdempotentRequest.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    replay = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json",
                      **headers)
    assert replay.json()["reference"] == reference
    assert code not in replay.content.decode()  # even before the job came by

    summary = destruction_run(now=timezone.now(), trigger="schedule")
    assert summary.counts["tracking_code"] == 1
    row.refresh_from_db()
    assert code not in str(row.response) and row.response["reference"] == reference
    assert Feedback.objects.count() == 1

    # Past its retention period (30 days) the row goes.
    later = destruction_run(now=timezone.now() + timedelta(days=31), trigger="schedule")
    assert later.counts["idempotency"] == 1
    assert not IdempotentRequest.objects.exists()


def test_k9_the_scheduler_runs_the_job_monthly_and_never_less_than_half_yearly() -> None:
    autodiscover()
    job = PERIODIC["dataprotection.destruction"]
    assert job.period == timedelta(days=30)
    with override_settings(MEMNUN_DESTRUCTION_EVERY_DAYS=200):
        assert "memnun.E105" in [m.id for m in run_checks()]
    with override_settings(MEMNUN_DESTRUCTION_EVERY_DAYS=183):
        assert "memnun.E105" not in [m.id for m in run_checks()]


def test_k9_the_scheduled_task_runs_the_job(demo: None) -> None:
    from memnun.dataprotection.tasks import scheduled_destruction

    case = case_in(Status.CLOSED)
    closed_ago(case, 10 * YEAR + timedelta(days=5))
    counts = scheduled_destruction.call()
    assert counts["case"] == 1
    assert DestructionRun.objects.get().trigger == "schedule"


# --- the command ---


def test_k9_the_commands_dry_run_changes_nothing(
    demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 10 * YEAR + timedelta(days=5))
    events = AuditEvent.objects.count()
    assert main(["privacy", "destroy", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "1  Cases anonymised" in out.out
    assert "dry run" in out.err
    assert case.fresh().anonymised_at is None and customer_name(case) == NAME
    assert not DestructionRun.objects.exists()
    assert AuditEvent.objects.count() == events
    # A dry run may look ahead; a real run may not.
    ahead = (timezone.now() + 20 * YEAR).date().isoformat()
    assert main(["privacy", "destroy", "--dry-run", "--now", ahead]) == 0
    assert main(["privacy", "destroy", "--now", ahead]) == 2
    assert "future" in capsys.readouterr().err


def test_k9_the_command_destroys_now_and_logs_who_ran_it(
    demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 10 * YEAR + timedelta(days=5))
    assert main(["privacy", "destroy"]) == 0
    assert "1  Cases anonymised" in capsys.readouterr().out
    run = DestructionRun.objects.get()
    assert run.trigger == "command" and run.started_by
    assert case.fresh().anonymised_at is not None
    assert main(["privacy", "destroy"]) == 0
    assert "nothing was destroyed" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["yesterday", "2036-13-01", "31.01.2036"])
def test_k9_the_command_refuses_a_bad_time(
    demo: None, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    assert main(["privacy", "destroy", "--now", bad]) == 2
    assert "ISO 8601" in capsys.readouterr().err


# --- the desk and the admin ---


def signed_in(username: str, language: str = "tr") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user(username))
    return client


@pytest.mark.parametrize(
    ("username", "status"),
    [("privacy", 200), ("quality", 200), ("auditor", 200), ("agent", 403), ("handler", 403)],
)
def test_k9_the_desk_page_is_for_privacy_quality_and_auditors(
    demo: None, username: str, status: int
) -> None:
    assert signed_in(username).get("/desk/privacy/retention/").status_code == status


def test_k9_the_desk_page_lists_the_schedule_and_the_runs(demo: None) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 10 * YEAR + timedelta(days=5))
    destruction_run(now=timezone.now(), trigger="command", started_by="ops")
    english = signed_in("privacy", "en").get("/desk/privacy/retention/")
    page = english.content.decode()
    assert "Retention schedule" in page and "10 years after the case" in page
    assert "Cases anonymised" in page and "ops" in page
    turkish = signed_in("privacy", "tr").get("/desk/privacy/retention/").content.decode()
    assert "Saklama" in turkish and "Retention schedule" not in turkish
    assert NAME not in page


def test_k9_privacy_changes_a_period_in_the_admin_but_not_below_the_minimum(
    demo: None,
) -> None:
    client = signed_in("privacy", "en")
    logs = RetentionPeriod.objects.get(category="logs")
    url = f"/admin/dataprotection/retentionperiod/{logs.pk}/change/"
    refused = client.post(url, {"amount": 2, "unit": "years", "note": ""})
    assert refused.status_code == 200 and "at least 3" in refused.content.decode()
    case = RetentionPeriod.objects.get(category="case")
    done = client.post(f"/admin/dataprotection/retentionperiod/{case.pk}/change/",
                       {"amount": 15, "unit": "years", "note": "Avukat görüşü, 2036"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.amount, case.changed_by) == (15, "privacy")
    assert AuditEvent.objects.filter(action="retention.period_changed").exists()
    # The agent has no admin; the privacy contact sees no other admin page.
    assert signed_in("agent").get(url).status_code == 302
    assert client.get("/admin/dataprotection/processor/").status_code == 403


def test_k9_a_hold_set_in_the_admin_keeps_the_case(demo: None) -> None:
    case = case_in(Status.CLOSED)
    closed_ago(case, 11 * YEAR)
    client = signed_in("privacy", "en")
    response = client.post("/admin/dataprotection/retentionhold/add/", {
        "name": "Dava 2036/7", "reason": "Müşteri dava açtı.", "cases": str(case.feedback.pk),
        "active": "on", "until": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RetentionHold.objects.get()
    assert list(rule.cases.all()) == [case.feedback] and rule.created_by == "privacy"
    assert AuditEvent.objects.filter(action="retention.hold_added").count() == 1
    summary = destruction_run(now=timezone.now(), trigger="schedule")
    assert summary.held == [(case.reference, "Dava 2036/7")]
    assert case.fresh().anonymised_at is None


def test_k9_the_demo_privacy_contact_may_enter_the_admin(demo: None) -> None:
    assert user("privacy").is_staff


def test_k9_an_erasure_request_keeps_a_held_case_and_names_the_hold(demo: None) -> None:
    """K8 and K9: the one rule that keeps a case (`erasure_keep_reason`) knows the holds."""
    from memnun.dataprotection.services.subject_requests import request_erase, request_record

    held, free = case_in(Status.CLOSED), case_in(Status.CLOSED)
    hold("Dava 2036/9", held)
    request = request_record(actor=user("privacy"), right="erasure", email="isil@example.com",
                             phone="", identity_check="Islak imzalı dilekçe.")
    result = request_erase(actor=user("privacy"), request=request)
    assert result.anonymised == [free.reference]
    assert [k["reference"] for k in result.kept] == [held.reference]
    assert "Dava 2036/9" in result.kept[0]["reason"]
    assert held.fresh().anonymised_at is None and customer_name(held) == NAME


def test_k9_the_hourly_prune_blanks_codes_past_the_window_only(demo: None) -> None:
    from memnun.api.tasks import idempotent_requests_prune

    old, fresh = (
        IdempotentRequest.objects.create(
            scope="client:203.0.113.9", key=key, request_hash="0" * 64, status_code=201,
            response={"reference": f"26-00000{n}-0", "tracking_code": f"KOD{n}"},
        )
        for n, key in enumerate(("a", "b"), start=1)
    )
    IdempotentRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    assert idempotent_requests_prune.call() == {"tracking_code": 1, "idempotency": 0}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.response == {"reference": "26-000001-0", "tracking_code": "••••"}
    assert fresh.response["tracking_code"] == "KOD2"
    assert idempotent_requests_prune.call() == {"tracking_code": 0, "idempotency": 0}


def test_k9_a_failed_run_is_logged_with_the_kind_of_error(demo: None) -> None:
    from memnun.dataprotection.services.destruction import PRUNERS, pruner_register

    def broken(*, before: datetime, now: datetime, dry_run: bool = False) -> dict[str, int]:
        raise LookupError("Işıl Öztürk")  # the message may quote a row: it is not kept

    pruner_register(name="test.broken", category=RetentionCategory.RATE_LIMIT, prune=broken)
    try:
        with pytest.raises(LookupError):
            destruction_run(now=timezone.now(), trigger="schedule")
    finally:
        del PRUNERS["test.broken"]
    run = DestructionRun.objects.get()
    assert run.finished_at is not None and run.error == "LookupError"
    assert AuditEvent.objects.filter(action="retention.destruction_run",
                                     data__failed=True).exists()
