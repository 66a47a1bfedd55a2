"""Health and metrics for operators: `/healthz`, `/readyz` and `/metrics`.

An interface like `api/` and `desk/`: it reads the lower floors through their selectors
(the outbox, the breach register, the feedback counts, the job workers' liveness) and
writes nothing. See docs/operations.md, "Health and metrics".
"""
