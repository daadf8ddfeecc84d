from requests_app.roles import is_organizer


def site(request):
    """What every page's header needs to know about the visitor."""
    # A 400 raised before AuthenticationMiddleware (a bad Host header) has no user yet.
    return {"is_organizer": is_organizer(getattr(request, "user", None))}
