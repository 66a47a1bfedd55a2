"""A case's rows from several tables in one statement (the case page's timeline).

Each table would be one ORM query, and on PostgreSQL each costs about a millisecond of
query building and model loading for a handful of rows: the case page read eight of them
for its timeline. Here one `UNION ALL` reads them all; every row comes back as its
table's name and a JSON object of the fields asked for (the databases' own JSON
functions: `json_build_object` on PostgreSQL, `json_object` on SQLite), turned back into
the fields' Python types by the models' own field definitions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class Source:
    """The rows of `model` whose `key` field is the case, with `fields` (model field names;
    a foreign key by its `_id` attribute) and, by name, one field of the row a foreign key
    points to (`related`: (name, the foreign key, the field of its model)); a foreign key
    left empty gives None."""

    model: type[models.Model]
    fields: tuple[str, ...]
    key: str = "feedback"
    related: tuple[tuple[str, str, str], ...] = ()


def _column(model: type[models.Model], name: str) -> tuple[str, models.Field[Any, Any]]:
    field = model._meta.get_field(name.removesuffix("_id"))
    assert isinstance(field, models.Field)
    return connection.ops.quote_name(field.column), field


def _branch(source: Source, json_object: str) -> tuple[str, list[models.Field[Any, Any]]]:
    model = source.model
    table = connection.ops.quote_name(model._meta.db_table)
    pairs, fields = [], []
    for name in source.fields:
        column, field = _column(model, name)
        pairs.append(f"'{name}', {table}.{column}")
        fields.append(field)
    for name, via, other_field in source.related:
        key, foreign_key = _column(model, via)
        other = foreign_key.related_model
        assert isinstance(other, type) and issubclass(other, models.Model), via
        value, field = _column(other, other_field)
        other_table = connection.ops.quote_name(other._meta.db_table)
        pk = connection.ops.quote_name(other._meta.pk.column)
        # Names from the models' metadata only; the case's id is the one parameter.
        pairs.append(
            f"'{name}', (SELECT {value} FROM {other_table} WHERE {pk} = {table}.{key})"  # noqa: S608
        )
        fields.append(field)
    key, _ = _column(model, source.key)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = (
        f"SELECT '{model._meta.label_lower}', {table}.{pk}, {json_object}({', '.join(pairs)}) "  # noqa: S608
        f"FROM {table} WHERE {table}.{key} = %s"
    )
    return sql, fields


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    """A JSON value as the field's Python value (JSON has no dates, decimals or booleans
    on SQLite)."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, datetime) else parse_datetime(value)
        assert moment is not None, value
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value


def rows_of(
    case_id: int, sources: Sequence[Source]
) -> dict[type[models.Model], list[dict[str, Any]]]:
    """Each source's rows of the case as dicts of its fields (and `id`), in id order."""
    json_object = "json_build_object" if connection.vendor == "postgresql" else "json_object"
    branches = [_branch(source, json_object) for source in sources]
    by_label = {source.model._meta.label_lower: (source, fields)
                for source, (_, fields) in zip(sources, branches, strict=True)}
    result: dict[type[models.Model], list[dict[str, Any]]] = {s.model: [] for s in sources}
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in branches) + " ORDER BY 1, 2",
            [case_id] * len(branches),
        )
        for label, pk, data in cursor.fetchall():
            source, fields = by_label[label]
            loaded = data if isinstance(data, dict) else json.loads(data)
            names = [*source.fields, *(name for name, *_ in source.related)]
            row = {name: _value(field, loaded[name])
                   for name, field in zip(names, fields, strict=True)}
            row["id"] = pk
            result[source.model].append(row)
    return result
