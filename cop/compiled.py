"""The hottest queries, compiled to SQL once per process instead of on every request.

Django turns a queryset into SQL anew each time it runs; for the simplest query that is about a
million instructions (0.3 ms of a worker on the benchmark machine), five times what running the
SQL and reading its rows costs the worker. Nearly every page asks for the signed-in person's row,
the agenda and calendar feed for their memberships, and every survey link for its invitation, so
those few queries are built by the ORM once, with a stand-in for their one parameter, and
afterwards run as that SQL with the real value.

Where the ORM would still do work per row (columns whose values need converting: any date on
SQLite, as in embedded mode, or a JSON field), the query is left to the ORM: slower, never
different. A query with more than the one parameter, or whose rows the ORM would shape
(values_list flat or named, values()), is refused."""

import itertools
import re
import time
import weakref
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# The stand-in parameter: in range for any integer column (Django drops a lookup with a value out of
# its field's range), and found by value among the compiled parameters.
STAND_IN = 2_147_000_001
# On PostgreSQL each compiled query is also a prepared statement of each connection: planning the
# invitation's four-table join took PostgreSQL 0.4 ms every time, four times running it. Which
# connections have which (a connection made anew has none; a statement outlives a rollback).
_prepared: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()
_names = itertools.count(1)
PLACEHOLDER = re.compile(r"%([%s])")
STALE_PLAN = "0A000"  # PostgreSQL's feature_not_supported, as "cached plan must not change result type"


def execute_prepared(cursor: object, name: str, sql: str, params: list) -> None:
    """Runs `sql` (with %s placeholders) as the connection's prepared statement `name`, prepared
    on its first use in each connection; simply runs it where that is off or not PostgreSQL."""
    connection = cursor.db
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    done = _prepared.setdefault(connection.connection, set())
    if name not in done:
        _prepare(cursor, name, sql)
        done.add(name)
    execute = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})"
    try:
        cursor.execute(execute, params)
    except NotSupportedError as error:
        # "cached plan must not change result type": a migration changed a column this statement
        # returns (old workers serve on while a deploy migrates). Outside a transaction nothing
        # is lost: prepare it again. Inside one, which the error has aborted, this request fails
        # and the connection is closed after it (Django's close_if_unusable_or_obsolete), so the
        # next starts with nothing prepared rather than failing the same way until it is recycled.
        if getattr(error.__cause__, "sqlstate", None) != STALE_PLAN:
            raise
        if connection.in_atomic_block:
            connection.close_at = time.monotonic()
            raise
        done.discard(name)  # until it is prepared again: a failed PREPARE is tried anew next time
        _prepare(cursor, name, sql, again=True)
        done.add(name)
        cursor.execute(execute, params)


def _prepare(cursor: object, name: str, sql: str, *, again: bool = False) -> None:
    # Each parameter as $1, $2, ..., a literal % as itself: PREPARE is sent without parameters,
    # on the driver's own cursor: setting up the connection, as Django's own first statements
    # are, not one of the page's queries (which the query-count tests and Server-Timing count).
    # Django's error wrapper still turns the driver's errors into Django's (a lost connection is
    # an OperationalError: the 503 page, not a 500) and marks the connection for its check.
    numbers = itertools.count(1)
    statement = PLACEHOLDER.sub(lambda found: "%" if found[1] == "%" else f"${next(numbers)}", sql)
    with cursor.db.wrap_database_errors:
        if again:
            cursor.cursor.execute(f"DEALLOCATE {name}")
        cursor.cursor.execute(f"PREPARE {name} AS {statement}")


class Query(NamedTuple):
    sql: str
    compiler: SQLCompiler  # after as_sql(): what each column of a row is (`select`, `klass_info`)
    fetch_mode: object
    names: list[str] | None  # the model's attribute names of its columns, if they are a whole row


class Compiled[M: Model]:
    """`build(value)` is a queryset with one integer parameter: `rows(value)` runs a values_list()
    queryset and returns its tuples, `instances(value)` a queryset of whole rows of its model
    (select_related() allowed, no annotations) and returns the model instances, each with the
    related rows selected, as the ORM makes them."""

    def __init__(self, build: Callable[[int], QuerySet[M]]) -> None:
        self.build = build
        self.name = f"gilde_compiled_{next(_names)}"

    @cached_property
    def kind(self) -> type:
        """The queryset's iterable class: what the ORM makes of each row."""
        return self.build(STAND_IN)._iterable_class

    @cached_property
    def compiled(self) -> Query | None:
        """The SQL and what its columns are; None where the ORM must run the query."""
        queryset = self.build(STAND_IN)
        # Rows as the cursor gives them are what values_list() gives, and whole rows what a plain
        # queryset turns into instances; flat=True, named=True or values() would differ.
        if self.kind not in {ValuesListIterable, ModelIterable}:
            raise ImproperlyConfigured(f"{queryset.query}: compile a plain values_list() or a queryset of rows")
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        if list(params) != [STAND_IN]:
            raise ImproperlyConfigured(f"{queryset.query}: a compiled query takes exactly one parameter")
        columns = [expression for expression, _sql, _alias in compiler.select]
        if compiler.get_converters(columns):
            return None
        names = None
        if compiler.klass_info is not None and not compiler.annotation_col_map:
            fields = compiler.klass_info["select_fields"]
            names = [column.target.attname for column, _sql, _alias in compiler.select[fields[0] : fields[-1] + 1]]
            whole = [field.attname for field in queryset.model._meta.concrete_fields]
            names = names if fields[0] == 0 and names == whole else None
        return Query(sql, compiler, queryset._fetch_mode, names)

    def _compiled_as(self, kind: type, needs: str) -> Query | None:
        """The compiled query, for a caller that takes querysets of `kind` only."""
        compiled = self.compiled
        if self.kind is not kind:
            raise ImproperlyConfigured(f"{needs}, not {self.kind.__name__}")
        return compiled

    def _run(self, sql: str, value: int) -> list[tuple]:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            execute_prepared(cursor, self.name, sql, [value])
            return cursor.fetchall()

    def rows(self, value: int) -> list[tuple]:
        compiled = self._compiled_as(ValuesListIterable, "rows() needs a values_list() queryset")
        return list(self.build(value)) if compiled is None else self._run(compiled.sql, value)

    def instances(self, value: int) -> list[M]:
        compiled = self._compiled_as(ModelIterable, "instances() needs a queryset of whole rows")
        if compiled is None:
            return list(self.build(value))
        sql, compiler, fetch_mode, names = compiled
        if names is None:
            raise ImproperlyConfigured(f"{self.build(STAND_IN).query}: instances() needs a queryset of whole rows")
        # As ModelIterable makes them: the model's columns first, then each related row's.
        model, width = compiler.klass_info["model"], len(names)
        related = get_related_populators(compiler.klass_info, compiler.select, DEFAULT_DB_ALIAS, fetch_mode)
        found = []
        for row in self._run(sql, value):
            instance = model.from_db(DEFAULT_DB_ALIAS, names, row[:width], fetch_mode=fetch_mode)
            for populator in related:
                populator.populate(row, instance)
            found.append(instance)
        return found
