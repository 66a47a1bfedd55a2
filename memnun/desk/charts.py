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
from collections.abc import Mapping, Sequence
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


def share_line_chart(
    *, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> str:
    """Shares (0–1) over time as percentages, one line per series; a gap where one is None."""
    chart = pygal.Line(legend_at_bottom=True, range=(0, 100), **_config(title))
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else round(v * 100, 1) for v in values],
                  formatter=lambda value: f"{value:g} %")
    return _svg(chart)
