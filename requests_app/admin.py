from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .directory_csv import DirectoryImportError, directory_export, directory_import
from .models import (
    AccessRegime,
    AccessRequest,
    Campaign,
    Claim,
    Comment,
    Correction,
    HelpWanted,
    LetterTemplate,
    Municipality,
    OutgoingEmail,
    PoliceService,
    RecordCategory,
    RegimeRuleSet,
    RequestEvent,
    TargetActivity,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "show_name_publicly", "is_staff", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Public name"), {"fields": ["display_name", "show_name_publicly"]}),
        (_("Roles"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class RegimeRuleSetInline(admin.StackedInline):
    model = RegimeRuleSet
    extra = 0
    fields = [
        ("effective_from", "effective_to"),
        ("response_days", "day_kind", "extension_days"),
        "response_time_confirmed",
        ("extension_rule", "extension_rule_fr"),
        ("fee_estimate_pauses_clock", "deemed_refusal"),
        ("appeal_window_days", "appeal_day_kind"),
        ("appeal_window_from", "appeal_window_from_fr"),
        ("appeal_window_earliest_days", "appeal_window_earliest_day_kind"),
        "unconfirmed",
        ("source_urls", "last_verified"),
        "notes",
    ]


@admin.register(AccessRegime)
class AccessRegimeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_name", "jurisdiction", "application_fee", "last_verified"]
    list_filter = ["jurisdiction"]
    search_fields = ["code", "name_en", "name_fr", "short_name"]
    inlines = [RegimeRuleSetInline]
    fieldsets = [
        (None, {"fields": ["code", "jurisdiction", "name_en", "name_fr", "short_name",
                           "placeholder", ("citation", "citation_fr"),
                           ("applies_to", "applies_to_fr"),
                           ("requests_go_to_en", "requests_go_to_fr")]}),
        (_("Letters"), {"fields": [("addressee_en", "addressee_fr"),
                                   ("letter_basis_en", "letter_basis_fr")]}),
        (_("Fees"), {"fields": ["application_fee", "application_fee_section",
                                ("fee_payable_to_en", "fee_payable_to_fr"),
                                ("fee_notes", "fee_notes_fr"),
                                ("fee_waiver_basis", "fee_waiver_basis_fr"),
                                ("fee_waiver_ground_en", "fee_waiver_ground_fr")]}),
        (_("Appeal"), {"fields": ["appeal_body_en", "appeal_body_fr", "appeal_body_url",
                                  "appeal_body_url_fr", "recourse_kind",
                                  ("recourse_en", "recourse_fr"), "appeal_fee",
                                  ("appeal_fee_notes", "appeal_fee_notes_fr")]}),
        (_("Sections cited in letters"), {"fields": [
            "right_of_access_section", "how_to_request_section", "duty_to_assist_section",
            "time_limit_section", "extension_section", "deemed_refusal_section", "fees_section",
            "fee_waiver_section", "review_or_appeal_section", "appeal_time_limit_section"]}),
        (_("Sources"), {"fields": ["portal_url", "source_urls", "last_verified", "notes"]}),
    ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        # A regime in use is protected by its services; one never used may go.
        return super().has_delete_permission(request, obj) and not (
            obj and obj.police_services.exists()
        )


@admin.register(RegimeRuleSet)
class RegimeRuleSetAdmin(SimpleHistoryAdmin):
    """Rule sets are edited with their regime; here each keeps its own history."""

    list_display = ["__str__", "response_days", "day_kind", "last_verified"]
    list_filter = ["regime__jurisdiction"]
    list_select_related = ["regime"]
    fields = RegimeRuleSetInline.fields


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("The format export_directory writes."))
    dry_run = forms.BooleanField(label=_("Only check, import nothing"), required=False)


@admin.register(PoliceService)
class PoliceServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "province", "kind", "regime", "known_alpr", "active"]
    list_filter = ["province", "kind", "known_alpr", "active", "regime"]
    search_fields = ["name_en", "name_fr", "short_name", "hq_city", "slug"]
    list_select_related = ["regime"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["export_csv"]
    change_list_template = "admin/requests_app/policeservice/change_list.html"
    fieldsets = [
        (None, {"fields": ["name_en", "name_fr", "short_name", "slug", "kind", "province",
                           "hq_city", ("latitude", "longitude"), "website", "regime", "parent",
                           "police_of_jurisdiction", "active"]}),
        (_("ALPR"), {"fields": ["known_alpr", "known_alpr_note"]}),
        (_("How to file (each fact with its source and the day it was checked)"), {
            "fields": [(f, f"{f}_source", f"{f}_checked") for f in PoliceService.FILING_FACTS]
            + [f"{f}_fr" for f in PoliceService.TRANSLATED_FACTS]}),
        (_("Sources"), {"fields": ["source_urls", "notes", "created_at", "updated_at"]}),
    ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        # Services merge and dissolve: untick "active" instead of deleting.
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="requests_app_policeservice_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="requests_app_policeservice_export",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = directory_import(
                    form.cleaned_data["file"].read(), dry_run=form.cleaned_data["dry_run"]
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except DirectoryImportError as exc:
                report = exc.report
            else:
                if not report.dry_run:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    return redirect("admin:requests_app_policeservice_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import police services"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/requests_app/policeservice/import.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._csv_response(None)

    @admin.action(description=_("Export selected services as CSV"))
    def export_csv(self, request, queryset):
        return self._csv_response(queryset.select_related("regime", "parent").order_by("slug"))

    def _csv_response(self, services):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="police_services.csv"'
        directory_export(response, services)
        return response


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "policed_by", "population"]
    list_filter = ["province"]
    search_fields = ["name", "name_fr", "slug", "policed_by__name_en"]
    list_select_related = ["policed_by"]
    autocomplete_fields = ["policed_by"]
    fields = [
        ("name", "name_fr"),
        "slug",
        "province",
        ("latitude", "longitude"),
        ("population", "land_area_km2", "csduid"),
        "policed_by",
        "source",
        "location_source",
    ]


class RecordCategoryInline(admin.StackedInline):
    model = RecordCategory
    extra = 0
    fields = [("key", "position"), ("title_en", "title_fr"), "wording_en", "wording_fr"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_on", "ends_on", "active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RecordCategoryInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is append-only: organizers read it here and act through the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["police_service", "field", "status", "proposed_by", "proposed_at"]
    list_filter = ["status", "target"]
    search_fields = ["police_service__name_en", "field", "proposed_value"]
    list_select_related = ["police_service", "proposed_by"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "police_service",
        "campaign",
        "volunteer",
        "claimed_at",
        "released_at",
        "ending",
    ]
    list_filter = ["campaign", "ending", "police_service__province"]
    search_fields = ["police_service__name_en", "volunteer__email"]
    list_select_related = ["police_service", "campaign", "volunteer"]


@admin.register(TargetActivity)
class TargetActivityAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "police_service", "campaign", "kind", "actor", "subject"]
    list_filter = ["kind", "campaign"]
    search_fields = ["police_service__name_en", "reason"]
    list_select_related = ["police_service", "campaign", "actor", "subject"]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ["occurred_on", "status", "note", "extension_days", "new_due_on", "logged_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["police_service", "campaign", "status", "filed_on", "due_on", "volunteer"]
    list_filter = ["status", "campaign", "police_service__province"]
    search_fields = ["police_service__name_en", "reference_number", "volunteer__email"]
    list_select_related = ["police_service", "campaign", "volunteer"]
    inlines = [RequestEventInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Comments, hidden ones included (organizers hide them from the request page)."""

    list_display = ["created_at", "request", "author", "visibility", "hidden_at"]
    list_filter = ["visibility", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "request__police_service__name_en", "author__email"]
    list_select_related = ["request__police_service", "author"]


@admin.register(HelpWanted)
class HelpWantedAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "request", "needed", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["request__police_service"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "regime", "language", "updated_at"]
    list_filter = ["kind", "language"]

    def get_changeform_initial_data(self, request):
        # Start from the shipped wording so an organizer edits rather than writes from scratch.
        from django.template.loader import get_template

        initial = super().get_changeform_initial_data(request)
        language = initial.get("language", "en")
        kind = initial.get("kind", LetterTemplate.Kind.REQUEST)
        initial.setdefault("body", get_template(f"letters/{kind}_{language}.txt").template.source)
        return initial


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox: what was sent, and what still waits with its last error (an e-mail that
    failed `notify.MAX_ATTEMPTS` times is no longer retried)."""

    list_display = ["subject", "recipient", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "subject", "key"]
    fields = [
        "key", "recipient", "subject", "body", "language", "created_at", "sent_at",
        "attempts", "last_error",
    ]  # fmt: skip
    readonly_fields = fields
