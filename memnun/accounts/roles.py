"""Staff roles. Who may do what with them is defined in the feedback permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    HANDLER = "handler", _("Handler")
    REVIEWER = "reviewer", _("Reviewer (team lead)")
    QUALITY = "quality", _("Quality manager")
    AUDITOR = "auditor", _("Auditor")
    # Top management: reads every report and approves objectives; no case work.
    MANAGEMENT = "management", _("Top management")
    # The personal-data contact (KVKK): data-subject requests, disclosures, breaches.
    PRIVACY = "privacy", _("Personal-data contact")
    ADMIN = "admin", _("Administrator")


# Roles whose work is bound to their own office unless given none.
OFFICE_BOUND_ROLES = frozenset({Role.AGENT, Role.HANDLER, Role.REVIEWER})
