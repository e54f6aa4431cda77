"""Bulk rows for benchmarks: INSERT … SELECT over generate_series, written by PostgreSQL
itself (millions of rows a minute). Every column of the model gets a value: the caller's SQL
expression (in terms of the series variable `g`), else a neutral default by field type."""

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


def insert_series(model, start: int, stop: int, values: dict[str, str]) -> int:
    """Insert rows for g in [start, stop] with `values` (attname → SQL expression)."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        # `%` is the modulo operator in these expressions, not a placeholder.
        expressions.append(values.get(field.attname, _default(field)).replace("%", "%%"))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM generate_series(%s, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, stop])
        return cursor.rowcount
