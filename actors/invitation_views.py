"""The people pages of the Technical Management Unit: who has which role,
and inviting someone by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from actors.forms import InvitationForm
from actors.invitations import invite, people
from actors.permissions import may
from actors.two_factor import may_reset_second_factors


def _require_tmu(request: HttpRequest) -> None:
    if not may(request.user, "invite_users"):
        raise PermissionDenied


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    _require_tmu(request)
    context = {"people": people(), "may_reset": may_reset_second_factors(request.user)}
    return render(request, "actors/people.html", context)


@login_required
def invite_person(request: HttpRequest) -> HttpResponse:
    _require_tmu(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            email = invitation.user.email or invitation.user.get_username()
            if invitation.new_account:
                text = _("Invitation sent to %(email)s.")
            elif invitation.assignment is None:
                text = _("%(email)s had not chosen a password yet: the invitation was sent again.")
            else:
                text = _("%(email)s already had an account: the role was added.")
            messages.success(request, text % {"email": email})
            return redirect("people")
    return render(request, "actors/invite.html", {"form": form})
