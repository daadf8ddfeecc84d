"""Opening an appeal from a request, its page and stages, its letter and attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import filetypes, letters, ratelimit
from ..deadline_text import appeal_steps
from ..forms import AppealLetterForm, AppealOpenForm, AppealStageForm
from ..models import AccessRequest, Appeal, AppealEvent
from ..services import appeals as appeal_services
from .common import form_errors, request_for
from .requests import letter_download


def _appeal_for(user, pk) -> Appeal:
    """An appeal of a request the person works on (or any, for organizers), or 404."""
    return get_object_or_404(
        Appeal.objects.filter(request__in=AccessRequest.objects.visible_to(user)).select_related(
            "request__police_service", "request__regime", "request__campaign"
        ),
        pk=pk,
    )


@login_required
@require_POST
def appeal_open(request, pk):
    access_request = request_for(request.user, pk)
    form = AppealOpenForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(access_request)
    try:
        appeal = appeal_services.appeal_open(
            request=access_request, by=request.user, grounds=form.ground_list()
        )
    except appeal_services.AppealError as error:
        messages.error(request, str(error))
        return redirect(access_request)
    messages.success(request, _("The appeal is opened. Next: write the letter and file it."))
    return redirect(appeal)


@login_required
@ratelimit.limited("uploads", files_only=True)
def appeal_detail(request, pk, letter_form=None, letter_text=""):
    appeal = _appeal_for(request.user, pk)
    allowed = appeal_services.next_stages(appeal.stage)
    form = AppealStageForm(
        request.POST or None,
        request.FILES or None,
        allowed=allowed,
        initial={"occurred_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            appeal_services.appeal_stage_record(appeal=appeal, by=request.user, **form.cleaned_data)
        except appeal_services.AppealError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The stage is recorded."))
            return redirect(appeal)
    deadline = appeal.deadline()
    context = {
        "appeal": appeal,
        "access_request": appeal.request,
        "events": appeal.events.select_related("logged_by", "attachment"),
        "grounds": appeal.grounds.all(),
        "deadline": deadline,
        "deadline_steps": appeal_steps(deadline),
        "form": form if allowed else None,
        "letter_form": letter_form
        or AppealLetterForm(
            initial={
                "language": appeal.request.letter_language,
                "requester_name": request.user.display_name,
                "requester_contact": request.user.email,
            }
        ),
        "letter_text": letter_text,
    }
    return render(request, "requests_app/appeal_detail.html", context)


@login_required
def appeal_letter(request, pk):
    appeal = _appeal_for(request.user, pk)
    if request.method != "POST":
        # The page that shows a letter has this address: switching its language, or coming
        # back to it from a form, opens the appeal's page.
        return redirect(appeal)
    form = AppealLetterForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(appeal)
    text = letters.appeal_letter_render(appeal, today=timezone.localdate(), **form.cleaned_data)
    fmt = request.POST.get("download", "")
    if fmt in ("txt", "docx"):
        return letter_download(text, fmt, f"appeal-{appeal.request.police_service.slug}")
    # Shown on the page, to read and copy.
    request.method = "GET"
    return appeal_detail(request, pk, letter_form=form, letter_text=text)


@login_required
def appeal_attachment(request, pk, event_pk):
    appeal = _appeal_for(request.user, pk)
    event = get_object_or_404(AppealEvent, pk=event_pk, appeal=appeal, attachment__isnull=False)
    return filetypes.file_response(
        event.attachment, name=f"appeal-{appeal.pk}-{event.pk}", public=False
    )
