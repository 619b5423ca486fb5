"""Meetings of the plan's bodies and the recommendations they (and annual
reports and evaluations) make: the only code that writes them. Each action
checks the user's right ("record_meetings", the TMU), validates its input
with messages that name the field, runs in one transaction and is audited.

Planned meetings are not stored: a body that meets quarterly (or yearly)
plans one meeting a quarter (a year); a quarter over without a meeting of
the body is a missed meeting (`missed_meetings`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Body, BodyMembership, Institution, Sex
from actors.permissions import may
from governance.models import (
    Attendance,
    Meeting,
    Recommendation,
    RecommendationSource,
    RecommendationStatus,
    RecommendationUpdate,
)
from nap1325.models import audit
from operations.schedule import quarter_bounds
from plans.models import Plan
from reporting.evidence import file_type_of

# Statuses of a recommendation still to be carried out.
PENDING = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)


@dataclass
class AttendeeInput:
    membership: BodyMembership
    sex: str
    person: str = ""


@dataclass
class MeetingInput:
    body: Body
    held_on: date
    place: str = ""
    agenda: str = ""
    minutes: str = ""
    decisions: str = ""
    attendance: list[AttendeeInput] = field(default_factory=list)


@dataclass
class RecommendationInput:
    source: str
    owner: Institution
    due_on: date
    text_fr: str = ""
    text_en: str = ""
    meeting: Meeting | None = None
    reference: str = ""


def _require_right(user: Any) -> None:
    if not may(user, "record_meetings"):
        raise PermissionDenied(_("Only the Technical Management Unit records meetings."))


def is_member_on(membership: BodyMembership, day: date) -> bool:
    return (membership.since is None or membership.since <= day) and (
        membership.until is None or membership.until >= day
    )


def check_upload(upload: UploadedFile, field_name: str) -> str:
    """The extension of an accepted file (the types and size limit of report
    evidence), or a ValidationError on `field_name`."""
    name = PurePath(upload.name or "file").name[:200]
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                field_name: _("“%(name)s” is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
            }
        )
    if upload.size == 0:
        raise ValidationError({field_name: _("“%(name)s” is empty.") % {"name": name}})
    upload.seek(0)
    try:
        file_type_of(name, upload.read(2048))
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc
    upload.seek(0)
    return PurePath(name).suffix.lower()


def _stored_name(extension: str) -> str:
    # A random name: what users call their files never reaches the disk.
    return f"{uuid.uuid4().hex}{extension}"


def validate_meeting(plan: Plan, data: MeetingInput, *, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if not plan.bodies.filter(pk=data.body.pk).exists():
        errors.setdefault("body", []).append(_("This body does not run this plan."))
    if data.held_on > today:
        # Meetings are recorded once held; planned ones are known from the body.
        errors.setdefault("held_on", []).append(
            _("A meeting is recorded once held: the date cannot be in the future.")
        )
    if len(data.place) > 200:
        errors.setdefault("place", []).append(_("The place is longer than 200 characters."))
    seen: set[tuple[int, str]] = set()
    for line, attendee in enumerate(data.attendance, start=1):
        membership = attendee.membership
        where = _("Attendance, line %(line)d") % {"line": line}
        if membership.body_id != data.body.pk:
            errors.setdefault("attendance", []).append(
                _("%(where)s: %(institution)s is not a member of %(body)s.")
                % {"where": where, "institution": membership.institution, "body": data.body}
            )
        elif not is_member_on(membership, data.held_on):
            errors.setdefault("attendance", []).append(
                _("%(where)s: %(institution)s was not a member of %(body)s on %(date)s.")
                % {
                    "where": where,
                    "institution": membership.institution,
                    "body": data.body,
                    "date": data.held_on.isoformat(),
                }
            )
        if attendee.sex not in Sex.values:
            errors.setdefault("attendance", []).append(
                _("%(where)s: give the sex of the person present.") % {"where": where}
            )
        if len(attendee.person) > 200:
            errors.setdefault("attendance", []).append(
                _("%(where)s: the name is longer than 200 characters.") % {"where": where}
            )
        person = (membership.pk, attendee.person.strip().casefold())
        if attendee.person.strip() and person in seen:
            errors.setdefault("attendance", []).append(
                _("%(where)s: %(person)s is listed twice.")
                % {"where": where, "person": attendee.person.strip()}
            )
        seen.add(person)
    if errors:
        raise ValidationError(errors)


def _meeting_state(meeting: Meeting) -> dict[str, Any]:
    return {
        "body": meeting.body.key,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "minutes_file": meeting.minutes_file.name or "",
        "decisions": meeting.decisions,
        "attendance": [
            [a.membership.institution.key, a.person, a.sex]
            for a in meeting.attendance.select_related("membership__institution")
        ],
    }


def record_meeting(
    plan: Plan,
    data: MeetingInput,
    *,
    by: Any,
    meeting: Meeting | None = None,
    minutes_file: UploadedFile | None = None,
    today: date | None = None,
) -> Meeting:
    """Record a meeting of one of the plan's bodies with who attended, or
    change one already recorded (`meeting`): its attendance is replaced."""
    _require_right(by)
    today = today or timezone.localdate()
    validate_meeting(plan, data, today=today)
    extension = check_upload(minutes_file, "minutes_file") if minutes_file else ""
    with transaction.atomic():
        if meeting is not None:
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
            before: dict[str, Any] | None = _meeting_state(meeting)
        else:
            before = None
            meeting = Meeting(recorded_by=by if getattr(by, "is_authenticated", False) else None)
        same_day = Meeting.objects.filter(body=data.body, held_on=data.held_on).exclude(
            pk=meeting.pk
        )
        if same_day.exists():
            raise ValidationError(
                {
                    "held_on": _("A meeting of %(body)s on %(date)s is already recorded.")
                    % {"body": data.body, "date": data.held_on.isoformat()}
                }
            )
        meeting.body = data.body
        meeting.held_on = data.held_on
        meeting.place = data.place.strip()
        meeting.agenda = data.agenda.strip()
        meeting.minutes = data.minutes.strip()
        meeting.decisions = data.decisions.strip()
        if minutes_file is not None:
            meeting.minutes_file.save(_stored_name(extension), minutes_file, save=False)
        meeting.save()
        meeting.attendance.all().delete()
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                membership=attendee.membership,
                person=attendee.person.strip(),
                sex=attendee.sex,
            )
            for attendee in data.attendance
        )
        after = _meeting_state(meeting)
        audit(
            "meeting.change" if before else "meeting.record",
            meeting,
            user=by,
            before=before,
            after=after,
            summary=str(meeting),
        )
    return meeting


# --- planned and missed meetings -------------------------------------------


def planned_slots(body: Body, year: int) -> list[tuple[date, date]]:
    """The stretches of the year in which the body plans one meeting each."""
    if body.meets == "quarterly":
        return [quarter_bounds(year, quarter) for quarter in (1, 2, 3, 4)]
    if body.meets == "annually":
        return [(date(year, 1, 1), date(year, 12, 31))]
    return []


@dataclass(frozen=True)
class MeetingRecord:
    """A body's meetings in a year: held, planned, and the planned ones missed."""

    body: Body
    year: int
    held: int
    planned: int  # 0: the body has no schedule
    missed: list[tuple[date, date]]  # stretches over, with no meeting


def meeting_records(bodies: list[Body], year: int, *, today: date) -> list[MeetingRecord]:
    """For each body, its meetings of the year against its schedule, in one
    query. A quarter (or year) still running is not missed yet."""
    days = sorted(
        Meeting.objects.filter(body__in=bodies, held_on__year=year).values_list(
            "body_id", "held_on"
        )
    )
    held: dict[int, list[date]] = {}
    for body_id, day in days:
        held.setdefault(body_id, []).append(day)
    records = []
    for body in bodies:
        dates = held.get(body.pk, [])
        slots = planned_slots(body, year)
        missed = [
            (start, end)
            for start, end in slots
            if end < today and not any(start <= day <= end for day in dates)
        ]
        records.append(MeetingRecord(body, year, len(dates), len(slots), missed))
    return records


def missed_meetings(body: Body, year: int, *, today: date | None = None) -> list[tuple[date, date]]:
    """The stretches (quarters, or the year) of `year`, over by `today`, in
    which the body should have met and did not."""
    today = today or timezone.localdate()
    return meeting_records([body], year, today=today)[0].missed


def women_share(meeting: Meeting) -> tuple[int, int]:
    """(women present, people present)."""
    counts = meeting.attendance.aggregate(
        women=Count("pk", filter=Q(sex=Sex.FEMALE)), people=Count("pk")
    )
    return counts["women"], counts["people"]


# --- recommendations -------------------------------------------------------


def validate_recommendation(plan: Plan, data: RecommendationInput) -> None:
    errors: dict[str, list[str]] = {}
    if data.source not in RecommendationSource.values:
        errors.setdefault("source", []).append(_("Choose where the recommendation comes from."))
    if not (data.text_fr.strip() or data.text_en.strip()):
        errors.setdefault("text_fr", []).append(
            _("Write the recommendation, in French or in English.")
        )
    if data.source == RecommendationSource.MEETING:
        if data.meeting is None:
            errors.setdefault("meeting", []).append(_("Choose the meeting that made it."))
        elif not plan.bodies.filter(pk=data.meeting.body_id).exists():
            errors.setdefault("meeting", []).append(
                _("This meeting is not one of a body of this plan.")
            )
        elif data.due_on < data.meeting.held_on:
            errors.setdefault("due_on", []).append(
                _("The due date cannot be before the meeting (%(date)s).")
                % {"date": data.meeting.held_on.isoformat()}
            )
    else:
        if data.meeting is not None:
            errors.setdefault("meeting", []).append(
                _("Only a recommendation from a meeting names a meeting.")
            )
        if not data.reference.strip():
            errors.setdefault("reference", []).append(
                _("Name the report or evaluation it comes from.")
            )
    if len(data.reference) > 200:
        errors.setdefault("reference", []).append(_("The reference is longer than 200 characters."))
    if data.owner.country != plan.country:
        errors.setdefault("owner", []).append(
            _("The owner must be an institution of the plan's country.")
        )
    if errors:
        raise ValidationError(errors)


def _recommendation_state(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "source": recommendation.source,
        "meeting": str(recommendation.meeting.uuid) if recommendation.meeting else None,
        "reference": recommendation.reference,
        "text_fr": recommendation.text_fr,
        "text_en": recommendation.text_en,
        "owner": recommendation.owner.key,
        "due_on": recommendation.due_on.isoformat(),
        "status": recommendation.status,
    }


def add_recommendation(plan: Plan, data: RecommendationInput, *, by: Any) -> Recommendation:
    """A new recommendation, open, owned by an institution, due on a date."""
    _require_right(by)
    validate_recommendation(plan, data)
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            plan=plan,
            source=data.source,
            meeting=data.meeting if data.source == RecommendationSource.MEETING else None,
            reference=data.reference.strip(),
            text_fr=data.text_fr.strip(),
            text_en=data.text_en.strip(),
            owner=data.owner,
            due_on=data.due_on,
            status=RecommendationStatus.OPEN,
        )
        audit(
            "recommendation.add",
            recommendation,
            user=by,
            after=_recommendation_state(recommendation),
            summary=str(recommendation),
        )
    return recommendation


def update_recommendation(
    recommendation: Recommendation,
    *,
    status: str,
    note: str = "",
    evidence: UploadedFile | None = None,
    by: Any,
) -> RecommendationUpdate:
    """Follow-up: the recommendation's new status (or the same one, with news),
    with a note and, optionally, a file that shows it. Done needs a note or a
    file; dropped needs the reason."""
    _require_right(by)
    errors: dict[str, list[str]] = {}
    note = note.strip()
    if status not in RecommendationStatus.values:
        errors.setdefault("status", []).append(_("Choose a status."))
    elif status == RecommendationStatus.DONE and not (note or evidence):
        errors.setdefault("note", []).append(
            _("Say what shows it is done: a note, a file or both.")
        )
    elif status == RecommendationStatus.DROPPED and not note:
        errors.setdefault("note", []).append(_("Say why it is dropped."))
    elif status == recommendation.status and not (note or evidence):
        errors.setdefault("note", []).append(
            _("The status is unchanged: add a note or a file to record news.")
        )
    if errors:
        raise ValidationError(errors)
    extension = check_upload(evidence, "evidence") if evidence else ""
    with transaction.atomic():
        old = recommendation.status
        # Conditional: two people updating at once cannot both move it.
        changed = Recommendation.objects.filter(pk=recommendation.pk, status=old).update(
            status=status, updated_at=timezone.now()
        )
        if not changed:
            raise ValidationError(
                {"status": _("Someone changed this recommendation meanwhile: reload the page.")}
            )
        recommendation.status = status
        update = RecommendationUpdate(
            recommendation=recommendation,
            status=status,
            note=note,
            by=by if getattr(by, "is_authenticated", False) else None,
        )
        if evidence is not None:
            update.evidence.save(_stored_name(extension), evidence, save=False)
        update.save()
        audit(
            "recommendation.update",
            recommendation,
            user=by,
            before={"status": old},
            after={"status": status, "note": note, "evidence": update.evidence.name or ""},
            summary=str(recommendation),
        )
    return update


def overdue(plan: Plan, on: date) -> QuerySet[Recommendation]:
    """Recommendations of the plan past their due date on `on` and not
    carried out (neither done nor dropped)."""
    return (
        plan.recommendations.filter(due_on__lt=on, status__in=PENDING)
        .select_related("owner", "meeting__body")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class Implementation:
    """Where the recommendations due in a year stand."""

    year: int
    due: int
    done: int
    in_progress: int
    open: int
    dropped: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        """Done ÷ due, the dropped left out, in %; None with nothing to do."""
        to_do = self.due - self.dropped
        return (Decimal(self.done) * 100 / to_do).quantize(Decimal("0.1")) if to_do else None


def implementation(plan: Plan, *, on: date, year: int | None = None) -> list[Implementation]:
    """Recommendations implemented, by the year they are due (one query):
    the share done of those not dropped, and those overdue on `on`."""
    rows = plan.recommendations.all()
    if year is not None:
        rows = rows.filter(due_on__year=year)
    return [
        Implementation(
            year=row["due_on__year"],
            due=row["due"],
            done=row["n_done"],
            in_progress=row["n_in_progress"],
            open=row["n_open"],
            dropped=row["n_dropped"],
            overdue=row["overdue"],
        )
        for row in rows.values("due_on__year")
        .annotate(
            due=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=on, status__in=PENDING)),
            n_done=Count("pk", filter=Q(status=RecommendationStatus.DONE)),
            n_in_progress=Count("pk", filter=Q(status=RecommendationStatus.IN_PROGRESS)),
            n_open=Count("pk", filter=Q(status=RecommendationStatus.OPEN)),
            n_dropped=Count("pk", filter=Q(status=RecommendationStatus.DROPPED)),
        )
        .order_by("due_on__year")
    ]
