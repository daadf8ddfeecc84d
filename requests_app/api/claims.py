"""Claiming a target and letting it go, as the service page's buttons do."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import ratelimit, selectors
from ..models import Campaign, Claim, PoliceService
from ..services import claims as claim_services
from .common import SlugRelatedField, refusals, validated
from .schema import ERROR


class ClaimSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    demo = serializers.BooleanField(source="campaign.is_demo", read_only=True)
    police_service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_claimant = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id", "campaign", "demo", "police_service", "is_claimant", "claimed_at", "released_at",
            "ending",
        ]  # fmt: skip

    def get_is_claimant(self, claim) -> bool:
        """Whether you hold it (otherwise you help the volunteer who does)."""
        return claim.volunteer_id == self.context["request"].user.pk


class ClaimInputSerializer(serializers.Serializer):
    police_service = SlugRelatedField(
        slug_field="slug", queryset=PoliceService.objects.all(), help_text=_("Its slug.")
    )
    campaign = serializers.SlugField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The campaign's slug; the real campaign when left out."),
    )


class ReleaseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("Why the claim is released, so the next volunteer knows."),
    )


def _campaign(slug: str) -> Campaign:
    """The campaign named, or the real one (claims target it, as the pages' buttons do);
    whether it is open is the claim service's to say."""
    campaign = Campaign.objects.filter(slug=slug).first() if slug else selectors.default_campaign()
    if campaign is None:
        raise NotFound(_("No campaign has that slug."))
    return campaign


@extend_schema_view(list=extend_schema(summary=_("Your targets")))
class ClaimViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The targets you work on now, as claimant or accepted helper."""

    serializer_class = ClaimSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["claimed_at"]
    ordering = ["claimed_at"]

    def get_queryset(self):
        return Claim.objects.involving(self.request.user).select_related(
            "campaign", "police_service"
        )

    @extend_schema(
        summary=_("Claim a target"),
        request=ClaimInputSerializer,
        responses={
            201: ClaimSerializer,
            409: OpenApiResponse(ERROR, description=_("Someone else holds the target.")),
        },
    )
    def create(self, request):
        """Take on a police service for a campaign. Someone else's claim is a 409; being
        at the cap or a closed campaign a 400."""
        ratelimit.check(request, "claims")
        data = validated(ClaimInputSerializer, request)
        with refusals(claim_services.ClaimError, conflicts=(claim_services.ClaimConflict,)):
            claim = claim_services.claim_create(
                campaign=_campaign(data["campaign"]),
                service=data["police_service"],
                volunteer=request.user,
            )
        return Response(
            ClaimSerializer(claim, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("Release a claim"),
        request=ReleaseInputSerializer,
        responses={
            200: ClaimSerializer,
            409: OpenApiResponse(ERROR, description=_("The claim was already released.")),
        },
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Let a target go (its claimant), or release it (an organizer), saying why."""
        claim = get_object_or_404(Claim.objects.select_related("volunteer"), pk=pk)
        data = validated(ReleaseInputSerializer, request)
        with refusals(claim_services.ClaimError, conflicts=(claim_services.ClaimConflict,)):
            claim_services.claim_release(claim=claim, by=request.user, reason=data["reason"])
        claim.refresh_from_db()
        return Response(ClaimSerializer(claim, context={"request": request}).data)
