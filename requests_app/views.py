from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import letters, selectors
from .deadline_text import deadline_steps
from .filetypes import KINDS
from .forms import (
    DirectoryFilterForm,
    FilingForm,
    FindingForm,
    FindingsFilterForm,
    HelpOfferForm,
    LetterForm,
    ModerationForm,
    ProfileForm,
    ReasonForm,
    ReassignForm,
    ReleaseUploadForm,
    StatusEventForm,
    WhichLawForm,
)
from .models import (
    AccessRequest,
    Campaign,
    Claim,
    ClaimHelper,
    PoliceService,
    Release,
    RequestEvent,
)
from .roles import is_organizer
from .services import claims as claim_services
from .services import releases as release_services
from .services import reminders
from .services import requests as request_services


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
        "sources": list(dict.fromkeys([*service.sources, *regime.sources])),
        "targets": [
            selectors.target_summary(campaign, service, request.user)
            for campaign in selectors.open_campaigns()
        ],
        "status_labels": selectors.TargetStatus.LABELS,
        "viewer_is_organizer": is_organizer(request.user),
        "public_findings": selectors.public_findings().filter(police_service=service),
        "public_releases": Release.objects.approved()
        .filter(request__police_service=service)
        .select_related("stored"),
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


# --- Letters and requests ---------------------------------------------------------------------


def _target_for(request, slug):
    """The service and campaign of a letter or filing, for people working on that target."""
    service = get_object_or_404(PoliceService.objects.select_related("regime"), slug=slug)
    campaign_slug = request.GET.get("campaign") or request.POST.get("campaign")
    campaign = (
        get_object_or_404(Campaign, slug=campaign_slug)
        if campaign_slug
        else selectors.default_campaign()
    )
    if campaign is None:
        raise Http404
    working = Claim.objects.involving(request.user).filter(
        campaign=campaign, police_service=service
    )
    if not working.exists() and not is_organizer(request.user):
        raise PermissionDenied
    return service, campaign


@login_required
def letter(request, slug):
    service, campaign = _target_for(request, slug)
    today = timezone.localdate()
    initial = {
        "categories": list(campaign.categories.all()),
        "records_from": campaign.records_from,
        "records_to": today,
        "language": letters.default_language(service),
        "requester_name": request.user.display_name,
        "requester_contact": request.user.email,
    }
    form = LetterForm(request.POST or None, campaign=campaign, initial=initial)
    text = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = letters.letter_render(
            letters.LetterRequest(
                campaign=campaign,
                service=service,
                categories=list(data["categories"]),
                records_from=data["records_from"],
                records_to=data["records_to"],
                language=data["language"],
                requester_name=data["requester_name"],
                requester_contact=data["requester_contact"],
                today=today,
            )
        )
        download = request.POST.get("download")
        if download in ("txt", "docx"):
            name = f"request-{service.slug}-{today.isoformat()}.{download}"
            if download == "txt":
                response = HttpResponse(text, content_type="text/plain; charset=utf-8")
            else:
                response = HttpResponse(
                    letters.letter_docx(text),
                    content_type="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document",
                )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    filing = FilingForm(
        campaign=campaign,
        initial={
            "filed_on": today,
            "method": "email" if service.foi_email else "portal",
            "categories": form.cleaned_data.get("categories") if text else initial["categories"],
            "records_from": form.cleaned_data.get("records_from")
            if text
            else campaign.records_from,
            "records_to": form.cleaned_data.get("records_to") if text else today,
            "letter_language": form.cleaned_data.get("language") if text else initial["language"],
            "letter_text": text,
        },
    )
    context = {
        "service": service,
        "campaign": campaign,
        "form": form,
        "text": text,
        "filing": filing,
        "mailto": letters.mailto(service, text) if text else "",
        "open_request": request_services.open_request_for(campaign, service),
    }
    return render(request, "requests_app/letter.html", context)


@login_required
@require_POST
def request_file(request, slug):
    service, campaign = _target_for(request, slug)
    letter_page = f"{reverse('requests_app:letter', args=[slug])}?campaign={campaign.slug}"
    form = FilingForm(request.POST, campaign=campaign)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(letter_page)
    data = form.cleaned_data
    try:
        access_request = request_services.request_file(
            campaign=campaign,
            service=service,
            volunteer=request.user,
            filed_on=data["filed_on"],
            received_on=data["received_on"],
            method=data["method"],
            reference_number=data["reference_number"],
            categories=list(data["categories"]),
            records_from=data["records_from"],
            records_to=data["records_to"],
            letter_language=data["letter_language"],
            letter_text=data["letter_text"],
            filed_outside_site=data["filed_outside_site"],
        )
    except request_services.RequestError as error:
        messages.error(request, str(error))
        return redirect(letter_page)
    messages.success(request, _("The request is logged as filed."))
    return redirect(access_request)


def _request_for(user, pk) -> AccessRequest:
    """A request the person may see, or 404: others' requests are not even acknowledged."""
    return get_object_or_404(
        AccessRequest.objects.visible_to(user).select_related(
            "police_service", "campaign", "regime", "rule_set", "volunteer"
        ),
        pk=pk,
    )


@login_required
def request_detail(request, pk):
    access_request = _request_for(request.user, pk)
    events = list(access_request.events.select_related("logged_by"))
    allowed = request_services.next_statuses([e.status for e in events])
    form = StatusEventForm(
        request.POST or None,
        request.FILES or None,
        allowed=allowed,
        initial={"occurred_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            request_services.request_status_record(
                request=access_request, by=request.user, **form.cleaned_data
            )
        except request_services.RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The step is logged."))
            return redirect(access_request)
    today = timezone.localdate()
    deadline = access_request.deadline(events)
    context = {
        "access_request": access_request,
        "events": events,
        "form": form if allowed else None,
        "deadline": deadline,
        "deadline_steps": deadline_steps(deadline) if deadline else [],
        "stated_due_on": access_request.stated_due_on(events),
        "overdue": access_request.is_overdue(today),
        "deemed_refusal": access_request.is_deemed_refusal(today),
        "upload_form": ReleaseUploadForm(events=events, initial={"received_on": today}),
        "releases": access_request.releases.select_related("stored"),
    }
    return render(request, "requests_app/request_detail.html", context)


@login_required
def event_attachment(request, pk, event_pk):
    access_request = _request_for(request.user, pk)
    event = get_object_or_404(RequestEvent, pk=event_pk, request=access_request)
    if not event.attachment:
        raise Http404
    return FileResponse(event.attachment.open("rb"), as_attachment=True)


def calendar_feed(request, token):
    """A volunteer's private deadlines feed; the secret address is the only key."""
    from .models import User

    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if not token or user is None:
        raise Http404
    body = reminders.calendar_feed(user, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def calendar_token(request):
    if request.POST.get("action") == "revoke":
        reminders.calendar_token_revoke(request.user)
        messages.success(request, _("Your calendar address is revoked."))
    else:
        reminders.calendar_token_renew(request.user)
        messages.success(request, _("Your calendar has a new private address."))
    return redirect("requests_app:profile")


# --- Releases and findings ----------------------------------------------------------------------


@login_required
@require_POST
def release_upload(request, pk):
    access_request = _request_for(request.user, pk)
    form = ReleaseUploadForm(request.POST, request.FILES, events=access_request.events.all())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(access_request)
    try:
        release = release_services.release_upload(
            request=access_request,
            by=request.user,
            upload=form.cleaned_data["file"],
            received_on=form.cleaned_data["received_on"],
            event=form.cleaned_data["event"],
            title=form.cleaned_data["title"],
        )
    except release_services.ReleaseError as error:
        messages.error(request, str(error))
        return redirect(access_request)
    messages.success(
        request, _("The release is uploaded. It stays private until an organizer approves it.")
    )
    return redirect(release)


def _release_for(user, pk) -> Release:
    """A release the person may see, or 404 (an unapproved one does not exist for others)."""
    return get_object_or_404(
        Release.objects.visible_to(user).select_related(
            "stored", "request__police_service", "request__campaign", "event"
        ),
        pk=pk,
    )


def release_detail(request, pk):
    release = _release_for(request.user, pk)
    organizer = is_organizer(request.user)
    works_on = request.user.is_authenticated and request_services.can_work_on(
        release.request, request.user
    )
    moderation_form = ModerationForm(request.POST or None) if organizer else None
    finding_form = FindingForm(request.POST or None) if works_on else None
    if request.method == "POST":
        if not (organizer or works_on):
            raise PermissionDenied
        try:
            if "decision" in request.POST and organizer and moderation_form.is_valid():
                release_services.release_decide(
                    release=release,
                    by=request.user,
                    decision=moderation_form.cleaned_data["decision"],
                    reason=moderation_form.cleaned_data["reason"],
                )
                messages.success(request, _("The decision is recorded."))
                return redirect(release)
            if "field" in request.POST and works_on and finding_form.is_valid():
                data = finding_form.cleaned_data
                release_services.finding_record(
                    release=release,
                    field=data["field"],
                    raw_value=data["value"],
                    page=data["page"],
                    note=data["note"],
                    by=request.user,
                )
                messages.success(request, _("The finding is recorded."))
                return redirect(release)
        except release_services.ReleaseError as error:
            messages.error(request, str(error))
    context = {
        "release": release,
        "service": release.request.police_service,
        "findings": release.findings.all(),
        "decisions": release.decisions.select_related("decided_by")
        if (organizer or works_on)
        else [],
        "moderation_form": moderation_form,
        "finding_form": finding_form,
        "works_on": works_on,
    }
    return render(request, "requests_app/release_detail.html", context)


def release_file(request, pk):
    release = _release_for(request.user, pk)
    stored = release.stored
    inline = stored.kind in ("pdf", "png", "jpeg")
    response = FileResponse(
        stored.file.open("rb"),
        content_type=KINDS[stored.kind],
        as_attachment=not inline,
        filename=release.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def moderation_queue(request):
    if not is_organizer(request.user):
        raise PermissionDenied
    releases = (
        Release.objects.exclude(moderation=Release.Moderation.APPROVED)
        .select_related("stored", "request__police_service", "uploaded_by")
        .order_by("uploaded_at")
    )
    return render(request, "requests_app/moderation.html", {"releases": releases})


def findings(request):
    campaign = selectors.default_campaign()
    form = FindingsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = (
        selectors.findings_table(
            campaign,
            province=filters.get("province", ""),
            vendor=filters.get("vendor", ""),
            sort=filters.get("sort", ""),
        )
        if campaign
        else []
    )
    context = {
        "form": form,
        "campaign": campaign,
        "rows": rows,
        "columns": selectors.FINDING_COLUMNS,
        "totals": selectors.findings_totals(rows),
        "sort": filters.get("sort", ""),
    }
    return render(request, "requests_app/findings.html", context)


def findings_csv(request):
    import csv

    campaign = selectors.default_campaign()
    rows = selectors.findings_table(campaign) if campaign else []
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="findings.csv"'
    writer = csv.writer(response)
    columns = selectors.FINDING_COLUMNS
    writer.writerow(
        ["police_service", "slug", "province"]
        + [f for column in columns for f in (column.value, f"{column.value}_source")]
    )
    base = request.build_absolute_uri("/")[:-1]
    for row in rows:
        service = row["service"]
        cells = []
        for column in columns:
            finding = row["cells"].get(column.value)
            cells += [finding.display_value(), base + finding.source_url()] if finding else ["", ""]
        writer.writerow([service.name_en, service.slug, service.province, *cells])
    return response


def releases_search(request):
    query = request.GET.get("q", "")[:200]
    results = selectors.releases_search(query)[:100]
    return render(
        request, "requests_app/releases_search.html", {"query": query, "results": results}
    )
