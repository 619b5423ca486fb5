"""Two-factor authentication (docs/security.md): a code from an
authenticator app (TOTP, RFC 6238) after the password, with ten single-use
backup codes. Optional for everyone; with TWO_FACTOR_REQUIRED the TMU and
administrators must enrol before anything else. Built on django-otp, whose
devices throttle failed codes and refuse a TOTP code used twice.

These functions are the only code that adds or removes a second factor; each
is audited, never with a secret in the audit data."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.permissions import TMU, may, roles_of
from nap1325.models import audit

BACKUP_CODES = 10
DEVICE_NAME = "nap1325"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """The authenticator being set up: made once, confirmed by a first code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as the base-32 text an app accepts when typed by hand."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_svg(device: TOTPDevice, user: Any) -> str:
    """The enrolment QR code as inline SVG, drawn here (no script, no image
    service): the otpauth:// address apps read."""
    issuer = getattr(settings, "TWO_FACTOR_ISSUER", "nap1325")
    label = quote(f"{issuer}:{user.get_username()}")
    uri = f"otpauth://totp/{label}?secret={secret_of(device)}&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))


def is_required_for(user: Any) -> bool:
    """Whether the site's setting obliges this person to use a second factor."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user) & TMU)


def _new_backup_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm(request: HttpRequest, code: str) -> list[str] | None:
    """Activates the pending authenticator when `code` is right; returns the
    backup codes (shown once), or None when the code is wrong."""
    user = request.user
    device = pending_device(user)
    if not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    django_otp.login(request, device)
    audit("two_factor.enable", user, user=user, after={"backup_codes": BACKUP_CODES})
    return codes


@transaction.atomic
def regenerate_backup_codes(user: Any) -> list[str]:
    codes = _new_backup_codes(user)
    audit("two_factor.backup_codes", user, user=user, after={"backup_codes": BACKUP_CODES})
    return codes


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def disable(user: Any, code: str) -> bool:
    """Removes the person's second factor when `code` (app or backup) is right."""
    if django_otp.match_token(user, code.strip()) is None:
        return False
    _remove_devices(user)
    audit("two_factor.disable", user, user=user)
    return True


def may_reset_second_factors(user: Any) -> bool:
    """The TMU, who invite people and answer for their accounts."""
    return may(user, "invite_users")


@transaction.atomic
def reset(person: Any, *, by: Any) -> None:
    """The TMU removes someone's second factor
    (a lost phone): they enrol again at their next login."""
    if not may_reset_second_factors(by) or person == by:
        raise PermissionDenied
    _remove_devices(person)
    audit("two_factor.reset", person, user=by, summary=person.get_username())


def _remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# Pages a half-logged-in person may reach: the code page, leaving, the language.
OPEN_PAGES = {"two_factor_verify", "logout", "set_language", "health", "not found"}


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a person with an authenticator who has
    not given a code yet reaches only the code page (the password alone opens
    nothing, the admin included); with TWO_FACTOR_REQUIRED, TMU members and
    administrators without one are sent to set it up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            page = self._page(request)
            if confirmed_device(user) is not None:
                if page not in OPEN_PAGES:
                    return self._to("two_factor_verify", request)
            elif is_required_for(user) and page not in OPEN_PAGES | {"two_factor"}:
                return self._to("two_factor", request)
        return self.get_response(request)

    @staticmethod
    def _page(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return "not found"  # the answer is a 404 whoever asks

    @staticmethod
    def _to(name: str, request: HttpRequest) -> HttpResponse:
        return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
