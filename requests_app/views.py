from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .forms import (
    DirectoryFilterForm,
    HelpOfferForm,
    ProfileForm,
    ReasonForm,
    ReassignForm,
    WhichLawForm,
)
from .models import Campaign, Claim, ClaimHelper, PoliceService
from .roles import is_organizer
from .services import claims as claim_services


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    services = list(
        selectors.directory_services(
            province=filters.get("province", ""),
            kind=filters.get("kind", ""),
            query=filters.get("q", ""),
        )
    )
    campaign = selectors.default_campaign()
    statuses = selectors.target_statuses(campaign) if campaign else {}
    rows = [
        {"service": s, "status": statuses.get(s.pk, selectors.TargetStatus.UNCLAIMED)}
        for s in services
    ]
    context = {
        "form": form,
        "services": services,
        "rows": rows,
        "campaign": campaign,
        "status_labels": selectors.TargetStatus.LABELS,
    }
    return render(request, "requests_app/directory.html", context)


def service_detail(request, slug):
    try:
        service = selectors.service_for_page(slug)
    except PoliceService.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    regime = service.regime
    context = {
        "service": service,
        "regime": regime,
        "rule_set": regime.rule_set_on(today),
        "upcoming_rule_sets": regime.upcoming_rule_sets(today),
        "filing_facts": service.filing_facts(),
        "targets": [
            selectors.target_summary(campaign, service, request.user)
            for campaign in selectors.open_campaigns()
        ],
        "status_labels": selectors.TargetStatus.LABELS,
        "viewer_is_organizer": is_organizer(request.user),
    }
    return render(request, "requests_app/service_detail.html", context)


def guide(request):
    today = timezone.localdate()
    form = WhichLawForm(request.GET or None)
    chosen = form.cleaned_data["service"] if form.is_valid() else None
    regimes = [
        {"regime": regime, "rule_set": regime.rule_set_on(today)}
        for regime in selectors.regimes_for_guide()
    ]
    context = {
        "form": form,
        "chosen": chosen,
        "chosen_rule_set": chosen.regime.rule_set_on(today) if chosen else None,
        "regimes": regimes,
    }
    return render(request, "requests_app/guide.html", context)


# --- Claims -------------------------------------------------------------------------------


def _back(request, fallback):
    """Return to the page the action came from, if it is ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _run(request, action, success: str) -> None:
    try:
        action()
    except claim_services.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
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
    return _back(request, service)


@login_required
@require_POST
def claim_release(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service", "volunteer"), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: claim_services.claim_release(
                claim=claim, by=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The claim is released."),
        )
    else:
        claim_services.ensure_can_release(claim=claim, by=request.user)
        _form_errors(request, form)
    return _back(request, claim.police_service)


@login_required
@require_POST
def claim_reassign(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service"), pk=pk)
    if not is_organizer(request.user):
        raise PermissionDenied
    form = ReassignForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: claim_services.claim_reassign(
                claim=claim,
                to_volunteer=form.cleaned_data["volunteer"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            ),
            _("The target is reassigned."),
        )
    else:
        _form_errors(request, form)
    return _back(request, claim.police_service)


@login_required
@require_POST
def claim_help_offer(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("police_service"), pk=pk)
    form = HelpOfferForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: claim_services.claim_help_offer(
                claim=claim, volunteer=request.user, message=form.cleaned_data["message"]
            ),
            _("Your offer to help was sent to the volunteer."),
        )
    else:
        _form_errors(request, form)
    return _back(request, claim.police_service)


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
    return _back(request, helper.claim.police_service)


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
    return render(request, "requests_app/profile.html", {"form": form})
