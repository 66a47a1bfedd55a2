"""Inserting one new row with its INSERT built once per model: for the hot writes.

`Model.save()` builds its INSERT through the ORM's compiler on every call, which
costs more CPU than the database takes to run it; intake writes several rows per
case this way (issue 14). `row_insert` writes the same row as
`save(force_insert=True)`: the same columns, each field's `pre_save` (so
`auto_now_add` is filled) and `get_db_prep_save` (so JSON and datetimes are
adapted exactly as the ORM adapts them), the primary key read back with RETURNING
(PostgreSQL; SQLite from 3.35). Only the statement's text is kept, per connection
vendor and model.

It sends no `pre_save`/`post_save` signal, so a model that has receivers for them
(a watched configuration row, see configcache) is saved the ordinary way instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

Statement = tuple[str, tuple["Field[Any, Any]", ...]]
# (vendor, model, whether the primary key is left to the database) -> (SQL, its fields)
_STATEMENTS: dict[tuple[str, type[Model], bool], Statement] = {}


def _statement(
    vendor: str, model: type[Model], auto_pk: bool, quote: Callable[[str], str]
) -> Statement:
    key = (vendor, model, auto_pk)
    found = _STATEMENTS.get(key)
    if found is None:
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        fields = tuple(f for f in meta.concrete_fields if not (auto_pk and f is pk))
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Names from the model's metadata, values as parameters.
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        if auto_pk:
            sql += f" RETURNING {quote(pk.column)}"
        found = _STATEMENTS[key] = (sql, fields)
    return found


def row_insert(instance: M) -> M:
    """Insert `instance` as a new row, as `instance.save(force_insert=True)` would."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    if (
        model._meta.parents
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or not connection.features.can_return_columns_from_insert
    ):
        instance.save(force_insert=True, using=using)
        return instance
    meta = model._meta
    assert meta.pk is not None
    # Related rows assigned before they were saved (obligations of a new case): their ids.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    auto_pk = instance.pk is None and bool(getattr(meta.pk, "db_returning", False))
    sql, fields = _statement(connection.vendor, model, auto_pk, connection.ops.quote_name)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
        for field in fields
    ]
    # As save() does: a failure inside an atomic block leaves it to be rolled back.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if auto_pk:
            (pk,) = cursor.fetchone()
            setattr(instance, meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using
    return instance
