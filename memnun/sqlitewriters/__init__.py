"""memnun's SQLite database backend: Django's own, with writers queued in the kernel.

`ENGINE = "memnun.sqlitewriters"` (settings.py sets it for a `sqlite:` DATABASE_URL).
Everything else is Django's SQLite backend; see `base.py` and `writerqueue.py`.
"""
