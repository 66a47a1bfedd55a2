"""Personal data in `/admin/`: columns and read-only fields shown through the policy.

A model admin names its personal fields in `personal_fields` (field name →
kind, or a function of the row giving the kind); wherever `list_display` or
`fields` name one, the admin shows it as the policy shows it on the admin
interface to the signed-in user's role (masked or hidden for every role).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from memnun.admin_readonly import ReadOnlyAdminMixin
from memnun.personaldata.fields import FieldKind, PersonalField
from memnun.personaldata.policy import Interface, present


def _role(request: HttpRequest) -> str:
    return str(getattr(request.user, "role", ""))


def policy_column(*, name: str, kind: FieldKind, label: str, role: str) -> Callable[[Any], str]:
    """A column (or read-only field) showing the row's `name` as the role may see it."""

    def column(obj: Any) -> str:
        field = kind if isinstance(kind, PersonalField) else kind(obj)
        value = getattr(obj, name)
        text = "" if value is None else value if isinstance(value, str) else str(value)
        return present(value=text, field=field, role=role, interface=Interface.ADMIN)

    column.short_description = label  # type: ignore[attr-defined]
    column.__name__ = name
    return column


class PersonalDataAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only model admin whose personal fields go through the policy."""

    personal_fields: Mapping[str, FieldKind] = {}

    def _through_policy(self, request: HttpRequest, names: Sequence[Any]) -> list[Any]:
        role = _role(request)
        meta = self.model._meta
        return [
            policy_column(
                name=n, kind=self.personal_fields[n],
                label=str(getattr(meta.get_field(n), "verbose_name", n)), role=role,
            )
            if isinstance(n, str) and n in self.personal_fields else n
            for n in names
        ]

    # Django takes callables in list_display, fields and readonly_fields; the stubs
    # narrow the latter two to names.
    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:  # type: ignore[override]
        return self._through_policy(request, super().get_list_display(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        return self._through_policy(request, super().get_fields(request, obj))

    def get_readonly_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: Any = None
    ) -> Sequence[Any]:
        return self._through_policy(request, super().get_readonly_fields(request, obj))
