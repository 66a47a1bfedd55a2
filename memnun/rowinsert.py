"""Inserting one new row with its INSERT built once per model: for the hot writes.

`Model.save()` builds its INSERT through the ORM's compiler on every call, which
costs more CPU than the database takes to run it; intake writes several rows per
case this way (issue 14). `row_insert` writes the same row as
`save(force_insert=True)`: the same columns, each field's `pre_save` (so
`auto_now_add` is filled) and `get_db_prep_save` (so JSON and datetimes are
adapted exactly as the ORM adapts them), the primary key read back with RETURNING
(PostgreSQL; SQLite from 3.35). The statement's text is kept, per connection
vendor and model, with how each column's value is prepared: Django's chain of calls,
short cut for the plain fields where that chain hands the value on unchanged.

It sends no `pre_save`/`post_save` signal and does not call the model's own `save()`,
so a model that has receivers for them (a watched configuration row, see configcache)
or overrides `save()` is saved the ordinary way instead, unless it declares
`INSERT_AS_SAVE = True`: its `save()` adds nothing to the insert of a new row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

# A field's value as the INSERT sends it: `get_db_prep_save(pre_save(...))`, or less.
Prepare = Callable[[Model, BaseDatabaseWrapper], Any]
Statement = tuple[str, tuple[Prepare, ...]]

# Field classes (exactly these, not subclasses) whose preparation of a value of these
# types, or of None, gives the value itself: Django's chain of `pre_save`,
# `get_db_prep_save`, `get_db_prep_value`, `get_prep_value` and `to_python` only hands
# it on, at a few calls per column of every row (issue 14).
_AS_IS: dict[type[Field[Any, Any]], tuple[type, ...]] = {
    **dict.fromkeys(
        (models.CharField, models.TextField, models.EmailField, models.SlugField), (str,)
    ),
    **dict.fromkeys((
        models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
        models.PositiveIntegerField, models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField, models.AutoField, models.BigAutoField,
    ), (int,)),
    models.BooleanField: (bool,),
}


def _prepare(field: Field[Any, Any]) -> Prepare:
    """How the INSERT gets `field`'s value from a new instance: Django's own way, short
    cut where the result is known to be the value itself (or, for an aware time, the
    database's form of it, which is all the chain does to one)."""
    def ordinary(instance: Model, connection: BaseDatabaseWrapper) -> Any:
        return field.get_db_prep_save(field.pre_save(instance, True), connection=connection)

    related = type(field) in (models.ForeignKey, models.OneToOneField)
    target: Field[Any, Any] = getattr(field, "target_field") if related else field  # noqa: B009
    as_is = _AS_IS.get(type(target))
    attname = field.attname
    if as_is is not None:
        def plain(instance: Model, connection: BaseDatabaseWrapper) -> Any:
            value = getattr(instance, attname)
            if value is None or type(value) in as_is:
                return value
            return ordinary(instance, connection)
        return plain
    if type(field) is models.DateTimeField:
        filled = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))

        def moment(instance: Model, connection: BaseDatabaseWrapper) -> Any:
            # auto_now(_add) is filled by pre_save; otherwise it is the value as set.
            value = field.pre_save(instance, True) if filled else getattr(instance, attname)
            if value is None:
                return None
            if type(value) is datetime and value.tzinfo is not None:
                return connection.ops.adapt_datetimefield_value(value)
            return field.get_db_prep_save(value, connection=connection)
        return moment
    return ordinary


# (vendor, model, whether the primary key is left to the database, rows) -> (SQL, fields)
_STATEMENTS: dict[tuple[str, type[Model], bool, int], Statement] = {}


def _statement(
    vendor: str, model: type[Model], auto_pk: bool, rows: int, quote: Callable[[str], str]
) -> Statement:
    key = (vendor, model, auto_pk, rows)
    found = _STATEMENTS.get(key)
    if found is None:
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        fields = tuple(f for f in meta.concrete_fields if not (auto_pk and f is pk))
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * rows)
        # Names from the model's metadata, values as parameters.
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {marks}"  # noqa: S608
        if auto_pk:
            sql += f" RETURNING {quote(pk.column)}"
        found = _STATEMENTS[key] = (sql, tuple(_prepare(f) for f in fields))
    return found


def rows_insert(instances: Sequence[M]) -> Sequence[M]:
    """Insert a few new rows of one model in one statement, each as
    `save(force_insert=True)` would write it (the keys come back in the order given,
    as `bulk_create` relies on too)."""
    if not instances:
        return instances
    model = type(instances[0])
    if not all(i._state.adding for i in instances):
        raise ValueError("rows_insert writes new rows only")
    using = router.db_for_write(model, instance=instances[0])
    connection = connections[using]
    if (
        (model.save is not Model.save and not getattr(model, "INSERT_AS_SAVE", False))
        or model._meta.parents
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or not connection.features.can_return_columns_from_insert
    ):
        for instance in instances:
            instance.save(force_insert=True, using=using)
        return instances
    meta = model._meta
    assert meta.pk is not None and all(type(i) is model for i in instances)
    # The key left to the database (an AutoField not set), as save() leaves it.
    auto_pk = instances[0].pk is None and bool(getattr(meta.pk, "db_returning", False))
    assert all((i.pk is None) == (instances[0].pk is None) for i in instances)
    sql, prepares = _statement(
        connection.vendor, model, auto_pk, len(instances), connection.ops.quote_name
    )
    params = []
    for instance in instances:
        # Related rows assigned before they were saved (obligations of a new case): ids.
        instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        params += [prepare(instance, connection) for prepare in prepares]
    # As save() does: a failure inside an atomic block leaves it to be rolled back.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if auto_pk:
            for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
                setattr(instance, meta.pk.attname, pk)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = using
    return instances


def row_insert(instance: M) -> M:
    """Insert `instance` as a new row, as `instance.save(force_insert=True)` would."""
    rows_insert([instance])
    return instance
