"""gunicorn's configuration for memnun: `memnun serve` and `memnun run` load it, and so
should a production unit (`gunicorn -c python:memnun.gunicorn_conf memnun.wsgi:application`).

gunicorn answers some requests itself, before Django sees them: a malformed request line
or header (400), a request line longer than `limit_request_line` (414), too many or too
large header fields (431). Those pages carry the same security headers as every page
Django answers (`memnun.security_headers`).
"""

from __future__ import annotations

import os
import socket
from typing import Any


def on_starting(server: Any) -> None:
    """In the master, before the workers fork: gunicorn writes its error pages with ours."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    from django.conf import settings
    from gunicorn import util

    from memnun.security_headers import error_page, security_headers

    headers = security_headers(secure=settings.SECURE_HTTPS)

    def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
        util.write_nonblock(sock, error_page(status=status_int, reason=reason, headers=headers))

    util.write_error = write_error
