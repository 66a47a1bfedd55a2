"""The SQLite cursor's kept placeholder conversions (memnun/sqlitewriters/cursor.py):
a statement sent again with other values answers for those values, literal percent
signs survive, and the kept conversions stay bounded."""

from __future__ import annotations

import pytest
from django.db import connection

from memnun.organisation.models import Brand
from memnun.sqlitewriters import cursor as sqlite_cursor

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's cursor"),
]

LIKE = "SELECT code FROM organisation_brand WHERE name LIKE %s || '%%' ORDER BY code"


def _codes(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(LIKE, [prefix])
        return [code for (code,) in cursor.fetchall()]


def test_a_statement_sent_again_answers_for_its_new_values() -> None:
    Brand.objects.create(code="kx-one", name="Kxone")
    Brand.objects.create(code="qz-two", name="Qztwo")
    assert _codes("Kx") == ["kx-one"]
    assert sqlite_cursor._converted[LIKE] == (
        "SELECT code FROM organisation_brand WHERE name LIKE ? || '%' ORDER BY code"
    )
    assert _codes("Qz") == ["qz-two"]  # the kept conversion, other values
    assert Brand.objects.filter(name__startswith="Kx").count() == 1  # and the ORM's own


def test_the_kept_conversions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_cursor, "CONVERTED_MAX", 3)
    sqlite_cursor._converted.clear()
    with connection.cursor() as cursor:
        for n in range(10):
            cursor.execute(f"SELECT %s + {n}", [1])
            assert cursor.fetchone() == (1 + n,)
    assert len(sqlite_cursor._converted) <= 3
