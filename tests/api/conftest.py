"""Fixtures of the API tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def keep_connection() -> Any:
    """WSGI calls close the connection after each request; the test's transaction needs it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
