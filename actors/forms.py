"""Forms of the people pages: inviting someone by e-mail."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Institution, ReportingUnit, Role


class InvitationForm(forms.Form):
    """Reads the request; actors.invitations.invite decides what is allowed."""

    email = forms.EmailField(label=_("E-mail"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    # No role chosen in advance: an invitation as administrator is never a slip.
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    unit = forms.ModelChoiceField(
        label=_("Reporting unit"),
        queryset=ReportingUnit.objects.filter(active=True)
        .select_related("institution", "place")
        .order_by("country", "institution__name_fr", "place__name_fr"),
        required=False,
        help_text=_("For focal points and civil-society reporters: the unit they report for."),
        error_messages={
            "invalid_choice": _("This reporting unit does not exist or no longer reports.")
        },
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.all(),
        required=False,
        help_text=_("For partners: the partner they record funding for."),
        error_messages={"invalid_choice": _("This institution does not exist.")},
    )
