"""The KPI dashboard in the desk: who sees it, the API's figures, bad periods, both languages."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from django.test import Client

from memnun.accounts.models import User
from tests.desk.helpers import signed_in
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PAGE = "/desk/reports/"
CUSTOM = {"period": "custom", "start": FROM, "end": TO}


def _cell(html: str, table: str, label: str) -> str:
    """The figure beside `label` in the table with id `table`."""
    block = html[html.index(f'id="{table}"'):]
    block = block[:block.index("</table>")]
    found = re.search(rf"<th scope=\"row\">{re.escape(label)}</th><td[^>]*>(?:<a [^>]*>)?([^<]*)",
                      block)
    assert found, (table, label)
    return found.group(1).strip()


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("reviewer", 200), ("quality", 200), ("auditor", 200),
    ("manager", 200),
])
def test_who_may_open_the_dashboard(demo: None, username: str, status: int) -> None:
    client = signed_in(username)
    assert client.get(PAGE).status_code == status
    # The navigation offers the page to those who may read it, and only to them.
    queue = client.get("/desk/queue/").content.decode()
    assert (f'href="{PAGE}"' in queue) is (status == 200)


def test_signed_out_goes_to_the_login() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_figures_equal_the_api_for_the_same_period(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    body = api.get("/api/v1/reports/kpi", {"from": FROM, "to": TO},
                   headers=staff_headers("quality")).json()
    html = signed_in("quality").get(PAGE, CUSTOM).content.decode()
    assert f'<span id="received-total">{body["received"]["total"]}</span>' in html
    assert _cell(html, "by-office", "İstanbul") == str(body["received"]["by_office"]["istanbul"])
    assert _cell(html, "by-channel", "Phone") == str(body["received"]["by_channel"]["phone"])
    assert _cell(html, "acknowledgement", "Acknowledged late") == str(
        body["acknowledgement"]["late"])
    ack = body["acknowledgement"]
    sent = ack["on_time"] + ack["late"]
    assert sent, "the week's fixture acknowledges some cases"
    rate = round(100 * ack["on_time"] / sent, 1)
    assert f"{rate} % of the acknowledgements sent were on time." in html
    assert _cell(html, "status", "Closed") == str(body["status"]["closed"])
    assert _cell(html, "outcomes", "Reopened") == str(body["reopened"])
    assert _cell(html, "distribution", "5") == str(body["satisfaction"]["distribution"]["5"])
    median = body["resolution_business_hours"]["median"]
    assert _cell(html, "hours", "Time to decision, median") == str(median)
    pareto = api.get("/api/v1/reports/pareto", {"from": FROM, "to": TO, "by": "category"},
                     headers={**staff_headers("quality"), "Accept-Language": "en"}).json()
    first = pareto["items"][0]
    assert _cell(html, "pareto", first["label"]) == str(first["count"])


def test_a_figure_links_to_its_open_cases_in_the_queue(demo: None) -> None:
    week()
    html = signed_in("quality").get(PAGE, {**CUSTOM, "channel": "phone"}).content.decode()
    assert 'href="/desk/queue/?channel=phone&amp;status=in_progress"' in html
    # With a filter the queue cannot apply, no figure pretends to list its cases.
    html = signed_in("quality").get(PAGE, {**CUSTOM, "category": "repair-delay"}).content.decode()
    assert 'href="/desk/queue/?' not in html


def test_a_reviewer_reads_their_own_office(demo: None) -> None:
    week()
    client = signed_in("reviewer")
    html = client.get(PAGE, CUSTOM).content.decode()
    assert '<span id="received-total">5</span>' in html
    assert _cell(html, "by-office", "Ankara") == "0"
    refused = client.get(PAGE, {**CUSTOM, "office": "ankara"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


@pytest.mark.parametrize(("params", "message"), [
    ({"period": "custom", "start": "2025-04-25", "end": "2025-04-21"},
     "The end of the period is before its start."),
    ({"period": "custom", "start": "2025-02-30", "end": "2025-04-21"}, "Enter a valid date."),
    ({"period": "custom", "start": "2025-04-21"}, "Give both dates of a custom period."),
    ({"period": "decade"}, "Select a valid choice."),
])
def test_a_bad_period_is_a_form_message(demo: None, params: dict[str, str], message: str) -> None:
    response = signed_in("quality").get(PAGE, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html and message in html
    assert 'id="received-total"' not in html


def test_this_month_by_default_in_turkish_and_english(demo: None) -> None:
    english = signed_in("manager").get(PAGE).content.decode()
    assert 'value="month" selected' in english
    assert "Received by channel" in english and "Satisfaction scores" in english
    turkish = Client(HTTP_ACCEPT_LANGUAGE="tr")
    turkish.force_login(User.objects.get(username="manager"))
    html = turkish.get(PAGE).content.decode()
    assert "Kanala göre alınan" in html and "Memnuniyet puanları" in html
    # The chart's own title too: the SVG is drawn in the reader's language.
    first = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert first and "Kanala göre alınan" in base64.b64decode(first.group(1)).decode()


def test_the_charts_are_images_without_script(demo: None) -> None:
    week()
    html = signed_in("quality").get(PAGE, CUSTOM).content.decode()
    sources = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(sources) == 4
    for source in sources:
        svg = base64.b64decode(source).decode()
        assert svg.startswith("<svg") and "<script" not in svg
    assert "<script>" not in html and "style=" not in html
