"""An administrator manages staff users and root-cause categories in /admin/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from memnun.accounts.models import User
from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.organisation.models import Office, RootCauseCategory

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def change_data(user: User, **changes: Any) -> dict[str, Any]:
    """The user's change form as the admin page posts it, with some fields changed."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "office": user.office_id or "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [],
        "user_permissions": [],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_user_list_shows_role_office_active_and_two_factor(admin_client: Client) -> None:
    handler = User.objects.get(username="handler")
    TOTPDevice.objects.create(user=handler, name="telefon", confirmed=True)
    TOTPDevice.objects.create(user=User.objects.get(username="agent"), confirmed=False)

    response = admin_client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == User.objects.count()
    listed = {u.username: u for u in response.context["cl"].result_list}
    assert listed["handler"].has_two_factor is True
    assert listed["agent"].has_two_factor is False  # an unconfirmed device is not two-factor
    assert "column-two_factor" in response.content.decode()
    body = response.content.decode()
    assert "column-role" in body and "column-office" in body and "column-is_active" in body


def test_the_list_needs_the_same_queries_for_more_users(admin_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/accounts/user/")
    istanbul = Office.objects.get(code="istanbul")
    for i in range(5):
        user = User.objects.create(username=f"extra{i}", role="agent", office=istanbul)
        TOTPDevice.objects.create(user=user, confirmed=True)
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/admin/accounts/user/")
    assert len(many) == len(few)


def test_an_admin_changes_role_office_and_active_and_it_is_audited(
    admin_client: Client,
) -> None:
    agent = User.objects.get(username="agent")
    ankara = Office.objects.get(code="ankara")
    response = admin_client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        change_data(agent, role="handler", office=ankara.pk, is_active=""),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert (agent.role, agent.office, agent.is_active) == ("handler", ankara, False)
    event = AuditEvent.objects.get(action="accounts.user_changed", object_id=str(agent.pk))
    assert event.actor == "admin"
    assert event.data == {
        "role": ["agent", "handler"],
        "office": ["istanbul", "ankara"],
        "is_active": [True, False],
    }
    assert audit_verify().ok


def test_an_office_bound_role_needs_an_office(admin_client: Client) -> None:
    agent = User.objects.get(username="agent")
    response = admin_client.post(
        f"/admin/accounts/user/{agent.pk}/change/", change_data(agent, office="")
    )
    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.office is not None
    # Roles that see every office may have none.
    quality = User.objects.get(username="quality")
    response = admin_client.post(
        f"/admin/accounts/user/{quality.pk}/change/", change_data(quality, first_name="Kalite")
    )
    assert response.status_code == 302


def test_an_admin_adds_a_user_with_role_office_and_password(admin_client: Client) -> None:
    izmir = Office.objects.get(code="izmir")
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "yeni.temsilci",
            "role": "agent",
            "office": izmir.pk,
            "password1": "uzun ve güçlü bir parola 42",
            "password2": "uzun ve güçlü bir parola 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="yeni.temsilci")
    assert (user.role, user.office, user.is_active) == ("agent", izmir, True)
    assert user.check_password("uzun ve güçlü bir parola 42")
    assert AuditEvent.objects.filter(
        action="accounts.user_created", object_id=str(user.pk)
    ).exists()


def test_an_admin_sets_a_new_password(admin_client: Client) -> None:
    handler = User.objects.get(username="handler")
    url = f"/admin/accounts/user/{handler.pk}/password/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"password1": "yepyeni bir parola 2026", "password2": "yepyeni bir parola 2026"}
    )
    assert response.status_code == 302
    handler.refresh_from_db()
    assert handler.check_password("yepyeni bir parola 2026")


def test_turning_off_two_factor_removes_the_devices_and_is_audited(
    admin_client: Client,
) -> None:
    handler = User.objects.get(username="handler")
    TOTPDevice.objects.create(user=handler, name="kayıp telefon", confirmed=True)
    reviewer = User.objects.get(username="reviewer")
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "turn_off_two_factor", "_selected_action": [handler.pk, reviewer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    events = AuditEvent.objects.filter(action="accounts.two_factor_removed")
    assert [e.object_id for e in events] == [str(handler.pk)]  # the reviewer had none
    assert audit_verify().ok


def test_staff_without_admin_rights_cannot_open_the_users(client: Client) -> None:
    client.force_login(User.objects.get(username="reviewer"))
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_manages_root_cause_categories(admin_client: Client) -> None:
    listed = admin_client.get("/admin/organisation/rootcausecategory/")
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == RootCauseCategory.objects.count() > 0

    response = admin_client.post(
        "/admin/organisation/rootcausecategory/add/",
        {"code": "yedek-parca", "name_tr": "Yedek parça eksikliği",
         "name_en": "Spare part shortage", "is_active": "on"},
    )
    assert response.status_code == 302
    category = RootCauseCategory.objects.get(code="yedek-parca")
    response = admin_client.post(
        f"/admin/organisation/rootcausecategory/{category.pk}/change/",
        {"code": "yedek-parca", "name_tr": "Yedek parça eksikliği",
         "name_en": "Spare part shortage"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.is_active is False  # retired, kept for the cases that name it
