from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from requests_app.admin import ReadOnlyAdmin

from . import services
from .models import CameraLocation, CameraRevision, ProvinceBoundary, ServiceArea


@admin.register(ProvinceBoundary)
class ProvinceBoundaryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    exclude = ["geometry"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["police_service", "feature_name", "source", "repaired", "imported_at"]
    search_fields = ["police_service__name_en", "feature_name"]
    exclude = ["geometry"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat", "imported_at"]


class CameraRevisionInline(admin.TabularInline):
    model = CameraRevision
    extra = 0
    can_delete = False
    readonly_fields = ["action", "data", "reason", "by", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CameraLocation)
class CameraLocationAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "vendor", "police_service", "source", "status", "created_at"]
    list_filter = ["status", "source", "vendor", "kind"]
    search_fields = ["police_service__name_en", "notes", "osm_id"]
    raw_id_fields = ["police_service", "release", "submitted_by"]
    # A photo comes only through the site's upload path (requests_app.filetypes). The review
    # is decided only through `services.camera_decide` (the action below, or the review
    # queue, where a rejection gives its reason), which records the reviewer in the history.
    readonly_fields = ["photo", "status", "reviewed_by", "reviewed_at", "decision_reason"]
    inlines = [CameraRevisionInline]
    actions = ["approve"]

    def has_delete_permission(self, request, obj=None):
        return False  # a camera's history must stay; reject it instead

    def save_model(self, request, obj, form, change):
        services.camera_edit(camera=obj, by=request.user)

    @admin.action(description=_("Approve the selected cameras (they become public)"))
    def approve(self, request, queryset):
        approved, refused = 0, []
        for camera in queryset:
            try:
                services.camera_decide(camera=camera, by=request.user, decision="approved")
            except services.CameraError as error:
                refused.append(f"#{camera.pk}: {error}")
            else:
                approved += 1
        self.message_user(request, _("%(count)s approved.") % {"count": approved})
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)


@admin.register(CameraRevision)
class CameraRevisionAdmin(ReadOnlyAdmin):
    """Camera history is append-only: read here, never changed or deleted."""

    list_display = ["camera", "action", "by", "at"]
    readonly_fields = ["camera", "action", "data", "reason", "by", "at"]
