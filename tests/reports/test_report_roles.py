"""Who reads which reports, of which office; bad periods and unknown filter values."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.casework import staff
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PATHS = ["/api/v1/reports/kpi", "/api/v1/reports/pareto"]
Headers = Callable[[str], dict[str, str]]


def _get(api: Client, headers: dict[str, str], path: str, **params: str) -> object:
    return api.get(path, {"from": FROM, "to": TO, "by": "office", **params}, headers=headers)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("admin", 403),
    ("reviewer", 200), ("quality", 200), ("auditor", 200), ("manager", 200),
])
def test_who_may_read_reports(
    demo: None, api: Client, staff_headers: Headers, path: str, username: str, status: int
) -> None:
    response = _get(api, staff_headers(username), path)
    assert response.status_code == status  # type: ignore[attr-defined]
    if status == 403:
        assert response.json()["error"] == "forbidden"  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PATHS)
def test_without_a_token_401(demo: None, api: Client, path: str) -> None:
    assert api.get(path, {"from": FROM, "to": TO, "by": "office"}).status_code == 401


@pytest.mark.parametrize("username", ["quality", "auditor", "manager"])
def test_every_office_for_the_roles_that_see_them_all(
    demo: None, api: Client, staff_headers: Headers, username: str
) -> None:
    week()
    body = _get(api, staff_headers(username), PATHS[0]).json()  # type: ignore[attr-defined]
    assert body["filters"] == {} and body["received"]["by_office"] == {
        "ankara": 2, "istanbul": 5, "izmir": 0}
    ankara = _get(api, staff_headers(username), PATHS[0], office="ankara")
    assert ankara.json()["received"]["total"] == 2  # type: ignore[attr-defined]


def test_a_reviewer_reads_their_own_office_only(
    demo: None, api: Client, staff_headers: Headers
) -> None:
    week()
    reviewer = staff_headers("reviewer")
    own = _get(api, reviewer, PATHS[0]).json()  # type: ignore[attr-defined]
    assert own["filters"] == {"office": "istanbul"}
    assert own["received"]["total"] == 5
    assert own["received"]["by_office"] == {"ankara": 0, "istanbul": 5, "izmir": 0}
    named = _get(api, reviewer, PATHS[0], office="istanbul").json()  # type: ignore[attr-defined]
    assert named == own
    pareto = _get(api, reviewer, PATHS[1]).json()  # type: ignore[attr-defined]
    assert pareto["total"] == 4
    for path in PATHS:
        other = _get(api, reviewer, path, office="ankara")
        assert other.status_code == 403  # type: ignore[attr-defined]
        assert "ankara" not in other.content.decode()  # type: ignore[attr-defined]


def test_a_reviewer_without_an_office_reads_nothing(
    demo: None, api: Client, staff_headers: Headers
) -> None:
    staff("lead-nowhere", "reviewer", office=None)
    for path in PATHS:
        assert _get(api, staff_headers("lead-nowhere"), path).status_code == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("field", ["office", "channel", "type", "brand", "category"])
def test_an_unknown_filter_value_answers_422_naming_the_field(
    demo: None, api: Client, staff_headers: Headers, path: str, field: str
) -> None:
    response = _get(api, staff_headers("quality"), path, **{field: "no-such-code"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"] == "invalid" and list(body["fields"]) == [field]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2025-02-30"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2025-13-01"}, "to"),
    ({"from": "2025-04-25", "to": "2025-04-21"}, "to"),
])
def test_a_bad_period_answers_422(
    demo: None, api: Client, staff_headers: Headers, path: str, params: dict[str, str],
    field: str,
) -> None:
    response = _get(api, staff_headers("quality"), path, **params)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert field in response.json()["fields"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PATHS)
def test_a_missing_period_answers_422(
    demo: None, api: Client, staff_headers: Headers, path: str
) -> None:
    response = api.get(path, {"by": "office"}, headers=staff_headers("quality"))
    assert response.status_code == 422
    assert {"from", "to"} <= set(response.json()["fields"])


def test_an_unknown_pareto_key_answers_422(
    demo: None, api: Client, staff_headers: Headers
) -> None:
    response = _get(api, staff_headers("quality"), PATHS[1], by="customer")
    assert response.status_code == 422 and "by" in response.json()["fields"]  # type: ignore[attr-defined]


def test_the_reports_are_documented_with_their_refusals(demo: None, api: Client) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in PATHS:
        operation = paths[path]["get"]
        assert {"200", "401", "403", "422"} <= set(operation["responses"])
        assert {p["name"] for p in operation["parameters"]} >= {
            "from", "to", "office", "channel", "type", "brand", "category"}
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"from", "to", "received", "resolution_business_hours"} <= set(
        schemas["KpiOut"]["properties"])


def test_the_docs_show_the_catalogue_as_it_is() -> None:
    from pathlib import Path

    from django.utils import translation

    from memnun.feedback.selectors.reports.catalogue import catalogue_markdown

    text = (Path(__file__).parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")
    documented = text.split("<!-- catalogue:start -->\n")[1].split("\n<!-- catalogue:end -->")[0]
    with translation.override("en"):
        assert documented == catalogue_markdown()
