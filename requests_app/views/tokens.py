"""A volunteer's API tokens, made and revoked on their account page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms import ApiTokenForm
from ..models import ApiToken
from ..services import tokens
from .claims import profile_page


@never_cache  # the answer holds the secret: no browser or proxy keeps it
@login_required
@require_POST
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return profile_page(request, token_form=form)
    try:
        _token, secret = tokens.api_token_create(user=request.user, name=form.cleaned_data["name"])
    except tokens.TokenError as error:
        form.add_error("name", str(error))
        return profile_page(request, token_form=form)
    # Shown on this answer only (not through a message, which could be kept in a cookie).
    return profile_page(request, new_token=secret)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("requests_app:profile")
