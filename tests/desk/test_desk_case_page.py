"""The compact case page: grouped actions per role, actions in place (htmx) and without
JavaScript, the walk to the next case of the list the user came from, the keyboard hooks."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest
from django.test import Client

from memnun.feedback.codes import Status
from memnun.feedback.models import CaseMessage
from tests.casework import Case
from tests.desk.helpers import forms_on, signed_in

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def groups_on(html: str) -> list[str]:
    return re.findall(
        r'<details class="action-group" name="case-actions" id="group-([a-z]+)"', html
    )


def open_groups(html: str) -> list[str]:
    return re.findall(r'id="group-([a-z]+)"[^>]* open>', html)


def group_forms(client: Client, reference: str, group: str) -> str:
    """A group's forms as htmx draws them when the user first opens the group."""
    response = client.get(f"/desk/feedback/{reference}/group/{group}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_each_role_sees_only_the_groups_it_may_use_now(demo: None) -> None:
    case = Case().start()
    url = f"/desk/feedback/{case.reference}"
    handler = page(signed_in("handler"), url)
    assert groups_on(handler) == ["reply", "note", "move", "more"]
    # Answering and noting are drawn with the page; the other groups when first opened.
    assert {"message", "question", "note"} == forms_on(handler)
    note = handler[handler.index('id="group-note"'):handler.index('id="group-move"')]
    assert set(re.findall(r"/do/([a-z-]+)\"", note)) == {"note"}
    assert open_groups(handler) == []  # closed until the user opens one
    move = group_forms(signed_in("handler"), case.reference, "move")
    assert "propose" in forms_on(move) and "message" not in forms_on(move)

    case.propose()
    reviewer = group_forms(signed_in("reviewer"), case.reference, "move")
    assert {"approve", "send-back"} <= forms_on(reviewer)
    assert "approve" not in forms_on(group_forms(signed_in("handler"), case.reference, "move"))

    auditor = page(signed_in("auditor"), url)
    assert groups_on(auditor) == [] and forms_on(auditor) == set()
    assert "Your role cannot change this case now." in auditor


def test_a_group_is_drawn_when_first_opened_and_without_javascript_too(demo: None) -> None:
    case = Case().start()
    client = signed_in("handler")
    query = "?from=status%3Din_progress"
    html = page(client, f"/desk/feedback/{case.reference}{query}")
    group_url = f"/desk/feedback/{case.reference}/group/more?from=status%3Din_progress&amp;at="
    # htmx fetches the group's forms when it is first opened, the list's place kept.
    assert f'hx-get="{group_url}' in html and 'hx-trigger="toggle once"' in html
    place = re.search(r'group/more\?from=status%3Din_progress&amp;at=([^"]+)"', html)
    assert place is not None
    more = group_forms(client, case.reference, f"more{query}&at={place[1]}")
    assert {"file", "involved", "link"} <= forms_on(more)
    assert f'<input type="hidden" name="at" value="{unquote(place[1])}">' in more
    assert '<input type="hidden" name="from" value="status=in_progress">' in more
    # Without JavaScript the same link opens the page with that group open and drawn.
    response = client.get(f"/desk/feedback/{case.reference}/group/more{query}")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/desk/feedback/{case.reference}?group=more&from=status%3Din_progress#group-more"
    )
    opened = page(client, response["Location"])
    assert open_groups(opened) == ["more"] and {"file", "involved"} <= forms_on(opened)
    # A group the case no longer offers says so (the page was older than the case).
    gone = group_forms(signed_in("auditor"), case.reference, "move")
    assert forms_on(gone) == set() and "Reload the page." in gone


def test_the_header_shows_reference_status_deadlines_assignee_and_the_masked_customer(
    demo: None,
) -> None:
    case = Case().start()
    html = page(signed_in("handler"), f"/desk/feedback/{case.reference}")
    head = html[html.index('<div class="case-head"'):html.index('<div id="case-live"')]
    assert case.reference in head and "In progress" in head
    assert 'id="case-assignee">Mehmet Yıldız<' in head
    assert "I*** Ö*****" in head and "Işıl Öztürk" not in head
    assert "On track" in head  # the resolution clock runs; the met acknowledgement is not here


def test_a_note_in_place_answers_the_live_fragment_and_the_header(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    response = client.post(
        f"/desk/feedback/{case.reference}/do/note", {"note-body": "Müşteri tekrar aradı"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="case-live"') and "<html" not in html
    assert 'role="status" id="done">The note is added.<' in html
    newest = html[html.index('id="newest-entry"'):]
    assert "Müşteri tekrar aradı" in newest[:newest.index("</li>")]
    assert 'id="case-head" hx-swap-oob="true"' in html
    assert open_groups(html) == ["note"]
    assert case.feedback.messages.filter(body="Müşteri tekrar aradı").count() == 1


def test_a_move_in_place_re_renders_the_header_and_the_next_step(demo: None) -> None:
    case = Case()
    response = signed_in("handler").post(
        f"/desk/feedback/{case.reference}/do/start",
        {"start-assignee": "handler", "start-severity": "medium", "start-category": "repair-delay"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    head = html[html.index('id="case-head"'):]
    assert "In progress" in head and "Mehmet Yıldız" in head
    assert "/do/propose" in html and "/do/start" not in html


def test_an_error_in_place_is_shown_beside_the_form_and_writes_nothing(demo: None) -> None:
    case = Case()
    response = signed_in("agent").post(
        f"/desk/feedback/{case.reference}/do/message", {"message-body": "   "},
        HTTP_HX_REQUEST="true",
    )
    # 200 so that htmx swaps it in; the error summary is what focus goes to.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html and open_groups(html) == ["reply"]
    assert 'role="status" id="done"' not in html
    assert not CaseMessage.objects.filter(feedback=case.feedback, visible_to_customer=True).exists()


def test_a_refusal_in_place_says_why(demo: None) -> None:
    case = Case()
    response = signed_in("handler").post(
        f"/desk/feedback/{case.reference}/do/start",
        {"start-assignee": "reviewer", "start-severity": "medium",
         "start-category": "repair-delay"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # Refused (403 without htmx): the reason at the top of the live part, nothing changed.
    assert response.status_code == 200 and 'id="conflict"' in html
    assert html.startswith('<div id="case-live"')
    assert case.fresh().status == Status.CREATED


def test_without_javascript_the_post_redirects_back_with_the_list_kept(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    came_from = "status=new"
    response = client.post(
        f"/desk/feedback/{case.reference}/do/note",
        {"note-body": "İç not", "from": came_from},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/feedback/{case.reference}?from=status%3Dnew"
    html = page(client, response["Location"])
    assert "The note is added." in html and "İç not" in html
    # The forms carry the list on, so the next action keeps it too.
    assert '<input type="hidden" name="from" value="status=new">' in html
    bad = client.post(f"/desk/feedback/{case.reference}/do/note", {"note-body": " "})
    again = bad.content.decode()
    assert bad.status_code == 422 and 'id="error-summary"' in again
    assert open_groups(again) == ["note"]


def queue_order(client: Client, query: str = "") -> list[tuple[str, str]]:
    """The case links of the queue page as the user sees them: (reference, href)."""
    html = page(client, f"/desk/queue/{'?' + query if query else ''}")
    return re.findall(r'<th scope="row"[^>]*><a href="(/desk/feedback/([^"?]+)[^"]*)"', html)


def test_next_and_previous_follow_the_list_the_user_came_from(demo: None) -> None:
    cases = [Case() for _ in range(3)]
    assert cases
    client = signed_in("agent")
    rows = queue_order(client, "type=complaint")
    refs = [ref for _href, ref in rows]
    assert len(refs) >= 3
    # The queue's links carry the list's query string.
    assert all(href.endswith("?from=type%3Dcomplaint") for href, _ref in rows)
    middle = page(client, rows[1][0])
    nxt = re.search(r'<a href="([^"]+)" rel="next" data-key="j">Next case</a>', middle)
    prev = re.search(r'<a href="([^"]+)" rel="prev" data-key="k">Previous case</a>', middle)
    assert nxt and prev
    assert unquote(nxt.group(1)).startswith(f"/desk/feedback/{refs[2]}?from=type=complaint")
    assert prev.group(1).startswith(f"/desk/feedback/{refs[0]}?")
    assert 'href="/desk/queue/?type=complaint">Back to the list<' in middle
    first = page(client, rows[0][0])
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = page(client, f"/desk/feedback/{refs[-1]}?from={quote('type=complaint')}")
    assert 'rel="next"' not in last
    # Answering the first case moves it down the queue (its first response is met);
    # the next case is still the one that followed it in the list the user saw.
    at = re.search(r'<input type="hidden" name="at" value="([^"]+)">', first)
    assert at
    answered = client.post(
        f"/desk/feedback/{refs[0]}/do/message",
        {"message-body": "Merhaba", "from": "type=complaint", "at": at.group(1)},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert queue_order(client, "type=complaint")[0][1] != refs[0]
    nxt = re.search(r'<a href="([^"]+)" rel="next" data-key="j">', answered)
    assert nxt and nxt.group(1).startswith(f"/desk/feedback/{refs[1]}?")
    # A filter that leaves the case out of the list: still placed by the fair order.
    none = page(client, f"/desk/feedback/{refs[0]}?from={quote('type=suggestion')}")
    assert 'rel="next"' not in none and 'rel="prev"' not in none


def test_a_case_opened_without_a_list_or_with_a_bad_one_has_no_walk(demo: None) -> None:
    case = Case()
    client = signed_in("agent")
    assert 'rel="next"' not in page(client, f"/desk/feedback/{case.reference}")
    for bad in ("office=ankara", "office=nowhere", "q=ışıl", "%%%"):
        html = page(client, f"/desk/feedback/{case.reference}?from={quote(bad)}")
        assert 'rel="next"' not in html and 'rel="prev"' not in html


def test_desk_pages_load_the_shortcuts_and_their_help(demo: None) -> None:
    client = signed_in("agent")
    case = Case()
    for url in ("/desk/queue/", f"/desk/feedback/{case.reference}"):
        html = page(client, url)
        assert 'src="/static/desk/keys.js" data-queue="/desk/queue/"' in html
        assert '<template id="keys-help-template"><dialog id="keys-help"' in html
        assert "Keyboard shortcuts" in html
    html = page(client, f"/desk/feedback/{case.reference}")
    assert 'id="group-reply" data-key="r"' in html and 'id="group-note" data-key="n"' in html


def test_the_case_page_s_queries_do_not_grow_with_its_history(demo: None) -> None:
    """The timeline reads its tables in one statement, the Move and More groups' forms are
    drawn later: the page's queries are few, and a long history adds none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from memnun.feedback.models import CaseMessage
    from tests.casework import user

    case = Case().start().propose()
    client = signed_in("reviewer")
    url = f"/desk/feedback/{case.reference}"

    def queries() -> int:
        page(client, url)  # warm: the configuration cache
        with CaptureQueriesContext(connection) as captured:
            page(client, url)
        return len(captured.captured_queries)

    short = queries()
    for i in range(10):
        CaseMessage.objects.create(
            feedback=case.feedback, author=user(("handler", "reviewer", "agent")[i % 3]),
            body=f"Not {i}", visible_to_customer=i % 2 == 0, created_at=case.feedback.received_at,
        )
    assert queries() == short
    # Session, user, case, its history, consents, files, deadlines, links, CAPAs, repeats,
    # disclosures, saved replies, notifications, the forms drawn (30 before issue 14).
    assert short <= 19, short
