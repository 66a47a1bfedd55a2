"""The SMTP sink: every message the job worker hands over, by Message-ID and reference."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller

from bench.served import free_port

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.M | re.I)
_REFERENCE = re.compile(rb"^X-Memnun-Reference:\s*(\S+)", re.M | re.I)


class Sink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()
        self.references: set[str] = set()
        self.last_at = 0.0
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = bytes(envelope.content)
        found = _MESSAGE_ID.search(content)
        reference = _REFERENCE.search(content)
        with self.lock:
            self.message_ids[found.group(1).decode() if found else "<none>"] += 1
            if reference:
                self.references.add(reference.group(1).decode())
            self.last_at = time.monotonic()
        return "250 OK"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def received(self) -> int:
        with self.lock:
            return sum(self.message_ids.values())
