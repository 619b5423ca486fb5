"""The visitor's address behind the TLS proxy (docs/production.md#nginx).

Behind nginx every request comes from nginx's own address, so login
throttling (django-axes) would count all visitors as one and let anyone lock
out any user name. nginx writes the visitor's address in X-Real-IP,
overwriting whatever a client sent; settings use this only with
BEHIND_TLS_PROXY=1."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """X-Real-IP as the proxy set it, else the connection's address."""
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    return forwarded or request.META.get("REMOTE_ADDR")
