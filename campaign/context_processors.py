from requests_app.roles import is_organizer


def site(request):
    """What every page's header needs to know about the visitor."""
    return {"is_organizer": is_organizer(request.user)}
