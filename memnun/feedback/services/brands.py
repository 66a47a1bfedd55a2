"""Linking feedback to the brand the customer named, once staff know the spelling.

Intake links a brand it recognises (`organisation.brands.brand_for_text`);
the rest keep their text unlinked until an administrator adds the brand or
teaches it the spelling. Then these services link the past feedback too.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.organisation.brands import brand_alias_add, brand_for_text, brand_key
from memnun.organisation.models import Brand


def feedback_brands_relink(*, actor: str) -> int:
    """Link every unlinked feedback whose brand text now names an active brand.

    Returns how many were linked. Runs in the caller's transaction when there is one
    (the admin's save of a brand), so the brand and its cases change together.
    """
    texts = (
        Feedback.objects.filter(brand__isnull=True).exclude(brand_text="")
        .values_list("brand_text", flat=True).distinct()
    )
    linked = 0
    with transaction.atomic():
        for text in list(texts):
            brand = brand_for_text(text=text)
            if brand is None:
                continue
            cases = Feedback.objects.filter(brand__isnull=True, brand_text=text)
            references = list(cases.values_list("reference", flat=True))
            linked += cases.update(brand=brand)
            for reference in references:
                audit_record(
                    actor=actor, action="feedback.brand_linked", object_type="feedback",
                    object_id=reference, data={"brand": brand.code},
                )
    return linked


def brand_text_link(*, actor: User, text: str, brand: Brand) -> int:
    """Teach `brand` the spelling `text` and link the feedback that used it.

    Future feedback written so is linked at intake. Whoever may edit brands in
    /admin/ may do this (Django's own permission on the brand model).
    """
    if not (actor.is_active and actor.has_perm("organisation.change_brand")):
        raise NotPermitted(_("Only an administrator may link brands."))
    if not brand_key(text):
        raise FieldErrors({"text": [_("Give the spelling to link.")]})
    if not brand.is_active:
        raise FieldErrors({"brand": [_("Choose an active brand.")]})
    with transaction.atomic():
        brand_alias_add(brand=brand, text=text)
        audit_record(
            actor=actor.username, action="brand.spelling_added", object_type="brand",
            object_id=brand.code, data={"spelling": " ".join(text.split())},
        )
        return feedback_brands_relink(actor=actor.username)
