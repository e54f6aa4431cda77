"""Bulk rows for benchmarks: INSERT … SELECT over generate_series, written by PostgreSQL
itself (millions of rows a minute). Every column of the model gets a value: the caller's SQL
expression (in terms of the series variable `g`), else a neutral default by field type.

Every bulk load is followed by ANALYZE of the loaded table (`analyse`): the next load's
statements and triggers are then planned on the real row counts. A generator that writes
rows with its own INSERT calls `analyse` itself."""

from django.db import connection, models


def _default(field) -> str:
    if field.null:
        return "NULL"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return "0"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.DateField):
        return "current_date"
    return "''"


def analyse(*tables) -> None:
    """ANALYZE the given tables (models or table names)."""
    names = [t if isinstance(t, str) else t._meta.db_table for t in tables]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(names)}")


def insert_series(
    model,
    start: int,
    stop: int,
    values: dict[str, str],
    *,
    statistics: bool = True,
    where: str = "",
) -> int:
    """Insert rows for g in [start, stop] (those where `where` holds, when given) with
    `values` (attname → SQL expression), then ANALYZE the table (unless `statistics` is
    false: tests of the never-analysed case)."""
    source = "generate_series(%s, %s) AS g"
    if where:
        source += " WHERE " + where.replace("%", "%%")
    return insert_select(model, source, values, params=[start, stop], statistics=statistics)


def insert_select(
    model, source: str, values: dict[str, str], *, params=(), statistics: bool = True
) -> int:
    """INSERT … SELECT `values` FROM `source` (SQL after FROM: tables, joins, a WHERE; a
    literal `%` in it doubled, `%s` the placeholders of `params`), then ANALYZE the table."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        # `%` is the modulo operator in these expressions, not a placeholder.
        expressions.append(values.get(field.attname, _default(field)).replace("%", "%%"))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    if statistics:
        analyse(model)
    return count
