"""The only code that changes a plan's tags through the site: the TMU says
that an indicator of the plan reports on a global indicator, or takes it
back. Each change is checked, written in one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from actors.permissions import may
from alignment.models import Alignment, GlobalIndicator
from nap1325.models import audit
from plans.models import Indicator


def snapshot(alignment: Alignment) -> dict[str, Any]:
    return {
        "plan": alignment.indicator.plan.key,
        "indicator": alignment.indicator.key,
        "global": f"{alignment.global_indicator.set.key}:{alignment.global_indicator.code}",
        "note_fr": alignment.note_fr,
        "note_en": alignment.note_en,
    }


def tag(
    indicator: Indicator,
    global_indicator: GlobalIndicator,
    *,
    by: Any,
    note_fr: str = "",
    note_en: str = "",
) -> Alignment:
    """Say that `indicator` reports on `global_indicator`; refused unless
    `by` manages the alignment, and when the pair is already tagged."""
    if not may(by, "manage_alignment"):
        raise PermissionDenied
    exists = Alignment.objects.filter(indicator=indicator, global_indicator=global_indicator)
    if exists.exists():
        raise ValidationError(
            _("%(indicator)s already reports on %(code)s.")
            % {"indicator": indicator.reference, "code": global_indicator.code}
        )
    try:
        with transaction.atomic():
            alignment = Alignment.objects.create(
                indicator=indicator,
                global_indicator=global_indicator,
                note_fr=note_fr.strip(),
                note_en=note_en.strip(),
                added_by=by,
            )
            audit(
                "alignment.tag",
                alignment,
                user=by,
                after=snapshot(alignment),
                summary=f"{indicator.plan.key} {indicator.key} → {global_indicator.code}",
            )
    except IntegrityError:  # the same pair added at the same moment by someone else
        raise ValidationError(
            _("%(indicator)s already reports on %(code)s.")
            % {"indicator": indicator.reference, "code": global_indicator.code}
        ) from None
    return alignment


def untag(alignment: Alignment, *, by: Any) -> None:
    """Take a tag back; refused unless `by` manages the alignment."""
    if not may(by, "manage_alignment"):
        raise PermissionDenied
    before = snapshot(alignment)
    with transaction.atomic():
        deleted, _rows = Alignment.objects.filter(pk=alignment.pk).delete()
        if not deleted:
            raise ValidationError(_("This tag was already removed."))
        audit(
            "alignment.untag",
            alignment,
            user=by,
            before=before,
            summary=f"{before['plan']} {before['indicator']} → {before['global']}",
        )
