from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("guide/", views.guide, name="guide"),
]
