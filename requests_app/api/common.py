"""What every API endpoint does the same way: the campaign shown, pages, and refusals."""

from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings

from .. import selectors
from ..models import Campaign

CAMPAIGN_PARAMETER = OpenApiParameter(
    "campaign",
    OpenApiTypes.STR,
    description=_(
        "Slug of an open campaign; the real campaign when left out. Demo rows are shown only "
        "when the demo campaign is chosen, and are marked `demo`."
    ),
)


def campaign_of(request) -> Campaign | None:
    """`?campaign=` or the real default campaign: one campaign at a time, as on the pages.
    Read once per request (lists, filters and figures all ask)."""
    if not hasattr(request, "_api_campaign"):
        try:
            request._api_campaign = selectors.chosen_campaign(
                request.query_params.get("campaign", "")
            )
        except Campaign.DoesNotExist:
            raise NotFound(_("No open campaign has that slug.")) from None
    return request._api_campaign


class Pages(PageNumberPagination):
    """`?page=` and `?page_size=` (up to 500); 100 rows a page unless asked."""

    page_size_query_param = "page_size"
    max_page_size = 500


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The target or claim changed meanwhile; read it again.")
    default_code = "conflict"


@contextmanager
def refusals(*errors: type[Exception], conflicts: tuple[type[Exception], ...] = ()):
    """A service's refusal as the API's answer: a conflict (409) as `{"detail": ...}`, any
    other refusal (400) as the non-field message of a validation error. The message is the
    service's own, the one the web page shows."""
    try:
        yield
    except conflicts as error:
        raise Conflict(str(error)) from None
    except errors as error:
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}) from None


def validated(serializer_class, request, **context) -> dict:
    """The request body checked by an input serializer; its field messages answer a 400."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SlugRelatedField(serializers.SlugRelatedField):
    """An object named by its slug in a request body. A NUL character names none (and
    PostgreSQL cannot hold one in a query)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)
