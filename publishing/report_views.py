"""The annual national report: its page, its PDF and DOCX downloads, in the
language of the address (/fr/, /en/), and the page where the TMU writes
its foreword and analysis.

Who reads it: anyone once the TMU has published the year's report;
before that, people with an account only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from actors.permissions import may
from nap1325.i18n import LANGUAGES, current_language
from nap1325.tables import download
from plans.models import Plan
from plans.views import get_plan
from publishing import actions, documents
from publishing.annual import annual_report
from publishing.models import Publication, PublicationKind, ReportText

FILES = {
    "pdf": ("application/pdf", documents.render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        documents.render_docx,
    ),
}
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}  # each in its own language


class Refused(Exception):
    """The request may not see the report: `response` says where to go."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def readable_year(request: HttpRequest, key: str, year: int) -> tuple[Plan, Publication | None]:
    """The plan and the year's report publication, if this user may read the
    report: everyone once it is published, else people with an account."""
    plan = get_plan(key)
    if year not in plan.years:
        raise Http404
    published = plan.publications.filter(year=year, kind=PublicationKind.REPORT).first()
    if published is None and not may(request.user, "read_private"):
        if not request.user.is_authenticated:
            raise Refused(redirect_to_login(request.get_full_path()))
        raise PermissionDenied
    return plan, published


def report_page(request: HttpRequest, key: str, year: int) -> HttpResponse:
    try:
        plan, published = readable_year(request, key, year)
    except Refused as refused:
        return refused.response
    report = annual_report(plan, year, current_language())
    tables = report.tables()
    if answer := download(request, tables, report.filename, {"plan": plan.key, "year": year}):
        return private_unless(published, answer)
    downloads = []
    for language in LANGUAGES:
        with translation.override(language):
            downloads.append(
                (
                    LANGUAGE_NAMES[language],
                    language,
                    reverse("annual_report_pdf", args=[plan.key, year]),
                    reverse("annual_report_docx", args=[plan.key, year]),
                )
            )
    context = documents.context(report)
    context.update(
        {
            "plan": plan,
            "published": published,
            "downloads": downloads,
            "can_edit": may(request.user, "publish"),
            "all_contents": False,
        }
    )
    response = render(request, "publishing/annual/report.html", context)
    return private_unless(published, response)


def report_file(request: HttpRequest, key: str, year: int, fmt: str) -> HttpResponse:
    try:
        plan, published = readable_year(request, key, year)
    except Refused as refused:
        return refused.response
    report = annual_report(plan, year, current_language())
    content_type, render_file = FILES[fmt]
    response = HttpResponse(render_file(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
    return private_unless(published, response)


def private_unless(published: Publication | None, response: HttpResponse) -> HttpResponse:
    """An unpublished report must not stay in a shared cache."""
    if published is None:
        patch_cache_control(response, private=True, no_store=True)
    return response


class ReportTextForm(forms.ModelForm):
    """The written sections; saved by publishing.actions.save_report_text."""

    class Meta:
        model = ReportText
        fields = actions.SECTIONS
        widgets = {
            name: forms.Textarea(attrs={"lang": name[-2:], "rows": 12}) for name in actions.SECTIONS
        }


def report_edit(request: HttpRequest, key: str, year: int) -> HttpResponse:
    """The TMU writes the foreword and the analysis, both languages side by side."""
    plan = get_plan(key)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may(request.user, "publish"):
        raise PermissionDenied
    if year not in plan.years:
        raise Http404
    text = ReportText.objects.filter(plan=plan, year=year).first()
    form = ReportTextForm(request.POST or None, instance=text)
    if request.method == "POST" and form.is_valid():
        actions.save_report_text(plan, year, form.cleaned_data, by=request.user)
        messages.success(request, _("The foreword and the analysis are saved."))
        return redirect("annual_report", plan.key, year)
    context = {
        "plan": plan,
        "year": year,
        "text": text,
        "form": form,
        "report_title": _("Annual national report %(year)s") % {"year": year},
        "sections": [
            (_("Foreword"), [form["foreword_fr"], form["foreword_en"]]),
            (_("Analysis"), [form["analysis_fr"], form["analysis_en"]]),
        ],
    }
    return render(request, "publishing/annual/edit.html", context)
