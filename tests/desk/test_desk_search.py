"""Search and filters on the queue page: scoped, Turkish-aware, masked, with flat query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from memnun.feedback.services.intake import CustomerInput
from tests.desk.helpers import signed_in
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db
IMEI = "490154203237518"


def found(html: str) -> list[str]:
    # A repeat case carries its badge after the reference.
    return re.findall(
        r'<th scope="row"[^>]*><a [^>]*>(\d\d-\d{6,}-\d)</a>'
        r'(?: <span class="badge repeat">[^<]*</span>)?</th>', html,
    )


@pytest.fixture
def cases(demo: None) -> dict[str, Any]:
    return {
        "isil": record(customer=CustomerInput(name="Işıl Öztürk", email="isil@example.com",
                                              phone="0532 123 45 67"), imei=IMEI),
        "istanbul": record(channel="phone", type="suggestion",
                           customer=CustomerInput(name="İstanbul Telekom Ltd",
                                                  email="info@example.com")),
        "ankara": record(office="ankara", actor="quality",
                         customer=CustomerInput(name="Işıl Kaya", email="kaya@example.com")),
    }


def search(username: str, query: str, **filters: str) -> str:
    response = signed_in(username).get("/desk/queue/", {"q": query, **filters})
    assert response.status_code == 200
    return response.content.decode()


def test_turkish_case_folding(cases: dict[str, Any]) -> None:
    assert found(search("agent", "IŞIL")) == [cases["isil"].reference]
    assert found(search("agent", "istanbul")) == [cases["istanbul"].reference]
    assert found(search("agent", "ISIL")) == []  # I is ı in Turkish, not i
    assert set(found(search("quality", "ışıl"))) == {
        cases["isil"].reference, cases["ankara"].reference,
    }


def test_reference_with_or_without_hyphens(cases: dict[str, Any]) -> None:
    reference = cases["isil"].reference
    assert found(search("agent", reference)) == [reference]
    assert found(search("agent", reference.replace("-", ""))) == [reference]
    wrong_check = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert found(search("agent", wrong_check)) == []


def test_phone_email_and_imei(cases: dict[str, Any]) -> None:
    reference = cases["isil"].reference
    assert found(search("agent", "+90 532 123 4567")) == [reference]
    assert found(search("agent", "05321234567")) == [reference]
    assert found(search("agent", "ISIL@example.com")) == [reference]
    assert found(search("agent", IMEI)) == [reference]


def test_search_is_scoped_to_the_office(cases: dict[str, Any]) -> None:
    assert found(search("agent", "kaya@example.com")) == []
    assert found(search("quality", "kaya@example.com")) == [cases["ankara"].reference]
    assert found(search("quality", "ışıl", office="ankara")) == [cases["ankara"].reference]


def test_lists_show_personal_data_masked(cases: dict[str, Any]) -> None:
    for html in (search("agent", "ışıl"), signed_in("agent").get("/desk/queue/").content.decode()):
        assert "Işıl Öztürk" not in html and "isil@example.com" not in html
        assert "I*** Ö*****" in html


def test_filters_on_the_fair_queue(cases: dict[str, Any]) -> None:
    client = signed_in("agent")
    html = client.get("/desk/queue/", {"type": "suggestion"}).content.decode()
    assert found(html) == [cases["istanbul"].reference]
    html = client.get("/desk/queue/", {"channel": "fax"}).content.decode()
    assert found(html) == [cases["isil"].reference]
    html = client.get("/desk/queue/", {"status": "closed"}).content.decode()
    assert found(html) == []
    assert client.get("/desk/queue/", {"status": "nonsense"}).status_code == 302


def test_query_counts_stay_flat(cases: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    for i in range(10):
        record(customer=CustomerInput(name=f"Işıl {i}", email=f"i{i}@example.com"))
    client = signed_in("agent")
    # Session, user, the user's saved views, search (with office and customer joined), the
    # header's unread notifications (one COUNT).
    with django_assert_max_num_queries(5):
        html = client.get("/desk/queue/", {"q": "ışıl"}).content.decode()
    assert len(found(html)) == 11
    # the queue's two, office, views, session, user, the header's unread notifications
    with django_assert_max_num_queries(7):
        client.get("/desk/queue/", {"channel": "fax"})


def test_digits_that_also_read_as_a_reference_still_find_the_phone_or_imei(demo: None) -> None:
    """One phone or IMEI in ten also passes a reference's check digit (Damm, 9 to 16
    digits): such a number must still find its customer's case, not only a reference."""
    from stdnum import damm

    imei, phone = "354136806753871", "05321234562"  # each Damm-valid as typed
    assert damm.is_valid(imei) and damm.is_valid(phone)
    case = record(customer=CustomerInput(name="Deniz Ak", phone=phone), imei=imei)
    assert found(search("agent", imei)) == [case.reference]
    assert found(search("agent", phone)) == [case.reference]
    assert found(search("agent", "0532 123 45 62")) == [case.reference]
    # A reference typed as digits, or with other dashes, still finds its case.
    assert found(search("agent", case.reference.replace("-", ""))) == [case.reference]
    assert found(search("agent", case.reference.replace("-", "\u2010"))) == [case.reference]
