from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("guide/", views.guide, name="guide"),
]

urlpatterns += [
    path("services/<slug:slug>/claim/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/release/", views.claim_release, name="claim_release"),
    path("claims/<int:pk>/reassign/", views.claim_reassign, name="claim_reassign"),
    path("claims/<int:pk>/remind/", views.claim_remind, name="claim_remind"),
    path("claims/<int:pk>/help/", views.claim_help_offer, name="claim_help_offer"),
    path(
        "claims/<int:pk>/helpers/<int:helper_pk>/<str:decision>/",
        views.claim_help_decide,
        name="claim_help_decide",
    ),
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile, name="profile"),
]

urlpatterns += [
    path("services/<slug:slug>/letter/", views.letter, name="letter"),
    path("services/<slug:slug>/file/", views.request_file, name="request_file"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path(
        "requests/<int:pk>/events/<int:event_pk>/attachment/",
        views.event_attachment,
        name="event_attachment",
    ),
]

urlpatterns += [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("me/calendar/", views.calendar_token, name="calendar_token"),
    path("me/tokens/", views.api_token_create, name="api_token_create"),
    path("me/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]

urlpatterns += [
    path("requests/<int:pk>/releases/", views.release_upload, name="release_upload"),
    path("releases/<int:pk>/", views.release_detail, name="release"),
    path("releases/<int:pk>/file/", views.release_file, name="release_file"),
    path("releases/search/", views.releases_search, name="releases_search"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("findings/", views.findings, name="findings"),
]

urlpatterns += [
    path("services/<slug:slug>/corrections/new/", views.correction_new, name="correction_new"),
    path("corrections/", views.corrections_queue, name="corrections"),
    path("corrections/<int:pk>/decide/", views.correction_decide, name="correction_decide"),
    path("corrections/<int:pk>/letter/", views.correction_letter, name="correction_letter"),
    path("requests/<int:pk>/appeal/", views.appeal_open, name="appeal_open"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/letter/", views.appeal_letter, name="appeal_letter"),
    path(
        "appeals/<int:pk>/events/<int:event_pk>/attachment/",
        views.appeal_attachment,
        name="appeal_attachment",
    ),
]

APPEAL = {"of": "appeal"}
urlpatterns += [
    path("requests/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("appeals/<int:pk>/comments/", views.comment_create, APPEAL, name="appeal_comment_create"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("requests/<int:pk>/watch/", views.watch, name="request_watch"),
    path("appeals/<int:pk>/watch/", views.watch, APPEAL, name="appeal_watch"),
    path("services/<slug:slug>/watch/", views.service_watch, name="service_watch"),
    path("watching/stop/<str:token>/", views.watch_stop, name="watch_stop"),
    path("requests/<int:pk>/help-wanted/", views.help_wanted_open, name="help_wanted_open"),
    path(
        "appeals/<int:pk>/help-wanted/",
        views.help_wanted_open,
        APPEAL,
        name="appeal_help_wanted_open",
    ),
    path("help-wanted/<int:pk>/close/", views.help_wanted_close, name="help_wanted_close"),
    path("help-wanted/", views.help_wanted, name="help_wanted"),
    path("claims/<int:pk>/message/", views.team_message, name="team_message"),
]
