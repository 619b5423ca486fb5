"""The account page where a person makes, replaces or revokes their own API
token (docs/api.md). The key is shown once, on the answer to its creation."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from api.tokens import issue_token, revoke_token


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_token(request.user):
                messages.success(request, _("Your token is revoked: scripts using it are refused."))
            return redirect("api_token")
        made = issue_token(request.user)
        return render(request, "api/token.html", {"token": made, "new_key": made.key})
    token = Token.objects.filter(user=cast(User, request.user)).first()  # logged in
    return render(request, "api/token.html", {"token": token})
