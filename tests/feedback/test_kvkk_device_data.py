"""Device data (KVKK K13): a complaint classified as data loss reaches the personal-data
contact through the staff alerts; other categories do not."""

from __future__ import annotations

import pytest

from memnun.feedback.codes import AlertKind
from memnun.feedback.models import StaffAlert
from memnun.feedback.services.assessment import AssessmentInput, feedback_assess
from memnun.organisation.models import Category
from tests.casework import Case, user

pytestmark = pytest.mark.django_db


def test_k13_a_data_loss_complaint_alerts_the_privacy_contact(demo: None) -> None:
    """K13: the demo's `data-loss` category is a personal-data matter; classifying a case
    in it raises one alert for each privacy user, and only once."""
    assert Category.objects.get(code="data-loss").is_privacy
    case = Case().start()
    assert not StaffAlert.objects.filter(kind=AlertKind.PERSONAL_DATA).exists()
    data = AssessmentInput(severity="medium", safety_hazard=False, category="data-loss",
                           immediate_action=False)
    feedback_assess(actor=user("reviewer"), feedback=case.fresh(), data=data)
    alerts = StaffAlert.objects.filter(kind=AlertKind.PERSONAL_DATA, feedback=case.feedback)
    assert [a.recipient.username for a in alerts] == ["privacy"]
    feedback_assess(actor=user("reviewer"), feedback=case.fresh(), data=data)  # no change
    assert alerts.count() == 1


def test_k13_other_categories_do_not_alert_the_privacy_contact(demo: None) -> None:
    case = Case().start()
    feedback_assess(actor=user("reviewer"), feedback=case.fresh(), data=AssessmentInput(
        severity="medium", safety_hazard=False, category="repair-delay", immediate_action=False))
    assert not StaffAlert.objects.filter(kind=AlertKind.PERSONAL_DATA).exists()
