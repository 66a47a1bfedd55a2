"""Objectives in the desk: who sees the page, drafting, approving (management only),
actual against target with the result in words, the trend chart and its table, and the
dashboard's panel, in English and Turkish."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.utils import timezone

from memnun.feedback.objectives_models import Objective, ObjectiveStatus
from tests.desk.helpers import signed_in
from tests.feedback.cases import record
from tests.reports.objectives_helpers import objective

pytestmark = pytest.mark.django_db

PAGE = "/desk/reports/objectives/"
FORM = {
    "metric": "acknowledgement.on_time", "direction": "at_least", "target": "1",
    "period_unit": "month", "office": "", "brand": "", "owner": "quality",
}


def _row(html: str, pk: int) -> str:
    found = re.search(rf'<tr class="objective-row" data-objective="{pk}">(.*?)</tr>', html, re.S)
    assert found, pk
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("admin", 403), ("reviewer", 200), ("quality", 200),
    ("auditor", 200), ("manager", 200),
])
def test_who_may_open_the_objectives(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get(PAGE).status_code == status


def test_signed_out_goes_to_the_login() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


@pytest.mark.parametrize(("username", "draft_link", "approve"), [
    ("quality", True, False), ("manager", True, True), ("auditor", False, False),
    ("reviewer", False, False),
])
def test_the_buttons_follow_the_role(
    demo: None, username: str, draft_link: bool, approve: bool
) -> None:
    draft = objective("satisfaction.mean", "4.2", office="istanbul", approved=False)
    html = signed_in(username).get(PAGE).content.decode()
    assert ('id="objective-new"' in html) is draft_link
    assert (f'action="/desk/reports/objectives/{draft.pk}/approve"' in html) is approve


def test_a_quality_manager_drafts_management_approves_and_it_is_measured(demo: None) -> None:
    record(channel="phone")  # acknowledged on the spot, this month
    quality = signed_in("quality")
    assert quality.get("/desk/reports/objectives/new/").status_code == 200
    response = quality.post("/desk/reports/objectives/new/", FORM)
    assert response.status_code == 302
    made = Objective.objects.get()
    assert made.status == ObjectiveStatus.DRAFT and made.created_by.username == "quality"
    html = quality.get(PAGE).content.decode()
    assert 'id="drafts"' in html and "Acknowledged on time ≥ 1" in html
    assert 'class="objective-row"' not in html  # a draft is not measured
    # Only management approves: the quality manager's post is refused.
    assert quality.post(f"/desk/reports/objectives/{made.pk}/approve").status_code == 403
    made.refresh_from_db()
    assert made.status == ObjectiveStatus.DRAFT
    manager = signed_in("manager")
    assert manager.post(f"/desk/reports/objectives/{made.pk}/approve").status_code == 302
    made.refresh_from_db()
    assert made.status == ObjectiveStatus.APPROVED and made.approved_by.username == "manager"
    html = manager.get(PAGE).content.decode()
    summary = _row(html, made.pk)
    assert "Acknowledged on time" in summary and "≥ 1" in summary and summary.endswith("1 Met")
    # The trend: a chart, and its 12 figures in a table.
    trend = html[html.index(f'id="objective-{made.pk}-trend"'):]
    trend = trend[:trend.index("</table>")]
    assert len(re.findall(r"<tr><th scope=\"row\">", trend)) == 12
    chart = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert chart and "<svg" in base64.b64decode(chart.group(1)).decode()


def test_a_missed_objective_says_so(demo: None) -> None:
    made = objective("acknowledgement.on_time", "5")
    record(channel="phone")
    assert _row(signed_in("quality").get(PAGE).content.decode(), made.pk).endswith("1 Missed")
    no_data = objective("satisfaction.mean", "4.2")
    html = signed_in("quality").get(PAGE).content.decode()
    assert _row(html, no_data.pk).endswith("— No data")


def test_the_form_shows_what_is_wrong(demo: None) -> None:
    quality = signed_in("quality")
    response = quality.post("/desk/reports/objectives/new/", FORM | {"target": "lots"})
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()
    assert "Give the target as a number." in response.content.decode()
    assert not Objective.objects.exists()
    # The figures offered are the catalogue's single figures, by their labels.
    page = quality.get("/desk/reports/objectives/new/").content.decode()
    assert '<option value="satisfaction.mean">Mean satisfaction</option>' in page
    assert 'value="received.by_channel"' not in page


def test_only_drafts_are_changed_and_only_by_those_who_set_objectives(demo: None) -> None:
    draft = objective("satisfaction.mean", "4.2", approved=False)
    edit = f"/desk/reports/objectives/{draft.pk}/edit/"
    assert signed_in("auditor").get(edit).status_code == 403
    quality = signed_in("quality")
    assert 'value="4.2"' in quality.get(edit).content.decode()
    changed = quality.post(edit, FORM | {"metric": "satisfaction.mean", "target": "4,4"})
    assert changed.status_code == 302
    draft.refresh_from_db()
    assert str(draft.target) == "4.40"
    approved = objective("satisfaction.mean", "4.2")
    response = quality.get(f"/desk/reports/objectives/{approved.pk}/edit/", follow=True)
    assert "Only a draft objective can be changed" in response.content.decode()


def test_a_reviewer_sees_their_offices_objectives_only(demo: None) -> None:
    istanbul = objective("acknowledgement.on_time", "1", office="istanbul")
    ankara = objective("acknowledgement.on_time", "1", office="ankara")
    reviewer = signed_in("reviewer")
    html = reviewer.get(PAGE).content.decode()
    assert f'data-objective="{istanbul.pk}"' in html
    assert f'data-objective="{ankara.pk}"' not in html
    assert reviewer.get(f"/desk/reports/objectives/{ankara.pk}/edit/").status_code == 403


def test_management_retires_an_approved_objective(demo: None) -> None:
    approved = objective("satisfaction.mean", "4.2")
    retire = f"/desk/reports/objectives/{approved.pk}/retire"
    assert signed_in("quality").post(retire).status_code == 403
    assert signed_in("manager").post(retire).status_code == 302
    approved.refresh_from_db()
    assert approved.status == ObjectiveStatus.RETIRED
    html = signed_in("manager").get(PAGE).content.decode()
    assert 'id="retired"' in html and f'data-objective="{approved.pk}"' not in html


def test_the_dashboard_shows_each_objective_against_its_target(demo: None) -> None:
    made = objective("acknowledgement.on_time", "1", office="istanbul")
    record(channel="phone")
    html = signed_in("reviewer").get("/desk/reports/").content.decode()
    assert 'id="objectives-heading"' in html
    assert _row(html, made.pk).endswith("1 Met")
    assert f'href="{PAGE}"' in html


TURKISH_MONTHS = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas",
                  "Ara"]


def test_in_turkish_the_periods_are_turkish_months(demo: None) -> None:
    made = objective("acknowledgement.on_time", "1")
    client = signed_in("manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
    html = client.get(PAGE).content.decode()
    assert '<html lang="tr">' in html
    today = timezone.localdate()
    this_month = f"{TURKISH_MONTHS[today.month - 1]} {today.year}"
    trend = html[html.index(f'id="objective-{made.pk}-trend"'):]
    assert f'<tr><th scope="row">{this_month}</th>' in trend[:trend.index("</table>")]
