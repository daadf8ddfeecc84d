"""Released documents, their moderation and findings; the public findings table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import exports, filetypes, ratelimit, selectors
from ..forms import FindingForm, FindingsFilterForm, ModerationForm, ReleaseUploadForm
from ..roles import is_organizer
from ..services import releases as release_services
from .common import form_errors, page_campaign, release_for, request_for, run_form

FINDINGS_PAGE_SIZE = 50


@login_required
@require_POST
@ratelimit.limited("uploads")
def release_upload(request, pk):
    access_request = request_for(request.user, pk)
    form = ReleaseUploadForm(request.POST, request.FILES, events=access_request.events.all())
    if not form.is_valid():
        form_errors(request, form)
        return redirect(access_request)
    try:
        data = form.cleaned_data
        release = release_services.release_upload(
            request=access_request,
            by=request.user,
            upload=data["file"],
            received_on=data["received_on"],
            event=data["event"],
            title=data["title"],
        )
    except release_services.ReleaseError as error:
        messages.error(request, str(error))
        return redirect(access_request)
    messages.success(
        request, _("The release is uploaded. It stays private until an organizer approves it.")
    )
    return redirect(release)


def release_detail(request, pk):
    release = release_for(request.user, pk)
    may = selectors.release_permissions(release, request.user)
    moderation_form = ModerationForm(request.POST or None) if may["moderate"] else None
    finding_form = FindingForm(request.POST or None) if may["record_findings"] else None
    if request.method == "POST":
        if "decision" in request.POST and moderation_form:
            return _release_decide(request, release, moderation_form)
        if "field" in request.POST and finding_form:
            return _finding_record(request, release, finding_form)
        if not (moderation_form or finding_form):
            raise PermissionDenied
    context = {
        "release": release,
        "service": release.request.police_service,
        "findings": release.findings.all(),
        "decisions": release.decisions.select_related("decided_by") if may["see_decisions"] else [],
        "moderation_form": moderation_form,
        "finding_form": finding_form,
        "may": may,
    }
    return render(request, "requests_app/release_detail.html", context)


def _release_decide(request, release, form):
    run_form(
        request,
        form,
        lambda data: release_services.release_decide(release=release, by=request.user, **data),
        _("The decision is recorded."),
        release_services.ReleaseError,
    )
    return redirect(release)


def _finding_record(request, release, form):
    run_form(
        request,
        form,
        lambda data: release_services.finding_record(
            release=release,
            field=data["field"],
            raw_value=data["value"],
            page=data["page"],
            note=data["note"],
            by=request.user,
        ),
        _("The finding is recorded."),
        release_services.ReleaseError,
    )
    return redirect(release)


def release_file(request, pk):
    release = release_for(request.user, pk)
    return filetypes.file_response(
        release.stored, name=f"release-{release.pk}", public=release.is_public
    )


@login_required
def moderation_queue(request):
    if not is_organizer(request.user):
        raise PermissionDenied
    return render(
        request, "requests_app/moderation.html", {"releases": selectors.releases_to_moderate()}
    )


def findings(request):
    campaign = page_campaign(request)
    form = FindingsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = {
        "form": form,
        "campaign": campaign,
        "campaigns": selectors.open_campaigns(),
        "rows": [],
        "columns": selectors.FINDING_COLUMNS,
        "sort": filters.get("sort", ""),
    }
    if campaign:
        services = selectors.findings_services(
            campaign,
            province=filters.get("province", ""),
            vendor=filters.get("vendor", ""),
            sort=filters.get("sort", ""),
        )
        # A page of rows at a time, so the page's size does not grow with the findings.
        page = Paginator(services, FINDINGS_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            rows=selectors.findings_rows(campaign, page.object_list),
            totals=selectors.findings_totals(
                campaign,
                province=filters.get("province", ""),
                vendor=filters.get("vendor", ""),
                listed_count=page.paginator.count,
            ),
        )
    return render(request, "requests_app/findings.html", context)


def findings_csv(request):
    campaign = page_campaign(request)
    header, rows = selectors.findings_csv(campaign, base_url=request.build_absolute_uri("/")[:-1])
    name = "findings.csv" if campaign is None or not campaign.is_demo else "findings-demo.csv"
    return exports.csv_response(name, header, rows)


def releases_search(request):
    query = request.GET.get("q", "")[:200]
    results = selectors.releases_search(query)[:100]
    return render(
        request, "requests_app/releases_search.html", {"query": query, "results": results}
    )
