"""Pareto of complaints: order, ties, the cases without a value, shares (known_cases.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db


def _pareto(api: Client, headers: dict[str, str], by: str, **params: str) -> dict[str, Any]:
    response = api.get("/api/v1/reports/pareto", {"from": FROM, "to": TO, "by": by, **params},
                       headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _rows(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(i["key"], i["count"], i["share"], i["cumulative"]) for i in body["items"]]


@pytest.fixture
def quality(demo: None, staff_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    week()
    return staff_headers("quality")


def test_by_category_largest_first_the_uncategorised_under_null(
    api: Client, quality: dict[str, str]
) -> None:
    body = _pareto(api, quality, "category")
    # Complaints A, B, C, D, E, H (not the suggestion F): C, E, H have no category.
    assert body["by"] == "category" and body["total"] == 6
    assert _rows(body) == [
        (None, 3, 0.5, 0.5),
        ("repair-delay", 2, 0.333, 0.833),
        ("parts", 1, 0.167, 1.0),
        # Every other category, with 0, by code.
        ("battery-safety", 0, 0.0, 1.0), ("communication", 0, 0.0, 1.0),
        ("data-loss", 0, 0.0, 1.0), ("pricing", 0, 0.0, 1.0),
        ("repair-quality", 0, 0.0, 1.0), ("staff-conduct", 0, 0.0, 1.0),
    ]
    labels = {i["key"]: i["label"] for i in body["items"]}
    assert labels["repair-delay"] == "Repair delay" and labels[None] == "Not given"
    with translation.override("tr"):
        turkish = api.get("/api/v1/reports/pareto", {"from": FROM, "to": TO, "by": "category"},
                          headers={**quality, "Accept-Language": "tr"}).json()
    assert {i["key"]: i["label"] for i in turkish["items"]}["repair-delay"] == "Onarım gecikmesi"


def test_ties_go_by_key_and_the_cases_without_a_value_last(
    api: Client, quality: dict[str, str]
) -> None:
    # Products as written: A, B "Galaxy S23"; C, D "iPhone 13"; E, H none — two each.
    assert _rows(_pareto(api, quality, "product")) == [
        ("Galaxy S23", 2, 0.333, 0.333),
        ("iPhone 13", 2, 0.333, 0.667),
        (None, 2, 0.333, 1.0),
    ]


def test_by_brand_root_cause_and_office(api: Client, quality: dict[str, str]) -> None:
    brand = _pareto(api, quality, "brand")
    # Samsung written three ways (A, B, E); Apple twice (C, D); "Nokya" is no brand (H).
    assert _rows(brand)[:3] == [("samsung", 3, 0.5, 0.5), ("apple", 2, 0.333, 0.833),
                                (None, 1, 0.167, 1.0)]
    assert [i["key"] for i in brand["items"][3:]] == ["huawei", "lenovo", "oppo", "xiaomi"]
    assert brand["items"][0]["label"] == "Samsung"
    # The latest proposal's root-cause category: A and D part supply, B workmanship.
    root = _rows(_pareto(api, quality, "root_cause_category"))
    assert root[:3] == [(None, 3, 0.5, 0.5), ("part-supply", 2, 0.333, 0.833),
                        ("workmanship", 1, 0.167, 1.0)]
    assert len(root) == 3 + 6  # the six other root-cause categories, with 0
    assert _rows(_pareto(api, quality, "office")) == [
        ("istanbul", 4, 0.667, 0.667), ("ankara", 2, 0.333, 1.0), ("izmir", 0, 0.0, 1.0),
    ]


def test_filters_apply_and_an_empty_period_has_no_shares(
    api: Client, quality: dict[str, str]
) -> None:
    ankara = _pareto(api, quality, "brand", office="ankara")
    assert _rows(ankara)[:2] == [("apple", 1, 0.5, 0.5), (None, 1, 0.5, 1.0)]
    # Suggestions only: a Pareto counts complaints, so nothing.
    none = _pareto(api, quality, "office", type="suggestion")
    assert none["total"] == 0
    assert _rows(none) == [("ankara", 0, 0.0, 0.0), ("istanbul", 0, 0.0, 0.0),
                           ("izmir", 0, 0.0, 0.0)]
