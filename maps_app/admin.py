from django.contrib import admin

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
    raw_id_fields = ["police_service", "release", "submitted_by", "reviewed_by"]
    # A photo comes only through the site's upload path (requests_app.filetypes).
    readonly_fields = ["photo"]
    inlines = [CameraRevisionInline]

    def save_model(self, request, obj, form, change):
        services.camera_edit(camera=obj, by=request.user)
