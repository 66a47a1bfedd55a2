"""The codes of personal data's lifecycle (KVKK): how the privacy notice was given, the
purposes a customer may consent to, who records a consent, and what a disclosure gives.

The tables here are the one home of their rules: intake reads
`NOTICE_GIVEN_BY_CHANNEL`, the services and pages read the purposes and categories.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import Channel


class NoticeGiven(models.TextChoices):
    """How the privacy notice (KVKK Art. 10) reached the customer."""

    WEB_PAGE = "web_page", _("On the web form")
    ACKNOWLEDGEMENT = "acknowledgement", _("With the acknowledgement")
    PHONE_SCRIPT = "phone_script", _("Read out on the phone")
    IN_PERSON = "in_person", _("In person")


# Where the notice can come before the data (the web form, a call, a visit) it is given at
# intake; where the customer wrote first (e-mail, letter, fax, a post) it goes out with the
# acknowledgement, and is recorded as given when the acknowledgement is.
NOTICE_GIVEN_BY_CHANNEL: dict[str, NoticeGiven] = {
    Channel.WEB: NoticeGiven.WEB_PAGE,
    Channel.PHONE: NoticeGiven.PHONE_SCRIPT,
    Channel.FRONT_OFFICE: NoticeGiven.IN_PERSON,
    Channel.DEALER: NoticeGiven.IN_PERSON,
    Channel.EMPLOYEE: NoticeGiven.IN_PERSON,
    Channel.EMAIL: NoticeGiven.ACKNOWLEDGEMENT,
    Channel.LETTER: NoticeGiven.ACKNOWLEDGEMENT,
    Channel.FAX: NoticeGiven.ACKNOWLEDGEMENT,
    Channel.SOCIAL_MEDIA: NoticeGiven.ACKNOWLEDGEMENT,
}


class ConsentPurpose(models.TextChoices):
    """The optional purposes that need explicit consent (KVKK Art. 5(1)); handling the
    feedback itself rests on Art. 5(2) and asks for none."""

    THIRD_PARTY_SHARING = "third_party_sharing", _("Sharing with a third party (brand, insurer)")
    SURVEY = "survey", _("Satisfaction survey by SMS or e-mail")


class ConsentChannel(models.TextChoices):
    """Where a grant or withdrawal was made."""

    WEB_FORM = "web_form", _("Web form")
    TRACKING_PAGE = "tracking_page", _("Tracking page")
    API = "api", _("API")
    STAFF = "staff", _("Staff, on the customer's word")


class DataCategory(models.TextChoices):
    """What of a case a disclosure gives (the contract's `data` values)."""

    CONTACT = "contact", _("Contact details")
    DEVICE = "device", _("Device details")
    DESCRIPTION = "description", _("Description")
    ATTACHMENTS = "attachments", _("Attachments")


class DisclosureBasis(models.TextChoices):
    """The legal basis on record for a disclosure."""

    CONSENT = "consent", _("The customer's explicit consent")
    PROCESSOR = "processor", _("Processor acting for us")


class RecipientNoticeReason(models.TextChoices):
    """Why a recipient must be told (KVKK Art. 11(1)(f))."""

    RECTIFICATION = "rectification", _("Personal data corrected")
    ERASURE = "erasure", _("Personal data erased")
