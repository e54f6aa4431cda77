from django.db import migrations

# The found-date index (0002) also carries the id and the columns the hidden-danger lists
# filter by (source, category): a page of a scope's newest hidden dangers of one source is
# then found from the index alone, where each row passed over was read from the table (a grid
# cell's 50 newest of one source: 150,000 rows of the table, 90 ms).

WIDE = (
    "CREATE INDEX targets_hazard_found_year ON hazards_hazard (found_at) INCLUDE (id, "
    "region_code, enterprise_id, level, state, deadline, accepted_at, source, category)"
)
NARROW = (
    "CREATE INDEX targets_hazard_found_year ON hazards_hazard (found_at) INCLUDE (region_code, "
    "enterprise_id, level, state, deadline, accepted_at)"
)
DROP = "DROP INDEX IF EXISTS targets_hazard_found_year"


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_default_rules"),
        ("hazards", "0012_enterprise_covering_index"),
    ]

    operations = [migrations.RunSQL([DROP, WIDE], [DROP, NARROW])]
