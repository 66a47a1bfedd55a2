"""The codes of the public contract (api-v1.md): types, channels, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLIMENT = "compliment", _("Compliment")
    REQUEST = "request", _("Request")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    FRONT_OFFICE = "front_office", _("Front office")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    SOCIAL_MEDIA = "social_media", _("Social media")
    DEALER = "dealer", _("Dealer")
    EMPLOYEE = "employee", _("Employee report")


class Status(models.TextChoices):
    CREATED = "created", _("Created")
    IN_PROGRESS = "in_progress", _("In progress")
    UNDER_REVIEW = "under_review", _("Under review")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")


class Language(models.TextChoices):
    TURKISH = "tr", _("Turkish")
    ENGLISH = "en", _("English")


class AckMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class ObligationKind(models.TextChoices):
    """What a case owes the customer, each with its own deadline."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    UPDATE = "update", _("Progress update")


class AlertKind(models.TextChoices):
    OBLIGATION_AT_RISK = "obligation_at_risk", _("Deadline at risk")
    OBLIGATION_BREACHED = "obligation_breached", _("Deadline missed")
    # Raised by the initial assessment (services/assessment.py).
    SAFETY_HAZARD = "safety_hazard", _("Safety hazard")
    IMMEDIATE_ACTION = "immediate_action", _("Immediate action needed")
    # Raised by a survey answer of 1 or 2 (services/customer_answers.py).
    LOW_SURVEY_SCORE = "low_survey_score", _("Low satisfaction score")
    # Raised by the weekly surge watch, about a category × office (services/surges.py).
    SURGE = "surge", _("Surge in complaints")
    # A complaint in a personal-data category (data loss): to the personal-data contact
    # (services/assessment.py, KVKK K13).
    PERSONAL_DATA = "personal_data", _("Personal data matter")


# Channels that only staff may record: everything but the public web form.
PUBLIC_CHANNELS = frozenset({Channel.WEB})
# Channels where a customer may reach us without giving an e-mail or phone.
CONTACTLESS_CHANNELS = frozenset({Channel.LETTER, Channel.FRONT_OFFICE})


# --- Case work: assessment, lifecycle, customer answers, compensation, links. ---


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Closure(models.TextChoices):
    """How a case was closed (api-v1.md: `closure`)."""

    CUSTOMER_AGREED = "customer_agreed", _("The customer agreed")
    OPTIONS_EXHAUSTED = "options_exhausted", _("All reasonable options exhausted")
    # Suggestions, compliments and requests: closed once the response has gone out.
    RESPONSE_SENT = "response_sent", _("Response sent")
    # Closed as a duplicate of another case; never chosen through a transition.
    MERGED = "merged", _("Merged into another case")


class ProposalDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class AnswerChannel(models.TextChoices):
    """How the customer's answer to a resolution reached us."""

    WEB = "web", _("Tracking page")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


class CompensationKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    FREE_REPAIR = "free_repair", _("Free repair")
    VOUCHER = "voucher", _("Voucher")


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related")
    REOPENED_AS = "reopened_as", _("Followed up as")
    DUPLICATE = "duplicate", _("Duplicate of")


# Statuses in which a case is open: assigned, and counted in a handler's workload.
WORKING_STATUSES = frozenset({Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.RESOLVED})
