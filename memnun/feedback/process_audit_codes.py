"""The codes of the internal process audit (R8.5): a plan's status, a checklist item's
outcome, the checklist items themselves and a finding's kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditStatus(models.TextChoices):
    """planned → in progress (the sample is drawn) → finished (services/process_audit.py)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    FINISHED = "finished", _("Finished")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class ChecklistItem(models.TextChoices):
    """The checklist, in its order; each is one rule in `selectors/audit_checklist.py`."""

    ACK_ON_TIME = "ack_on_time", _("Acknowledged on time")
    ASSESSED_FIRST = "assessed_first", _("Assessed before investigation")
    ROOT_CAUSE = "root_cause", _("Root cause and corrective action present")
    SECOND_REVIEW = "second_review", _("Reviewed by a second person")
    AGREED_OR_RECOURSE = "agreed_or_recourse", _("Customer agreed or recourse given")
    MESSAGES_SENT = "messages_sent", _("Messages sent at each stage")
    REVEALS_REASONED = "reveals_reasoned", _("Personal data revealed only with a reason")


class FindingKind(models.TextChoices):
    NONCONFORMITY = "nonconformity", _("Nonconformity")
    OBSERVATION = "observation", _("Observation")
