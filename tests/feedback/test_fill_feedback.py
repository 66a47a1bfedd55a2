"""fill_feedback: plausible cases in bulk that every reader treats like real ones."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.devtools.fill import feedback_fill
from memnun.feedback.codes import Closure, FeedbackType, ObligationKind, ProposalDecision, Status
from memnun.feedback.deadline_rules import copy_to_feedback
from memnun.feedback.models import (
    CaseMessage,
    Compensation,
    CustomerAnswer,
    CustomerQuestion,
    Feedback,
    Obligation,
    ReferenceCounter,
    ResolutionProposal,
    StageChange,
    SurveyAnswer,
)
from memnun.feedback.moves import STATUS_CHANGES
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from memnun.feedback.services.obligations import obligations_recompute_many
from memnun.feedback.services.report_rollup import rollup_rebuild
from memnun.servicelevels.models import Calendar, OpeningPeriod
from memnun.servicelevels.store import calendar_changed
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db


def test_fill_writes_cases_with_their_obligations(demo: None) -> None:
    out = StringIO()
    call_command("fill_feedback", "--count", "600", "--batch", "250", "--seed", "7", stdout=out)
    text = out.getvalue()
    assert "600 / 600 (100 %)" in text and "rows/s" in text
    assert Feedback.objects.count() == 600
    references = list(Feedback.objects.values_list("reference", flat=True))
    assert len(set(references)) == 600
    assert all(reference_parse(r) == r for r in references)
    if connection.vendor == "sqlite":  # PostgreSQL takes them from the year's sequence
        assert sum(c.last for c in ReferenceCounter.objects.all()) == 600
    per_case = Obligation.objects.values("feedback").annotate(n=Count("id"))
    assert {row["n"] for row in per_case} == {4}  # ack, first response, update, resolution
    # Plausible spreads: every channel, status and office appears; web and phone lead.
    channels = Counter(Feedback.objects.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] in ("web", "phone")
    assert len(set(Feedback.objects.values_list("status", flat=True))) == 5
    assert set(Feedback.objects.values_list("office__code", flat=True)) == {
        "istanbul", "ankara", "izmir"
    }
    # The queue copies agree with the obligations, as the services would keep them.
    for case in Feedback.objects.prefetch_related("obligations")[:200]:
        assert copy_to_feedback(case, case.obligations.all()) == []
    # Intake goes on after the filled rows (ids and references continue).
    after = record(channel="fax")
    assert after.reference not in references
    assert queue_page(user=User.objects.get(username="quality"), limit=5).items


def test_fill_only_where_asked(demo: None) -> None:
    call_command("fill_feedback", "--count", "50", "--offices", "ankara,izmir", stdout=StringIO())
    assert set(Feedback.objects.values_list("office__code", flat=True)) <= {"ankara", "izmir"}


def test_a_calendar_change_recomputes_thousands_in_batches(demo: None) -> None:
    call_command("fill_feedback", "--count", "2500", "--days", "20", stdout=StringIO())
    calendar = Calendar.objects.get(code="standard")
    OpeningPeriod.objects.filter(calendar=calendar, weekday=0).update(opens="10:00")
    open_cases = Feedback.objects.exclude(status="closed").filter(
        obligations__met_at__isnull=True
    ).distinct().count()
    assert open_cases > 500
    # Queries grow with batches (a thousand cases; bulk statements), not with cases.
    with CaptureQueriesContext(connection) as queries:
        calendar_changed(calendar=calendar, actor="admin")
    assert len(queries) < open_cases / 20
    events = AuditEvent.objects.filter(action="feedback.deadlines_recomputed")
    assert 0 < events.count() <= open_cases
    assert audit_verify().ok
    # A second pass finds nothing left to change.
    assert obligations_recompute_many(feedback=Feedback.objects.all(), reason="again") == 0


# --- The case work a fill carries: what reports read, as the services would leave it. ---

_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _stages_by_case() -> dict[int, list[StageChange]]:
    stages: dict[int, list[StageChange]] = defaultdict(list)
    for stage in StageChange.objects.order_by("feedback_id", "at", "id"):
        stages[stage.feedback_id].append(stage)
    return stages


def test_filled_cases_follow_the_lifecycle(demo: None) -> None:
    feedback_fill(count=3000, seed=11, now=_NOW)
    stages = _stages_by_case()
    cases = list(Feedback.objects.select_related("assignee", "category"))
    assert len(cases) == 3000 and len(stages) == 3000
    moved_back = 0
    for case in cases:
        timeline = stages[case.pk]
        # Created at receipt; every later step a move of the table, in time order, by now.
        assert timeline[0].status == Status.CREATED and timeline[0].at == case.received_at
        steps = list(pairwise(timeline))
        assert all((a.status, b.status) in STATUS_CHANGES for a, b in steps)
        assert all(case.received_at <= a.at <= b.at <= _NOW for a, b in steps)
        assert timeline[-1].status == case.status
        # Each rejection and each reopening raised the escalation level by one.
        back = sum(
            1 for a, b in steps
            if b.status == Status.IN_PROGRESS and a.status in (Status.RESOLVED, Status.CLOSED)
        )
        assert case.escalation_level == back
        moved_back += back > 0
        if case.status == Status.CLOSED:
            assert case.closure and case.closed_at == timeline[-1].at
        else:
            assert case.closure == "" and case.closed_at is None
        if case.status == Status.CREATED:
            assert case.assignee is None and case.assessed_at is None and case.category is None
        else:
            # Started by a handler of its office, assessed then.
            assert case.assignee.role == Role.HANDLER
            assert case.assignee.office_id == case.office_id
            assert case.assessed_at == timeline[1].at and case.severity
        if case.type == FeedbackType.COMPLAINT and any(
            s.status == Status.UNDER_REVIEW for s in timeline
        ):
            assert case.category is not None  # classification complete before review
        if case.closure == Closure.RESPONSE_SENT:
            assert case.type != FeedbackType.COMPLAINT
    assert moved_back > 0
    closed = [c for c in cases if c.status == Status.CLOSED]
    assert len(closed) > 1000
    # Every status appears; most complaints carry a category, some cases none.
    assert {c.status for c in cases} == set(Status.values)
    assert any(c.category is None for c in cases if c.status != Status.CREATED)
    assert Feedback.objects.filter(escalation_level__gt=0).exists()
    assert Feedback.objects.exclude(product="").count() > 2000


def test_filled_proposals_answers_and_surveys_agree_with_the_path(demo: None) -> None:
    feedback_fill(count=3000, seed=12, now=_NOW)
    stages = _stages_by_case()
    # One proposal per entry into review, decided by the step that followed, never by
    # its proposer; a complaint's carries its root-cause category.
    proposals: dict[int, list[ResolutionProposal]] = defaultdict(list)
    for proposal in ResolutionProposal.objects.select_related("feedback").order_by("id"):
        proposals[proposal.feedback_id].append(proposal)
    expected = {None: ProposalDecision.PENDING, Status.RESOLVED: ProposalDecision.APPROVED,
                Status.IN_PROGRESS: ProposalDecision.SENT_BACK}
    for case_id, made in proposals.items():
        timeline = stages[case_id]
        reviews_at = [i for i, s in enumerate(timeline) if s.status == Status.UNDER_REVIEW]
        assert len(reviews_at) == len(made)
        for index, proposal in zip(reviews_at, made, strict=True):
            assert proposal.created_at == timeline[index].at
            following = timeline[index + 1] if index + 1 < len(timeline) else None
            assert proposal.decision == expected[following.status if following else None]
            if following is not None:
                assert proposal.decided_by_id != proposal.proposed_by_id
                assert proposal.decided_at == following.at
            if proposal.feedback.type == FeedbackType.COMPLAINT:
                assert proposal.root_cause_category_id is not None
    reviews = Counter(s.status for t in stages.values() for s in t)[Status.UNDER_REVIEW]
    assert ResolutionProposal.objects.count() == reviews
    # Rejections: one per resolved → in_progress step, on complaints only.
    rejections = sum(
        1 for t in stages.values() for a, b in pairwise(t)
        if (a.status, b.status) == (Status.RESOLVED, Status.IN_PROGRESS)
    )
    assert rejections > 0
    assert CustomerAnswer.objects.filter(accept=False).count() == rejections
    assert not CustomerAnswer.objects.exclude(feedback__type=FeedbackType.COMPLAINT).exists()
    assert all(a.proposal.decision == ProposalDecision.APPROVED
               for a in CustomerAnswer.objects.select_related("proposal"))
    for case in Feedback.objects.filter(closure=Closure.CUSTOMER_AGREED):
        latest = case.proposals.filter(decision=ProposalDecision.APPROVED).last()
        assert latest is not None and latest.answers.get().accept
    # Surveys: on about 30 % of closed cases, after the closure, scores leaning high.
    surveys = list(SurveyAnswer.objects.select_related("feedback"))
    closed = Feedback.objects.filter(status=Status.CLOSED).count()
    assert 0.2 * closed < len(surveys) < 0.4 * closed
    assert all(s.feedback.status == Status.CLOSED and s.at >= s.feedback.closed_at
               for s in surveys)
    scores = Counter(s.score for s in surveys)
    assert scores[4] + scores[5] > 2 * (scores[1] + scores[2] + scores[3])
    # Questions asked and answered while in progress; compensation on a few complaints.
    for question in CustomerQuestion.objects.all():
        assert question.asked_at < question.answered_at
        entered = [s for s in stages[question.feedback_id] if s.at <= question.asked_at]
        assert entered[-1].status == Status.IN_PROGRESS
    assert CustomerQuestion.objects.exists()
    assert 0 < Compensation.objects.count() < Feedback.objects.count() * 0.1
    # Reports read it as they would real work: something reopened, rejected, surveyed.
    # The fill writes rows in bulk: the rollup is rebuilt, as after any bulk load.
    rollup_rebuild()
    period = Period(start=date(2026, 1, 1), end=date(2026, 12, 31))
    answer = kpi(period=period, filters=ReportFilters(),
                 viewer=User.objects.get(username="quality"))
    assert answer["reopened"] > 0 and answer["rejected_by_customer"] > 0
    assert answer["satisfaction"]["responses"] > 0
    # Each case has its creation event, appended to the chain (which still verifies),
    # with no personal field in it.
    created = AuditEvent.objects.filter(action="feedback.created", object_type="feedback")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        Feedback.objects.values_list("reference", flat=True)
    )
    assert AuditEvent.objects.count() == created.count() and audit_verify().ok
    names = set(Feedback.objects.values_list("customer__name", flat=True))
    assert not any(name in str(e.data) for e in created[:200] for name in names)


def test_filled_obligations_are_met_where_the_path_met_them(demo: None) -> None:
    feedback_fill(count=1500, seed=13, now=_NOW)
    stages = _stages_by_case()
    owed = {(o.feedback_id, o.kind): o for o in Obligation.objects.all()}
    # Every written word to the customer: messages, and questions (sent by their channel).
    written: dict[int, list[datetime]] = defaultdict(list)
    for case_id, at in CaseMessage.objects.filter(visible_to_customer=True).values_list(
        "feedback_id", "created_at"
    ):
        written[case_id].append(at)
    for case_id, at in CustomerQuestion.objects.values_list("feedback_id", "asked_at"):
        written[case_id].append(at)
    for case in Feedback.objects.all():
        timeline = stages[case.pk]
        resolved = [s.at for s in timeline if s.status == Status.RESOLVED]
        resolution = owed[case.pk, ObligationKind.RESOLUTION]
        assert resolution.met_at == (resolved[0] if resolved else None)
        # The first written word is the first response; each decision is written.
        response = owed[case.pk, ObligationKind.FIRST_RESPONSE]
        assert response.met_at == (min(written[case.pk]) if written[case.pk] else None)
        assert (case.status == Status.CREATED) == (response.met_at is None)
        assert set(resolved) <= set(written[case.pk])
        if response.met_at is not None:
            assert timeline[1].at <= response.met_at
        # Updates are owed while worked, from the last word to the customer.
        update = owed[case.pk, ObligationKind.UPDATE]
        assert (update.met_at is None) == (
            case.status in (Status.CREATED, Status.IN_PROGRESS, Status.UNDER_REVIEW)
        )
        if case.status in (Status.IN_PROGRESS, Status.UNDER_REVIEW):
            last_step = timeline[-1].at
            assert update.started_at == max(
                [last_step, *(at for at in written[case.pk] if at >= last_step)]
            )
        assert copy_to_feedback(case, [o for (f, _), o in owed.items() if f == case.pk]) == []
    paused = Obligation.objects.filter(paused_seconds__gt=0)
    assert set(paused.values_list("kind", flat=True)) <= {ObligationKind.RESOLUTION}


def test_the_same_seed_fills_the_same_cases(demo: None) -> None:
    def drawn() -> list[tuple[object, ...]]:
        return list(Feedback.objects.order_by("id").values_list(
            "type", "status", "channel", "office_id", "received_at", "category_id",
            "assignee_id", "closure", "closed_at", "escalation_level", "product",
        ))

    feedback_fill(count=400, seed=5, now=_NOW)
    first = drawn()
    stages = StageChange.objects.count()
    Feedback.objects.all().delete()  # and, by cascade, all the case's rows
    assert not StageChange.objects.exists()
    feedback_fill(count=400, seed=5, now=_NOW)
    assert drawn() == first and StageChange.objects.count() == stages


def test_filled_escalations_climb_the_ladder_with_the_path(demo: None) -> None:
    """Each rejection and reopening of the path is an Escalation row, one rung at a time,
    up to the top internal level; the case's level is the last row's."""
    from memnun.feedback.escalation_models import Escalation

    feedback_fill(count=3000, seed=12, now=_NOW)
    stages = _stages_by_case()
    rows: dict[int, list[Escalation]] = defaultdict(list)
    for row in Escalation.objects.order_by("at", "id"):
        rows[row.feedback_id].append(row)
    levels = dict(Feedback.objects.values_list("id", "escalation_level"))
    climbed = 0
    for case_id, timeline in stages.items():
        returns = [
            after for before, after in pairwise(timeline)
            if after.status == Status.IN_PROGRESS
            and before.status in (Status.RESOLVED, Status.CLOSED)
        ]
        made = rows.get(case_id, [])
        assert len(made) == min(len(returns), 4)
        assert [(r.from_level, r.to_level) for r in made] == [(i, i + 1) for i in range(len(made))]
        assert [r.at for r in made] == [s.at for s in returns[: len(made)]]
        assert levels[case_id] == (made[-1].to_level if made else 0)
        climbed += bool(made)
    assert climbed > 0
