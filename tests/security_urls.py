"""memnun's URLs plus one view that fails, to see the 500 page a real failure gets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from memnun.urls import handler404
from memnun.urls import urlpatterns as memnun_urlpatterns


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("failing-for-the-test", failing), *memnun_urlpatterns]
__all__ = ["handler404", "urlpatterns"]
