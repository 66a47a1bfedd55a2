"""`make soak`: the kill -9 soak of issue 13 (RELIABILITY.md has the method and the figures).

Web intakes at 16 concurrent clients against what `make run` runs (`memnun run`: the
supervisor, gunicorn and the job worker), with an aiosmtpd sink, while a chaos loop
SIGKILLs gunicorn web workers and the job worker, and (PostgreSQL run) restarts a
throwaway PostgreSQL of the soak's own once. Afterwards `bench.soak.check` looks at the
database and the sink. Modules: `pg` (the throwaway cluster), `sink`, `app` (the served
memnun and its process tree), `load` (the clients), `chaos`, `check`, `__main__`.
"""
