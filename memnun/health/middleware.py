"""Request latency for `/metrics`: the outermost middleware times every response."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from memnun.health.metrics import request_observe


class RequestMetricsMiddleware:
    """Observes each request's duration by URL name, method and status class.

    First in MIDDLEWARE, so that answers given by other middleware (a refused body, a
    redirect) are timed too. A view's exception has become a 500 response by the time
    it gets here. Streaming responses are timed to their first byte.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        request_observe(request, response.status_code, time.perf_counter() - started)
        return response
