"""Questions the desk's templates ask of the permission matrix (feedback/permissions.py)."""

from __future__ import annotations

from django import template

from memnun.accounts.models import User
from memnun.feedback.permissions import POLICY_ACTIONS, Action, role_actions

register = template.Library()


@register.filter
def reads_reports(user: object) -> bool:
    """Whether the navigation offers the reports: the matrix's `view_reports`."""
    return isinstance(user, User) and Action.VIEW_REPORTS in role_actions(user)


@register.filter
def reads_capa(user: object) -> bool:
    """Whether the navigation offers the CAPA register: the matrix's `view_capa`."""
    return isinstance(user, User) and Action.VIEW_CAPA in role_actions(user)


@register.filter
def may_act(user: object, action: str) -> bool:
    """Whether the user's role allows an action of the matrix (for navigation links)."""
    return isinstance(user, User) and Action(action) in role_actions(user)


@register.filter
def manages_policy(user: object) -> bool:
    """Whether the navigation offers the policy's page: who drafts, approves, publishes
    or appoints."""
    return isinstance(user, User) and bool(role_actions(user) & POLICY_ACTIONS)


@register.filter
def reads_audits(user: object) -> bool:
    """Whether the navigation offers the process audits: the matrix's `view_process_audits`."""
    return isinstance(user, User) and Action.VIEW_PROCESS_AUDITS in role_actions(user)
