"""The report charts: SVG drawn on the server with pygal, shown as images.

Each chart is a self-contained SVG without script (pygal's configuration
script is taken out; its interactive tooltips need it and we do not), shown
through `<img src="data:image/svg+xml;base64,…">`. An image's SVG runs no
script and its own `<style>` stays inside it, so the page's CSP keeps
forbidding inline script and style (settings.CONTENT_SECURITY_POLICY allows
`data:` images only). The numbers behind each chart are in a table beside
it: the chart is a picture of them, never their only home.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Sequence
from typing import Any

import pygal
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
    title_font_size=22, label_font_size=16, major_label_font_size=16,
    value_font_size=16, legend_font_size=16, tooltip_font_size=14,
    colors=("#1d4ed8", "#b45309", "#047857", "#9f1239", "#6d28d9"),
)
_SIZE: dict[str, Any] = {"width": 800, "height": 440}
_SVG = "{http://www.w3.org/2000/svg}"


def _config(title: str) -> dict[str, Any]:
    return {
        "title": title, "style": _STYLE, "js": [], "disable_xml_declaration": True,
        "print_values": True, "x_label_rotation": 0, "truncate_label": 18, **_SIZE,
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


def bar_chart(*, title: str, series: str, labels: Sequence[str], values: Sequence[int]) -> str:
    chart = pygal.Bar(show_legend=False, **_config(title))
    chart.x_labels = list(labels)
    chart.add(series, list(values))
    return _svg(chart)


def pareto_chart(
    *, title: str, count_label: str, cumulative_label: str, labels: Sequence[str],
    counts: Sequence[int], cumulative: Sequence[float],
) -> str:
    """Bars of the counts, largest first, and the cumulative share (%) on the right axis."""
    chart = pygal.Bar(legend_at_bottom=True, **_config(title))
    chart.x_labels = list(labels)
    chart.add(count_label, list(counts))
    chart.add(cumulative_label, [round(share * 100, 1) for share in cumulative],
              secondary=True, formatter=lambda value: f"{value:g} %")
    return _svg(chart)


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
        **{**_config(title), "height": 360, "print_values": False, "x_label_rotation": 35},
    )
    chart.x_labels = list(labels)
    chart.add(series, list(values))
    chart.add(target_label, [target] * len(labels), show_dots=False)
    return _svg(chart)
