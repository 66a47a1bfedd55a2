"""Feedback, its customer, attachments and stage history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.feedback import capa_codes as codes_capa
from memnun.feedback import codes
from memnun.feedback.codes import (
    AckMethod,
    AlertKind,
    Channel,
    ContactMethod,
    FeedbackType,
    Language,
    ObligationKind,
    Status,
)
from memnun.feedback.objectives_models import Objective as Objective  # R6.2, in its own module
from memnun.feedback.privacy_codes import NoticeGiven


class ReferenceCounter(models.Model):
    """The last reference sequence given out in a year; its row lock orders allocation."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Customer(models.Model):
    """The person who gave the feedback. Kept apart so that it can be erased or masked."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)  # E.164
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=8, choices=ContactMethod.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.TURKISH
    )
    # For letters (the address window); optional, many customers are reached otherwise.
    address = models.TextField(_("postal address"), blank=True)
    # Turkish-aware folded name, for search.
    name_folded = models.CharField(max_length=200, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"customer {self.pk}"


class Feedback(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    tracking_code_hash = models.CharField(max_length=64)
    type = models.CharField(_("type"), max_length=16, choices=FeedbackType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    office = models.ForeignKey(
        "organisation.Office", verbose_name=_("office"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CREATED
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    remedy_sought = models.TextField(_("remedy sought"), blank=True)
    # The brand as the customer wrote it, always kept; `brand` is set when it names a
    # known brand (organisation/brands.py), now or once staff teach it the spelling.
    brand_text = models.CharField(_("brand (as written)"), max_length=100, blank=True)
    brand = models.ForeignKey(
        "organisation.Brand", verbose_name=_("brand"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    product = models.CharField(_("product"), max_length=200, blank=True)
    device_serial = models.CharField(_("device serial"), max_length=64, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True, db_index=True)
    # Indexed like the IMEI and the customer's e-mail and phone: repeat detection
    # (selectors/repeats.py) looks each of them up.
    repair_order = models.CharField(_("repair order"), max_length=64, blank=True, db_index=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="feedback")
    received_at = models.DateTimeField(_("received at"))
    # Set at intake when other feedback of the repeat window shares an identifier, so the
    # queue shows it without a lookup per row; the case page lists them (selectors/repeats.py).
    is_repeat = models.BooleanField(_("repeat"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    # The privacy notice given (KVKK Art. 10): its version, how and when (services/intake.py;
    # with the acknowledgement for written channels, stamped when that goes out).
    privacy_notice_version = models.CharField(max_length=32)
    privacy_notice = models.ForeignKey(
        "feedback.PrivacyNotice", verbose_name=_("privacy notice"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    privacy_notice_given = models.CharField(
        _("privacy notice given"), max_length=16, choices=NoticeGiven.choices, blank=True
    )
    privacy_notice_at = models.DateTimeField(_("privacy notice given at"), null=True, blank=True)
    # When a closing message first carried the survey link: only with the customer's live
    # consent to the survey (services/messaging.message_closed); the reports count it.
    survey_sent_at = models.DateTimeField(_("survey sent at"), null=True, blank=True)
    # Case work (services/lifecycle.py, assessment.py, assignment.py are the writers).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="assigned_feedback",
    )
    # The rest of the initial assessment (services/assessment.py) beside `category`;
    # a safety hazard alerts the office lead.
    severity = models.CharField(
        _("severity"), max_length=8, choices=codes.Severity.choices, blank=True
    )
    safety_hazard = models.BooleanField(_("safety hazard"), default=False)
    immediate_action = models.BooleanField(_("immediate action needed"), default=False)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    # The case's rung on the escalation ladder (feedback/escalation.py): raised when the
    # customer rejects a resolution or comes back after closure, by staff, or by an external
    # referral; services/escalation.py is its only writer.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    closure = models.CharField(
        _("closure"), max_length=20, choices=codes.Closure.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Acknowledgement obligation (ele alındı bilgisi).
    ack_due_at = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    ack_sent_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_method = models.CharField(max_length=16, choices=AckMethod.choices, blank=True)
    # Set by the initial assessment; a safety category shortens the resolution target.
    category = models.ForeignKey(
        "organisation.Category", verbose_name=_("category"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    # The earliest open obligation, copied here by the obligation services so that
    # the fair queue is one indexed query. Empty when nothing is due (all met or paused).
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    next_due_kind = models.CharField(
        _("next due obligation"), max_length=16, choices=ObligationKind.choices, blank=True
    )
    # When that obligation's lead warning falls: the desk shows the case "at risk" from then.
    next_warn_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    # Report facts (feedback/report_facts.py): business time from receipt to each first
    # event in tenths of a business hour (125 = 12.5 h), written when the event happens.
    ack_tenths = models.PositiveIntegerField(null=True, blank=True)
    first_response_tenths = models.PositiveIntegerField(null=True, blank=True)
    decision_tenths = models.PositiveIntegerField(null=True, blank=True)
    close_tenths = models.PositiveIntegerField(null=True, blank=True)
    # Anonymised in place (KVKK erasure or destruction, dataprotection/services/anonymise.py,
    # its only writer): the person's data is gone, the reference, codes, dates and scores stay.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Why, naming no person: e.g. "erasure request 12", "retention rule 3".
    anonymised_reason = models.CharField(_("anonymised because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["office", "status", "received_at"]),
            # The fair queue (selectors/queue.py): open cases only, in queue order,
            # per office and across offices.
            models.Index(
                fields=["office", "next_due_at", "received_at", "id"],
                condition=~Q(status="closed"),
                name="feedback_queue_office",
            ),
            models.Index(
                fields=["next_due_at", "received_at", "id"],
                condition=~Q(status="closed"),
                name="feedback_queue_all",
            ),
            # Reports: a day's cases for the rollup, and the cases behind a report's figure,
            # the latest received first, across offices and in one (selectors/reports/drill.py):
            # a page reads the index in order.
            models.Index(fields=["received_at", "id"], name="feedback_received"),
            models.Index(fields=["office", "received_at", "id"], name="feedback_office_received"),
            models.Index(
                fields=["office", "assignee", "next_due_at", "received_at"],
                condition=~Q(status="closed"),
                name="feedback_open_assignee",
            ),
            # The repeat clusters report reads only the marked cases of a period
            # (selectors/reports/repeat_clusters.py): a small index, not the period's rows.
            models.Index(
                fields=["received_at"], condition=Q(is_repeat=True), name="feedback_repeat_received"
            ),
            models.Index(
                fields=["office", "received_at"], condition=Q(is_repeat=True),
                name="feedback_repeat_office",
            ),
            # /metrics counts intakes by channel at every scrape (selectors/intake_counts.py):
            # the narrow index, not the wide rows (1,000,000 cases on a loaded machine: 0.4 s
            # instead of 3.4 s on SQLite, 0.4 s instead of 1.0 s on PostgreSQL).
            models.Index(fields=["channel"], name="feedback_channel"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def ack_on_time(self) -> bool | None:
        if self.ack_sent_at is None or self.ack_due_at is None:
            return None
        return self.ack_sent_at <= self.ack_due_at


class UnmatchedBrand(Feedback):
    """Feedback seen through its brand text: /admin/ lists the spellings that name no
    known brand, with counts, for staff to link (feedback/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("unmatched brand")
        verbose_name_plural = _("unmatched brands")


class Obligation(models.Model):
    """A promise with a deadline that a case owes: acknowledge, respond, resolve, update.

    The deadline follows a service target on the office's business calendar from
    `started_at`, pushed back by the business time the case spent paused
    (waiting for the customer). Written only by `services/obligations.py`.
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("obligation"), max_length=16, choices=ObligationKind.choices)
    # The service target that set the deadline, e.g. "ack:fax" or "resolution:safety".
    target_key = models.CharField(_("service target"), max_length=100)
    started_at = models.DateTimeField(_("clock started"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("lead warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Business seconds spent paused in earlier pauses; already added to due_at.
    paused_seconds = models.PositiveIntegerField(_("paused (business seconds)"), default=0)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.UniqueConstraint(fields=["feedback", "kind"], name="obligation_once_per_kind")
        ]
        indexes = [
            # The breach watch looks only at running clocks.
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, breached_at__isnull=True),
                name="obligation_breach_watch",
            ),
            models.Index(
                fields=["warn_at"],
                condition=Q(met_at__isnull=True, warned_at__isnull=True),
                name="obligation_warn_watch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def on_time(self) -> bool | None:
        """Whether it was met by its deadline; None while it is still open."""
        if self.met_at is None:
            return None
        return self.met_at <= self.due_at

    @property
    def is_open(self) -> bool:
        return self.met_at is None


class Surge(models.Model):
    """A category × office whose complaints of an ISO week rose above their norm.

    Recorded once per category, office and week by `services/surges.py`, which
    alerts the quality managers when it records one; the figures are those seen
    then (the rule is `selectors/reports/surges.py`).
    """

    office = models.ForeignKey(
        "organisation.Office", verbose_name=_("office"), on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        "organisation.Category", verbose_name=_("category"), on_delete=models.CASCADE
    )
    week_start = models.DateField(_("week from"))  # the Monday, Istanbul dates
    count = models.PositiveIntegerField(_("complaints that week"))
    norm = models.FloatField(_("weekly mean before"))
    threshold = models.FloatField(_("surge above"))
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("surge")
        verbose_name_plural = _("surges")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "office", "week_start"], name="surge_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_id} at {self.office_id}, week of {self.week_start}"


class StaffAlert(models.Model):
    """A message owed to a member of staff about a case (deadline at risk or missed), or
    about a surge of complaints (then without a case).

    Delivered later by the notifications worker, and never outside the
    recipient's business hours: `deliver_after` is the next opening after it was
    raised, and `alerts_deliverable` checks the hours again at delivery time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="alerts",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    surge = models.ForeignKey(
        Surge, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    created_at = models.DateTimeField(_("raised at"))
    deliver_after = models.DateTimeField(_("deliver from"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "obligation", "kind"], name="staffalert_once"
            ),
            models.UniqueConstraint(
                fields=["recipient", "surge"], condition=Q(surge__isnull=False),
                name="staffalert_surge_once",
            ),
            # About a case or about a surge, never both, never neither.
            models.CheckConstraint(
                condition=Q(feedback__isnull=False, surge__isnull=True)
                | Q(feedback__isnull=True, surge__isnull=False),
                name="staffalert_case_or_surge",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deliver_after"],
                condition=Q(delivered_at__isnull=True),
                name="staffalert_pending",
            )
        ]

    def __str__(self) -> str:
        about = self.feedback_id if self.feedback_id else f"surge {self.surge_id}"
        return f"{self.kind} for {self.recipient_id} about {about}"


class StageChange(models.Model):
    """The customer-visible timeline: every status the case entered, and when."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="stages")
    status = models.CharField(max_length=16, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.status}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the customer's file name is kept only in the row.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


# --- Case work: who handles it, what was proposed and decided, what the customer said. ---


class Assignment(models.Model):
    """Every time a case was given to someone; the round robin reads who waited longest."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    # None when the round robin chose.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    automatic = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["assignee", "at"])]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.assignee_id}"


class InvolvedPerson(models.Model):
    """Staff involved in what the feedback is about (they may not handle or decide it)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="involved")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
        related_name="+",
    )
    role_in_subject = models.CharField(_("role in the subject"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "user"], name="involved_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role_in_subject}) in {self.feedback_id}"


class ResolutionProposal(models.Model):
    """A proposed resolution and its review; every one is kept, sent back or approved."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    root_cause_category = models.ForeignKey(
        "organisation.RootCauseCategory", verbose_name=_("root cause category"),
        on_delete=models.PROTECT, null=True, blank=True,
    )
    corrective_action = models.TextField(_("corrective action"), blank=True)
    # What the resolution offers (R7.7); blank only for proposals made before it existed
    # or through the API without it. "No action" carries its justification.
    response_type = models.CharField(
        _("response type"), max_length=16, choices=codes_capa.ResponseType.choices, blank=True
    )
    response_justification = models.TextField(_("justification"), blank=True)
    # The CAPA the proposal linked the case to, or opened from it.
    capa = models.ForeignKey(
        "feedback.Capa", verbose_name=_("CAPA"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="proposals",
    )
    # The message the customer gets once it is approved.
    resolution = models.TextField(_("resolution"))
    created_at = models.DateTimeField()
    decision = models.CharField(
        max_length=12, choices=codes.ProposalDecision.choices,
        default=codes.ProposalDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"proposal {self.pk} for {self.feedback_id} ({self.decision})"


class CaseMessage(models.Model):
    """A message to the customer (shown on tracking) or an internal note (never shown)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="messages")
    # None for messages the system writes (a merge notice).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    body = models.TextField()
    visible_to_customer = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["feedback", "visible_to_customer", "created_at"])]

    def __str__(self) -> str:
        kind = "message" if self.visible_to_customer else "note"
        return f"{kind} {self.pk} on {self.feedback_id}"


class CustomerAnswer(models.Model):
    """The customer's answer to an approved resolution: agreement or rejection, and why."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="customer_answers"
    )
    proposal = models.ForeignKey(
        ResolutionProposal, on_delete=models.CASCADE, related_name="answers"
    )
    accept = models.BooleanField()
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=12, choices=codes.AnswerChannel.choices)
    # None when the customer answered on the tracking page.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal"], name="one_answer_per_resolution")
        ]

    def __str__(self) -> str:
        return f"{'accept' if self.accept else 'reject'} {self.feedback_id}"


class SurveyAnswer(models.Model):
    """How satisfied the customer was with the handling, once the case closed."""

    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="survey")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.score}"


class FeedbackLink(models.Model):
    """A link between two cases: related, followed up as a new case, or a duplicate."""

    from_feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="links_out"
    )
    to_feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=codes.LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_feedback", "to_feedback", "kind"], name="feedback_link_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_feedback=models.F("to_feedback")),
                name="feedback_link_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_feedback_id} {self.kind} {self.to_feedback_id}"


class Compensation(models.Model):
    """Compensation where the company caused the harm, with its legal basis and approval."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="compensations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=codes.CompensationKind.choices)
    # Turkish lira; the value of a replacement or repair as well as of a refund.
    amount = models.DecimalField(_("amount (TRY)"), max_digits=12, decimal_places=2)
    legal_basis = models.TextField(_("legal basis"))
    status = models.CharField(max_length=10, choices=codes.CompensationStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    # None when it fell within the proposer's own limit.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="compensation_amount")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} TRY on {self.feedback_id}"


class CustomerQuestion(models.Model):
    """A question to the customer while the case is worked; open until answered or withdrawn.

    An open question is what "waiting for the customer" means: the pausable clocks
    stop while one is open (`services/questions.py` is the only writer).
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_channel = models.CharField(
        _("answer channel"), max_length=12, choices=codes.AnswerChannel.choices, blank=True
    )
    # None when the customer answered on the tracking page or by e-mail.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answer recorded by"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    # The case left `in_progress` unanswered (proposed, merged): the wait ended without it.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("question to the customer")
        verbose_name_plural = _("questions to the customer")
        constraints = [
            # One open question a case: the customer answers "the" question.
            models.UniqueConstraint(
                fields=["feedback"],
                condition=Q(answered_at__isnull=True, withdrawn_at__isnull=True),
                name="customerquestion_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"question {self.pk} on {self.feedback_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.withdrawn_at is None


# The report rollup (feedback/services/report_rollup.py keeps it; selectors/reports/rollup.py
# reads it): the KPI counters of the cases received on each Istanbul day, recomputed from
# the raw rows for every day whose cases changed (the audit trail says which).


class ReportCells(models.Model):
    """The counters of the cases received in a span for one office, channel and type.

    One column per counter of the metric catalogue (`selectors/reports/cells.py`
    names them; a test keeps the two equal).
    """

    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    type = models.CharField(max_length=16)
    received_total = models.PositiveIntegerField(default=0)
    received_by_channel = models.PositiveIntegerField(default=0)
    received_by_type = models.PositiveIntegerField(default=0)
    received_by_office = models.PositiveIntegerField(default=0)
    acknowledgement_on_time = models.PositiveIntegerField(default=0)
    acknowledgement_late = models.PositiveIntegerField(default=0)
    acknowledgement_pending = models.PositiveIntegerField(default=0)
    acknowledgement_by_channel_on_time = models.PositiveIntegerField(default=0)
    acknowledgement_by_channel_late = models.PositiveIntegerField(default=0)
    acknowledgement_by_channel_pending = models.PositiveIntegerField(default=0)
    status_created = models.PositiveIntegerField(default=0)
    status_in_progress = models.PositiveIntegerField(default=0)
    status_under_review = models.PositiveIntegerField(default=0)
    status_resolved = models.PositiveIntegerField(default=0)
    status_closed = models.PositiveIntegerField(default=0)
    closed_customer_agreed = models.PositiveIntegerField(default=0)
    closed_options_exhausted = models.PositiveIntegerField(default=0)
    closed_merged = models.PositiveIntegerField(default=0)
    rejected_by_customer = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    resolved_within_target_resolved = models.PositiveIntegerField(default=0)
    resolved_within_target_within = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    satisfaction_responses = models.PositiveIntegerField(default=0)
    satisfaction_mean_sum = models.PositiveIntegerField(default=0)
    satisfaction_mean_n = models.PositiveIntegerField(default=0)
    satisfaction_distribution_1 = models.PositiveIntegerField(default=0)
    satisfaction_distribution_2 = models.PositiveIntegerField(default=0)
    satisfaction_distribution_3 = models.PositiveIntegerField(default=0)
    satisfaction_distribution_4 = models.PositiveIntegerField(default=0)
    satisfaction_distribution_5 = models.PositiveIntegerField(default=0)
    satisfaction_sent = models.PositiveIntegerField(default=0)
    satisfaction_by_office_responses = models.PositiveIntegerField(default=0)
    satisfaction_by_office_score = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_customer_agreed_responses = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_customer_agreed_score = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_options_exhausted_responses = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_options_exhausted_score = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_response_sent_responses = models.PositiveIntegerField(default=0)
    satisfaction_by_closure_response_sent_score = models.PositiveIntegerField(default=0)
    compensation_count = models.PositiveIntegerField(default=0)
    compensation_cents = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class ReportDay(ReportCells):
    """The counters of one Istanbul day of receipt."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "office", "channel", "type"],
                                    name="report_day_cell"),
        ]
        # Volume over time reads the index alone.
        indexes = [models.Index(fields=["day", "office", "channel", "type", "received_total"],
                                name="report_day_received")]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.channel} {self.type}"


class ReportMonth(ReportCells):
    """The same counters summed over a calendar month (`month` is its first day)."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "office", "channel", "type"],
                                    name="report_month_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.office_id} {self.channel} {self.type}"


class ReportBrandDay(models.Model):
    """Feedback (and complaints) received on one day for one office, by known brand
    (none: no brand)."""

    day = models.DateField()
    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(
        "organisation.Brand", on_delete=models.CASCADE, null=True, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)  # the Pareto's cases

    class Meta:
        indexes = [models.Index(fields=["day", "office"])]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.brand_id}"


class ReportCategoryDay(models.Model):
    """Received, complaints, survey responses and score sum of one day for one office, by
    category."""

    day = models.DateField()
    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "organisation.Category", on_delete=models.CASCADE, null=True, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)  # the Pareto's cases
    responses = models.PositiveIntegerField(default=0)
    score = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "office"])]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.category_id}"


class ReportHandlerDay(models.Model):
    """Survey responses and score sum of one day for one office, by the case's assignee."""

    day = models.DateField()
    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    responses = models.PositiveIntegerField(default=0)
    score = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "office"])]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.assignee_id}"


class ReportDuration(models.Model):
    """A histogram of one report fact: how many cases took `value` tenths of an hour.

    Kept per day (`month` empty) and summed per calendar month (`day` empty), so that a
    period reads whole months from the monthly rows and only its edges from the daily.
    """

    day = models.DateField(null=True)
    month = models.DateField(null=True)  # its first day
    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=16)
    value = models.PositiveIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "office", "measure", "value", "n"],
                         name="report_duration_day"),
            models.Index(fields=["month", "office", "measure", "value", "n"],
                         name="report_duration_month"),
        ]

    def __str__(self) -> str:
        return f"{self.day or self.month} {self.measure} {self.value}: {self.n}"


class ReportWatermark(models.Model):
    """The last audit event (its `seq`) whose case changes the rollup has taken in."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    caught_up_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"report rollup up to audit event {self.seq}"
# The open cases' condition inlines its status so that SQLite uses the partial indexes.
from memnun.feedback.open_cases import IsNotLiteral  # noqa: E402

Feedback._meta.get_field("status").register_lookup(IsNotLiteral)
# The CAPA register (DÖF) lives in its own module; imported here so that Django finds it.
from memnun.feedback.capa_models import (  # noqa: E402, F401, I001
    Capa, CapaAction, CapaCheck, CapaCounter, CapaSource, CapaWhy,
)
from memnun.feedback.export_models import Export  # noqa: E402, F401  (the export jobs' rows)
# The internal process audit (R8.5) lives in its own module too.
from memnun.feedback.process_audit_models import AuditCheck, AuditFinding, AuditPlan, AuditSample  # noqa: E402, F401
# The escalation ladder, the escalations and the consistency checks (RA-flow, RA-obj).
from memnun.feedback.escalation_models import ConsistencyCheck, Escalation, EscalationLevel  # noqa: E402, F401
# The management review (R8.6) and its decisions.
from memnun.feedback.review_models import ManagementReview, ReviewDecision  # noqa: E402, F401
from memnun.feedback.privacy_models import (  # noqa: E402, F401  (KVKK: notice, consents, disclosures)
    Consent,
    Disclosure,
    PrivacyNotice,
    RecipientNotice,
)
# Saved replies (macros) for the messages to the customer.
from memnun.feedback.saved_reply_models import SavedReply  # noqa: E402, F401
# Notifications inside the desk (new assignment, customer answered, review, deadline).
from memnun.feedback.desk_notice_models import DeskNotification  # noqa: E402, F401
# The desk's per-user views and home visits (issue 15).
from memnun.feedback.desk_models import HomeLook, SavedView  # noqa: E402, F401
