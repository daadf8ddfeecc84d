"""What every page of the app does the same way: the campaign shown, who may work on a
target, and how actions report back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import selectors
from ..models import AccessRequest, Campaign, Claim, PoliceService, Release
from ..roles import is_organizer


def page_campaign(request) -> Campaign | None:
    """The campaign the page shows: `?campaign=` or the real default; 404 if unknown."""
    slug = request.GET.get("campaign") or request.POST.get("campaign") or ""
    try:
        return selectors.chosen_campaign(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def target_for(request, slug) -> tuple[PoliceService, Campaign]:
    """The service and campaign of a letter or filing, for the people working on that
    target (`ClaimQuerySet.involving`) and organizers."""
    service = get_object_or_404(PoliceService.objects.select_related("regime"), slug=slug)
    campaign = page_campaign(request)
    if campaign is None:
        raise Http404
    on_team = Claim.objects.involving(request.user).for_target(campaign, service).exists()
    if not on_team and not is_organizer(request.user):
        raise PermissionDenied(
            _(
                "The letter and the filing of %(service)s are for the volunteers working on "
                "it and for organizers. Claim it from its page, or offer to help the "
                "volunteer who holds it."
            )
            % {"service": service.name}
        )
    return service, campaign


def request_for(user, pk) -> AccessRequest:
    """A request the person may see, or 404: others' requests are not even acknowledged."""
    return get_object_or_404(
        AccessRequest.objects.visible_to(user).select_related(
            "police_service", "campaign", "regime", "rule_set", "volunteer"
        ),
        pk=pk,
    )


def release_for(user, pk) -> Release:
    """A release the person may see, or 404 (an unapproved one does not exist for others)."""
    return get_object_or_404(
        Release.objects.visible_to(user)
        .with_file()
        .select_related("request__police_service", "request__campaign", "event"),
        pk=pk,
    )


def back(request, fallback):
    """Return to the page the action came from, if it is ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def run(request, action, success: str, error_class) -> bool:
    """Do `action`; show its refusal (an `error_class`) or `success` as a message."""
    try:
        action()
    except error_class as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


def run_form(request, form, action, success: str, error_class) -> None:
    """`run` the action with the form's cleaned data, or show the form's errors."""
    if form.is_valid():
        run(request, lambda: action(form.cleaned_data), success, error_class)
    else:
        form_errors(request, form)


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
