"""memnun's SQLite database backend: Django's own, with writers queued in the kernel
and each statement's placeholders converted once.

`ENGINE = "memnun.sqlitewriters"` (settings.py sets it for a `sqlite:` DATABASE_URL).
Everything else is Django's SQLite backend; see `base.py`, `writerqueue.py`
and `cursor.py`.
"""
