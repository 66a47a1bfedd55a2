"""PostgreSQL plans a statement a connection keeps running once, not on every request
(issue 14): parameters are bound by the server and psycopg prepares what repeats;
MEMNUN_DB_PREPARED=0 turns the preparing off for poolers that cannot keep it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from memnun.organisation.models import Office
from tests.mailtools import free_port
from tests.processes import child_env, database_url

pytestmark = pytest.mark.django_db

# A process with the production settings (the pool): the office look-up as a request
# makes it, ten times, then what this connection has prepared.
_PREPARED = """
import django
django.setup()
from django.db import connection
from memnun.organisation.models import Office
for _ in range(10):
    list(Office.objects.filter(code="istanbul"))
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                   ['%organisation_office%'])
    print(cursor.fetchone()[0], flush=True)
"""


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def _prepared_in_production(**env: str) -> int:
    data_dir = settings.DATA_DIR / f"prepared-{free_port()}"
    child = child_env(DATABASE_URL=database_url(), MEMNUN_TESTING="0", MEMNUN_DEMO="1",
                      MEMNUN_DATA_DIR=str(data_dir), **env)
    done = subprocess.run(
        [sys.executable, "-c", _PREPARED], env=child, cwd=Path(settings.BASE_DIR),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_a_query_run_again_and_again_is_prepared_and_answers_the_same() -> None:
    answers = [list(Office.objects.filter(code="istanbul").values_list("code", flat=True))
               for _ in range(8)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert answers == [answers[0]] * 8
    # The parameter travels apart from the text ($1), and the text was prepared once.
    office_statements = [s for s in prepared if '"organisation_office"' in s]
    assert len(office_statements) == 1, prepared
    assert "$1" in office_statements[0]


def test_production_processes_prepare_unless_turned_off() -> None:
    assert _prepared_in_production() == 1
    assert _prepared_in_production(MEMNUN_DB_PREPARED="0") == 0
