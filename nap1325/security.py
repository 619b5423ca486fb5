"""A Content Security Policy on every answer: scripts, styles, images and
fonts come from the platform itself, no inline script or style runs, and
no other site may frame a page. A view that sets its own policy (evidence
files are served sandboxed) keeps it. Django's admin and the API's Swagger
page set style attributes inline: their policy allows inline styles, never
inline scripts."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
INLINE_STYLES = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
INLINE_STYLE_PATHS = ("/admin/", "/api/v1/docs/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = any(part in request.path for part in INLINE_STYLE_PATHS)
            response["Content-Security-Policy"] = INLINE_STYLES if relaxed else STRICT
        return response
