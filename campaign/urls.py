from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from maps_app import api as maps_api
from requests_app import views as requests_views
from requests_app.api import appeals, claims, directory, releases, requests

from . import api, views

# No `.json` suffixes: the API speaks JSON (or GeoJSON where it says so) at one address per
# resource, and the actions' views took no `format` argument (a suffixed address was a 500).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("regimes", directory.AccessRegimeViewSet, basename="regime")
router.register("services", directory.PoliceServiceViewSet, basename="service")
router.register("releases", releases.ReleaseViewSet, basename="release")
router.register("findings", releases.FindingViewSet, basename="finding")
router.register("cameras", maps_api.CameraViewSet, basename="camera")
router.register("appeals", appeals.AppealViewSet, basename="appeal")
router.register("requests", requests.RequestViewSet, basename="request")
router.register("claims", claims.ClaimViewSet, basename="claim")

# API clients get JSON for an address that does not exist, pages get the site's page.
handler404 = api.not_found

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon; lazy so the static
    # manifest is read on the first request, not at import.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    # A data file, the same in every language.
    path("findings.csv", requests_views.findings_csv, name="findings_csv"),
    path("stats/<slug:table>.csv", views.stats_csv, name="stats_csv"),
    path("dashboard/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("api/v1/stats/", api.stats, name="api-stats"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's set-up script served as a file of its own, not inline (the CSP forbids it).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]

# Pages: English at the root, French under /fr/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("stats/", views.stats, name="stats"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("activity/", views.activity, name="activity"),
    # Inside the language prefix so the switcher can translate the French page's address.
    path("i18n/", include("django.conf.urls.i18n")),
    # Before requests_app's pages: the map's data endpoints are the most asked for.
    path("", include("maps_app.urls")),  # /map/, /map/embed/, /api/map/... (maps_app)
    path("", include("requests_app.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
