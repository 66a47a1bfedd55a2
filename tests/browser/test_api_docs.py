"""The API documentation renders under the strict CSP, from our own static files."""

from __future__ import annotations

from typing import Any


def test_api_docs_list_the_operations_without_csp_violations(
    live_server: Any, page_for: Any
) -> None:
    page = page_for(language="en")
    blocked: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.on(
        "request",
        lambda request: outside.append(request.url)
        if not request.url.startswith((live_server.url, "data:"))
        else None,
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp

    post = page.locator(".opblock-post", has_text="/api/v1/feedback").first
    post.wait_for(timeout=60_000)  # a 1.5 MB bundle parsed on a busy test machine
    assert "POST" in post.inner_text()
    assert page.locator(".opblock").count() >= 10  # every router's operations are listed
    assert blocked == []
    assert outside == []
