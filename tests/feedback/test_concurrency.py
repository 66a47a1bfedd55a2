"""Parallel intake never hands out the same reference number (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from memnun.feedback.models import Feedback, ReferenceCounter
from memnun.feedback.references import _sequence_name, reference_parse
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record

WRITERS = 8
EACH = 8


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_get_distinct_references(demo: None) -> None:
    from memnun.accounts.models import User

    agent = User.objects.get(username="agent")
    references: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                result = feedback_record(
                    actor=agent,
                    data=IntakeInput(
                        type="complaint", channel="phone", subject=f"writer {n} #{i}",
                        description="parallel intake", privacy_notice=True,
                        customer=CustomerInput(name=f"Müşteri {n}", phone="+905321234567"),
                    ),
                )
                with lock:
                    references.append(result.feedback.reference)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(references) == WRITERS * EACH
    assert len(set(references)) == WRITERS * EACH
    assert all(reference_parse(r) == r for r in references)
    assert Feedback.objects.count() == WRITERS * EACH
    sequences = sorted(int(r.split("-")[1]) for r in references)
    if connection.vendor == "postgresql":
        # The year's sequence (gaps allowed: a number is not given back): the numbers came
        # from it, and it stands at the last one given.
        year = 2000 + int(references[0].split("-")[0])
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM pg_sequences WHERE sequencename = %s",
                           [_sequence_name(year)])
            assert cursor.fetchone()[0] == sequences[-1]
        return
    counter = ReferenceCounter.objects.get()
    assert counter.last == WRITERS * EACH
    assert sequences == list(range(1, WRITERS * EACH + 1))  # no gaps, no repeats


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_idempotency_key_create_one_feedback(demo: None) -> None:
    from django.test import Client

    from tests.conftest import feedback_payload

    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)
    lock = threading.Lock()

    def retry() -> None:
        try:
            start.wait()
            response = Client().post(
                "/api/v1/feedback", feedback_payload(), content_type="application/json",
                headers={"Idempotency-Key": "network-glitch-1"},
            )
            with lock:
                answers.append((response.status_code, response.json().get("reference", "")))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert {status for status, _ in answers} == {201}
    assert len({reference for _, reference in answers}) == 1
    assert Feedback.objects.count() == 1
