"""The per-process cache of configuration rows: the one home of how they are cached.

Configuration (service targets, calendars and their holidays, offices, brands,
categories, message templates, the privacy notices, the escalation ladder) changes
a few times a year and is read on every intake or case page. Each read site asks
`config_get(key, load)`; the value `load` returns is kept in this process for at most
`TTL_SECONDS`.

Two bounds keep it honest:

* **In this process, at once.** A module that caches rows of a model calls
  `config_watch(Model, ...)`; any `post_save` or `post_delete` of such a row (and
  the servicelevels signals a `.update()` sends, wired by their owner) empties the
  whole cache, and empties it again when the transaction commits, so a reader that
  refilled it from the old committed rows in between is forgotten too. Changes are
  rare: dropping everything is simpler than tracking what depends on what.
* **In other processes (several gunicorn workers, the job worker), within
  `TTL_SECONDS` (2 s).** Their signals fire in their own process only, so every
  entry expires 2 s after it was loaded. A change made elsewhere (or by a raw
  `.update()`, or a change that was rolled back after being read) is therefore
  seen here at most 2 s later. Deadlines computed in that window use the rows
  as they were up to 2 s before: the same as an intake that arrived 2 s earlier.

Cached values are shared between requests and threads, so they must never be
mutated: loaders return frozen dataclasses, tuples, or model instances that the
read site hands out as copies (`config_instance`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar, overload

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
M = TypeVar("M", bound=Model)

TTL_SECONDS: Final = 2.0

# The clock entries expire by; tests replace it to play a second process's view.
clock: Callable[[], float] = time.monotonic

_entries: dict[Hashable, tuple[float, Any]] = {}
_lock = threading.Lock()
_watched: set[type[Model]] = set()


def config_get(key: Hashable, load: Callable[[], T]) -> T:
    """The cached value of `key`, loaded by `load()` when absent or older than the TTL."""
    now = clock()
    hit = _entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _entries[key] = (now + TTL_SECONDS, value)
    return value


@overload
def config_instance(instance: M) -> M: ...
@overload
def config_instance(instance: None) -> None: ...
def config_instance(instance: M | None) -> M | None:
    """A copy of a cached model instance for one caller: its own state and relation
    cache, so that assigning it to a new row or reading a relation never touches the
    shared one.

    What `copy.copy` makes, without its pickling round trip (`Model.__reduce__`): the
    model's own `__getstate__` copies the state and the relation cache."""
    if instance is None:
        return None
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__getstate__())
    return clone


def config_clear() -> None:
    """Forget every cached value (a configuration row changed; tests between cases)."""
    with _lock:
        _entries.clear()


def config_changed(**_: Any) -> None:
    """Signal receiver: forget now, and again once the change is committed."""
    config_clear()
    transaction.on_commit(config_clear)


def config_watch(*models: type[Model]) -> None:
    """Empty the cache whenever a row of one of `models` is saved or deleted."""
    for model in models:
        if model in _watched:
            continue
        _watched.add(model)
        uid = f"configcache:{model._meta.label}"
        post_save.connect(config_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(config_changed, sender=model, weak=False, dispatch_uid=uid)
