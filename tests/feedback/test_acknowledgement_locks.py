"""Recording an acknowledgement locks the case, never its office (PostgreSQL).

Every intake checks its office foreign key when it commits (PostgreSQL takes a
KEY SHARE lock on the office row then). An acknowledgement that also held the
office row FOR UPDATE while it waited for the audit chain's head — which an
intake holds until it commits — deadlocked the two: seen as a worker's
acknowledgement against a web intake.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from django.db import connection

from memnun.accounts.models import User
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from tests.feedback.cases import record

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: PostgreSQL's concurrency"
)


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"],
                           host=s["HOST"], port=s["PORT"] or 5432)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_acknowledgement_waiting_for_the_audit_chain_leaves_the_office_free(
    demo: None,
) -> None:
    agent = User.objects.get(username="agent")
    feedback = record(channel="fax")
    assert feedback.ack_sent_at is None
    errors: list[BaseException] = []
    with _other_connection() as intake, _other_connection() as probe:
        # An intake in the middle of its transaction: it holds the audit chain's head.
        intake.execute("SELECT 1 FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")

        def acknowledge() -> None:
            try:
                feedback_acknowledge(actor=agent, feedback=feedback, method="letter")
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=acknowledge)
        thread.start()
        # Wait until the acknowledgement waits on a lock (the chain's head).
        for _ in range(200):
            waiting = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ).fetchone()
            probe.rollback()
            if waiting and waiting[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the acknowledgement never reached the audit chain's lock: {errors}")
        # What the intake's commit asks of the office row: free, not held FOR UPDATE.
        try:
            probe.execute("SET lock_timeout = '2s'")
            probe.execute(
                "SELECT 1 FROM organisation_office WHERE id = %s FOR KEY SHARE",
                (feedback.office_id,),
            )
            office_free = True
        except psycopg.errors.LockNotAvailable:
            office_free = False
        finally:
            probe.rollback()
            intake.rollback()
            thread.join(timeout=30)
    assert not errors, errors
    assert office_free, "the acknowledgement held the office row"
    feedback.refresh_from_db()
    assert feedback.ack_sent_at is not None
