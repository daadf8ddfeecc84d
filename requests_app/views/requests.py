"""The request letter, filing, a request's page and steps, and the private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import filetypes, letters, ratelimit, selectors
from ..deadline_text import deadline_steps
from ..forms import AppealOpenForm, FilingForm, LetterForm, ReleaseUploadForm, StatusEventForm
from ..models import AccessRequest, RequestEvent, User
from ..services import appeals as appeal_services
from ..services import reminders
from ..services import requests as request_services
from .common import form_errors, request_for, target_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letter_download(text: str, fmt: str, name: str) -> HttpResponse:
    """A letter as a text or Word file, named by the site."""
    if fmt == "txt":
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(letters.letter_docx(text), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def letter(request, slug):
    service, campaign = target_for(request, slug)
    today = timezone.localdate()
    form = LetterForm(
        request.POST or None, campaign=campaign, service=service, user=request.user, today=today
    )
    text = ""
    if request.method == "POST" and form.is_valid():
        text = letters.letter_render(form.letter())
        download = request.POST.get("download")
        if download in ("txt", "docx"):
            return letter_download(text, download, f"request-{service.slug}-{today}")
    context = {
        "service": service,
        "campaign": campaign,
        "form": form,
        "text": text,
        "filing": FilingForm(campaign=campaign, initial=form.filing_initial(text)),
        "mailto": letters.mailto(service, text) if text else "",
        "open_request": request_services.open_request_for(campaign, service),
        "guidance": selectors.filing_guidance(service),
    }
    return render(request, "requests_app/letter.html", context)


@login_required
@require_POST
def request_file(request, slug):
    service, campaign = target_for(request, slug)
    letter_page = f"{reverse('requests_app:letter', args=[slug])}?campaign={campaign.slug}"
    form = FilingForm(request.POST, campaign=campaign)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(letter_page)
    try:
        access_request = request_services.request_file(
            campaign=campaign,
            service=service,
            volunteer=request.user,
            **{**form.cleaned_data, "categories": list(form.cleaned_data["categories"])},
        )
    except request_services.RequestError as error:
        messages.error(request, str(error))
        return redirect(letter_page)
    messages.success(request, _("The request is logged as filed."))
    return redirect(access_request)


@ratelimit.limited("uploads", files_only=True)
def request_detail(request, pk):
    """The team's working page; everyone else sees the request's public page."""
    access_request = (
        AccessRequest.objects.visible_to(request.user)
        .select_related("police_service", "campaign", "regime", "rule_set", "volunteer")
        .filter(pk=pk)
        .first()
    )
    if access_request is None:
        if request.method != "GET":
            raise Http404  # only its team and organizers act on a request
        return _request_public(request, pk)
    events = list(access_request.events.select_related("logged_by"))
    allowed = request_services.next_statuses([e.status for e in events])
    form = StatusEventForm(
        request.POST or None,
        request.FILES or None,
        allowed=allowed,
        day_kind_label=access_request.day_kind_label,
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
        "releases": access_request.releases.with_file(),
        "appeals": access_request.appeals.all(),
        "appeal_form": AppealOpenForm()
        if appeal_services.appealable(access_request, today)
        and not appeal_services.open_appeal_for(access_request)
        else None,
    }
    return render(request, "requests_app/request_detail.html", context)


def _request_public(request, pk):
    """What anyone may know of a filed request: the letter without the volunteer's details,
    the dated steps (no notes or attachments), approved releases, the appeal's stage."""
    access_request = get_object_or_404(
        AccessRequest.objects.filed().select_related("police_service", "campaign", "regime"),
        pk=pk,
    )
    context = {
        "access_request": access_request,
        "steps": access_request.events.only("status", "occurred_on"),
        "releases": access_request.releases.approved().with_file(),
        "appeals": access_request.appeals.all(),
    }
    return render(request, "requests_app/request_public.html", context)


@login_required
def event_attachment(request, pk, event_pk):
    access_request = request_for(request.user, pk)
    event = get_object_or_404(
        RequestEvent, pk=event_pk, request=access_request, attachment__isnull=False
    )
    return filetypes.file_response(
        event.attachment, name=f"request-{access_request.pk}-step-{event.pk}", public=False
    )


def calendar_feed(request, token):
    """A volunteer's private deadlines feed; the secret address is the only key."""
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
