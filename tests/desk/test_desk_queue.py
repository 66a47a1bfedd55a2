"""The staff desk: sign in, the fair queue page, paging, office filter, languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.translation.reloader import translation_file_changed

from memnun.accounts.models import User
from memnun.feedback.models import Feedback
from tests.conftest import PASSWORD
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parents[2] / "memnun" / "locale" / "tr" / "LC_MESSAGES"


@pytest.fixture(scope="session")
def turkish_catalogue() -> None:
    """The compiled Turkish catalogue, as `make messages` leaves it (.mo files are not kept)."""
    po, mo = CATALOGUE / "django.po", CATALOGUE / "django.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compilemessages", locale=["tr"], verbosity=0)
        translation_file_changed(sender=None, file_path=mo)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def references(html: str) -> list[str]:
    # A repeat case carries its badge after the reference.
    return re.findall(
        r'<th scope="row"[^>]*>(?:<a [^>]*>)?(\d\d-\d{6,}-\d)(?:</a>)?'
        r'(?: <span class="badge repeat">[^<]*</span>)?</th>', html,
    )


def test_the_queue_needs_a_signed_in_member_of_staff(demo: None) -> None:
    response = Client().get("/desk/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/queue/")


def test_signing_in_and_out(demo: None) -> None:
    client = Client()
    page = client.get("/desk/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    response = client.post(
        "/desk/login/", {"username": "agent", "password": PASSWORD, "next": "/desk/queue/"},
        REMOTE_ADDR="127.0.0.9",
    )
    assert response.status_code == 302 and response["Location"] == "/desk/queue/"
    assert client.get("/desk/queue/").status_code == 200
    client.post("/desk/logout/")
    # Without a page asked for, staff land on their home, "My work".
    landed = client.post(
        "/desk/login/", {"username": "agent", "password": PASSWORD}, REMOTE_ADDR="127.0.0.9"
    )
    assert landed.status_code == 302 and landed["Location"] == "/desk/"
    assert "My work" in client.get("/desk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert client.get("/desk/logout/").status_code == 405  # never a state change on GET
    assert client.post("/desk/logout/").status_code == 302
    assert client.get("/desk/queue/").status_code == 302


def test_a_wrong_password_is_refused(demo: None) -> None:
    response = Client().post(
        "/desk/login/", {"username": "agent", "password": "wrong"}, REMOTE_ADDR="127.0.0.8",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_page_shows_the_fair_order(demo: None, django_assert_max_num_queries: Any) -> None:
    fax = record(channel="fax", received_at=at("2026-11-20 20:00"))
    web = record(channel="web", received_at=at("2026-11-20 10:00"))
    record(channel="fax", office="ankara", actor="quality")
    client = signed_in("agent")
    # Session, user, office, cases with a deadline, then (page not full) those without;
    # the user's saved views beside the queue; the header's unread notifications (one COUNT).
    with django_assert_max_num_queries(7):
        response = client.get("/desk/queue/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert references(html) == [web.reference, fax.reference]
    assert '<th scope="col">Due</th>' in html
    # Istanbul time; the web case was due at once (a minute's grace).
    assert "20.11.2026 10:01" in html and "23.11.2026 15:00" in html
    # Both deadlines are long gone: said in words, not only in colour.
    assert html.count('<span class="state">Late</span>') == 2
    assert 'name="office"' not in html  # office-bound: no filter
    assert "Acknowledgement" in html


def test_at_risk_and_on_track_are_spelled_out(demo: None) -> None:
    case = record(channel="phone")  # acknowledged on the call; resolution in ten days
    client = signed_in("agent")
    html = client.get("/desk/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="state">On track</span>' in html
    Feedback.objects.filter(pk=case.pk).update(next_warn_at=at("2026-01-01 09:00"))
    html = client.get("/desk/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="state">At risk</span>' in html


def test_next_page_link_walks_the_queue(demo: None) -> None:
    made = [record(channel="fax", received_at=at(f"2026-11-{d:02d} 10:00")) for d in range(2, 7)]
    made += [record(channel="fax", received_at=at(f"2026-11-{d:02d} 10:00")) for d in range(9, 14)]
    from memnun.desk import views_queue as views

    client = signed_in("agent")
    original = views.QUEUE_PAGE
    views.QUEUE_PAGE = 4
    try:
        seen: list[str] = []
        url: str | None = "/desk/queue/"
        while url:
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            seen += references(html)
            found = re.search(r'<a href="([^"]+)" rel="next">', html)
            url = found.group(1).replace("&amp;", "&") if found else None
    finally:
        views.QUEUE_PAGE = original
    assert seen == [f.reference for f in made]


def test_roles_for_every_office_can_filter(demo: None) -> None:
    here = record(office="istanbul")
    there = record(office="ankara", actor="quality")
    client = signed_in("quality")
    html = client.get("/desk/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert set(references(html)) == {here.reference, there.reference}
    assert '<label for="office-filter">' in html
    html = client.get("/desk/queue/?office=ankara", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert references(html) == [there.reference]
    assert signed_in("agent").get("/desk/queue/?office=ankara").status_code == 403
    assert client.get("/desk/queue/?cursor=garbage").status_code == 302


def test_turkish_first_with_english_available(demo: None, turkish_catalogue: None) -> None:
    record(channel="fax", received_at=at("2026-11-20 20:00"))
    client = signed_in("agent")
    html = client.get("/desk/queue/").content.decode()
    assert '<html lang="tr">' in html
    assert "İş kuyruğu" in html and "Ele alındı bilgisi" in html and "Gecikti" in html
    assert 'action="/i18n/setlang/"' in html and 'href="#main"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/desk/queue/"})
    assert response.status_code == 302
    html = client.get("/desk/queue/").content.decode()
    assert '<html lang="en">' in html and "Work queue" in html


def test_no_inline_script_or_style(demo: None) -> None:
    html = signed_in("agent").get("/desk/queue/").content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)  # files only, nothing inline
    assert "style=" not in html and "<style" not in html and "hx-on" not in html
    assert '<link rel="stylesheet" href="/static/desk/desk.css">' in html
    assert "'unsafe-inline'" not in Client().get("/desk/login/")["Content-Security-Policy"]
