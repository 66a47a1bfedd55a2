"""API v1: one NinjaAPI, its error shape, and the routers that make it up."""

from __future__ import annotations

from ninja import NinjaAPI

from memnun.api.errors import install_error_handlers
from memnun.api.routes import cases, feedback, privacy, reports, service_levels

api = NinjaAPI(
    title="memnun API",
    version="1",
    description="Customer feedback and complaints (ISO 10002). See api-v1.md for the contract.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("", feedback.router)
api.add_router("", service_levels.router)
api.add_router("", cases.router)
api.add_router("", privacy.router)
api.add_router("", reports.router)
api.add_router("", "memnun.api.routes.notifications.router")
