"""Uploading releases, extracting their text, moderating them, and recording findings."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import extraction, filetypes
from ..choices import Answer
from ..models import (
    AccessRequest,
    Finding,
    FindingField,
    FindingRevision,
    Release,
    ReleaseDecision,
    StoredFile,
    Vendor,
)
from ..models.releases import (
    COUNT_FIELDS,
    DATE_FIELDS,
    LIST_FIELDS,
    MONEY_FIELDS,
    TRISTATE_FIELDS,
)
from ..roles import is_organizer


class ReleaseError(Exception):
    """An upload, decision or finding that cannot be accepted; the message is shown as is."""


def release_upload(
    *,
    request: AccessRequest,
    by,
    upload,
    received_on: date,
    event=None,
    title: str = "",
    today: date | None = None,
) -> Release:
    """Store a released document once, privately, and queue its text extraction."""
    today = today or timezone.localdate()
    if not request.is_open_to(by):
        raise PermissionDenied
    if received_on > today:
        raise ReleaseError(_("The date received cannot be in the future."))
    if request.filed_on and received_on < request.filed_on:
        raise ReleaseError(_("A release cannot be received before the request was filed."))
    if event is not None and event.request_id != request.pk:
        raise ReleaseError(_("That step belongs to another request."))
    used = (
        Release.objects.filter(request=request).aggregate(total=Sum("stored__size"))["total"] or 0
    )
    if used + (upload.size or 0) > settings.RELEASE_MAX_REQUEST_BYTES:
        raise ReleaseError(
            _("This request's files would exceed %(mb)s MB in all.")
            % {"mb": filetypes.megabytes(settings.RELEASE_MAX_REQUEST_BYTES)}
        )
    with transaction.atomic():
        try:
            stored, created = filetypes.accept(upload, filetypes.RELEASE)
        except filetypes.UploadError as error:
            raise ReleaseError(str(error)) from None
        release = Release.objects.create(
            request=request,
            event=event,
            stored=stored,
            original_name=filetypes.safe_name(upload.name or ""),
            title=title.strip()[:200],
            received_on=received_on,
            uploaded_by=by,
        )
        if created:
            from ..tasks import release_extraction_queue

            transaction.on_commit(lambda: release_extraction_queue(stored.pk))
    return release


def stored_file_extract(stored: StoredFile) -> StoredFile:
    """Extract text and pages within the limits of `extraction`; a failure, a time-out
    included, is recorded on the file with its reason, and the file is kept."""
    with stored.file.open("rb") as handle:
        data = handle.read()
    try:
        text, pages, note = extraction.extract(
            stored.kind, data, seconds=settings.EXTRACTION_SECONDS
        )
    except extraction.ExtractionError as error:
        text, pages, note = "", stored.page_count, str(error)  # a PDF's count is known
        stored.extraction = StoredFile.Extraction.FAILED
    else:
        stored.extraction = (
            StoredFile.Extraction.DONE if text.strip() else StoredFile.Extraction.NO_TEXT
        )
    stored.text, stored.page_count, stored.extraction_note = text, pages, note
    # An update, not a save: a file deleted meanwhile is simply not there to update.
    StoredFile.objects.filter(pk=stored.pk).update(
        text=stored.text,
        page_count=stored.page_count,
        extraction=stored.extraction,
        extraction_note=stored.extraction_note,
    )
    return stored


def release_decide(*, release: Release, by, decision: str, reason: str = "") -> ReleaseDecision:
    """An organizer approves, rejects (with a reason) or asks for redaction (with a reason)."""
    if not is_organizer(by):
        raise PermissionDenied
    if decision not in Release.Moderation.values or decision == Release.Moderation.PENDING:
        raise ReleaseError(_("Choose approve, reject or ask for redaction."))
    reason = reason.strip()
    if decision != Release.Moderation.APPROVED and not reason:
        raise ReleaseError(_("Say why, so the volunteer knows what to do."))
    with transaction.atomic():
        Release.objects.filter(pk=release.pk).update(moderation=decision)
        release.moderation = decision
        return ReleaseDecision.objects.create(
            release=release, decision=decision, reason=reason, decided_by=by
        )


def _parse_value(field: str, raw: str) -> dict:
    raw = (raw or "").strip()
    if not raw:
        raise ReleaseError(_("Give a value."))
    if field in COUNT_FIELDS:
        if not raw.isdigit():
            raise ReleaseError(_("Give a whole number, zero or more."))
        return {"number": Decimal(raw)}
    if field in MONEY_FIELDS:
        text = "".join(raw.replace("$", "").split())  # spaces, including French ones
        if text.count(",") == 1 and "." not in text and len(text.split(",")[1]) == 2:
            text = text.replace(",", ".")  # a French decimal comma: 125 000,00
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ReleaseError(_("Give an amount in Canadian dollars, e.g. 125000.00.")) from None
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ReleaseError(_("Give an amount in Canadian dollars, e.g. 125000.00."))
        return {"number": amount.quantize(Decimal("0.01"))}
    if field in DATE_FIELDS:
        try:
            return {"day": date.fromisoformat(raw)}
        except ValueError:
            raise ReleaseError(_("Give a date as YYYY-MM-DD.")) from None
    if field in TRISTATE_FIELDS:
        # "unknown" is what people type when the record does not settle it.
        answer = {"unknown": Answer.UNCONFIRMED}.get(raw.lower(), raw.lower())
        if answer not in Answer.values:
            raise ReleaseError(_("Answer yes, no or not confirmed (unknown)."))
        return {"text": answer}
    if field in LIST_FIELDS:
        vendors = [v.strip() for v in raw.replace(",", ";").split(";") if v.strip()]
        unknown = [v for v in vendors if v not in Vendor.values]
        if unknown:
            raise ReleaseError(_("Unknown vendor: %(vendor)s.") % {"vendor": ", ".join(unknown)})
        return {"text": ";".join(dict.fromkeys(vendors))}
    return {"text": raw[:2000]}


def finding_record(
    *, release: Release, field: str, raw_value: str, page: int | None, by, note: str = ""
) -> Finding:
    """Record or correct one fact about a target; each version is kept in the history."""
    request = release.request
    if not request.is_open_to(by):
        raise PermissionDenied
    if field not in FindingField.values:
        raise ReleaseError(_("Choose one of the listed facts."))
    pages = StoredFile.objects.filter(pk=release.stored_id).values_list("page_count", flat=True)[0]
    if page is None and pages:
        raise ReleaseError(_("Give the page of the release this fact is on."))
    if page is not None and (page < 1 or (pages and page > pages)):
        raise ReleaseError(_("The page is not in this release."))
    values = {"number": None, "day": None, "text": "", **_parse_value(field, raw_value)}
    with transaction.atomic():
        finding, _created = Finding.objects.select_for_update().update_or_create(
            campaign_id=request.campaign_id,
            police_service_id=request.police_service_id,
            field=field,
            defaults={
                **values,
                "release": release,
                "page": page,
                "note": note.strip(),
                "recorded_by": by,
                "updated_at": timezone.now(),
            },
        )
        FindingRevision.objects.create(
            finding=finding, **values, release=release, page=page, note=note.strip(), recorded_by=by
        )
    return finding
