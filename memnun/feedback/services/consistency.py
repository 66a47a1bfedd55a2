"""The consistency report's one write (RA-obj): a reviewer marks a group of similar closed
cases as checked for equitability, with a comment; audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import FieldErrors, NotFound
from memnun.feedback.escalation_models import ConsistencyCheck
from memnun.feedback.permissions import Action, require
from memnun.feedback.selectors.reports.consistency import consistency_group
from memnun.feedback.selectors.reports.scope import Period, ReportFilters
from memnun.feedback.services.common import now_or
from memnun.organisation.models import Category, RootCauseCategory


def consistency_group_check(
    *, actor: User, period: Period, filters: ReportFilters, category: str,
    root_cause_category: str, comment: str, now: datetime | None = None,
) -> ConsistencyCheck:
    """Record that the group, as the actor sees it now (their office's cases for a
    reviewer), was checked; the cases it holds are kept, so a case added later shows the
    group unchecked again."""
    require(actor, Action.CHECK_CONSISTENCY)
    if not comment.strip():
        raise FieldErrors({"comment": [_("Say what the check found.")]})
    group = consistency_group(
        period=period, filters=filters, viewer=actor, category=category,
        root_cause_category=root_cause_category,
    )
    if group is None:
        raise NotFound(_("No such group of similar cases in this report."))
    at = now_or(now)
    with transaction.atomic():
        check = ConsistencyCheck.objects.create(
            category=Category.objects.get(code=category),
            root_cause_category=RootCauseCategory.objects.get(code=root_cause_category),
            case_ids=list(group.case_ids), comment=comment.strip(), checked_by=actor,
            checked_at=at,
        )
        audit_record(
            actor=actor.username, action="consistency.group_checked",
            object_type="consistency_group", object_id=group.key,
            data={"check_id": check.pk, "cases": len(group.case_ids),
                  "differences": len(group.differences)},
        )
    return check
