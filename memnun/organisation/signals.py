"""Announcements about the organisation for the layers above it.

organisation sits below feedback, so it cannot call feedback services; the
feedback app listens instead (see ``memnun.feedback.apps``). Sent inside the
transaction of the change.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with office=<Office> and actor=<username> after the office changed calendar.
office_calendar_changed = Signal()

# Sent with category=<Category> and actor=<username> after its safety flag changed:
# its cases follow another resolution target.
category_safety_changed = Signal()

# Sent with brand=<Brand> and actor=<username> after a brand was added or its code,
# name, other spellings or active flag changed: feedback that named it may now link.
brand_spellings_changed = Signal()

# Sent by `load_demo` (never by the tests' own demo) once the demo organisation is in
# place: the floors above add their demo records (feedback: the demo CAPAs).
demo_loaded = Signal()
