"""Tracking under a distributed guess: the guessers are slowed, the customer is never locked out.

Issue 13, finding 4: ten wrong codes for one reference from any addresses used to make
the true code answer 429 for an hour. Every test here hammers one reference from many
addresses first, then follows the customer, on the web page and in the API.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from memnun.notifications.models import OutboundMessage
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db

WRONG = "AAAA-BBBB"
OWNER = "198.51.100.7"


def _recorded(api: Client) -> tuple[str, str]:
    response = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    return body["reference"], body["tracking_code"]


def _attacker(n: int) -> str:
    return f"203.0.113.{n + 1}"


def _hammer_api(api: Client, reference: str, addresses: int) -> list[int]:
    """Every attacker address guesses until it is refused; the statuses they got."""
    statuses = []
    for n in range(addresses):
        for _ in range(settings.TRACK_MISSES_PER_HOUR + 2):
            status = api.get(
                f"/api/v1/track/{reference}", {"code": WRONG}, REMOTE_ADDR=_attacker(n)
            ).status_code
            statuses.append(status)
            if status == 429:
                break
    return statuses


def test_api_owner_reads_the_case_while_many_addresses_guess(demo: None, api: Client) -> None:
    reference, code = _recorded(api)
    addresses = 2 * settings.TRACK_MISSES_PER_HOUR
    statuses = _hammer_api(api, reference, addresses)
    heard = statuses.count(404)
    # Slowed: once the reference drew its hour's misses, each further address is heard
    # only while in good standing, then refused.
    assert heard <= settings.TRACK_MISSES_PER_HOUR + addresses * (
        settings.TRACK_GOOD_STANDING_MISSES
    )
    assert statuses.count(429) == addresses
    late = [
        api.get(f"/api/v1/track/{reference}", {"code": WRONG}, REMOTE_ADDR=_attacker(addresses - 1))
        for _ in range(2)
    ]
    assert {r.status_code for r in late} == {429}

    # The customer, from their own address, with the true code: the case, not a 429.
    response = api.get(f"/api/v1/track/{reference}", {"code": code}, REMOTE_ADDR=OWNER)
    assert response.status_code == 200 and response.json()["reference"] == reference
    # Also after a typo of their own.
    typo = api.get(f"/api/v1/track/{reference}", {"code": WRONG}, REMOTE_ADDR=OWNER)
    assert typo.status_code == 404
    again = api.get(f"/api/v1/track/{reference}", {"code": code}, REMOTE_ADDR=OWNER)
    assert again.status_code == 200
    # An address that guessed is refused even with the true code: no oracle for guessers.
    refused = api.get(f"/api/v1/track/{reference}", {"code": code}, REMOTE_ADDR=_attacker(0))
    assert refused.status_code == 429 and refused.json()["error"] == "throttled"


def test_api_answer_endpoints_stay_open_to_the_owner(demo: None, api: Client) -> None:
    reference, code = _recorded(api)
    _hammer_api(api, reference, settings.TRACK_MISSES_PER_HOUR)
    response = api.post(
        f"/api/v1/track/{reference}/consents",
        {"code": code, "third_party_sharing": False},
        content_type="application/json",
        REMOTE_ADDR=OWNER,
    )
    assert response.status_code == 200, response.content


def test_one_address_is_still_stopped_after_its_own_misses(demo: None, api: Client) -> None:
    """The per-address limit is unchanged: it refuses even the true code, on any reference."""
    reference, code = _recorded(api)
    other, _ = _recorded(api)
    for _ in range(settings.TRACK_MISSES_PER_HOUR):
        assert api.get(f"/api/v1/track/{other}", {"code": WRONG}).status_code == 404
    assert api.get(f"/api/v1/track/{reference}", {"code": code}).status_code == 429


def _hammer_web(reference: str, addresses: int) -> None:
    for n in range(addresses):
        attacker = Client(REMOTE_ADDR=_attacker(n))
        for _ in range(settings.TRACK_MISSES_PER_HOUR + 2):
            status = attacker.post(
                "/track/", {"reference": reference, "code": WRONG}
            ).status_code
            if status == 429:
                break
        else:
            pytest.fail("an attacker was never throttled")


def test_web_owner_opens_the_case_with_the_code_under_attack(demo: None, api: Client) -> None:
    reference, code = _recorded(api)
    _hammer_web(reference, 2 * settings.TRACK_MISSES_PER_HOUR)

    owner = Client(REMOTE_ADDR=OWNER)
    response = owner.post("/track/", {"reference": reference, "code": code})
    assert response.status_code == 302 and response["Location"] == f"/track/{reference}"
    page = owner.get(f"/track/{reference}")
    assert page.status_code == 200 and reference in page.content.decode()

    refused = Client(REMOTE_ADDR=_attacker(0)).post(
        "/track/", {"reference": reference, "code": code}
    )
    assert refused.status_code == 429
    assert "/track/" not in refused.get("Location", "")


def test_the_link_in_our_message_opens_the_case_even_from_a_refused_address(
    demo: None, api: Client
) -> None:
    """The acknowledgement's signed link always works: no code typed, no guess counted."""
    reference, _ = _recorded(api)
    [message] = OutboundMessage.objects.filter(thread_key=reference)
    found = re.search(r"https?://[^/\s]+(/track/[^\s?]+\?t=[^\s\"<]+)", message.text)
    assert found, message.text
    _hammer_web(reference, 2 * settings.TRACK_MISSES_PER_HOUR)
    # Even the address that used up its own hour's allowance.
    customer = Client(REMOTE_ADDR=_attacker(0))
    assert customer.post("/track/", {"reference": reference, "code": WRONG}).status_code == 429
    opened = customer.get(found.group(1))
    assert opened.status_code == 302 and opened["Location"] == f"/track/{reference}"
    page = customer.get(f"/track/{reference}")
    assert page.status_code == 200 and reference in page.content.decode()
