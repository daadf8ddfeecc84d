"""Import and export of the directory as CSV.

An import is all or nothing: every row is validated first (with the same model forms
the admin uses) and, if any row is bad, nothing is written and every bad row is
reported with its line number. Rows are matched on their key (a service's slug, a
regime's code, a rule set's regime and start date), so importing the same file twice
changes nothing, and `export_directory` writes back the format `import_directory` reads.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from .models import (
    AccessRegime,
    Campaign,
    Municipality,
    PoliceService,
    RecordCategory,
    RegimeRuleSet,
)

DATA_DIR = Path(settings.BASE_DIR) / "data"

SERVICE_COLUMNS = [
    "slug",
    "name_en",
    "name_fr",
    "short_name",
    "kind",
    "province",
    "hq_city",
    "latitude",
    "longitude",
    "website",
    "regime_code",
    "parent_slug",
    "known_alpr",
    "known_alpr_note",
    *[
        f"{fact}{suffix}"
        for fact in PoliceService.FILING_FACTS
        for suffix in ("", "_source", "_checked")
    ],
    *[f"{fact}_fr" for fact in PoliceService.TRANSLATED_FACTS],
    "police_of_jurisdiction",
    "active",
    "source_urls",
    "notes",
]
SERVICE_REQUIRED_COLUMNS = {"name_en", "kind", "province", "latitude", "longitude", "regime_code"}

REGIME_COLUMNS = [
    f.name for f in AccessRegime._meta.get_fields() if f.concrete and f.name != "id"
]  # fmt: skip
RULE_SET_COLUMNS = [
    "regime_code",
    *[
        f.name
        for f in RegimeRuleSet._meta.get_fields()
        if f.concrete and f.name not in ("id", "regime")
    ],
]

MUNICIPALITY_COLUMNS = [
    "slug",
    "name",
    "name_fr",
    "province",
    "latitude",
    "longitude",
    "population",
    "land_area_km2",
    "csduid",
    "policed_by_slug",
    "source",
    "location_source",
]

Progress = Callable[[int, int], None]


@dataclass
class RowError:
    line: int
    key: str
    messages: list[str]

    def __str__(self):
        where = f"line {self.line}" + (f" ({self.key})" if self.key else "")
        return f"{where}: " + "; ".join(self.messages)


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        if not self.ok:
            return f"{len(self.errors)} bad row(s); nothing was imported."
        return (
            f"{self.total} row(s): {self.created} {verb} created, {self.updated} {verb} "
            f"updated, {self.unchanged} unchanged."
        )


class DirectoryImportError(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__("\n".join(str(error) for error in report.errors))


# Text forms of values in the CSV files.
def _yes_no(value) -> str:
    if value is None:
        return ""
    return "yes" if value else "no"


def _decimal(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value != value.to_integral() else f"{value:.2f}"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _coordinate(value: Decimal) -> str:
    """At least 4 decimals (about 10 m), more only when stored."""
    text = f"{value:.6f}".rstrip("0")
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(4, '0')}"


def _parse_yes_no(value: str) -> str:
    """Map yes/no (any case) to what a nullable boolean form field reads."""
    lowered = value.strip().lower()
    return {"yes": "true", "no": "false", "": ""}.get(lowered, value)


def _booleans_for_form(model, data: dict[str, str]) -> None:
    """yes/no cells as a form reads them; a column the file leaves out takes the default."""
    for model_field in model._meta.fields:
        if isinstance(model_field, models.BooleanField):
            cell = data.get(model_field.name, "")
            default = "true" if model_field.default is True else "false"
            data[model_field.name] = _parse_yes_no(cell) or default


# Model forms validate each row exactly as the admin validates an edit.
class ServiceRowForm(forms.ModelForm):
    regime = forms.ModelChoiceField(
        queryset=AccessRegime.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": "unknown regime code %(value)s"},
    )
    accepts_cards = forms.NullBooleanField(required=False)
    active = forms.NullBooleanField(required=False)

    class Meta:
        model = PoliceService
        fields = [
            f.name
            for f in PoliceService._meta.get_fields()
            if f.concrete and f.editable and f.name not in ("id", "parent", "search_text")
        ]


class RegimeRowForm(forms.ModelForm):
    class Meta:
        model = AccessRegime
        fields = REGIME_COLUMNS


class RuleSetRowForm(forms.ModelForm):
    regime = forms.ModelChoiceField(
        queryset=AccessRegime.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": "unknown regime code %(value)s"},
    )

    class Meta:
        model = RegimeRuleSet
        fields = ["regime", *RULE_SET_COLUMNS[1:]]


class MunicipalityRowForm(forms.ModelForm):
    policed_by = forms.ModelChoiceField(
        queryset=PoliceService.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": "no police service has the slug %(value)s"},
    )

    class Meta:
        model = Municipality
        # The file's columns, the police service named by its slug.
        fields = [column.removesuffix("_slug") for column in MUNICIPALITY_COLUMNS]


def service_row(service: PoliceService) -> dict[str, str]:
    row = {}
    for column in SERVICE_COLUMNS:
        if column == "regime_code":
            row[column] = service.regime.code if service.regime_id else ""
        elif column == "parent_slug":
            row[column] = service.parent.slug if service.parent_id else ""
        elif column in ("latitude", "longitude"):
            value = getattr(service, column)
            row[column] = _coordinate(Decimal(value)) if value is not None else ""
        else:
            row[column] = _cell(getattr(service, column))
    return row


def regime_row(regime: AccessRegime) -> dict[str, str]:
    return {column: _cell(getattr(regime, column)) for column in REGIME_COLUMNS}


def rule_set_row(rule_set: RegimeRuleSet) -> dict[str, str]:
    row = {column: _cell(getattr(rule_set, column, None)) for column in RULE_SET_COLUMNS[1:]}
    return {"regime_code": rule_set.regime.code, **row}


def municipality_row(municipality: Municipality) -> dict[str, str]:
    row = {}
    for column in MUNICIPALITY_COLUMNS:
        if column == "policed_by_slug":
            row[column] = municipality.policed_by.slug if municipality.policed_by_id else ""
        elif column in ("latitude", "longitude"):
            row[column] = _coordinate(Decimal(getattr(municipality, column)))
        else:
            row[column] = _cell(getattr(municipality, column))
    return row


def _read_csv(source) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Rows with the line number each starts on; accepts text, bytes or a file."""
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    if isinstance(source, str):
        source = io.StringIO(source)
    reader = csv.DictReader(source)
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        rows, start = [], reader.line_num + 1
        for raw in reader:
            extra = raw.pop(None, None)
            row = {k: (v or "").strip() for k, v in raw.items()}
            if extra:
                row["__extra__"] = "too many cells"
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:  # a cell past the csv module's limit (128 KiB), a stray quote
        report = ImportReport()
        report.errors = [RowError(reader.line_num or 1, "", [f"not readable as CSV: {error}"])]
        raise DirectoryImportError(report) from None
    return header, rows


def _header_errors(header: list[str], known: list[str], required: set[str]) -> list[RowError]:
    errors = []
    missing = sorted(required - set(header))
    unknown = [name for name in header if name not in known]
    if missing:
        errors.append(RowError(1, "", [f"missing column(s): {', '.join(missing)}"]))
    if unknown:
        errors.append(RowError(1, "", [f"unknown column(s): {', '.join(unknown)}"]))
    return errors


def _form_messages(form: forms.BaseForm, renames: dict[str, str]) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        column = renames.get(name, name)
        for error in errors:
            messages.append(error if name == "__all__" else f"{column}: {error}")
    return messages


@dataclass
class _Plan:
    """A validated row, ready to save."""

    line: int
    form: forms.ModelForm
    state: str  # created, updated, unchanged
    parent_slug: str = ""


# CSV columns that name a related row, and the form field each fills.
RELATED_COLUMNS = {"regime_code": "regime", "policed_by_slug": "policed_by"}


def _plan_row(line, key, form, before, row_of) -> tuple[_Plan | None, list[str]]:
    if not form.is_valid():
        return None, _form_messages(form, {v: k for k, v in RELATED_COLUMNS.items()})
    instance = form.save(commit=False)
    if before is None:
        state = "created"
    else:
        state = "unchanged" if row_of(instance) == before else "updated"
    return _Plan(line, form, state), []


def _services_plan(rows, progress: Progress | None) -> tuple[list[_Plan], list[RowError]]:
    existing = {s.slug: s for s in PoliceService.objects.select_related("regime", "parent")}
    file_slugs: dict[str, int] = {}
    plans, errors = [], []
    for done, (line, row) in enumerate(rows, start=1):
        messages = []
        if row.pop("__extra__", None):
            messages.append("the row has more cells than the header")
        if not row.get("name_en"):
            messages.append("name_en: a name is required")
        slug = row.get("slug") or slugify(row.get("name_en", ""))
        if slug in file_slugs:
            messages.append(f"slug {slug} is already used on line {file_slugs[slug]}")
        file_slugs.setdefault(slug, line)
        instance = existing.get(slug)
        # Columns the file leaves out keep the stored value (or stay blank for a new row).
        data = service_row(instance) if instance else {}
        data.update(row)
        data["slug"] = slug
        data["regime"] = data.pop("regime_code", "")
        for name in ("accepts_cards", "police_of_jurisdiction", "active"):
            data[name] = _parse_yes_no(data.get(name, ""))
        data.setdefault("active", "true")
        data["active"] = data["active"] or "true"
        data.setdefault("known_alpr", PoliceService.KnownAlpr.UNKNOWN)
        data["known_alpr"] = data["known_alpr"] or PoliceService.KnownAlpr.UNKNOWN
        before = _service_row_without_parent(instance) if instance else None
        form = ServiceRowForm(data, instance=instance)
        plan, form_messages = _plan_row(line, slug, form, before, _service_row_without_parent)
        # "a name is required" above already says what the form's own message would.
        messages += [
            m for m in form_messages if not (m.startswith("name_en:") and not row.get("name_en"))
        ]
        if plan and not messages:
            plan.parent_slug = data.get("parent_slug", "")
            if (
                instance
                and (instance.parent.slug if instance.parent_id else "") != plan.parent_slug
            ):
                plan.state = "updated"
            plans.append(plan)
        if messages:
            errors.append(RowError(line, slug, messages))
        if progress:
            progress(done, len(rows))
    known_slugs = set(existing) | set(file_slugs)
    for plan in plans:
        slug = plan.form.instance.slug
        if plan.parent_slug == slug:
            errors.append(
                RowError(plan.line, slug, ["parent_slug: a service cannot be its own parent"])
            )
        elif plan.parent_slug and plan.parent_slug not in known_slugs:
            errors.append(
                RowError(
                    plan.line, slug, [f"parent_slug: no service has the slug {plan.parent_slug}"]
                )
            )
    return plans, errors


def _service_row_without_parent(service: PoliceService) -> dict[str, str]:
    row = service_row(service)
    row.pop("parent_slug")
    return row


def _count(report: ImportReport, plans: Iterable[_Plan]) -> None:
    for plan in plans:
        setattr(report, plan.state, getattr(report, plan.state) + 1)


# The reason each import gives in the directory's history (django-simple-history); the
# admin's import also records who ran it.
CSV_IMPORT = "CSV import"
SHIPPED_DATA = "shipped reference data"


def directory_import(
    source,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    only_missing: bool = False,
    change_reason: str = CSV_IMPORT,
) -> ImportReport:
    """Upsert police services from CSV; raises DirectoryImportError with every bad row.

    `only_missing` adds services whose slug is new and leaves existing ones as they are,
    so reloading the shipped data never overwrites an organizer's edits.
    """
    header, rows = _read_csv(source)
    report = ImportReport(total=len(rows), dry_run=dry_run)
    report.errors = _header_errors(header, SERVICE_COLUMNS, SERVICE_REQUIRED_COLUMNS)
    if report.errors:
        raise DirectoryImportError(report)
    if only_missing:
        present = set(PoliceService.objects.values_list("slug", flat=True))
        rows = [
            (n, r)
            for n, r in rows
            if (r.get("slug") or slugify(r.get("name_en", ""))) not in present
        ]
        report.unchanged = report.total - len(rows)
    plans, report.errors = _services_plan(rows, progress)
    if report.errors:
        report.errors.sort(key=lambda error: error.line)
        raise DirectoryImportError(report)
    _count(report, plans)
    if not dry_run:
        _apply_services(plans, change_reason)
    return report


@transaction.atomic
def _apply_services(plans: list[_Plan], change_reason: str) -> None:
    for plan in plans:
        plan.form.instance._change_reason = change_reason
        if plan.state != "unchanged":
            plan.form.save()
    parents = {
        s.slug: s for s in PoliceService.objects.filter(slug__in={p.parent_slug for p in plans})
    }
    for plan in plans:
        service = plan.form.instance
        parent = parents.get(plan.parent_slug)
        if service.parent_id != (parent.pk if parent else None):
            service.parent = parent
            service.save(update_fields=["parent", "updated_at"])


def directory_export(stream, services: Iterable[PoliceService] | None = None) -> int:
    """Write services in the import format; returns how many rows were written."""
    if services is None:
        services = PoliceService.objects.select_related("regime", "parent").order_by("slug")
    writer = csv.DictWriter(stream, fieldnames=SERVICE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for service in services:
        writer.writerow(service_row(service))
        count += 1
    return count


def _import_keyed(
    source,
    *,
    form_class,
    key_of,
    lookup,
    row_of,
    columns,
    only_missing,
    dry_run: bool = False,
    progress: Progress | None = None,
    change_reason: str = CSV_IMPORT,
):
    """Upsert rows of a simple table (regimes, rule sets, municipalities) keyed by
    `key_of(row)`: every row is checked, and any bad one means nothing is written."""
    header, rows = _read_csv(source)
    report = ImportReport(total=len(rows), dry_run=dry_run)
    report.errors = _header_errors(header, columns, set(columns[:1]))
    plans = []
    seen: dict[str, int] = {}
    for done, (line, row) in enumerate(rows if not report.errors else [], start=1):
        if progress:
            progress(done, len(rows))
        if row.pop("__extra__", None):
            report.errors.append(
                RowError(line, key_of(row), ["the row has more cells than the header"])
            )
            continue
        key = key_of(row)
        if key in seen:
            report.errors.append(RowError(line, key, [f"also on line {seen[key]}"]))
            continue
        seen[key] = line
        instance = lookup(row)
        if instance is not None and only_missing:
            report.unchanged += 1
            continue
        data = row_of(instance) if instance else {}
        data.update(row)
        for column, field_name in RELATED_COLUMNS.items():
            if column in data:
                data[field_name] = data.pop(column)
        _booleans_for_form(form_class._meta.model, data)
        before = row_of(instance) if instance else None
        plan, messages = _plan_row(line, key, form_class(data, instance=instance), before, row_of)
        if messages:
            report.errors.append(RowError(line, key, messages))
        else:
            plans.append(plan)
    if report.errors:
        raise DirectoryImportError(report)
    _count(report, plans)
    if not dry_run:
        with transaction.atomic():
            for plan in plans:
                if plan.state != "unchanged":
                    plan.form.instance._change_reason = change_reason
                    plan.form.save()
    return report


def municipalities_import(
    source,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    only_missing: bool = False,
    change_reason: str = CSV_IMPORT,
) -> ImportReport:
    """Upsert municipalities by slug from CSV (the export_municipalities format); raises
    DirectoryImportError with every bad row, and then writes nothing."""
    return _import_keyed(
        source,
        form_class=MunicipalityRowForm,
        key_of=lambda row: row.get("slug", ""),
        lookup=lambda row: (
            Municipality.objects.select_related("policed_by").filter(slug=row.get("slug")).first()
        ),
        row_of=municipality_row,
        columns=MUNICIPALITY_COLUMNS,
        only_missing=only_missing,
        dry_run=dry_run,
        progress=progress,
        change_reason=change_reason,
    )


def municipalities_export(stream) -> int:
    """Write every municipality in the import format; returns how many rows were written."""
    writer = csv.DictWriter(stream, fieldnames=MUNICIPALITY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for municipality in Municipality.objects.select_related("policed_by").order_by("slug"):
        writer.writerow(municipality_row(municipality))
        count += 1
    return count


def _rule_set_lookup(row):
    return (
        RegimeRuleSet.objects.select_related("regime")
        .filter(
            regime__code=row.get("regime_code"), effective_from=row.get("effective_from") or None
        )
        .first()
        if row.get("effective_from")
        else None
    )


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR, only_missing: bool = True) -> dict:
    """Load the shipped regimes, rule sets and directory; by default only what is missing."""
    reports = {}
    reports["regimes"] = _import_keyed(
        (data_dir / "access_regimes.csv").read_text(encoding="utf-8"),
        form_class=RegimeRowForm,
        key_of=lambda row: row.get("code", ""),
        lookup=lambda row: AccessRegime.objects.filter(code=row.get("code")).first(),
        row_of=regime_row,
        columns=REGIME_COLUMNS,
        only_missing=only_missing,
        change_reason=SHIPPED_DATA,
    )
    reports["rule sets"] = _import_keyed(
        (data_dir / "regime_rule_sets.csv").read_text(encoding="utf-8"),
        form_class=RuleSetRowForm,
        key_of=lambda row: f"{row.get('regime_code')} {row.get('effective_from')}",
        lookup=_rule_set_lookup,
        row_of=rule_set_row,
        columns=RULE_SET_COLUMNS,
        only_missing=only_missing,
        change_reason=SHIPPED_DATA,
    )
    reports["police services"] = directory_import(
        (data_dir / "police_services.csv").read_text(encoding="utf-8"),
        only_missing=only_missing,
        change_reason=SHIPPED_DATA,
    )
    reports["municipalities"] = municipalities_import(
        (data_dir / "municipalities.csv").read_text(encoding="utf-8"),
        only_missing=only_missing,
        change_reason=SHIPPED_DATA,
    )
    reports["campaigns"] = campaigns_load(data_dir / "campaigns.json")
    return reports


def campaigns_load(path: Path) -> ImportReport:
    """Create the shipped campaigns and their record categories if they are missing."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    report = ImportReport(total=len(entries))
    for entry in entries:
        categories = entry.pop("categories")
        campaign, created = Campaign.objects.get_or_create(slug=entry["slug"], defaults=entry)
        if not created:
            report.unchanged += 1
            continue
        report.created += 1
        for position, category in enumerate(categories):
            RecordCategory.objects.create(campaign=campaign, position=position, **category)
    return report
