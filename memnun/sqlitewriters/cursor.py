"""The SQLite cursor, with each statement's placeholders converted once per process.

Python's sqlite3 takes `?` where Django writes `%s`; Django's cursor rewrites every
statement with a regular expression on every call, which cost more CPU per intake than
several of its queries took to run (issue 14). The statements a process sends are few
and repeat, so each one's converted text is kept; the cache is bounded, and emptied
when full, so statements built with values inlined cannot make it grow without end.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base as sqlite3_base

CONVERTED_MAX = 2048

# django-stubs does not declare the backend's cursor class.
_Cursor: Any = sqlite3_base.SQLiteCursorWrapper

_converted: dict[str, str] = {}


class SQLiteCursor(_Cursor):  # type: ignore[misc]
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is not None:  # named parameters: rare, left to Django
            return str(super().convert_query(query, param_names=param_names))
        converted = _converted.get(query)
        if converted is None:
            if len(_converted) >= CONVERTED_MAX:
                _converted.clear()
            converted = _converted[query] = super().convert_query(query)
        return converted
