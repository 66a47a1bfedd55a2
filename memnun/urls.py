from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found

from memnun.api.v1 import api
from memnun.health import views as health
from memnun.health.unavailable import server_error_or_unavailable

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("desk/", include("memnun.desk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("memnun.portal.urls")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "not_found", "detail": "No such API path.", "fields": {}}, status=404
        )
    return page_not_found(request, exception)


# A database that cannot be reached answers 503 with Retry-After, not 500.
handler500 = server_error_or_unavailable
