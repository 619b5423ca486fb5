"""Evidence files attached to reports. Only known document and image types,
recognised by their first bytes as well as their name, within a size limit;
stored under a random name outside the static files, and only ever sent as a
download (never rendered by the browser), to the people who may read the report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from actors.permissions import may
from nap1325.models import audit
from reporting.models import WITH_THE_UNIT, Evidence, PeriodStatus, Submission


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]  # () for plain text


ZIP = (b"PK\x03\x04",)
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",)),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP
    ),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".csv": FileType("text/csv", ()),
    ".txt": FileType("text/plain", ()),
}


def file_type_of(name: str, head: bytes) -> FileType:
    """The file's type, or a ValidationError saying why it is refused."""
    extension = PurePath(name).suffix.lower()
    kind = FILE_TYPES.get(extension)
    if kind is None:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(FILE_TYPES))}
        )
    if kind.signatures:
        if not head.startswith(kind.signatures):
            raise ValidationError(
                _("“%(name)s” is not really a %(type)s file.")
                % {"name": name, "type": extension[1:].upper()}
            )
    else:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut by the end of the sample is fine.
            if exc.start < len(head) - 3:
                raise ValidationError(_("“%(name)s” is not a text file.") % {"name": name}) from exc
        if b"\x00" in head or head.lstrip().lower().startswith((b"<", b"<!doctype")):
            raise ValidationError(_("“%(name)s” is not a text file.") % {"name": name})
    return kind


def _check_open(submission: Submission, refusal: str, *, lock: bool = False) -> None:
    """The report takes changes: a draft or returned report of an open
    period. With `lock`, checked on rows locked until the transaction ends, so
    that a file never slips in beside a submission or a lock."""
    rows = Submission.objects.filter(pk=submission.pk)
    if lock:
        rows = rows.select_for_update()
    status, period_status = rows.values_list("status", "period__status").get()
    if status not in WITH_THE_UNIT or (period_status != PeriodStatus.OPEN):
        raise ValidationError(refusal)


def attach_evidence(
    submission: Submission, upload: UploadedFile, *, description: str, by: Any
) -> Evidence:
    if not may(by, "report_for_unit", submission):
        raise PermissionDenied(_("You do not report for this unit."))
    _check_open(submission, _("Files can be added to a draft or returned report only."))
    name = PurePath(upload.name or "file").name[:200]
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    kind = file_type_of(name, upload.read(2048))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        _check_open(
            submission, _("Files can be added to a draft or returned report only."), lock=True
        )
        evidence = Evidence(
            submission=submission,
            name=name,
            content_type=kind.content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            description=description.strip()[:300],
            uploaded_by=by,
        )
        evidence.file.save("upload", upload, save=False)
        evidence.save()
        audit("evidence.add", evidence, user=by, after={"name": name, "sha256": evidence.sha256})
    return evidence


def remove_evidence(evidence: Evidence, *, by: Any) -> None:
    submission = evidence.submission
    if not may(by, "report_for_unit", submission):
        raise PermissionDenied(_("You do not report for this unit."))
    with transaction.atomic():
        _check_open(
            submission, _("Files can be removed from a draft or returned report only."), lock=True
        )
        audit("evidence.remove", evidence, user=by, before={"name": evidence.name})
        stored_name = evidence.file.name or ""
        storage = evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(stored_name))
