"""Updating many rows of one model by id with a single prepared statement.

Django's `bulk_update` builds one CASE expression per field over the whole
batch; resolving those expressions costs milliseconds per row, which made a
recompute of a few thousand cases take seconds. Here each row is one set of
parameters to the same `UPDATE … WHERE id = %s`, sent with executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def rows_update(model: type[Model], objs: Iterable[Model], fields: Sequence[str]) -> int:
    """Write `fields` of each object to its row; returns how many rows were sent."""
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    columns = [str(getattr(f, "column", "")) for f in concrete]
    assert meta.pk is not None and all(columns)
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata; values are parameters.
    assignments = ", ".join(f"{qn(column)} = %s" for column in columns)
    where = qn(str(meta.pk.column))
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {where} = %s"  # noqa: S608
    params = [
        (
            *(
                f.get_db_prep_save(getattr(obj, f.attname), connection)  # type: ignore[union-attr]
                for f in concrete
            ),
            obj.pk,
        )
        for obj in objs
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)
