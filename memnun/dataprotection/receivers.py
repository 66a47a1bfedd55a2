"""What data protection does when a lower floor announces something."""

from __future__ import annotations

from typing import Any

from memnun.dataprotection.demo import demo_processors_load, demo_subject_request_load
from memnun.organisation.signals import demo_loaded


def on_demo_loaded(sender: Any, **kwargs: Any) -> None:
    demo_processors_load()
    demo_subject_request_load()


def connect() -> None:
    demo_loaded.connect(on_demo_loaded, dispatch_uid="dataprotection.demo_loaded")
