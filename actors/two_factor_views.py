"""The pages of two-factor authentication (docs/security.md): setting up an
authenticator app, the code after the password, backup codes, turning it off,
and the TMU's reset of someone's second factor."""

from __future__ import annotations

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actors import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up, look at or turn off one's own second factor."""
    user = request.user
    device = two_factor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    context: dict[str, object] = {"form": form, "device": device, "next": _next(request)}
    if device is None:
        pending = two_factor.pending_device(user)
        if request.method == "POST" and form.is_valid():
            codes = two_factor.confirm(request, form.cleaned_data["code"])
            if codes is not None:
                return render(
                    request,
                    "actors/two_factor_codes.html",
                    {"codes": codes, "next": _next(request)},
                )
            form.add_error(
                "code",
                _("This code is not right. Check the time on your phone and try the current code."),
            )
        context |= {
            "qr_code": two_factor.qr_code_svg(pending, user),
            "secret": two_factor.secret_of(pending),
            "required": two_factor.is_required_for(user),
        }
    else:
        context["backup_codes_left"] = two_factor.backup_codes_left(user)
    return render(request, "actors/two_factor.html", context)


@login_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    if two_factor.confirmed_device(request.user) is None or not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("two_factor")
    codes = two_factor.regenerate_backup_codes(request.user)
    return render(request, "actors/two_factor_codes.html", {"codes": codes, "next": "/"})


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid() and two_factor.disable(request.user, form.cleaned_data["code"]):
        messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, _("This code is not right: two-factor authentication stays on."))
    return redirect("two_factor")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the app or a backup code."""
    if request.user.is_verified() or two_factor.confirmed_device(request.user) is None:  # type: ignore[union-attr]
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        form.add_error(
            "code",
            _(
                "This code is not right, or was used already. "
                "Wait for the next code, or use a backup code."
            ),
        )
    return render(request, "actors/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    two_factor.reset(person, by=request.user)
    messages.success(
        request,
        _("%(name)s's second factor is removed: they can set it up again.")
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect("people")
