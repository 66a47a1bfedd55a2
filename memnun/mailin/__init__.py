"""Inbound e-mail: an interface like the API, calling the feedback services.

Mail arrives by polling an IMAP mailbox (`imap.py`, the periodic job `mailin.poll`
and `manage.py mailin_poll`) or from the MTA on standard input
(`manage.py mailgate`, `memnun mailgate`). `services.mail_receive` decides what
each message is.
"""
