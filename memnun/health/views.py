"""`/healthz`, `/readyz` and `/metrics`: for load balancers, supervisors and Prometheus.

None needs a login or a session, and none is redirected to HTTPS
(`SECURE_REDIRECT_EXEMPT`); they answer GET and HEAD only, so CSRF does not apply.
"""

from __future__ import annotations

import hmac
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from memnun.health.metrics import exposition
from memnun.health.readiness import readiness
from memnun.ratelimit.clients import client_address

# Headers a reverse proxy adds: a request carrying one came through the proxy, whose own
# (often loopback) address must not let the whole internet read the metrics.
FORWARDING_HEADERS = (
    "HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP",
)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: no database, no disk, nothing else."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, 503 naming the ones that failed; the figures with both."""
    checks = readiness()
    failed = [check.name for check in checks if not check.ok]
    body = {
        "status": "failing" if failed else "ok",
        "failed": failed,
        "checks": {check.name: {"ok": check.ok, **check.figures} for check in checks},
    }
    return JsonResponse(body, status=503 if failed else 200)


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponseBase:
    """Prometheus' text format, for allowed addresses and holders of the token only."""
    refused = metrics_refusal(request)
    if refused is not None:
        return HttpResponse(status=refused)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)


def metrics_refusal(request: HttpRequest) -> int | None:
    """None when the request may read the metrics; otherwise the status to answer.

    A bearer token must be `MEMNUN_METRICS_TOKEN` (403 when it is not, or none is set),
    from any address. Without one, a direct connection from an address or network of
    `MEMNUN_METRICS_ALLOWED_ADDRESSES` may read them; anyone else is told there is
    nothing here (404).
    """
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _, presented = authorization.partition(" ")
        token = settings.MEMNUN_METRICS_TOKEN
        if token and scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode(), token.encode()
        ):
            return None
        return 403
    if any(header in request.META for header in FORWARDING_HEADERS):
        return 404
    return None if _address_allowed(client_address(request)) else 404


def _address_allowed(address: str) -> bool:
    try:
        client: IPv4Address | IPv6Address = ip_address(address)
    except ValueError:
        return False
    if isinstance(client, IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return any(
        client in ip_network(allowed, strict=False)
        for allowed in settings.MEMNUN_METRICS_ALLOWED_ADDRESSES
    )
