"""Domain errors: every interface turns them into its own kind of answer."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class FieldErrors(DomainError):
    """Input that cannot be accepted; messages per field (dotted paths)."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]], detail: str = "") -> None:
        super().__init__(detail or "Some fields are not valid.")
        self.fields = fields


class NotPermitted(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """A move the rules do not allow now (wrong state, missing requirement)."""

    code = "conflict"
