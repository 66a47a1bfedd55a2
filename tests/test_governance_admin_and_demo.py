"""The governance records in the admin (read only) and in the demo data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from memnun.accounts.models import User
from memnun.feedback.selectors.policy import acknowledgement_due, appointments, policy_current
from memnun.feedback.services.lifecycle import feedback_start
from memnun.governance.models import TrainingRecord
from tests.casework import ASSESSMENT, Case, user
from tests.feedback.policies import published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["policyversion", "policyacknowledgement", "representativeappointment",
              "trainingrecord"],
)
def test_the_admin_lists_each_record_and_offers_no_change(demo: None, model: str) -> None:
    published()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="admin"))
    listing = client.get(f"/admin/governance/{model}/")
    assert listing.status_code == 200
    assert client.get(f"/admin/governance/{model}/add/").status_code == 403


def test_the_demo_has_a_published_policy_a_representative_and_trained_workers(
    demo: None,
) -> None:
    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())  # a second load changes nothing
    version = policy_current()
    assert version is not None and version.number == 1 and version.approved_by == user("manager")
    assert "ISO 10002" in version.text_tr and "ISO 10002" in version.text_en
    assert [a.representative for a in appointments()] == ["Emre Şahin"]
    assert acknowledgement_due(user=user("agent")) == version
    trained = set(TrainingRecord.objects.values_list("user__username", flat=True))
    assert trained == {"handler", "reviewer", "quality"}
    # With the rule on, the demo works: its case workers may be assigned.
    for name in ("handler", "reviewer", "quality"):
        case = Case()
        feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                       assignee=name)
        assert case.fresh().assignee == user(name)
