"""Corrections from the field: a volunteer proposes, an organizer accepts or rejects, the
proposer is told. Accepting changes the directory with its source and the day checked, and
the directory's history (django-simple-history) records who accepted it."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import filetypes
from ..directory_csv import _cell, _parse_yes_no
from ..models import AccessRegime, Correction, PoliceService, RegimeRuleSet
from ..models.corrections import SERVICE_FACTS, correctable_fields
from ..roles import is_organizer
from .notify import email_send


class CorrectionError(Exception):
    """A proposal or decision that cannot be accepted; the message is shown as is."""


def correctable_facts(service: PoliceService, today: date) -> list[tuple[str, str, list]]:
    """The facts a volunteer may correct on a service's page, grouped, as
    (group label, key prefix, [(key, label, current value as text)])."""
    rule_set = service.regime.rule_set_on(today)
    groups = [
        (Correction.Target.SERVICE, service, SERVICE_FACTS),
        (Correction.Target.REGIME, service.regime, correctable_fields(AccessRegime)),
    ]
    if rule_set is not None:
        groups.append((Correction.Target.RULE_SET, rule_set, correctable_fields(RegimeRuleSet)))
    return [
        (
            target.label,
            target.value,
            [
                (
                    f"{target.value}:{name}",
                    str(row._meta.get_field(name).verbose_name),
                    _cell(getattr(row, name)),
                )
                for name in names
            ],
        )
        for target, row, names in groups
    ]


def _resolve(service: PoliceService, key: str, today: date):
    """The target, row and field a fact key ("service:foi_email") names."""
    target, _sep, name = key.partition(":")
    if target == Correction.Target.SERVICE and name in SERVICE_FACTS:
        return target, service, name
    if target == Correction.Target.REGIME and name in correctable_fields(AccessRegime):
        return target, service.regime, name
    rule_set = service.regime.rule_set_on(today)
    if (
        target == Correction.Target.RULE_SET
        and rule_set is not None
        and name in correctable_fields(RegimeRuleSet)
    ):
        return target, rule_set, name
    raise CorrectionError(_("Choose a fact from the list."))


def _clean(row, name: str, text: str):
    """The proposed text as the field's value, checked as the admin checks it."""
    field = row._meta.get_field(name)
    form_field = field.formfield() or forms.CharField()
    if isinstance(form_field, forms.NullBooleanField | forms.BooleanField):
        text = _parse_yes_no(text)
    try:
        return form_field.clean(text.strip())
    except ValidationError as error:
        raise CorrectionError(" ".join(error.messages)) from None


def correction_propose(
    *,
    service: PoliceService,
    fact: str,
    proposed_value: str,
    by,
    source_url: str = "",
    letter=None,
    note: str = "",
    today: date | None = None,
) -> Correction:
    """A signed-in volunteer proposes a new value for a filing or law fact, with a web page
    or a letter from the service as its source. Nothing changes until an organizer accepts."""
    if not by.is_authenticated:
        raise PermissionDenied
    today = today or timezone.localdate()
    target, row, name = _resolve(service, fact, today)
    value = _clean(row, name, proposed_value)
    if _cell(value) == _cell(getattr(row, name)):
        raise CorrectionError(_("That is already the value on record."))
    if not source_url.strip() and letter is None:
        raise CorrectionError(_("Give a source: a web page, or the letter the service sent you."))
    correction = Correction(
        police_service=service,
        target=target,
        regime=service.regime if target == Correction.Target.REGIME else None,
        rule_set=row if target == Correction.Target.RULE_SET else None,
        field=name,
        current_value=_cell(getattr(row, name)),
        proposed_value=_cell(value),
        source_url=source_url.strip(),
        note=note.strip(),
        proposed_by=by,
    )
    with transaction.atomic():
        if letter is not None:
            try:
                correction.letter, _created = filetypes.accept(letter, filetypes.LETTER)
            except filetypes.UploadError as error:
                raise CorrectionError(str(error)) from None
            correction.letter_name = filetypes.safe_name(letter.name or "")
        correction.save()
    return correction


def _source_of(correction: Correction) -> str:
    if correction.source_url:
        return correction.source_url
    return _("Letter from the service, with correction #%(pk)s") % {"pk": correction.pk}


def _decide(correction: Correction, *, by, status: str, reason: str) -> None:
    """Record the decision once: a correction already decided is refused."""
    if not is_organizer(by):
        raise PermissionDenied
    decided = Correction.objects.filter(pk=correction.pk, status=Correction.Status.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_reason=reason.strip()
    )
    if not decided:
        raise CorrectionError(_("This correction has already been decided."))
    correction.refresh_from_db()
    email_send(
        template="correction_decided",
        recipient=correction.proposed_by,
        context={"correction": correction},
        key=correction.pk,
    )


@transaction.atomic
def correction_accept(
    *, correction: Correction, by, reason: str = "", today: date | None = None
) -> None:
    """Apply the proposed value, stamp its source and the day checked, and tell the proposer."""
    today = today or timezone.localdate()
    _decide(correction, by=by, status=Correction.Status.ACCEPTED, reason=reason)
    row = type(correction.corrected).objects.select_for_update().get(pk=correction.corrected.pk)
    setattr(row, correction.field, _clean(row, correction.field, correction.proposed_value))
    source = _source_of(correction)
    if correction.target == Correction.Target.SERVICE:
        fact = correction.field.removesuffix("_fr")
        setattr(row, f"{fact}_source", source[:500])
        setattr(row, f"{fact}_checked", today)
    else:
        if source not in row.sources:
            row.source_urls = " | ".join([*row.sources, source])
        row.last_verified = today
    try:
        row.full_clean()
    except ValidationError as error:
        raise CorrectionError(" ".join(error.messages)) from None
    row._history_user = by
    row._change_reason = f"correction #{correction.pk} accepted"
    row.save()


@transaction.atomic
def correction_reject(*, correction: Correction, by, reason: str) -> None:
    """Refuse the proposal with a reason the proposer is sent."""
    if not reason.strip():
        raise CorrectionError(_("Say why the correction is rejected: the volunteer is told."))
    _decide(correction, by=by, status=Correction.Status.REJECTED, reason=reason)
