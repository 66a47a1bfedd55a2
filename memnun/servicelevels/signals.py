"""Announcements that service levels changed, for whoever keeps deadlines.

servicelevels knows nothing of feedback (style.md: imports run one way), yet
a changed calendar or target must move the due times of open cases. It
announces the change with these signals, sent synchronously inside the
transaction that made the change; the feedback app listens (see
``memnun.feedback.apps``) and recomputes in that same transaction, so the
new hours and the deadlines that follow from them commit together or not at
all. A direct call from the admin would be simpler but would make this
lower floor import a higher one.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with calendar=<Calendar> and actor=<username> after its hours, exceptions or zone changed
# and its version was bumped.
calendar_edited = Signal()

# Sent with key=<str> and actor=<username> after a service target was created, changed or removed.
target_edited = Signal()
