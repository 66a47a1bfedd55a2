"""The policy's text as HTML: plain paragraphs and "- " lists, everything else escaped.

Staff write the policy as plain text (a blank line between paragraphs, a line starting
with "- " for a list item, a paragraph of one line starting with "## " for a heading);
nothing they type is ever taken as HTML.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BULLETS = ("- ", "* ", "• ")


def _block(lines: list[str]) -> str:
    if len(lines) == 1 and lines[0].startswith("## "):
        return f"<h2>{escape(lines[0][3:].strip())}</h2>"
    if all(line.startswith(_BULLETS) for line in lines):
        items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"


@register.filter
def policy_html(text: str) -> SafeString:
    blocks: list[list[str]] = [[]]
    for raw in str(text).splitlines():
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return mark_safe("\n".join(_block(b) for b in blocks if b))  # noqa: S308 - every piece escaped above
