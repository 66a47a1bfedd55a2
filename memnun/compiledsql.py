"""A query written once with the ORM, compiled once per database, run with new values.

Building a query with the ORM costs more CPU than the database takes to answer the
small indexed reads that intake makes on every case (issue 14). Writing those queries
by hand instead put a second copy of a rule beside the ORM one. Here the query is
still written with the ORM, by a function of its values (`build`); the first time it
is used on a database it is compiled with stand-ins for the values, and later calls
only put the new values where the stand-ins were, adapted as the ORM adapts them.

The stand-ins make it safe: `build` is compiled twice, with two different sets of
them, and compiling refuses (`ValueError`) when a value does not reach the parameters
as itself or as the ORM adapts a field of its kind (a pattern made of it, a window
computed from it), when a value is written into the SQL text, or when a parameter
changes with neither (a `timezone.now()` inside `build` would otherwise be frozen at
the first call). Parameters that stay the same are the query's constants.

Rows come back as the database driver gives them, without the ORM's converters (on
SQLite a time comes naive; JSON comes as text on both): ask for what is the same either
way (keys, numbers, text, whether a row exists), as the hot reads do, or convert what
differs, as the audit chain's sealer does with its events' times and data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import QuerySet
from django.db.models.sql.query import Query
from django.db.models.sql.subqueries import UpdateQuery
from django.db.transaction import TransactionManagementError

Adapter = Callable[[BaseDatabaseOperations, Any], Any]


def _datetime_standin(n: int, round_: int) -> datetime:
    at = datetime(1999 + round_, 2, 3, 4, 5, 6, 100_000 + n, tzinfo=UTC)
    return at if settings.USE_TZ else at.replace(tzinfo=None)


# Per kind: a distinct stand-in for value n of compile round 0 or 1 (ints small enough
# for any integer field: the ORM answers out-of-range lookups without a parameter),
# and the ways the ORM may have adapted it, the plain value first. The string has
# characters that every pattern lookup escapes or wraps, so such a use is refused.
_STANDINS: dict[type, Callable[[int, int], Any]] = {
    str: lambda n, r: f"compiledsql%_\\{r}.{n}",
    int: lambda n, r: 30_001 + 1000 * r + n,
    datetime: _datetime_standin,
}
_INTEGER_FIELDS = (
    "SmallIntegerField", "IntegerField", "BigIntegerField",
    "PositiveSmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
)


def _integer(internal_type: str) -> Adapter:
    # psycopg 3: the ORM sends Int2/Int4/Int8 by the field's type, not a plain int.
    return lambda ops, v: ops.adapt_integerfield_value(v, internal_type)


_ADAPTERS: dict[type, tuple[Adapter | None, ...]] = {
    str: (None,),
    int: (None, *(_integer(t) for t in _INTEGER_FIELDS)),
    datetime: (None, lambda ops, v: ops.adapt_datetimefield_value(v)),
}


class _Plan(NamedTuple):
    sql: str
    # Each value as the query uses it: (which value, adapted how). Computed once per call
    # however many parameters take it (a window's ends in every branch of an EXISTS).
    prepare: tuple[tuple[int, Adapter | None], ...]
    # Per parameter: which prepared value goes there, or -1 and the query's constant.
    slots: tuple[tuple[int, Any], ...]
    locks: bool  # SELECT ... FOR UPDATE: only inside a transaction, as the ORM insists


def update_query(queryset: QuerySet[Any, Any], **values: Any) -> UpdateQuery:
    """The UPDATE that `queryset.update(**values)` runs, as a query to compile."""
    if queryset.query.combinator or queryset.query.is_sliced:
        raise TypeError("an update of a combined or sliced query cannot be compiled")
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(values)
    if any(str(col).removeprefix("-") in query.annotations for col in query.order_by):
        raise TypeError("an update ordered by an annotation cannot be compiled")
    query.clear_select_clause()
    return query


def _query(built: QuerySet[Any, Any] | Query) -> Query:
    return built.query if isinstance(built, QuerySet) else built


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


class CompiledQuery:
    """`build(*values)`, a QuerySet or a query (`update_query`), compiled once per
    database alias and vendor; `kinds` are the types of the values, in order.

    It runs on `using` ("default" unless given), no router asked: the hot reads are a
    write's own, which must see its writes (a router could send a read to the replica)."""

    def __init__(self, build: Callable[..., Any], *kinds: type) -> None:
        for kind in kinds:
            if kind not in _STANDINS:
                raise TypeError(f"a compiled query cannot take a {kind.__name__} value")
        self.build = build
        self.kinds = kinds
        named = getattr(build, "func", build)  # a partial: its function
        self._name = f"{getattr(named, '__module__', '')}.{getattr(named, '__qualname__', build)}"
        self._plans: dict[tuple[str, str], _Plan] = {}

    def bind(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[Any]]:
        """The SQL and its parameters for these values, on database `using`."""
        return self._bind(values, connections[using], using)

    def fetchone(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...] | None:
        """The first row of a compiled SELECT, as the driver gives it."""
        connection = connections[using]
        sql, params = self._bind(values, connection, using)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row: tuple[Any, ...] | None = cursor.fetchone()
        return row

    def fetchall(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        """Every row of a compiled SELECT, as the driver gives them."""
        connection = connections[using]
        sql, params = self._bind(values, connection, using)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def execute(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> int:
        """Run a compiled UPDATE; how many rows it changed."""
        connection = connections[using]
        sql, params = self._bind(values, connection, using)
        # As QuerySet.update(): a failure inside an atomic block leaves it to roll back.
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def _bind(
        self, values: tuple[Any, ...], connection: BaseDatabaseWrapper, using: str
    ) -> tuple[str, list[Any]]:
        plan = self._plans.get((using, connection.vendor)) or self._compile(using, connection)
        if len(values) != len(self.kinds):
            raise TypeError(f"{len(self.kinds)} values expected, {len(values)} given")
        for value, kind in zip(values, self.kinds, strict=True):
            # None, a bool or a naive time would not mean what the ORM makes of it.
            if not isinstance(value, kind) or type(value) is bool:
                raise TypeError(f"a {kind.__name__} expected, {value!r} given")
            if isinstance(value, datetime) and value.utcoffset() is None and settings.USE_TZ:
                raise ValueError(f"an aware datetime expected, {value!r} given")
        if plan.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        ops = connection.ops
        prepared = [values[n] if adapt is None else adapt(ops, values[n])
                    for n, adapt in plan.prepare]
        return plan.sql, [constant if at < 0 else prepared[at] for at, constant in plan.slots]

    def _sql(
        self, values: Sequence[Any], using: str, connection: BaseDatabaseWrapper
    ) -> tuple[str, Sequence[Any], bool]:
        """The SQL of `build(*values)`, its parameters, whether it locks rows."""
        query = _query(self.build(*values))
        if isinstance(query, UpdateQuery) and (
            query.related_updates or query.count_active_tables() > 1
        ):
            # The ORM would read the keys first and update by them: two statements.
            raise ValueError(f"{self._name}: an update of more than one table")
        sql, params = query.get_compiler(using).as_sql()
        locks = query.select_for_update and connection.features.has_select_for_update
        return sql, params, bool(locks)

    def _compile(self, using: str, connection: BaseDatabaseWrapper) -> _Plan:
        standins = [
            tuple(_STANDINS[kind](n, round_) for n, kind in enumerate(self.kinds))
            for round_ in (0, 1)
        ]
        (sql, params, locks), (sql_again, params_again, _) = (
            self._sql(values, using, connection) for values in standins
        )
        self._check_text(sql, standins, connection.ops)
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError(f"{self._name}: the SQL changes with the values")
        uses = [self._use(at, a, b, standins, connection.ops)
                for at, (a, b) in enumerate(zip(params, params_again, strict=True))]
        prepare = tuple(dict.fromkeys(use for use in uses if use is not None))
        unused = set(range(len(self.kinds))) - {n for n, _ in prepare}
        if unused:
            raise ValueError(
                f"{self._name}: values {sorted(unused)} are not among the query's parameters"
                " (unused, or changed before they reached the query)"
            )
        slots = tuple(
            (-1, constant) if use is None else (prepare.index(use), None)
            for use, constant in zip(uses, params, strict=True)
        )
        plan = self._plans[(using, connection.vendor)] = _Plan(sql, prepare, slots, locks)
        return plan

    def _check_text(
        self, sql: str, standins: list[tuple[Any, ...]], ops: BaseDatabaseOperations
    ) -> None:
        for values in standins:
            for n, (kind, value) in enumerate(zip(self.kinds, values, strict=True)):
                forms = {str(value)} | {
                    str(adapted) for adapt in _ADAPTERS[kind] if adapt is not None
                    if isinstance(adapted := adapt(ops, value), str)
                }
                if any(form in sql for form in forms):
                    raise ValueError(f"{self._name}: value {n} is written into the SQL text")

    def _use(
        self, at: int, a: Any, b: Any, standins: list[tuple[Any, ...]],
        ops: BaseDatabaseOperations,
    ) -> tuple[int, Adapter | None] | None:
        """Which value parameter `at` is, and how adapted (a, b: it in either round);
        None when it is a constant."""
        if _same(a, b):
            return None
        for n, kind in enumerate(self.kinds):
            for adapt in _ADAPTERS[kind]:
                first, second = (v[n] if adapt is None else adapt(ops, v[n]) for v in standins)
                if _same(a, first) and _same(b, second):
                    return n, adapt
        raise ValueError(
            f"{self._name}: parameter {at} ({a!r}) changes with the values but is none of"
            " them as the ORM adapts it (computed inside build: a pattern, a clock?)"
        )


class CompiledExists(CompiledQuery):
    """Whether any of the querysets `build(*values)` returns finds a row, in one
    statement: `SELECT EXISTS (a) OR EXISTS (b) ...`. Each keeps its own plan (an index
    lookup), which one query with OR between its conditions might lose to a scan."""

    def __init__(
        self, build: Callable[..., Sequence[QuerySet[Any, Any] | Query]], *kinds: type
    ) -> None:
        super().__init__(build, *kinds)

    def exists(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> bool:
        row = self.fetchone(*values, using=using)
        return bool(row and row[0])

    def _sql(
        self, values: Sequence[Any], using: str, connection: BaseDatabaseWrapper
    ) -> tuple[str, Sequence[Any], bool]:
        branches, params = [], []
        for built in self.build(*values):
            # No LIMIT: EXISTS stops at the first row by itself.
            query = _query(built).exists(limit=False)
            if query.select_for_update:
                raise ValueError(f"{self._name}: a locking read inside EXISTS")
            sql, branch_params = query.get_compiler(using).as_sql()
            branches.append(f"EXISTS ({sql})")
            params += branch_params
        if not branches:
            raise ValueError(f"{self._name}: no query to ask")
        return "SELECT " + " OR ".join(branches), params, False
