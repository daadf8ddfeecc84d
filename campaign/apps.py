from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaign site"


class AdminConfig(SimpleAdminConfig):
    """The admin, discovering every app's admin module except django-leaflet's.

    django-leaflet's admin module imports GeoDjango, which needs the GDAL library;
    this project keeps geometry in JSON with shapely instead (docs/architecture.md).
    """

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name != "leaflet" and module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
