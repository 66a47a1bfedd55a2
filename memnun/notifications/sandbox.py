"""The only tags and filters an administrator's message template may use.

Django's own, minus those that reach beyond the values given: no `load` (no
custom tags), no `include`/`extends` (the sandbox has no loader either), no
`debug` (it prints the context and the loaded modules), no `url`, no
`csrf_token`, and no `safe`/`safeseq`, so customer text is always escaped in HTML.
"""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags

register = Library()

_TAGS = (
    "autoescape", "comment", "cycle", "filter", "firstof", "for", "if", "ifchanged",
    "now", "regroup", "resetcycle", "spaceless", "templatetag", "verbatim", "widthratio",
    "with",
)
_FORBIDDEN_FILTERS = {"safe", "safeseq"}

for _name in _TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name, _filter in defaultfilters.register.filters.items():
    if _name not in _FORBIDDEN_FILTERS:
        register.filters[_name] = _filter
