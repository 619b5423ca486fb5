"""Pages of the representation observatory: the public page with every
figure and its source, the dataset as CSV or XLSX, and the TMU's form to add
a figure (the writing is governance.observatory.add_observation)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import fields_for_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.permissions import may
from governance.models import Observation, SeatBody
from governance.observatory import (
    BodySummary,
    add_observation,
    men_count,
    summaries,
    trend_label,
    when,
)
from governance.tables import observation_table, quota_table
from nap1325.tables import csv_response, download, shown, xlsx_response
from publishing import charts


def percent(value: Decimal) -> str:
    return shown(Decimal(value))


FORM_FIELDS = [
    "observed_on", "precision", "election", "women", "men", "total", "published_share",
    "source_title", "source_document", "location", "quote", "note",
]  # fmt: skip


class ObservationForm(forms.Form):
    """The observation's fields as the model defines them; the checks that
    make a figure hold together are add_observation's, not the form's."""

    body = forms.ModelChoiceField(
        SeatBody.objects.order_by("country", "name_fr"), label=gettext_lazy("Body")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label_from_instance = lambda body: body.name  # type: ignore[attr-defined]
        self.fields.update(
            fields_for_model(
                Observation,
                fields=FORM_FIELDS,
                widgets={
                    "observed_on": forms.DateInput(attrs={"type": "date"}),
                    "quote": forms.Textarea(attrs={"rows": 3}),
                    "note": forms.Textarea(attrs={"rows": 2}),
                },
            )
        )
        self.fields["men"].help_text = gettext_lazy("Only if the source states it.")
        self.fields["published_share"].help_text = gettext_lazy(
            "The percentage the source prints, if any; the share is computed from the counts."
        )
        self.fields["quote"].help_text = gettext_lazy(
            "The sentence of the source the figure comes from."
        )


def trend_chart(summary: BodySummary) -> str:
    if len(summary.observations) < 2:
        return ""
    categories = [label for label, _share in summary.trend]
    return charts.column_chart(
        [(_("Share of women"), [share for _label, share in summary.trend])],
        title=_("%(body)s: share of women over time") % {"body": summary.body.name},
        categories=categories,
        unit="%",
        number_format=percent,
        max_value=Decimal(50),
        target=summary.minimum,
        target_label=_("Quota") if summary.minimum is not None else "",
    )


def observatory(request: HttpRequest) -> HttpResponse:
    rows = summaries()
    tables = [quota_table(rows), observation_table(rows)]
    if answer := download(request, tables, "observatory"):
        return answer
    bodies = [
        {
            "summary": summary,
            "trend": trend_chart(summary),
            "latest_when": trend_label(summary.latest) if summary.latest else "",
            "observations": [
                {"o": o, "when": when(o), "men": men_count(o), "share": o.share}
                for o in summary.observations
            ],
        }
        for summary in rows
    ]
    overview = charts.bar_chart(
        [(s.body.name, s.share) for s in rows if s.observations],
        title=_("Share of women in each body, latest figure"),
        unit="%",
        max_value=Decimal(100),
        number_format=percent,
        no_data_label=_("share unknown"),
        empty_label=_("No figure yet."),
    )
    return render(
        request,
        "governance/observatory/observatory.html",
        {
            "bodies": bodies,
            "overview": overview,
            "count": sum(len(s.observations) for s in rows),
            "tables": {table.key: table for table in tables},
            "can_record": may(request.user, "record_observations"),
        },
    )


def observatory_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dataset at its own address (data.csv, data.xlsx), one row per figure."""
    table = observation_table(summaries())
    if fmt == "csv":
        return csv_response(table, "observatory")
    if fmt == "xlsx":
        return xlsx_response([table], "observatory")
    raise Http404


@login_required
def observation_add(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "record_observations"):
        raise PermissionDenied
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        body = values.pop("body")
        try:
            add_observation(body, by=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Figure recorded."))
            return redirect("observatory")
    return render(request, "governance/observatory/observation_form.html", {"form": form})
