"""E-mails about reports: who is told what when a report moves on. Sent
after the change is committed, in French and English (people's language is
not known), to the addresses of the users concerned; a failed e-mail never
undoes the change."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actors.models import SCOPED_ROLES, Role
from actors.permissions import TMU, active_on
from nap1325.i18n import in_both_languages
from reporting.models import Submission

log = logging.getLogger(__name__)


def active_role_holders(roles: set[Role], **scope: Any) -> list[str]:
    """The e-mail addresses of active users holding one of `roles` today."""
    today = timezone.localdate()
    # One filter(): the role, its scope and its dates must hold for the same assignment.
    users = get_user_model().objects.filter(
        active_on(today, "role_assignments__"),
        is_active=True,
        role_assignments__role__in=roles,
        **{f"role_assignments__{k}": v for k, v in scope.items()},
    )
    return sorted({user.email for user in users if user.email})


def unit_reporters(submission: Submission) -> list[str]:
    """Who reports for the unit today (someone who submitted it once and has
    left the unit since is not told any more)."""
    return active_role_holders(set(SCOPED_ROLES), unit=submission.unit_id)


def tmu_members() -> list[str]:
    return active_role_holders(set(TMU - {Role.ADMINISTRATOR}))


def report_url(submission: Submission, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("report", args=[submission.uuid])


def _message(submission: Submission, action: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        what = {
            "submission.submit": _("Report submitted"),
            "submission.return": _("Report returned for revision"),
            "submission.validate": _("Report validated"),
            "submission.reopen": _("Report reopened"),
        }[action]
        subject = f"{what}: {submission.unit} — {submission.period}"
        lines = [subject]
        if action in ("submission.return", "submission.reopen") and submission.return_reason:
            lines.append(_("Reason: %(reason)s") % {"reason": submission.return_reason})
        lines.append(report_url(submission, language))
        return subject, "\n".join(lines)


def bilingual(submission: Submission, action: str) -> tuple[str, str]:
    return in_both_languages(lambda language: _message(submission, action, language))


def transition(submission: Submission, action: str, by: Any) -> int:
    """Tell the TMU of a submission, and the unit's reporters of the rest."""
    recipients = tmu_members() if action == "submission.submit" else unit_reporters(submission)
    actor_email = getattr(by, "email", "")
    recipients = [address for address in recipients if address != actor_email]
    if not recipients:
        return 0
    subject, body = bilingual(submission, action)
    try:
        send_mass_mail([(subject, body, None, [address]) for address in recipients])
    except OSError:  # the mail server is down: the change stands, the log says so
        log.exception("could not send %s e-mails for %s", action, submission.uuid)
        return 0
    return len(recipients)
