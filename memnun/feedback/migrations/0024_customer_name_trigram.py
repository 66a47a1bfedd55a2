"""A trigram index on the customer's folded name, on PostgreSQL (search by name).

The search box looks for part of a name (`name_folded LIKE '%…%'`), which a
B-tree cannot serve: PostgreSQL read every customer row, 24 ms at 50,000 cases
and growing with them (about half a second at a million) for a name that is
rare or absent. A GIN trigram index answers those in a fraction of a millisecond
(BENCHMARKS.md, "A million cases"). pg_trgm ships with PostgreSQL and is a
trusted extension (13+): the database owner may create it. SQLite has no such
index; it scans, as before.
"""

from django.db import migrations

_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS feedback_customer_name_trgm"
    " ON feedback_customer USING gin (name_folded gin_trgm_ops)",
)
# The extension stays: other objects may have come to use it.
_DROP = ("DROP INDEX IF EXISTS feedback_customer_name_trgm",)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0023_saved_views_home_look")]

    operations = [migrations.RunPython(_run(_CREATE), _run(_DROP))]
