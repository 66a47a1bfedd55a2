"""The breach register (K11), the processors (K5, K12), the data subjects' requests (K6,
K8), and the retention schedule, its holds and the destruction log (K9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.dataprotection.retention_rules import RetentionCategory
from memnun.dataprotection.retention_rules import Unit as RetentionUnit


class BreachStatus(models.TextChoices):
    # Recorded; the Board has not been told yet (the 72-hour clock runs).
    OPEN = "open", _("Open: the Board not notified yet")
    NOTIFIED = "notified", _("Board notified")
    CLOSED = "closed", _("Closed")


class Breach(models.Model):
    """A personal-data breach (KVKK Art. 12(5); Board Decision 2019/10).

    The Board must be told within 72 hours of `aware_at` (wall-clock hours:
    `rules.board_due_at`); a later notification states why (`board_late_reason`).
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    detected_at = models.DateTimeField(_("detected at"))
    aware_at = models.DateTimeField(
        _("aware at"), help_text=_("When the company became aware of the breach: the 72 hours "
                                   "to notify the Board start here."),
    )
    data_categories = models.JSONField(_("data categories"), default=list)
    offices = models.ManyToManyField(
        "organisation.Office", verbose_name=_("affected offices"), related_name="+",
    )
    window_from = models.DateTimeField(_("affected from"))
    window_to = models.DateTimeField(_("affected until"))
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(_("measures taken"))
    status = models.CharField(
        _("status"), max_length=16, choices=BreachStatus.choices, default=BreachStatus.OPEN,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    board_notified_at = models.DateTimeField(_("Board notified at"), null=True, blank=True)
    board_reference = models.CharField(_("Board's reference"), max_length=100, blank=True)
    board_late_reason = models.TextField(_("reason for the late notification"), blank=True)
    subjects_notified_at = models.DateTimeField(
        _("people notified at"), null=True, blank=True,
    )
    subjects_notified = models.PositiveIntegerField(_("people notified"), default=0)
    # The last alert stage sent (hours after awareness: 0 none, then rules.ALERT_HOURS):
    # the watch claims a stage with a conditional update, so each goes out once.
    alerted_hours = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-aware_at", "-id"]
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_from__lte=models.F("window_to")), name="breach_window_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["aware_at"], condition=Q(status="open"), name="breach_open_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"IHL-{self.aware_at:%Y}-{self.pk:04d}"


class ProcessorService(models.TextChoices):
    EMAIL = "email", _("E-mail delivery")
    SMS = "sms", _("SMS delivery")
    HOSTING = "hosting", _("Hosting")
    OTHER = "other", _("Other")


class TransferBasis(models.TextChoices):
    """How personal data may go abroad (KVKK Art. 9 as amended by Law 7499)."""

    NONE = "", _("None: processed in Türkiye")
    ADEQUACY = "adequacy", _("Adequacy decision")
    STANDARD_CONTRACT = "standard_contract", _("Board standard contract")
    BCR = "bcr", _("Binding corporate rules")
    UNDERTAKING = "undertaking", _("Written undertaking approved by the Board")
    OCCASIONAL = "occasional", _("Occasional transfer (Art. 9(6))")


class Processor(models.Model):
    """A company processing personal data on our behalf (veri işleyen)."""

    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=16, choices=ProcessorService.choices)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166 code where the data is processed "
                                                "(TR for Türkiye)."),
    )
    region = models.CharField(_("cloud region"), max_length=100, blank=True)
    transfer_basis = models.CharField(
        _("transfer basis"), max_length=24, choices=TransferBasis.choices, blank=True,
        help_text=_("Required when the country is not Türkiye."),
    )
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    notified_on = models.DateField(
        _("standard contract notified to the Authority on"), null=True, blank=True,
    )
    purpose = models.CharField(_("what it does for us"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service", "name"]
        verbose_name = _("processor")
        verbose_name_plural = _("processors")
        constraints = [
            # Abroad needs a recorded mechanism (K5); at home there is none to record.
            models.CheckConstraint(
                condition=Q(country="TR") | ~Q(transfer_basis=""),
                name="processor_abroad_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def abroad(self) -> bool:
        return self.country.upper() != "TR"


class SubjectRight(models.TextChoices):
    """The data subject's rights a request may ask for (KVKK Art. 11)."""

    ACCESS = "access", _("Access: what is held about me")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    OBJECTION = "objection", _("Objection")
    INFORMATION = "information", _("Information: how my data is processed")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


class SubjectRequest(models.Model):
    """A data subject's request (ilgili kişi başvurusu, KVKK Art. 11 and 13): answered with
    reasons within 30 days of receipt (`rules.request_due_at`). The cases are those whose
    customer had the subject's e-mail or phone when it was recorded; they stay linked after
    a rectification or an erasure. `services/subject_requests.py` is the only writer."""

    right = models.CharField(_("right"), max_length=16, choices=SubjectRight.choices)
    subject_email = models.EmailField(_("subject's e-mail"), blank=True)
    subject_phone = models.CharField(_("subject's phone"), max_length=20, blank=True)  # E.164
    language = models.CharField(_("language"), max_length=2, default="tr")
    identity_check = models.TextField(_("how the identity was checked"))
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN,
    )
    answer = models.TextField(_("reasoned answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    cases = models.ManyToManyField(
        "feedback.Feedback", verbose_name=_("cases"), related_name="+", blank=True,
    )
    erased_at = models.DateTimeField(_("erasure done at"), null=True, blank=True)
    # The last alert stage sent (rules.REQUEST_ALERT_DAYS); claimed with a conditional
    # update like the breaches' `alerted_hours`, so each goes out once.
    alerted_stage = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject_email="", subject_phone=""), name="subjectrequest_contact",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="open"), name="subjectrequest_open"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"BVR-{self.received_at:%Y}-{self.pk:04d}"


class RetentionPeriod(models.Model):
    """How long one category of personal data is kept (K9): one row per category of
    `retention_rules.RetentionCategory`, seeded with the documented defaults, edited in
    the admin. The destruction job reads it."""

    category = models.CharField(
        _("data category"), max_length=24, choices=RetentionCategory.choices, unique=True,
    )
    amount = models.PositiveIntegerField(_("kept for"))
    unit = models.CharField(_("unit"), max_length=8, choices=RetentionUnit.choices)
    note = models.TextField(
        _("why this long"), blank=True,
        help_text=_("The reason or the legal basis, for the record (e.g. the lawyer's advice)."),
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention schedule")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="retention_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount} {self.get_unit_display()}"


class RetentionHold(models.Model):
    """An operator's rule that keeps cases past their retention period (a case in
    litigation, a regulator's inquiry): the destruction job and an erasure request keep
    every case it names, while it is active and not past `until`, and name the rule."""

    name = models.CharField(_("name"), max_length=200,
                            help_text=_("Shown as the reason a case is kept, e.g. "
                                        "\"Lawsuit 2026/123, İstanbul consumer court\"."))
    reason = models.TextField(_("why the cases are kept"))
    cases = models.ManyToManyField(
        "feedback.Feedback", verbose_name=_("cases"), related_name="retention_holds",
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True)
    until = models.DateField(
        _("until"), null=True, blank=True,
        help_text=_("The last day the rule holds; empty: until it is made inactive."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")

    def __str__(self) -> str:
        return self.name


class DestructionTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("The schedule (background worker)")
    COMMAND = "command", _("The command memnun privacy destroy")


class DestructionRun(models.Model):
    """One run of the destruction job (K9): when, as of when, who or what started it, and
    how many items of each category it destroyed. Kept at least three years."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    as_of = models.DateTimeField(_("expired as of"))
    trigger = models.CharField(_("started by"), max_length=16, choices=DestructionTrigger.choices)
    started_by = models.CharField(_("operator"), max_length=150, blank=True)
    # {category: items destroyed}, plus "held": the expired cases a hold kept.
    counts = models.JSONField(_("counts"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("destruction run")
        verbose_name_plural = _("destruction runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.trigger}"


class DestructionEntry(models.Model):
    """One case anonymised by a run: its reference, the category and the rule applied."""

    run = models.ForeignKey(DestructionRun, on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField(_("reference number"), max_length=20)
    category = models.CharField(_("data category"), max_length=24,
                                choices=RetentionCategory.choices)
    rule = models.CharField(_("rule"), max_length=200)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("anonymised at"))

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("destruction log entry")
        verbose_name_plural = _("destruction log")

    def __str__(self) -> str:
        return f"{self.reference} {self.category}"
