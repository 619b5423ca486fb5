"""Inviting people: the Technical Management Unit gives someone a role by
e-mail. A new address gets an account without a password and a link to
choose one (Django's password-reset token, valid PASSWORD_RESET_TIMEOUT); an
address that has an account gets the role added."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.models import SCOPED_ROLES, Institution, ReportingUnit, Role, RoleAssignment
from actors.permissions import active_on, may, roles_of
from nap1325.i18n import in_both_languages
from nap1325.models import audit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Invitation:
    user: Any
    # None when the person already had the role and was sent the link again.
    assignment: RoleAssignment | None
    new_account: bool
    # True when an e-mail with a link to choose a password goes out.
    link_sent: bool


def invite(
    *,
    email: str,
    role: str,
    unit: ReportingUnit | None = None,
    institution: Institution | None = None,
    first_name: str = "",
    last_name: str = "",
    by: Any,
) -> Invitation:
    """Give `email` the role; create the account if there is none. The
    e-mail goes out once the change is committed."""
    if not may(by, "invite_users"):
        raise PermissionDenied(_("Only the Technical Management Unit invites people."))
    email = _address(email)
    role = _role(role)
    _check_scope(role, unit, institution)
    if role == Role.ADMINISTRATOR and Role.ADMINISTRATOR not in roles_of(by):
        raise PermissionDenied(_("Only an administrator makes someone an administrator."))
    with transaction.atomic():
        user, new_account = _account(email, first_name.strip(), last_name.strip())
        pending = not user.has_usable_password()
        today = timezone.localdate()
        held = RoleAssignment.objects.filter(
            active_on(today), user=user, role=role, unit=unit, institution=institution
        ).exists()
        if held and not pending:
            raise ValidationError(
                {"email": [_("%(email)s already has this role.") % {"email": email}]}
            )
        assignment = None
        if not held:
            assignment = RoleAssignment.objects.create(
                user=user, role=role, unit=unit, institution=institution, since=today
            )
        action = (
            "user.invite" if new_account else "user.role_add" if assignment else "user.invite_again"
        )
        audit(
            action,
            user,
            user=by,
            after={
                "email": email,
                "role": role.value,
                "unit": str(unit) if unit else None,
                "institution": str(institution) if institution else None,
            },
            summary=f"{email}: {role.label}",
        )
        transaction.on_commit(lambda: _mail(user, role, unit, institution, by, link=pending))
    return Invitation(user, assignment, new_account, link_sent=pending)


def _address(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    longest = get_user_model()._meta.get_field("username").max_length
    if longest is not None and len(email) > longest:
        raise ValidationError({"email": [_("This address is too long to be a user name.")]})
    return email


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise ValidationError({"role": [_("Choose a role from the list.")]}) from exc


def _check_scope(role: Role, unit: ReportingUnit | None, institution: Institution | None) -> None:
    """Focal points and civil-society reporters report for a unit; partners
    record funding for an institution; no other role has either."""
    errors: dict[str, list[str]] = {}
    if role in SCOPED_ROLES:
        if unit is None:
            errors["unit"] = [
                _("Focal points and civil-society reporters report for a unit: choose it.")
            ]
        elif not unit.active:
            errors["unit"] = [_("This reporting unit is no longer active.")]
    elif unit is not None:
        errors["unit"] = [_("Only focal points and civil-society reporters have a reporting unit.")]
    if role == Role.PARTNER and institution is None:
        errors["institution"] = [_("A partner records funding for an institution: choose it.")]
    elif role != Role.PARTNER and institution is not None:
        errors["institution"] = [_("Only partners are given an institution.")]
    if errors:
        raise ValidationError(errors)


def _account(email: str, first_name: str, last_name: str) -> tuple[Any, bool]:
    """The account of this address, or a new one without a password."""
    User = get_user_model()
    found = list(User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))[:2])
    if len(found) > 1:
        raise ValidationError(
            {
                "email": [
                    _("Several accounts use this address: give the role in the administration.")
                ]
            }
        )
    if found:
        user = found[0]
        if not user.is_active:
            raise ValidationError(
                {"email": [_("This account is deactivated: reactivate it in the administration.")]}
            )
        return user, False
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # invited by someone else at the same moment
        raise ValidationError(
            {"email": [_("%(email)s has just been invited by someone else.") % {"email": email}]}
        ) from exc
    return user, True


def describe(role: Role, unit: ReportingUnit | None, institution: Institution | None) -> str:
    """ "Focal point — Ministry of Women (MWA)", in the active language."""
    scope = unit or institution
    return f"{role.label} — {scope}" if scope else str(role.label)


def password_link(user: Any, token: str, language: str) -> str:
    """The page where the person chooses a password (the password-reset page)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    with translation.override(language):
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL + path


def _message(
    user: Any,
    role: Role,
    unit: ReportingUnit | None,
    institution: Institution | None,
    by: Any,
    token: str | None,
    language: str,
) -> tuple[str, str]:
    names = {
        "inviter": by.get_full_name() or by.get_username(),
        "role": describe(role, unit, institution),
        "username": user.get_username(),
    }
    if token is not None:
        expires = timezone.localtime() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        names["expires"] = formats.date_format(expires, "DATETIME_FORMAT")
        subject = _("Invitation to the NAP 1325 monitoring platform")
        lines = [
            _(
                "%(inviter)s invites you to the monitoring platform of the National Action Plan "
                "on Women, Peace and Security, as %(role)s."
            )
            % names,
            _("Choose your password with this link, which works until %(expires)s:") % names,
            password_link(user, token, language),
            _("Your user name is %(username)s.") % names,
            _("If you did not expect this invitation, ignore this e-mail."),
        ]
    else:
        subject = _("A new role on the NAP 1325 monitoring platform")
        lines = [
            _("%(inviter)s gave you a new role: %(role)s.") % names,
            _("Log in here:"),
            settings.SITE_URL + reverse("login"),
        ]
    return subject, "\n".join(lines)


def _mail(
    user: Any,
    role: Role,
    unit: ReportingUnit | None,
    institution: Institution | None,
    by: Any,
    *,
    link: bool,
) -> None:
    # One token for both languages' links; choosing a password spends it.
    token = default_token_generator.make_token(user) if link else None
    subject, body = in_both_languages(
        lambda language: _message(user, role, unit, institution, by, token, language)
    )
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # the mail server is down: inviting again sends it again
        log.exception("could not send the invitation to %s", user.email)


def people() -> QuerySet[Any]:
    """Every account, with its roles in force today as `current_roles`."""
    current = (
        RoleAssignment.objects.filter(active_on(timezone.localdate()))
        .select_related("unit__institution", "unit__place", "institution")
        .order_by("role", "pk")
    )
    return (
        get_user_model()
        .objects.order_by("last_name", "first_name", "username")
        .prefetch_related(Prefetch("role_assignments", queryset=current, to_attr="current_roles"))
        .annotate(two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    )
