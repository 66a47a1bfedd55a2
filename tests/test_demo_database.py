"""The demo organisation is loaded once per test database and survives tests that flush it.

Both tests flush: pytest-django runs such tests after the others, in file order (one
xdist worker per file), so the second one needs the first one's flush repaired by
conftest's teardown hook.
"""

from __future__ import annotations

from typing import Any

from memnun.accounts.models import User
from memnun.organisation.demo import USERS
from memnun.organisation.models import Office
from tests.casework import staff
from tests.conftest import PASSWORD


def test_a_flushing_test_starts_with_the_demo_and_leaves_a_mess(transactional_db: Any) -> None:
    assert User.objects.filter(username__in=[u[0] for u in USERS]).count() == len(USERS)
    staff("leftover", "agent")  # committed: no transaction rolls it back
    User.objects.filter(username="agent").update(is_active=False)


def test_after_the_flush_the_demo_is_back_as_loaded(transactional_db: Any) -> None:
    # Requests no `demo`: the database itself starts with it.
    assert not User.objects.filter(username="leftover").exists()
    agent = User.objects.get(username="agent")
    assert agent.is_active and agent.check_password(PASSWORD)
    assert Office.objects.filter(code__in=["istanbul", "ankara", "izmir"]).count() == 3
