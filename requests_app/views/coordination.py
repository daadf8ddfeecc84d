"""Working together: comments, help wanted, watching and unsubscribing, team messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import ratelimit, selectors
from ..forms import CommentForm, HelpWantedForm, TeamMessageForm
from ..models import AccessRequest, Appeal, Claim, Comment, HelpWanted, PoliceService
from ..services import coordination
from .common import back, page_campaign, run, run_form


def _run(request, action, success: str) -> bool:
    return run(request, action, success, coordination.CoordinationError)


def _run_form(request, form, action, success: str) -> None:
    run_form(request, form, action, success, coordination.CoordinationError)


def _subject(of: str, pk) -> AccessRequest | Appeal:
    """The request or appeal an address names (`of` comes from the URL pattern)."""
    if of == "appeal":
        return get_object_or_404(Appeal.objects.select_related("request__police_service"), pk=pk)
    return get_object_or_404(AccessRequest.objects.select_related("police_service"), pk=pk)


def _back(request, subject):
    """Back to the page the form was on, else the request's page."""
    return back(request, coordination.request_and_appeal(subject)[0])


@login_required
@require_POST
@ratelimit.limited("comments")
def comment_create(request, pk, of="request"):
    subject = _subject(of, pk)
    _run_form(
        request,
        CommentForm(request.POST),
        lambda data: coordination.comment_create(subject=subject, author=request.user, **data),
        _("Your comment is posted."),
    )
    return _back(request, subject)


@login_required
@require_POST
def comment_hide(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("request"), pk=pk)
    coordination.comment_hide(comment=comment, by=request.user)
    messages.success(request, _("The comment is hidden."))
    return back(request, comment.request)


@login_required
@require_POST
def help_wanted_open(request, pk, of="request"):
    subject = _subject(of, pk)
    _run_form(
        request,
        HelpWantedForm(request.POST),
        lambda data: coordination.help_wanted_open(
            subject=subject, by=request.user, needed=data["needed"]
        ),
        _("It is on the help-wanted list."),
    )
    return _back(request, subject)


@login_required
@require_POST
def help_wanted_close(request, pk):
    call = get_object_or_404(HelpWanted.objects.select_related("request"), pk=pk)
    _run(
        request,
        lambda: coordination.help_wanted_close(help_wanted=call, by=request.user),
        _("It is off the help-wanted list."),
    )
    return back(request, call.request)


def help_wanted(request):
    campaign = page_campaign(request)
    context = {
        "campaign": campaign,
        "campaigns": selectors.open_campaigns(),
        "rows": selectors.help_wanted_rows(campaign, request.user) if campaign else [],
    }
    return render(request, "requests_app/help_wanted.html", context)


def _watch(request, subject, fallback):
    if request.POST.get("action") == "stop":
        coordination.watch_stop(user=request.user, subject=subject)
        messages.success(request, _("You no longer watch it."))
    else:
        coordination.watch_start(user=request.user, subject=subject)
        messages.success(request, _("You will get an e-mail about new comments and steps."))
    return back(request, fallback)


@login_required
@require_POST
def watch(request, pk, of="request"):
    subject = _subject(of, pk)
    return _watch(request, subject, coordination.request_and_appeal(subject)[0])


@login_required
@require_POST
def service_watch(request, slug):
    service = get_object_or_404(PoliceService, slug=slug)
    return _watch(request, service, service)


# The signed token in the address is the only credential (it works without login, from
# an e-mail), so a cross-site form could do nothing its holder could not.
@csrf_exempt
def watch_stop(request, token):
    """An e-mail's unsubscribe link: a page asking to confirm, which stops the watch (a
    mail scanner that follows the link changes nothing)."""
    genuine, watch = coordination.watch_for_token(token)
    if not genuine:
        return HttpResponseBadRequest(_("This unsubscribe link is damaged; copy it whole."))
    stopped = False
    if request.method == "POST":
        coordination.watch_stop_by_token(token)
        stopped, watch = True, None
    return render(request, "requests_app/watch_stop.html", {"watch": watch, "stopped": stopped})


@login_required
@require_POST
def team_message(request, pk):
    claim = get_object_or_404(
        Claim.objects.with_team().select_related("police_service", "campaign"), pk=pk
    )
    if not selectors.may_write_to_team(claim, request.user):
        raise PermissionDenied
    _run_form(
        request,
        TeamMessageForm(
            request.POST, claim=claim, recipients=selectors.message_recipients(claim, request.user)
        ),
        lambda data: coordination.team_message_send(
            claim=claim, sender=request.user, recipient=data["recipient"], body=data["body"]
        ),
        _("Your message is on its way; your e-mail address is not shown."),
    )
    return back(request, claim.police_service)
