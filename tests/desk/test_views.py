"""Views beside the queue: the built-in ones by role, and the views a user saves, renames and
deletes — their own only, with a clear message for a bad name and a 404 for another's."""

from __future__ import annotations

import pytest

from memnun.feedback.desk_models import SavedView
from tests.casework import Case, user
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_built_in_views_follow_the_matrix(demo: None) -> None:
    handler = signed_in("handler").get("/desk/queue/").content.decode()
    assert '<nav class="views" aria-label="Views">' in handler
    for query in ("assigned=me", "status=under_review", "deadline=overdue", "safety=hazard",
                  "repeat=yes"):
        assert f'href="/desk/queue/?{query}"' in handler
    # Handlers do not assign: no "unassigned" view; a reviewer has it.
    assert 'href="/desk/queue/?assigned=nobody"' not in handler
    reviewer = signed_in("reviewer").get("/desk/queue/").content.decode()
    assert 'href="/desk/queue/?assigned=nobody"' in reviewer
    # The agent holds no cases: no "mine".
    agent = signed_in("agent").get("/desk/queue/").content.decode()
    assert 'href="/desk/queue/?assigned=me"' not in agent


def test_the_shown_view_is_marked(demo: None) -> None:
    html = signed_in("reviewer").get("/desk/queue/?deadline=overdue").content.decode()
    assert 'href="/desk/queue/?deadline=overdue" aria-current="page"' in html
    # A filtered queue offers to save its filters, in their canonical order.
    assert 'name="filters" value="deadline=overdue"' in html
    assert 'name="filters"' not in signed_in("reviewer").get("/desk/queue/").content.decode()


def test_save_reuse_rename_and_delete_a_view(demo: None) -> None:
    client = signed_in("handler")
    new = Case()
    saved = client.post("/desk/views/", {
        "name": "  Benim   gecikenler ", "filters": "deadline=overdue&assigned=me",
    })
    assert saved.status_code == 302
    assert saved["Location"] == "/desk/queue/?assigned=me&deadline=overdue"
    view = SavedView.objects.get(user=user("handler"))
    assert (view.name, view.query) == ("Benim gecikenler", "assigned=me&deadline=overdue")
    # Listed beside the queue and applied by the one filter reader.
    page = client.get(saved["Location"]).content.decode()
    assert ('href="/desk/queue/?assigned=me&amp;deadline=overdue" aria-current="page">'
            "Benim gecikenler</a>") in page
    assert new.reference not in page
    renamed = client.post(f"/desk/views/{view.pk}/rename", {f"v{view.pk}-name": "Geç kalanlar"})
    assert renamed.status_code == 302 and renamed["Location"] == "/desk/views/"
    view.refresh_from_db()
    assert view.name == "Geç kalanlar"
    listing = client.get("/desk/views/").content.decode()
    assert "Geç kalanlar" in listing and f'action="/desk/views/{view.pk}/delete"' in listing
    assert client.post(f"/desk/views/{view.pk}/delete").status_code == 302
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "filters": "assigned=me"}, "Give the view a name."),
    ({"name": "   ", "filters": "assigned=me"}, "Give the view a name."),
    ({"name": "x" * 81, "filters": "assigned=me"}, "Keep the name to 80 characters."),
    ({"name": "Mine", "filters": ""}, "Choose at least one filter before saving a view."),
    ({"name": "Mine", "filters": "assigned=everyone"}, "Unknown value for assigned: everyone."),
])
def test_bad_input_is_a_form_message(demo: None, data: dict[str, str], message: str) -> None:
    response = signed_in("handler").post("/desk/views/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and 'id="error-summary"' in html
    assert not SavedView.objects.exists()


def test_a_name_is_used_once_per_user(demo: None) -> None:
    handler, reviewer = signed_in("handler"), signed_in("reviewer")
    data = {"name": "Acil", "filters": "safety=hazard"}
    assert handler.post("/desk/views/", data).status_code == 302
    again = handler.post("/desk/views/", data)
    assert again.status_code == 422
    assert "You already have a view with this name." in again.content.decode()
    # Another user may use the same name.
    assert reviewer.post("/desk/views/", data).status_code == 302
    assert SavedView.objects.count() == 2
    # A rename to a taken name is refused beside the field; the view keeps its name.
    other = handler.post("/desk/views/", {"name": "Tekrar", "filters": "repeat=yes"})
    assert other.status_code == 302
    view = SavedView.objects.get(user=user("handler"), name="Tekrar")
    refused = handler.post(f"/desk/views/{view.pk}/rename", {f"v{view.pk}-name": "Acil"})
    assert refused.status_code == 422
    assert "You already have a view with this name." in refused.content.decode()
    view.refresh_from_db()
    assert view.name == "Tekrar"
    empty = handler.post(f"/desk/views/{view.pk}/rename", {f"v{view.pk}-name": ""})
    assert empty.status_code == 422 and "Give the view a name." in empty.content.decode()


def test_another_users_view_is_not_reachable(demo: None) -> None:
    reviewer = signed_in("reviewer")
    reviewer.post("/desk/views/", {"name": "Ekibim", "filters": "assigned=nobody"})
    view = SavedView.objects.get()
    handler = signed_in("handler")
    assert "Ekibim" not in handler.get("/desk/queue/").content.decode()
    assert "Ekibim" not in handler.get("/desk/views/").content.decode()
    assert handler.post(f"/desk/views/{view.pk}/rename",
                        {f"v{view.pk}-name": "Benim"}).status_code == 404
    assert handler.post(f"/desk/views/{view.pk}/delete").status_code == 404
    view.refresh_from_db()
    assert view.name == "Ekibim"
    # Changes are POSTs only.
    assert reviewer.get(f"/desk/views/{view.pk}/delete").status_code == 405
