"""The KPI dashboard in the desk: who sees it, the API's figures, bad periods, both languages."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.translation import override

from memnun.accounts.models import User
from tests.desk.helpers import signed_in
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PAGE = "/desk/reports/"
CUSTOM = {"period": "custom", "start": FROM, "end": TO}


def _cell(html: str, table: str, label: str) -> str:
    """The figure beside `label` in the table with id `table`."""
    block = html[html.index(f'id="{table}"'):]
    block = block[:block.index("</table>")]
    found = re.search(rf"<th scope=\"row\">{re.escape(label)}</th><td[^>]*>(?:<a [^>]*>)?([^<]*)",
                      block)
    assert found, (table, label)
    return found.group(1).strip()


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("reviewer", 200), ("quality", 200), ("auditor", 200),
    ("manager", 200),
])
def test_who_may_open_the_dashboard(demo: None, username: str, status: int) -> None:
    client = signed_in(username)
    assert client.get(PAGE).status_code == status
    # The navigation offers the page to those who may read it, and only to them.
    queue = client.get("/desk/queue/").content.decode()
    assert (f'href="{PAGE}"' in queue) is (status == 200)


def test_signed_out_goes_to_the_login() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_figures_equal_the_api_for_the_same_period(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    week()
    body = api.get("/api/v1/reports/kpi", {"from": FROM, "to": TO},
                   headers=staff_headers("quality")).json()
    html = signed_in("quality").get(PAGE, CUSTOM).content.decode()
    assert f'<span id="received-total">{body["received"]["total"]}</span>' in html
    received = body["received"]
    assert _cell(html, "received-by-office", "İstanbul") == str(received["by_office"]["istanbul"])
    assert _cell(html, "received-by-channel", "Phone") == str(received["by_channel"]["phone"])
    assert _cell(html, "acknowledgement-figures", "Acknowledged late") == str(
        body["acknowledgement"]["late"])
    ack = body["acknowledgement"]
    sent = ack["on_time"] + ack["late"]
    assert sent, "the week's fixture acknowledges some cases"
    rate = round(100 * ack["on_time"] / sent, 1)
    assert f"{rate} % of the acknowledgements sent were on time." in html
    assert _cell(html, "status", "Closed") == str(body["status"]["closed"])
    assert _cell(html, "outcome-figures", "Reopened") == str(body["reopened"])
    assert _cell(html, "satisfaction-distribution", "5") == str(
        body["satisfaction"]["distribution"]["5"])
    median = body["resolution_business_hours"]["median"]
    assert _cell(html, "times-figures", "Time to decision, median") == str(median)
    pareto = api.get("/api/v1/reports/pareto", {"from": FROM, "to": TO, "by": "category"},
                     headers={**staff_headers("quality"), "Accept-Language": "en"}).json()
    first = pareto["items"][0]
    assert _cell(html, "pareto", first["label"]) == str(first["count"])


def test_every_figure_links_to_the_cases_behind_it(demo: None) -> None:
    week()
    html = signed_in("quality").get(PAGE, {**CUSTOM, "category": "repair-delay"}).content.decode()
    # The figure's code, its key, the period and the filters in force.
    assert ('href="/desk/reports/cases/?metric=acknowledgement.on_time&amp;from=2025-04-21'
            '&amp;to=2025-04-25&amp;category=repair-delay"') in html
    assert ('href="/desk/reports/cases/?metric=received.by_channel&amp;key=fax&amp;'
            'from=2025-04-21&amp;to=2025-04-25&amp;category=repair-delay"') in html
    # A figure of nothing lists nothing: no link.
    assert "metric=received.by_channel&amp;key=email" not in html


def test_a_reviewer_reads_their_own_office(demo: None) -> None:
    week()
    client = signed_in("reviewer")
    html = client.get(PAGE, CUSTOM).content.decode()
    assert '<span id="received-total">5</span>' in html
    assert _cell(html, "received-by-office", "Ankara") == "0"
    refused = client.get(PAGE, {**CUSTOM, "office": "ankara"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


@pytest.mark.parametrize(("params", "message"), [
    ({"period": "custom", "start": "2025-04-25", "end": "2025-04-21"},
     "The end of the period is before its start."),
    ({"period": "custom", "start": "2025-02-30", "end": "2025-04-21"}, "Enter a valid date."),
    ({"period": "custom", "start": "2025-04-21"}, "Give both dates of a custom period."),
    ({"period": "decade"}, "Select a valid choice."),
])
def test_a_bad_period_is_a_form_message(demo: None, params: dict[str, str], message: str) -> None:
    response = signed_in("quality").get(PAGE, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html and message in html
    assert 'id="received-total"' not in html


def test_this_month_by_default_in_turkish_and_english(demo: None) -> None:
    english = signed_in("manager").get(PAGE).content.decode()
    assert 'value="month" selected' in english
    assert "Received by channel" in english and "Satisfaction scores" in english
    turkish = Client(HTTP_ACCEPT_LANGUAGE="tr")
    turkish.force_login(User.objects.get(username="manager"))
    html = turkish.get(PAGE).content.decode()
    assert "Kanala göre alınan" in html and "Memnuniyet puanları" in html
    # The chart's own title too: the SVG is drawn in the reader's language.
    svgs = [base64.b64decode(source).decode()
            for source in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    assert any("Kanala göre alınan" in svg for svg in svgs)


def test_the_charts_are_images_without_script(demo: None) -> None:
    week()
    html = signed_in("quality").get(PAGE, CUSTOM).content.decode()
    sources = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    # Volume over time and by channel, acknowledgement rate, satisfaction, Pareto.
    assert len(sources) == 5
    for source in sources:
        svg = base64.b64decode(source).decode()
        assert svg.startswith("<svg") and "<script" not in svg
    assert "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(("filters", "total"), [
    ({}, 7),
    ({"brand": "samsung"}, 3),  # A, B, E: "Samsung", "SAMSUNG", "samsung"
    ({"brand": "apple"}, 2),  # C, D
    ({"category": "repair-delay"}, 2),  # A, D
    ({"brand": "samsung", "category": "parts"}, 1),  # B
])
def test_brand_and_category_narrow_the_figures(
    demo: None, filters: dict[str, str], total: int
) -> None:
    week()
    html = signed_in("quality").get(PAGE, {**CUSTOM, **filters}).content.decode()
    assert f'<span id="received-total">{total}</span>' in html
    # The chosen filters stay in the form (and so in the address).
    for name, value in filters.items():
        assert re.search(rf'<option value="{value}" selected>', html), name


def test_a_filter_change_refreshes_only_the_figures(demo: None) -> None:
    week()
    client = signed_in("quality")
    partial = client.get(PAGE, {**CUSTOM, "channel": "fax"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    # The figures only: not the page nor its filter form (the export forms inside the
    # figures come along, so that a file covers what is shown).
    assert partial.status_code == 200 and "<html" not in html and "report-filter" not in html
    assert 'id="export-kpi"' in html
    assert '<span id="received-total">3</span>' in html
    assert "HX-Request" in partial["Vary"]
    # An error comes back in place too (htmx swaps successful answers only).
    bad = client.get(PAGE, {**CUSTOM, "start": TO, "end": FROM}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and 'id="error-summary"' in bad.content.decode()
    # Back and forward restore the whole page.
    restored = client.get(PAGE, CUSTOM, HTTP_HX_REQUEST="true",
                          HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


@override("en")
def test_new_answer_keys_get_their_tables_and_links() -> None:
    """A metric the catalogue gains is drawn where its code belongs, linked, or skipped."""
    from datetime import date

    from memnun.desk.report_figures import Figures, Names, sections
    from memnun.feedback.selectors.reports import Period, ReportFilters

    figures = Figures(period=Period(date(2025, 4, 21), date(2025, 4, 25)),
                      filters=ReportFilters(), names=Names({}, {}, {}))
    # Only what the answer holds: a missing key is no table and no error.
    found = sections({"received": {"total": 4}}, figures)
    assert list(found) == ["received"]
    rows = found["received"].scalars.rows
    assert [(r.label, list(r.cells)) for r in rows] == [("Received", [4])]
    assert rows[0].url and "metric=received.total" in rows[0].url


@override("en")
def test_table_shaped_and_listed_figures_render_with_their_links() -> None:
    """The shapes the catalogue is gaining (issue 10): per-key objects and per-handler rows."""
    from datetime import date

    from django.template.loader import render_to_string
    from django.utils.translation import gettext_lazy as lazy

    from memnun.desk.report_figures import Figures, Names
    from memnun.feedback.selectors.reports import Period, ReportFilters
    from memnun.feedback.selectors.reports.catalogue import Kind, Metric

    figures = Figures(period=Period(date(2025, 4, 21), date(2025, 4, 25)),
                      filters=ReportFilters(office="istanbul"),
                      names=Names({"istanbul": "İstanbul"}, {}, {}))
    by_channel = Metric("acknowledgement.by_channel", lazy("Acknowledgement by channel"),
                        lazy(""), Kind.BREAKDOWN, field="channel")
    table = figures.breakdown(by_channel, {
        "fax": {"on_time": 1, "late": 1, "pending": 1, "rate": 50.0},
        "web": {"on_time": 0, "late": 0, "pending": 0, "rate": None},
    }, "Channel")
    html = render_to_string("desk/_report_rows.html", {"table": table})
    assert '<th scope="col" class="num">Rate (%)</th>' in html
    assert ('<a href="/desk/reports/cases/?metric=acknowledgement.by_channel&amp;key=fax&amp;'
            'from=2025-04-21&amp;to=2025-04-25&amp;office=istanbul">Fax</a>') in html
    assert '<td class="num">50.0</td>' in html and '<td class="num">—</td>' in html

    by_handler = Metric("backlog.by_handler", lazy("Open by handler"), lazy(""),
                        Kind.BREAKDOWN, field="assignee__username")
    table = figures.listed(by_handler, [
        {"handler": "handler", "name": "Mehmet Yıldız", "open": 2, "overdue": 1,
         "oldest_days": 9},
        {"handler": None, "name": None, "open": 1, "overdue": 0, "oldest_days": 3},
    ], "Handler")
    html = render_to_string("desk/_report_rows.html", {"table": table})
    assert "key=handler&amp;" in html and ">Mehmet Yıldız</a>" in html
    assert "key=none&amp;" in html and ">Not assigned</a>" in html
    assert [c for c in table.columns] == ["Open", "Overdue", "Oldest (days)"]


def test_the_rate_chart_draws_an_objective_only_when_there_is_one() -> None:
    from memnun.desk.charts import rate_chart

    common = {"title": "Acknowledged on time (%)", "series": "On time",
              "labels": ["Fax", "Web"], "rates": [75.0, None], "objective_label": "Objective"}
    assert 'class="objective"' not in rate_chart(objective=None, **common)  # type: ignore[arg-type]
    drawn = rate_chart(objective=98.0, **common)  # type: ignore[arg-type]
    assert 'class="objective"' in drawn and "Objective 98 %" in drawn


def test_a_chart_drawn_again_comes_from_memory_in_its_own_language() -> None:
    from django.utils.translation import gettext_lazy

    from memnun.desk.charts import bar_chart

    # Drawing the same figures again returns the same SVG (pygal gives each drawing a new
    # id, so an equal one was remembered, not redrawn)…
    args = {"series": "Cases", "labels": ["Web", "Phone"], "values": [3.0, 4.0]}
    first = bar_chart(title="Received by channel (test)", **args)  # type: ignore[arg-type]
    assert bar_chart(title="Received by channel (test)", **args) == first  # type: ignore[arg-type]
    assert bar_chart(title="Received by channel (test)", **{**args, "values": [3.0, 5.0]}) != first  # type: ignore[arg-type]
    # …and a lazy title is remembered in the language it was drawn in, never another's.
    title = gettext_lazy("Received by channel")
    with override("tr"):
        turkish = bar_chart(title=title, **args)  # type: ignore[arg-type]
    with override("en"):
        english = bar_chart(title=title, **args)  # type: ignore[arg-type]
    assert "Kanala göre alınan" in turkish and "Received by channel" in english


def test_the_acknowledgement_rate_shows_its_approved_objective_of_the_same_scope(
    demo: None,
) -> None:
    from tests.reports.objectives_helpers import objective

    week()
    client = signed_in("quality")
    assert "Objective: at least" not in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    objective("acknowledgement.rate", "98", office="ankara")  # another scope: not this figure
    objective("acknowledgement.rate", "95", approved=False)  # a draft is not measured
    assert "Objective: at least" not in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    objective("acknowledgement.rate", "97.5")
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Objective: at least 97.5 %." in html


def test_the_dashboard_reads_the_open_backlog_and_the_complaints_once(demo: None) -> None:
    """Issue 10 "Fast": the page's KPI, Pareto and objectives' panel share one backlog
    (an objective over every office has the dashboard's scope) and the Pareto by category
    sums the rollup instead of counting the period's complaints."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.objectives_helpers import objective

    week()
    objective("acknowledgement.rate", "97.5")
    client = signed_in("quality")
    client.get(PAGE, CUSTOM)  # the rollup caught up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, CUSTOM)
    assert response.status_code == 200
    backlogs = [q["sql"] for q in queries.captured_queries
                if 'FROM "feedback_feedback"' in q["sql"] and '"assignee_id"' in q["sql"]
                and "GROUP BY" in q["sql"]]
    assert len(backlogs) == 1
    counted = [q["sql"] for q in queries.captured_queries
               if 'FROM "feedback_feedback"' in q["sql"] and '"category__code"' in q["sql"]]
    assert counted == []
