"""Service levels: the business clock used to compute complaint deadlines.

Pure Python, no Django imports: ``calendar`` holds the immutable calendar
value, ``clock`` the arithmetic on aware datetimes and ``turkish_holidays``
builds calendars from the ``holidays`` package.
"""
