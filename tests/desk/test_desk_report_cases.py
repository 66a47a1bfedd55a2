"""The cases behind a dashboard figure in the desk: exactly them, titled, in the reader's scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.casework import staff
from tests.desk.helpers import signed_in
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PAGE = "/desk/reports/cases/"
DASHBOARD = "/desk/reports/"
PERIOD = {"from": FROM, "to": TO}


def _references(html: str) -> set[str]:
    return set(re.findall(r'<a href="/desk/feedback/([^"]+)">', html))


def test_the_cases_behind_a_figure_and_its_title(
    demo: None, django_assert_max_num_queries: Any
) -> None:
    w = week()
    client = signed_in("quality")
    with django_assert_max_num_queries(12):
        html = client.get(PAGE, {"metric": "acknowledgement.late", **PERIOD}).content.decode()
    assert '<h1 id="drill-title">Acknowledged late</h1>' in html
    assert "Cases received from 21.04.2025 to 25.04.2025" in html
    assert _references(html) == {w.b.reference}
    fax = client.get(PAGE, {"metric": "received.by_channel", "key": "fax", **PERIOD})
    html = fax.content.decode()
    assert '<h1 id="drill-title">Received by channel: Fax</h1>' in html
    assert _references(html) == {w.a.reference, w.b.reference, w.h.reference}
    # The filters in force narrow the list as they narrow the figure, and are named.
    ankara = client.get(PAGE, {"metric": "received.by_channel", "key": "fax", "office": "ankara",
                               **PERIOD}).content.decode()
    assert _references(ankara) == {w.h.reference} and "Office: Ankara" in ankara


def test_every_link_on_the_dashboard_lists_as_many_cases_as_its_figure(demo: None) -> None:
    week()
    client = signed_in("quality")
    html = client.get(DASHBOARD, {"period": "custom", "start": FROM, "end": TO}).content.decode()
    links = re.findall(r'<a href="(/desk/reports/cases/\?[^"]+)">(?:<span[^>]*>)?(\d+)<', html)
    assert len(links) > 20
    for url, figure in links:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.status_code == 200, url
        assert len(_references(listed.content.decode())) == int(figure), url


@pytest.mark.parametrize(("username", "params", "status"), [
    ("reviewer", {"office": "ankara"}, 403),
    ("reviewer", {}, 200),
    ("reviewer", {"office": "istanbul"}, 200),
    ("agent", {}, 403),
    ("handler", {}, 403),
    ("auditor", {"office": "ankara"}, 200),
    ("manager", {}, 200),
])
def test_who_may_list_which_office_s_cases(
    demo: None, username: str, params: dict[str, str], status: int
) -> None:
    w = week()
    response = signed_in(username).get(PAGE, {"metric": "received.total", **PERIOD, **params})
    assert response.status_code == status
    if username == "reviewer" and status == 200:
        # A reviewer's list holds their own office's cases only (C and H are Ankara's).
        refs = _references(response.content.decode())
        assert len(refs) == 5 and not {w.c.reference, w.h.reference} & refs
    if status == 403:
        assert w.c.reference not in response.content.decode()


def test_a_reviewer_without_an_office_is_refused(demo: None) -> None:
    staff("lead-nowhere", "reviewer", office=None)
    response = signed_in("lead-nowhere").get(PAGE, {"metric": "received.total", **PERIOD})
    assert response.status_code == 403


def test_signed_out_goes_to_the_login() -> None:
    response = Client().get(PAGE, {"metric": "received.total", **PERIOD})
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


@pytest.mark.parametrize(("params", "message"), [
    ({"metric": "no.such", **PERIOD}, "Unknown metric: no.such."),
    ({"metric": "received.by_channel", "key": "pigeon", **PERIOD}, "Unknown key: pigeon."),
    ({"metric": "received.total", "from": TO, "to": FROM},
     "The end of the period is before its start."),
    ({"metric": "received.total", "from": "2025-02-30", "to": TO}, "Enter a valid date."),
    ({"metric": "received.total", **PERIOD, "brand": "nokya"}, "Unknown code: nokya."),
    ({"metric": "received.total", **PERIOD, "cursor": "nonsense"},
     "This is not a cursor from a previous page."),
])
def test_a_bad_link_is_a_message(demo: None, params: dict[str, str], message: str) -> None:
    response = signed_in("quality").get(PAGE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and message in html


def test_the_list_says_so_when_nothing_is_behind(demo: None) -> None:
    html = signed_in("quality").get(PAGE, {"metric": "reopened", **PERIOD}).content.decode()
    assert "No case is behind this figure." in html


def test_the_turkish_page(demo: None) -> None:
    from memnun.accounts.models import User

    week()
    client = Client(HTTP_ACCEPT_LANGUAGE="tr")
    client.force_login(User.objects.get(username="quality"))
    html = client.get(PAGE, {"metric": "received.by_channel", "key": "fax", **PERIOD})
    assert "Kanala göre alınan: Faks" in html.content.decode()
