"""Claiming a target, helping with it, releasing and reassigning it; a volunteer's pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import ratelimit, selectors
from ..forms import ApiTokenForm, HelpOfferForm, ProfileForm, ReasonForm, ReassignForm
from ..models import ApiToken, Campaign, Claim, ClaimHelper, PoliceService
from ..roles import is_organizer
from ..services import claims as claim_services
from .common import back, run, run_form


def _run(request, action, success: str) -> bool:
    return run(request, action, success, claim_services.ClaimError)


def _run_form(request, form, action, success: str) -> None:
    run_form(request, form, action, success, claim_services.ClaimError)


@login_required
@require_POST
@ratelimit.limited("claims")
def claim_create(request, slug):
    service = get_object_or_404(PoliceService, slug=slug)
    campaign = get_object_or_404(Campaign, slug=request.POST.get("campaign", ""))
    _run(
        request,
        lambda: claim_services.claim_create(
            campaign=campaign, service=service, volunteer=request.user
        ),
        _("You claimed %(service)s. Next: send the letter.") % {"service": service.name},
    )
    return back(request, service)


@login_required
@require_POST
def claim_release(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service", "volunteer"), pk=pk)
    claim_services.ensure_can_release(claim=claim, by=request.user)
    _run_form(
        request,
        ReasonForm(request.POST),
        lambda data: claim_services.claim_release(
            claim=claim, by=request.user, reason=data["reason"]
        ),
        _("The claim is released."),
    )
    return back(request, claim.police_service)


@login_required
@require_POST
def claim_reassign(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service"), pk=pk)
    if not is_organizer(request.user):
        raise PermissionDenied
    _run_form(
        request,
        ReassignForm(request.POST),
        lambda data: claim_services.claim_reassign(
            claim=claim, to_volunteer=data["volunteer"], by=request.user, reason=data["reason"]
        ),
        _("The target is reassigned."),
    )
    return back(request, claim.police_service)


@login_required
@require_POST
def claim_remind(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service"), pk=pk)
    if not is_organizer(request.user):
        raise PermissionDenied
    _run(
        request,
        lambda: claim_services.claim_remind(claim=claim, by=request.user),
        _("The volunteer holding %(service)s was sent a reminder.")
        % {"service": claim.police_service.name},
    )
    return back(request, claim.police_service)


@login_required
@require_POST
def claim_help_offer(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service"), pk=pk)
    _run_form(
        request,
        HelpOfferForm(request.POST),
        lambda data: claim_services.claim_help_offer(
            claim=claim, volunteer=request.user, message=data["message"]
        ),
        _("Your offer to help was sent to the volunteer."),
    )
    return back(request, claim.police_service)


@login_required
@require_POST
def claim_help_decide(request, pk, helper_pk, decision):
    helper = get_object_or_404(
        ClaimHelper.objects.select_related("claim__police_service", "volunteer"),
        pk=helper_pk,
        claim_id=pk,
    )
    if decision not in ("accept", "decline"):
        raise Http404
    accept = decision == "accept"
    _run(
        request,
        lambda: claim_services.claim_help_decide(helper=helper, by=request.user, accept=accept),
        _("You accepted the offer.") if accept else _("You declined the offer."),
    )
    return back(request, helper.claim.police_service)


@login_required
def me(request):
    context = {
        "targets": selectors.my_targets(request.user),
        "claim_cap": settings.CLAIM_CAP,
    }
    return render(request, "requests_app/me.html", context)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your public name is saved."))
        return redirect("requests_app:profile")
    return profile_page(request, form=form)


def profile_page(request, *, form=None, token_form=None, new_token: str = ""):
    """The account page: public name, calendar address and API tokens (a new token's secret
    is shown on this one page, never again)."""
    context = {
        "form": form or ProfileForm(instance=request.user),
        "tokens": ApiToken.objects.listed_for(request.user),
        "token_form": token_form or ApiTokenForm(),
        "new_token": new_token,
    }
    return render(request, "requests_app/profile.html", context)
