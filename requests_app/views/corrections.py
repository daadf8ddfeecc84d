"""Corrections from the field: proposing one on a service's page, the organizers' queue, and
the private letter a proposal cites."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import filetypes, ratelimit, selectors
from ..forms import CorrectionDecisionForm, CorrectionForm
from ..models import Correction, PoliceService
from ..roles import is_organizer
from ..services import corrections as correction_services


@login_required
@ratelimit.limited("corrections")
def correction_new(request, slug):
    service = get_object_or_404(PoliceService.objects.select_related("regime"), slug=slug)
    facts = correction_services.correctable_facts(service, timezone.localdate())
    form = CorrectionForm(request.POST or None, request.FILES or None, facts=facts)
    if request.method == "POST" and form.is_valid():
        try:
            correction_services.correction_propose(
                service=service, by=request.user, **form.cleaned_data
            )
        except correction_services.CorrectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Thank you: an organizer will review it, and you will get an e-mail."),
            )
            return redirect(f"{service.get_absolute_url()}#how-to-file")
    context = {"service": service, "form": form, "facts": facts}
    return render(request, "requests_app/correction_form.html", context)


def _organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied(_("Corrections are reviewed by organizers."))


@login_required
def corrections_queue(request):
    _organizer(request)
    context = {"rows": selectors.corrections_to_review(), "form": CorrectionDecisionForm()}
    return render(request, "requests_app/corrections.html", context)


@login_required
@require_POST
def correction_decide(request, pk):
    _organizer(request)
    correction = get_object_or_404(Correction, pk=pk)
    form = CorrectionDecisionForm(request.POST)
    if form.is_valid():
        decide = {
            "accept": correction_services.correction_accept,
            "reject": correction_services.correction_reject,
        }[form.cleaned_data["decision"]]
        try:
            decide(correction=correction, by=request.user, reason=form.cleaned_data["reason"])
        except correction_services.CorrectionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The decision is recorded and the volunteer is told."))
    return redirect(reverse("requests_app:corrections"))


@login_required
def correction_letter(request, pk):
    """The letter a proposal cites: for its proposer and organizers only (404 for others)."""
    correction = get_object_or_404(
        selectors.corrections_visible_to(request.user).filter(letter__isnull=False), pk=pk
    )
    return filetypes.file_response(
        correction.letter, name=f"correction-{correction.pk}-letter", public=False
    )
