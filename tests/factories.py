from datetime import date
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from requests_app.models import (
    AccessRegime,
    Campaign,
    Claim,
    PoliceService,
    RegimeRuleSet,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A volunteer whose e-mail address is confirmed, as every real one is."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class AccessRegimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRegime
        django_get_or_create = ["code"]

    code = "ON-MFIPPA"
    jurisdiction = "ON"
    name_en = "Municipal Freedom of Information and Protection of Privacy Act"
    name_fr = "Loi sur l'accès à l'information municipale et la protection de la vie privée"
    short_name = "MFIPPA"
    appeal_body_en = "Information and Privacy Commissioner of Ontario"
    application_fee = Decimal("5.00")


class RegimeRuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegimeRuleSet

    regime = factory.SubFactory(AccessRegimeFactory)
    effective_from = date(1900, 1, 1)
    response_days = 30
    day_kind = "calendar"
    fee_estimate_pauses_clock = "unconfirmed"
    deemed_refusal = "yes"
    appeal_window_days = 30
    appeal_day_kind = "calendar"


class PoliceServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceService
        # A slug of the shipped directory (loaded for every test) names that service.
        django_get_or_create = ["slug"]

    name_en = factory.Sequence(lambda n: f"Town {n} Police Service")
    slug = factory.LazyAttribute(lambda s: slugify(s.name_en))
    kind = "municipal"
    province = "ON"
    hq_city = "Town"
    latitude = Decimal("44.0000")
    longitude = Decimal("-79.0000")
    regime = factory.SubFactory(AccessRegimeFactory)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["slug"]

    name = "ALPR records"
    slug = "alpr-records"
    starts_on = date(2026, 1, 1)
    records_from = date(2019, 1, 1)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    campaign = factory.SubFactory(CampaignFactory)
    police_service = factory.SubFactory(PoliceServiceFactory)
    volunteer = factory.SubFactory(UserFactory)


# What the camera form posts for a fixed camera in Toronto.
CAMERA_FORM = {
    "latitude": "43.653200",
    "longitude": "-79.383200",
    "directions": "90",
    "kind": "fixed",
    "vendor": "flock",
    "mount": "pole",
    "source": "field",
    "confidence": "confirmed",
}
