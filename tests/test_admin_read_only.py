"""Records written only through their services are read-only in /admin/ (one mixin,
`memnun.admin_readonly`): no add, change or delete, inlines included."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from memnun.accounts.models import User
from memnun.feedback.capa_models import Capa, CapaAction, CapaCheck
from memnun.feedback.objectives_models import Objective
from memnun.governance.models import (
    PolicyAcknowledgement,
    PolicyVersion,
    RepresentativeAppointment,
    TrainingRecord,
)
from memnun.mailin.models import InboundMessage
from memnun.notifications.models import OutboundMessage
from tests.feedback.capas import acted, new_capa

pytestmark = pytest.mark.django_db

READ_ONLY = [
    Capa, Objective, PolicyVersion, PolicyAcknowledgement, RepresentativeAppointment,
    TrainingRecord, InboundMessage, OutboundMessage,
]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_the_admin_never_writes_them(demo: None, model: type) -> None:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, None)
    assert not model_admin.has_delete_permission(request, None)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request, None)


def test_a_capa_cannot_be_changed_in_the_admin(demo: None) -> None:
    capa = acted(new_capa())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="admin"))
    url = f"/admin/feedback/capa/{capa.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"capaaction_set-TOTAL_FORMS": "1"}).status_code == 403
    assert CapaAction.objects.filter(capa=capa).count() == 1
    assert not CapaCheck.objects.filter(capa=capa).exists()
