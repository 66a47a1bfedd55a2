"""The report charts: SVG drawn on the server with pygal, shown as images.

Each chart is a self-contained SVG without script (pygal's configuration
script is taken out; its interactive tooltips need it and we do not), shown
through `<img src="data:image/svg+xml;base64,…">`. An image's SVG runs no
script and its own `<style>` stays inside it, so the page's CSP keeps
forbidding inline script and style (settings.CONTENT_SECURITY_POLICY allows
`data:` images only). The numbers behind each chart are in a table beside
it: the chart is a picture of them, never their only home.

Drawn for a phone first: 480 units wide with 16-unit text, so that shown
360 px wide (a small phone) the text is still 12 px; on a desktop the image
sits in half the page beside its table. Categories run down the side
(horizontal bars), where long Turkish labels fit without turning.
"""

from __future__ import annotations

import base64
import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pygal
from django.utils.functional import Promise
from pygal.etree import etree
from pygal.style import Style

# pygal appends an import hook for its map plugins that has only the legacy
# `find_module`: every import that reaches it then warns (ImportWarning), an
# error under our strict warnings. We draw no maps, so the hook goes.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

# Dark text on white, and a palette whose colours differ in lightness too.
_STYLE = Style(
    background="white", plot_background="white", foreground="#1f2933",
    foreground_strong="#1f2933", foreground_subtle="#52606d",
    font_family="system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
    title_font_size=20, label_font_size=16, major_label_font_size=16,
    value_font_size=16, legend_font_size=16, tooltip_font_size=14,
    colors=("#1d4ed8", "#b45309", "#047857", "#9f1239", "#6d28d9"),
)
WIDTH = 480
_BAR_ROW = 36  # height per horizontal bar: a 16-unit label and air around it
_SVG = "{http://www.w3.org/2000/svg}"


_Chart = TypeVar("_Chart", bound=Callable[..., str])
_KEPT = 64


def _frozen(value: Any) -> Any:
    """A hashable copy of a chart's argument. A lazy text is fixed in the language now
    active: kept lazy, a Turkish chart's key would equal an English request's."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _remembered(draw: _Chart) -> _Chart:
    """The same figures draw the same SVG: kept per process (a dashboard viewed again, by
    anyone, draws from here). Drawing with pygal was about a fifth of the dashboard's
    time; each SVG is a few tens of kB, _KEPT of them at most per kind of chart."""
    kept: OrderedDict[Any, str] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(draw)
    def chart(**kwargs: Any) -> str:
        key = tuple(sorted((name, _frozen(value)) for name, value in kwargs.items()))
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        svg = draw(**{k: str(v) if isinstance(v, Promise) else v for k, v in kwargs.items()})
        with lock:
            kept[key] = svg
            while len(kept) > _KEPT:
                kept.popitem(last=False)
        return svg

    return chart  # type: ignore[return-value]


def _config(title: str, *, height: int) -> dict[str, Any]:
    return {
        "title": title, "style": _STYLE, "js": [], "disable_xml_declaration": True,
        "print_values": True, "x_label_rotation": 0, "truncate_label": 16,
        "width": WIDTH, "height": height, "margin": 12, "spacing": 8,
    }


def _svg(chart: Any) -> str:
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in (f"{_SVG}script", "script"):
                parent.remove(child)
    # pygal's wrapper serialises with lxml when installed, else the standard library.
    return str(etree.tostring(tree, encoding="unicode"))


def svg_data_uri(svg: str) -> str:
    """The SVG as an image address (the page's CSP allows `data:` images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _rows_height(rows: int, *, legend: bool = False) -> int:
    return 90 + _BAR_ROW * max(rows, 2) + (40 if legend else 0)


@_remembered
def bar_chart(*, title: str, series: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """One bar a category, down the side, each with its value printed."""
    chart = pygal.HorizontalBar(
        show_legend=False, show_x_labels=False, **_config(title, height=_rows_height(len(labels)))
    )
    # pygal stacks horizontal bars from the bottom: reversed, the first reads at the top.
    chart.x_labels = list(reversed(labels))
    chart.add(series, list(reversed(values)))
    return _svg(chart)


class _BarsAndLine(pygal.Bar):  # type: ignore[misc]
    """Bars of the main series, and each secondary series drawn as a line over them."""

    def _plot(self) -> None:
        for serie in self.series:
            self.bar(serie)
        for serie in self.secondary_series:
            self._line(serie)

    def _line(self, serie: Any) -> None:
        node = self.svg.serie(serie)
        points = self._rescale(serie.points) if self.series else serie.points
        half = 0.5 / max(self._len, 1)  # the middle of each bar, not its left edge
        coords = [self.view((x + half, y)) for x, y in points if None not in (x, y)]
        self.svg.line(node["plot"], coords, class_="line reactive nofill")
        for i, (x, y) in enumerate(coords):
            self.svg.node(node["overlay"], "circle", cx=x, cy=y, r=5, class_="dot reactive")
            if self.print_values:
                text = self.svg.node(node["text_overlay"], "text", x=x, y=y - 10,
                                     class_="value")
                text.text = self._format(serie, i)


@_remembered
def pareto_chart(
    *, title: str, count_label: str, cumulative_label: str, labels: Sequence[str],
    counts: Sequence[int], cumulative: Sequence[float],
) -> str:
    """Bars of the counts, largest first, and the cumulative share (%) as a line on the right."""
    chart = _BarsAndLine(
        legend_at_bottom=True, legend_at_bottom_columns=1,
        **{**_config(title, height=420), "print_values": False, "x_label_rotation": 40},
    )
    chart.x_labels = list(labels)
    chart.add(count_label, list(counts))
    chart.add(cumulative_label, [round(share * 100, 1) for share in cumulative],
              secondary=True, formatter=lambda value: f"{value:g} %")
    chart.secondary_range = (0, 100)
    return _svg(chart)


class _RatesAndObjective(pygal.HorizontalBar):  # type: ignore[misc]
    """Horizontal bars of rates, and the objective as a dashed line across them."""

    objective: float | None = None

    def _plot(self) -> None:
        super()._plot()
        if self.objective is None:
            return
        # A horizontal chart's view answers (position, value) in pixels: swapped back here.
        (y0, x0), (y1, x1) = self.view((0, self.objective)), self.view((1, self.objective))
        node = self.svg.node(self.nodes["plot"], class_="objective")
        self.svg.node(node, "path", d=f"M{x0:f} {y0:f} L{x1:f} {y1:f}",
                      stroke="#9f1239", **{"stroke-width": 3, "stroke-dasharray": "8 5"})


@_remembered
def rate_chart(
    *, title: str, series: str, labels: Sequence[str], rates: Sequence[float | None],
    objective: float | None, objective_label: str,
) -> str:
    """Rates (%) one bar a category on 0–100, with the objective as a dashed line when set."""
    chart = _RatesAndObjective(
        show_legend=False, range=(0, 100),
        **_config(title if objective is None else f"{title} · {objective_label} {objective:g} %",
                  height=_rows_height(len(labels))),
    )
    chart.objective = objective
    chart.x_labels = list(reversed(labels))
    chart.add(series, list(reversed(rates)), formatter=lambda value: f"{value:g} %")
    return _svg(chart)


@_remembered
def volume_chart(*, title: str, series: str, labels: Sequence[str], counts: Sequence[int]) -> str:
    """Cases per day, week or month, left to right; a few dates on the axis, not all."""
    every = max(1, len(labels) // 6)
    step = max(1, -(-max(counts, default=0) // 5))  # whole cases: five steps at most
    chart = pygal.Bar(
        show_legend=False, show_minor_x_labels=False, x_labels_major_every=every,
        **{**_config(title, height=340), "print_values": len(labels) <= 12},
    )
    chart.y_labels = list(range(0, max(counts, default=0) + step, step))
    chart.x_labels = list(labels)
    chart.add(series, list(counts))
    return _svg(chart)


@_remembered
def trend_chart(
    *, title: str, series: str, labels: Sequence[str], values: Sequence[float | None],
    target_label: str, target: float,
) -> str:
    """A figure over consecutive periods (a gap where it has none) and its target as a line.

    Twelve points are too many to label each: the numbers are in the table beside it.
    """
    chart = pygal.Line(
        legend_at_bottom=True, allow_interruptions=True, dots_size=6,
        # pygal's per-series stroke styles lose to its own `.reactive` rule (scoped by the
        # chart's id): thick lines, the target dashed, said with !important.
        css=["file://style.css", "file://graph.css",
             "inline:.serie-0 .line{stroke-width:4px !important}"
             " .serie-1 .line{stroke-width:4px !important;stroke-dasharray:14,8 !important}"],
        **{**_config(title, height=360), "print_values": False, "x_label_rotation": 35},
    )
    chart.x_labels = list(labels)
    chart.add(series, list(values))
    chart.add(target_label, [target] * len(labels), show_dots=False)
    return _svg(chart)


@_remembered
def share_line_chart(
    *, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> str:
    """Shares (0–1) over time as percentages, one line per series; a gap where one is None."""
    chart = pygal.Line(legend_at_bottom=True, range=(0, 100), **_config(title, height=360))
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else round(v * 100, 1) for v in values],
                  formatter=lambda value: f"{value:g} %")
    return _svg(chart)
