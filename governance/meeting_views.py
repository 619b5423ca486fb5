"""Pages of the plan's meetings and recommendations: lists and follow-up are
public (the bodies pages are), minutes and evidence files are for logged-in
users, and only the TMU records ("record_meetings"). Forms only read input;
governance.meetings validates and writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actors.models import Body, BodyMembership, Institution, Sex
from actors.permissions import may
from governance import meetings as actions
from governance.models import (
    Meeting,
    Recommendation,
    RecommendationSource,
    RecommendationStatus,
)
from governance.tables import (
    attendance_table,
    implementation_table,
    meeting_table,
    recommendation_table,
    record_table,
)
from nap1325.forms import attach_errors
from nap1325.tables import download
from plans.models import Plan
from plans.views import get_plan

# Empty attendance rows offered on the meeting form.
ATTENDANCE_ROWS = 6


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=gettext_lazy("Body"), queryset=Body.objects.none())
    held_on = forms.DateField(
        label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    minutes_file = forms.FileField(label=gettext_lazy("Minutes (file)"), required=False)
    decisions = forms.CharField(
        label=gettext_lazy("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = plan.bodies.order_by("kind", "name_fr")  # type: ignore[attr-defined]


class AttendeeForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=gettext_lazy("Member"),
        queryset=BodyMembership.objects.none(),
        required=False,
    )
    person = forms.CharField(label=gettext_lazy("Person"), max_length=200, required=False)
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), choices=[("", "—"), *Sex.choices], required=False
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Members of any of the plan's bodies: the action checks the body and dates.
        field = self.fields["membership"]
        field.queryset = BodyMembership.objects.filter(  # type: ignore[attr-defined]
            body__in=plan.bodies.all()
        ).select_related("institution", "body")
        field.label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.body.acronym or m.body.name}: {m.institution}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("membership") and not data.get("sex"):
            self.add_error("sex", _("Give the sex of the person present."))
        if not data.get("membership") and (data.get("person") or data.get("sex")):
            self.add_error("membership", _("Choose the member this person represents."))
        return data


AttendanceFormSet = forms.formset_factory(AttendeeForm, extra=ATTENDANCE_ROWS)


class RecommendationForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("From"), choices=RecommendationSource.choices)
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Meeting"), queryset=Meeting.objects.none(), required=False
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The report or evaluation."),
    )
    text_fr = forms.CharField(
        label=gettext_lazy("Recommendation (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text_en = forms.CharField(
        label=gettext_lazy("Recommendation (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=Institution.objects.none())
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = plan_meetings(plan).select_related("body")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = Institution.objects.filter(country=plan.country)  # type: ignore[attr-defined]


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=RecommendationStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=gettext_lazy("Evidence"), required=False)


def plan_meetings(plan: Plan) -> Any:
    return Meeting.objects.filter(body__in=plan.bodies.all())


def _require_recorder(request: HttpRequest) -> None:
    if not may(request.user, "record_meetings"):
        raise PermissionDenied


def _year(request: HttpRequest, plan: Plan, today: date) -> int:
    year = request.GET.get("year", "")
    if year.isdigit() and 1900 < int(year) < 3000:
        return int(year)
    return min(max(today.year, plan.start_year), plan.end_year)


# --- meetings ----------------------------------------------------------------


def meeting_list(request: HttpRequest, key: str) -> HttpResponse:
    """The plan's meetings of a year, and per body held vs planned and missed."""
    plan = get_plan(key)
    today = timezone.localdate()
    year = _year(request, plan, today)
    bodies = list(plan.bodies.order_by("kind", "name_fr"))
    rows = list(
        plan_meetings(plan)
        .filter(held_on__year=year)
        .select_related("body")
        .annotate(
            present=Count("attendance", distinct=True),
            women=Count("attendance", filter=Q(attendance__sex=Sex.FEMALE), distinct=True),
            recommended=Count("recommendations", distinct=True),
        )
    )
    records = actions.meeting_records(bodies, year, today=today)
    tables = [record_table(records), meeting_table(rows)]
    meta = {"plan": plan.key, "year": year}
    if answer := download(request, tables, f"{plan.key}-meetings-{year}", meta):
        return answer
    return render(
        request,
        "governance/meetings/meeting_list.html",
        {
            "plan": plan,
            "year": year,
            "years": list(plan.years),
            "meetings": rows,
            "records": records,
            "tables": {table.key: table for table in tables},
            "can_record": may(request.user, "record_meetings"),
        },
    )


def meeting_detail(request: HttpRequest, key: str, meeting: str) -> HttpResponse:
    plan = get_plan(key)
    found = get_object_or_404(
        plan_meetings(plan).select_related("body", "recorded_by"), uuid=meeting
    )
    women, people = actions.women_share(found)
    can_record = may(request.user, "record_meetings")
    attendance = list(found.attendance.select_related("membership__institution"))
    recommendations = list(found.recommendations.select_related("owner", "meeting__body"))
    tables = [
        attendance_table(attendance),
        recommendation_table(recommendations, "recommendations", _("Recommendations")),
    ]
    name = f"{plan.key}-meeting-{found.body.acronym or found.body.key}-{found.held_on}"
    meta = {"plan": plan.key, "body": found.body.key, "held_on": found.held_on.isoformat()}
    if answer := download(request, tables, name, meta):
        return answer
    return render(
        request,
        "governance/meetings/meeting_detail.html",
        {
            "plan": plan,
            "meeting": found,
            "attendance": attendance,
            "women": women,
            "people": people,
            "share": round(100 * women / people) if people else None,
            "recommendations": recommendations,
            "tables": {table.key: table for table in tables},
            "can_record": can_record,
            "can_read_files": may(request.user, "read_private"),
            "form": RecommendationForm(plan, initial={"source": "meeting", "meeting": found})
            if can_record
            else None,
            "today": timezone.localdate(),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, key: str, meeting: str | None = None) -> HttpResponse:
    """Record a meeting (or change one) with who attended."""
    plan = get_plan(key)
    _require_recorder(request)
    existing = get_object_or_404(plan_meetings(plan), uuid=meeting) if meeting else None
    if request.method == "POST":
        form = MeetingForm(plan, request.POST, request.FILES)
        attendance = AttendanceFormSet(
            request.POST, prefix="attendance", form_kwargs={"plan": plan}
        )
        if form.is_valid() and attendance.is_valid():
            data = actions.MeetingInput(
                body=form.cleaned_data["body"],
                held_on=form.cleaned_data["held_on"],
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                attendance=[
                    actions.AttendeeInput(
                        membership=row.cleaned_data["membership"],
                        sex=row.cleaned_data["sex"],
                        person=row.cleaned_data.get("person", ""),
                    )
                    for row in attendance.forms
                    if row.cleaned_data.get("membership")
                ],
            )
            try:
                saved = actions.record_meeting(
                    plan,
                    data,
                    by=request.user,
                    meeting=existing,
                    minutes_file=form.cleaned_data.get("minutes_file"),
                )
            except ValidationError as exc:
                attach_errors(exc, form, {"attendance": attendance})
            else:
                messages.success(request, _("Meeting saved."))
                return redirect("meeting", plan.key, saved.uuid)
    else:
        initial: dict[str, Any] = {}
        rows: list[dict[str, Any]] = []
        if existing:
            initial = {
                name: getattr(existing, name)
                for name in ("body", "held_on", "place", "agenda", "minutes", "decisions")
            }
            rows = [
                {"membership": a.membership, "person": a.person, "sex": a.sex}
                for a in existing.attendance.all()
            ]
        else:
            body = plan.bodies.filter(kind="monitoring_committee").first()
            initial = {"body": body} if body else {}
            if body is not None:
                rows = [{"membership": m} for m in body.memberships.all()]
        form = MeetingForm(plan, initial=initial)
        attendance = AttendanceFormSet(
            prefix="attendance", form_kwargs={"plan": plan}, initial=rows or None
        )
    return render(
        request,
        "governance/meetings/meeting_form.html",
        {"plan": plan, "form": form, "attendance": attendance, "existing": existing},
    )


def _download(file: Any, filename: str) -> FileResponse:
    """Always a download: the browser never renders an uploaded file."""
    if not file:
        raise Http404
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _extension(name: str) -> str:
    return name[name.rfind(".") :] if "." in name.rsplit("/", 1)[-1] else ""


@login_required
def minutes_file(request: HttpRequest, key: str, meeting: str) -> FileResponse:
    if not may(request.user, "read_private"):
        raise PermissionDenied
    found = get_object_or_404(plan_meetings(get_plan(key)).select_related("body"), uuid=meeting)
    name = f"minutes-{found.body.acronym or found.body.key}-{found.held_on.isoformat()}"
    return _download(found.minutes_file, name + _extension(found.minutes_file.name or ""))


# --- recommendations ---------------------------------------------------------


def follow_up(request: HttpRequest, key: str) -> HttpResponse:
    """Every recommendation of the plan with its status; the overdue first."""
    plan = get_plan(key)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    rows = plan.recommendations.select_related("owner", "meeting__body").order_by("due_on", "pk")
    if status in RecommendationStatus.values:
        rows = rows.filter(status=status)
    overdue = list(actions.overdue(plan, today))
    implemented = actions.implementation(plan, on=today)
    shown = list(rows)
    tables = [
        recommendation_table(overdue, "overdue", _("Overdue")),
        implementation_table(implemented),
        recommendation_table(shown, "recommendations", _("All recommendations")),
    ]
    meta = {"plan": plan.key, "status": status or None, "on": today.isoformat()}
    if answer := download(request, tables, f"{plan.key}-recommendations", meta):
        return answer
    return render(
        request,
        "governance/meetings/follow_up.html",
        {
            "plan": plan,
            "overdue": overdue,
            "implementation": implemented,
            "recommendations": shown,
            "tables": {table.key: table for table in tables},
            "statuses": RecommendationStatus.choices,
            "status": status,
            "today": today,
            "can_record": may(request.user, "record_meetings"),
            "form": RecommendationForm(plan) if may(request.user, "record_meetings") else None,
        },
    )


@login_required
def recommendation_new(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    _require_recorder(request)
    form = RecommendationForm(plan, request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = actions.RecommendationInput(**form.cleaned_data)
        try:
            saved = actions.add_recommendation(plan, data, by=request.user)
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("Recommendation recorded."))
            if saved.meeting is not None:
                return redirect("meeting", plan.key, saved.meeting.uuid)
            return redirect("recommendation", plan.key, saved.uuid)
    return render(
        request, "governance/meetings/recommendation_form.html", {"plan": plan, "form": form}
    )


def recommendation_detail(request: HttpRequest, key: str, recommendation: str) -> HttpResponse:
    plan = get_plan(key)
    found = get_object_or_404(
        plan.recommendations.select_related("owner", "meeting__body"), uuid=recommendation
    )
    can_record = may(request.user, "record_meetings")
    today = timezone.localdate()
    return render(
        request,
        "governance/meetings/recommendation_detail.html",
        {
            "plan": plan,
            "recommendation": found,
            "updates": found.updates.select_related("by"),
            "overdue": found.due_on < today and found.status in actions.PENDING,
            "can_record": can_record,
            "can_read_files": may(request.user, "read_private"),
            "form": UpdateForm(initial={"status": found.status}) if can_record else None,
        },
    )


@require_POST
@login_required
def recommendation_update(request: HttpRequest, key: str, recommendation: str) -> HttpResponse:
    plan = get_plan(key)
    _require_recorder(request)
    found = get_object_or_404(plan.recommendations, uuid=recommendation)
    form = UpdateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            actions.update_recommendation(
                found,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data.get("evidence"),
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Follow-up recorded."))
    return redirect("recommendation", plan.key, found.uuid)


@login_required
def recommendation_evidence(
    request: HttpRequest, key: str, recommendation: str, update: int
) -> FileResponse:
    if not may(request.user, "read_private"):
        raise PermissionDenied
    found = get_object_or_404(Recommendation, plan=get_plan(key), uuid=recommendation)
    entry = get_object_or_404(found.updates, pk=update)
    name = f"evidence-{found.uuid.hex[:8]}-{entry.pk}"
    return _download(entry.evidence, name + _extension(entry.evidence.name or ""))
