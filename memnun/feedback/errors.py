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
    """A move the rules do not allow now (wrong state, missing requirement).

    `fields` names the input the refusal is about, when there is one (an assignee who
    may not take the case), so that a form can show it beside that field.
    """

    code = "conflict"

    def __init__(self, detail: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.fields = fields or {}
