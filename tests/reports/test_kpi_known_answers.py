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


def test_every_figure_of_the_week(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    assert _kpi(api, staff_headers("quality")) == {
        "from": FROM, "to": TO, "filters": {},
        # A, B, C, D, E, F, H; not the Izmir cases of the Sunday before and the Saturday after.
        "received": {
            "total": 7,
            "by_channel": CHANNELS_ZERO | {"fax": 3, "letter": 2, "phone": 1, "front_office": 1},
            "by_type": {"complaint": 6, "suggestion": 1, "compliment": 0, "request": 0},
            "by_office": {"ankara": 2, "istanbul": 5, "izmir": 0},
        },
        # On time: A (15:00 ≤ 16:00), D and E (on the spot); late: B (Thu 16:00 > 15:00,
        # the holiday skipped); pending: C, F, H.
        "acknowledgement": {"on_time": 3, "late": 1, "pending": 3},
        "status": {"created": 3, "in_progress": 1, "under_review": 0, "resolved": 0,
                   "closed": 3},
        "closed": {"customer_agreed": 1, "options_exhausted": 1, "merged": 1},
        "rejected_by_customer": 1,
        "reopened": 1,
        "satisfaction": {"responses": 2, "mean": 4.5,
                         "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}},
        # A 11, B 13, D 16.5 business hours; p90 = 13 + 0.8 × (16.5 − 13).
        "resolution_business_hours": {"median": 13.0, "p90": 15.8},
    }


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
    }
    assert ankara["acknowledgement"] == {"on_time": 0, "late": 0, "pending": 2}
    assert ankara["satisfaction"] == {"responses": 0, "mean": None, "distribution": {
        "1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}
    assert ankara["resolution_business_hours"] == {"median": None, "p90": None}

    # Samsung (A, B, E: written three ways), fax only: A and B.
    samsung_fax = _kpi(api, quality, brand="samsung", channel="fax")
    assert samsung_fax["filters"] == {"brand": "samsung", "channel": "fax"}
    assert samsung_fax["received"]["total"] == 2  # type: ignore[index]
    assert samsung_fax["resolution_business_hours"] == {"median": 12.0, "p90": 12.8}
    assert samsung_fax["closed"] == {"customer_agreed": 1, "options_exhausted": 1, "merged": 0}

    repair_delay = _kpi(api, quality, category="repair-delay", type="complaint")
    assert repair_delay["received"]["total"] == 2  # type: ignore[index]  # A and D
    assert repair_delay["reopened"] == 1 and repair_delay["rejected_by_customer"] == 0
    assert repair_delay["resolution_business_hours"] == {"median": 13.75, "p90": 15.95}


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
