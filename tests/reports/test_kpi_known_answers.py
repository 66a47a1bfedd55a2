"""Every KPI figure against its hand-computed value (tests/reports/known_cases.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

CHANNELS_ZERO = {"web": 0, "email": 0, "phone": 0, "front_office": 0, "fax": 0, "letter": 0,
                 "social_media": 0, "dealer": 0, "employee": 0}


def _kpi(api: Client, headers: dict[str, str], **params: str) -> dict[str, object]:
    response = api.get("/api/v1/reports/kpi", {"from": FROM, "to": TO, **params},
                       headers=headers)
    assert response.status_code == 200, response.content
    body: dict[str, object] = response.json()
    return body


NO_SURVEY = {"responses": 0, "mean": None}
NO_ACK = {"on_time": 0, "late": 0, "pending": 0, "rate": None}
CATEGORIES_ZERO = {"battery-safety": 0, "communication": 0, "data-loss": 0, "parts": 0,
                   "pricing": 0, "repair-delay": 0, "repair-quality": 0, "staff-conduct": 0}
HANDLER = {"handler": "handler", "name": "Mehmet Yıldız"}

# The week's report facts (business hours from receipt; 9:00–18:00, Wed 23 a holiday):
#        ack   first response            decision   close
#   A    5     11 (the decision message)  11         14 (Tue 15:00)
#   E    0     1 (the merge's message)    —          1 (merged Mon 13:00)
#   B    7     13 (the decision message)  13         16 (Fri 16:00)
#   D    0     1.5 (the question)         16.5       16.83 → 16.8 (Fri 17:20)
WEEK = {
    "from": FROM, "to": TO, "filters": {},
    # A, B, C, D, E, F, H; not the Izmir cases of the Sunday before and the Saturday after.
    "received": {
        "total": 7,
        "by_channel": CHANNELS_ZERO | {"fax": 3, "letter": 2, "phone": 1, "front_office": 1},
        "by_type": {"complaint": 6, "suggestion": 1, "compliment": 0, "request": 0},
        "by_office": {"ankara": 2, "istanbul": 5, "izmir": 0},
        # Samsung: A, B, E (written three ways); Apple: C, D; H's "Nokya" is in none.
        "by_brand": {"apple": 2, "huawei": 0, "lenovo": 0, "oppo": 0, "samsung": 3,
                     "xiaomi": 0},
        # Assessed: A and D repair delay, B parts; the others not yet.
        "by_category": CATEGORIES_ZERO | {"parts": 1, "repair-delay": 2},
        "over_time": {"unit": "day", "points": [
            {"start": "2025-04-21", "count": 2}, {"start": "2025-04-22", "count": 1},
            {"start": "2025-04-23", "count": 1}, {"start": "2025-04-24", "count": 1},
            {"start": "2025-04-25", "count": 2}]},
    },
    # On time: A (15:00 ≤ 16:00), D and E (on the spot); late: B (Thu 16:00 > 15:00,
    # the holiday skipped); pending: C, F, H.
    "acknowledgement": {
        "on_time": 3, "late": 1, "pending": 3, "rate": 75.0,
        "by_channel": {channel: NO_ACK for channel in CHANNELS_ZERO} | {
            "fax": {"on_time": 1, "late": 1, "pending": 1, "rate": 50.0},  # A, B, H
            "letter": {"on_time": 0, "late": 0, "pending": 2, "rate": None},  # C, F
            "phone": {"on_time": 1, "late": 0, "pending": 0, "rate": 100.0},  # D
            "front_office": {"on_time": 1, "late": 0, "pending": 0, "rate": 100.0},  # E
        },
    },
    "times_business_hours": {
        # 0, 0, 5, 7: median (0 + 5) / 2; p90 at rank 2.7: 5 + 0.7 × 2.
        "acknowledgement": {"cases": 4, "median": 2.5, "p90": 6.4},
        # 1, 1.5, 11, 13: median (1.5 + 11) / 2; p90 11 + 0.7 × 2.
        "first_response": {"cases": 4, "median": 6.25, "p90": 12.4},
        # 11, 13, 16.5: p90 at rank 1.8: 13 + 0.8 × 3.5.
        "decision": {"cases": 3, "median": 13.0, "p90": 15.8},
        # 1, 14, 16, 16.8: median 15; p90 16 + 0.7 × 0.8.
        "close": {"cases": 4, "median": 15.0, "p90": 16.56},
    },
    "status": {"created": 3, "in_progress": 1, "under_review": 0, "resolved": 0, "closed": 3},
    "closed": {"customer_agreed": 1, "options_exhausted": 1, "merged": 1},
    "rejected_by_customer": 1,
    "reopened": 1,
    # A, B and D decided within 10 business days (D's wait for the customer paused it).
    "resolved_within_target": {"resolved": 3, "within": 3, "rate": 100.0},
    "escalated": 2,  # B rejected, D reopened
    # A's 500.00 (within the handler's limit) and B's 2,500.50 (approved by quality);
    # D's voucher was rejected.
    "compensation": {"count": 2, "amount": "3000.50"},
    "satisfaction": {
        "responses": 2, "mean": 4.5,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        # Closed other than by a merge: A, B, and D before its reopening.
        "sent": 3, "response_rate": 66.7,
        "by_office": {"ankara": NO_SURVEY, "istanbul": {"responses": 2, "mean": 4.5},
                      "izmir": NO_SURVEY},
        "by_category": {code: NO_SURVEY for code in CATEGORIES_ZERO} | {
            "parts": {"responses": 1, "mean": 4.0},  # B
            "repair-delay": {"responses": 1, "mean": 5.0},  # A
        },
        "by_closure": {"customer_agreed": {"responses": 1, "mean": 5.0},
                       "options_exhausted": {"responses": 1, "mean": 4.0},
                       "response_sent": NO_SURVEY},
        "by_handler": [HANDLER | {"responses": 2, "mean": 4.5}],
    },
    # A 11, B 13, D 16.5 business hours; p90 = 13 + 0.8 × (16.5 − 13).
    "resolution_business_hours": {"median": 13.0, "p90": 15.8},
}


def test_every_figure_of_the_week(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    answer = _kpi(api, staff_headers("quality"))
    # The backlog is "now" (today's date): its known answers are in test_kpi_backlog.py.
    assert set(answer.pop("backlog")) == {  # type: ignore[arg-type]
        "open", "overdue", "age_days", "by_office", "by_handler"}
    assert answer == WEEK


def test_filters_narrow_every_figure(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    quality = staff_headers("quality")
    ankara = _kpi(api, quality, office="ankara")
    assert ankara["filters"] == {"office": "ankara"}
    assert ankara["received"] == {
        "total": 2, "by_channel": CHANNELS_ZERO | {"fax": 1, "letter": 1},
        "by_type": {"complaint": 2, "suggestion": 0, "compliment": 0, "request": 0},
        "by_office": {"ankara": 2, "istanbul": 0, "izmir": 0},
        "by_brand": {"apple": 1, "huawei": 0, "lenovo": 0, "oppo": 0, "samsung": 0,
                     "xiaomi": 0},
        "by_category": CATEGORIES_ZERO,
        "over_time": {"unit": "day", "points": [  # C on the holiday, H late on Friday
            {"start": "2025-04-21", "count": 0}, {"start": "2025-04-22", "count": 0},
            {"start": "2025-04-23", "count": 1}, {"start": "2025-04-24", "count": 0},
            {"start": "2025-04-25", "count": 1}]},
    }
    ack = ankara["acknowledgement"]
    assert {k: ack[k] for k in ("on_time", "late", "pending", "rate")} == {  # type: ignore[index]
        "on_time": 0, "late": 0, "pending": 2, "rate": None}
    satisfaction = ankara["satisfaction"]
    assert satisfaction["sent"] == 0 and satisfaction["response_rate"] is None  # type: ignore[index]
    assert satisfaction["by_handler"] == []  # type: ignore[index]
    assert ankara["resolution_business_hours"] == {"median": None, "p90": None}
    assert ankara["times_business_hours"]["close"] == {  # type: ignore[index]
        "cases": 0, "median": None, "p90": None}
    assert ankara["compensation"] == {"count": 0, "amount": "0.00"}
    assert ankara["resolved_within_target"] == {"resolved": 0, "within": 0, "rate": None}
    # Now, whatever the period: C and H, each past its deadline by now.
    assert {k: ankara["backlog"][k] for k in ("open", "overdue")} == {  # type: ignore[index]
        "open": 2, "overdue": 2}

    # Samsung (A, B, E: written three ways), fax only: A and B.
    samsung_fax = _kpi(api, quality, brand="samsung", channel="fax")
    assert samsung_fax["filters"] == {"brand": "samsung", "channel": "fax"}
    assert samsung_fax["received"]["total"] == 2  # type: ignore[index]
    assert samsung_fax["resolution_business_hours"] == {"median": 12.0, "p90": 12.8}
    assert samsung_fax["closed"] == {"customer_agreed": 1, "options_exhausted": 1, "merged": 0}
    # Closed after 14 and 16 business hours; B was escalated; both compensations granted.
    assert samsung_fax["times_business_hours"]["close"] == {  # type: ignore[index]
        "cases": 2, "median": 15.0, "p90": 15.8}
    assert samsung_fax["escalated"] == 1
    assert samsung_fax["compensation"] == {"count": 2, "amount": "3000.50"}

    repair_delay = _kpi(api, quality, category="repair-delay", type="complaint")
    assert repair_delay["received"]["total"] == 2  # type: ignore[index]  # A and D
    assert repair_delay["reopened"] == 1 and repair_delay["rejected_by_customer"] == 0
    assert repair_delay["resolution_business_hours"] == {"median": 13.75, "p90": 15.95}
    # A closed after 14, D after 16.8; only A's compensation was granted; D reopened.
    assert repair_delay["times_business_hours"]["close"] == {  # type: ignore[index]
        "cases": 2, "median": 15.4, "p90": 16.52}
    assert repair_delay["compensation"] == {"count": 1, "amount": "500.00"}
    assert repair_delay["escalated"] == 1
    assert repair_delay["satisfaction"]["by_category"]["repair-delay"] == {  # type: ignore[index]
        "responses": 1, "mean": 5.0}
    assert repair_delay["backlog"]["open"] == 1  # type: ignore[index]  # D, reopened


def test_a_single_day_counts_by_its_istanbul_date(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    response = api.get("/api/v1/reports/kpi", {"from": "2025-04-25", "to": "2025-04-25"},
                       headers=staff_headers("auditor"))
    assert response.status_code == 200
    # F at 10:00 and H at 23:30 Istanbul (20:30 UTC).
    assert response.json()["received"]["total"] == 2
    saturday = api.get("/api/v1/reports/kpi", {"from": "2025-04-26", "to": "2025-04-26"},
                       headers=staff_headers("auditor")).json()
    assert saturday["received"]["by_office"] == {"ankara": 0, "istanbul": 0, "izmir": 1}


def test_figures_survive_the_customer_s_data_being_wiped(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    from memnun.feedback.models import Customer, Feedback

    week()
    before = _kpi(api, staff_headers("manager"))
    # What a later erasure will blank in place: no figure may move.
    Customer.objects.update(name="", email="", phone="", address="", name_folded="")
    Feedback.objects.update(subject="", description="", remedy_sought="", imei="",
                            device_serial="", repair_order="")
    assert _kpi(api, staff_headers("manager")) == before
