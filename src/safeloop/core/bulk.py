"""Writing many new rows at once with PostgreSQL's COPY.

For imports of tens of thousands of rows: `bulk_create` compiles one INSERT of thousands of
placeholders per batch, which costs more Python time than reading the spreadsheet. COPY
streams the same values. Values are prepared exactly as a save would (`pre_save` for
auto_now fields, `get_db_prep_save` for every field), so the rows are the same rows; no
signals are sent, as with `bulk_create`. The caller audits what it writes."""

from operator import attrgetter

from django.db import connection, models

# Fields whose saved value is the attribute itself: no preparation to call per row.
PLAIN = {
    models.AutoField, models.BigAutoField, models.BooleanField, models.CharField,
    models.TextField, models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.ForeignKey,
}  # fmt: skip


def _value_of(field):
    plain_date = type(field) is models.DateField and not (field.auto_now or field.auto_now_add)
    if type(field) in PLAIN or plain_date:
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def copy_insert(model, objs: list, *, with_ids: bool = False) -> None:
    """Insert `objs` (unsaved instances of `model`). With `with_ids`, primary keys are
    drawn from the table's sequence first and set on the instances, for rows that other
    rows or audit entries refer to."""
    if not objs:
        return
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if with_ids or f is not pk]
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
    values = [_value_of(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
