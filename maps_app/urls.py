from django.urls import path

from . import api, views

app_name = "maps_app"

urlpatterns = [
    # Data endpoints (documented public addresses), first: the map asks for dozens at a time.
    path("api/map/coverage.geojson", api.coverage, name="api_coverage"),
    path("api/map/cameras/<int:z>/<int:x>/<int:y>.json", api.camera_tile, name="api_camera_tile"),
    path("api/map/cameras/<int:pk>", api.camera_detail, name="api_camera_detail"),
    path("api/map/cameras", api.cameras, name="api_cameras"),
    path("api/map/suggest", api.suggest, name="api_suggest"),
    path("map/", views.map_page, name="map"),
    path("map/embed/", views.map_embed, name="embed"),
    path("map/cameras/new/", views.camera_new, name="camera_new"),
    path("map/cameras/mine/", views.my_cameras, name="my_cameras"),
    path("map/cameras/review/", views.camera_queue, name="review"),
    path("map/cameras/<int:pk>/", views.camera_detail, name="camera"),
    path("map/cameras/<int:pk>/decide/", views.camera_decide, name="camera_decide"),
    path("map/cameras/<int:pk>/photo/", views.camera_photo, name="camera_photo"),
    path("map/cameras.geojson", views.export_geojson, name="export_geojson"),
    path("map/cameras.csv", views.export_csv, name="export_csv"),
    path("map/cameras.osm", views.export_osm, name="export_osm"),
]
