"""The campaign's figures in the REST API.

For now the figures the dashboard and the map already share: how many police services each
province has, how many are covered, and how many are in each status
(`requests_app.selectors.coverage_by_province`). The public statistics page will add its own
figures through the selectors it brings.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from requests_app import selectors
from requests_app.api.common import CAMPAIGN_PARAMETER, campaign_of
from requests_app.selectors import TargetStatus


class StatusCountsSerializer(serializers.Serializer):
    """How many services are in each status."""

    def get_fields(self):
        return {status.value: serializers.IntegerField() for status in TargetStatus}


class ProvinceFiguresSerializer(serializers.Serializer):
    province = serializers.CharField()
    name = serializers.CharField()
    services = serializers.IntegerField(help_text=_("Active police services."))
    covered = serializers.IntegerField(help_text=_("Claimed or further along."))
    statuses = StatusCountsSerializer()


class CampaignFiguresSerializer(serializers.Serializer):
    campaign = serializers.CharField(allow_null=True)
    demo = serializers.BooleanField()
    services = serializers.IntegerField()
    covered = serializers.IntegerField()
    statuses = StatusCountsSerializer()
    provinces = ProvinceFiguresSerializer(many=True)


def _statuses(row: dict) -> dict:
    return {status.value: row[status] for status in TargetStatus}


def campaign_figures(campaign) -> dict:
    provinces = selectors.coverage_by_province(campaign)
    return {
        "campaign": campaign.slug if campaign else None,
        "demo": bool(campaign and campaign.is_demo),
        "services": sum(row["services"] for row in provinces),
        "covered": sum(row["covered"] for row in provinces),
        "statuses": {
            status.value: sum(row[status] for row in provinces) for status in TargetStatus
        },
        "provinces": [
            {
                "province": row["province"],
                "name": str(row["name"]),
                "services": row["services"],
                "covered": row["covered"],
                "statuses": _statuses(row),
            }
            for row in provinces
        ],
    }


@extend_schema(
    summary=_("The campaign's figures"),
    parameters=[CAMPAIGN_PARAMETER],
    responses=CampaignFiguresSerializer,
)
@api_view(["GET"])
def stats(request):
    """Police services covered and in each status, for Canada and per province, in the
    campaign shown (`?campaign=`, the real one by default)."""
    return Response(CampaignFiguresSerializer(campaign_figures(campaign_of(request))).data)


def not_found(request, exception):
    """An address the site does not have: under /api/ a JSON answer, as every API error is;
    elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)
