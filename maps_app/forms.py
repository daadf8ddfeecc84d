from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.forms import DateInput
from requests_app.models import PoliceService, Province, Release, Vendor
from requests_app.selectors import TargetStatus

from . import geo
from .models import CameraLocation


class CameraForm(forms.Form):
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    directions = forms.CharField(
        label=_("Direction(s) it faces"),
        required=False,
        max_length=100,
        help_text=_(
            "Degrees from north (0) clockwise, e.g. 90 for east; several separated by ;. "
            "Compass points such as NE work too. Leave blank if unknown."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CameraLocation.Kind.choices)
    vendor = forms.ChoiceField(
        label=_("Vendor"), required=False, choices=[("", _("Unknown")), *Vendor.choices]
    )
    mount = forms.ChoiceField(
        label=_("Mounted on"),
        required=False,
        choices=[("", _("Unknown")), *CameraLocation.Mount.choices],
    )
    police_service = forms.ModelChoiceField(
        label=_("Operated by"),
        required=False,
        queryset=PoliceService.objects.filter(active=True).order_by("province", "name_en"),
        help_text=_("Suggested from where the point is; change it if you know better."),
    )
    source = forms.ChoiceField(label=_("How do you know?"), choices=CameraLocation.Source.choices)
    release = forms.ModelChoiceField(
        label=_("Release"), required=False, queryset=Release.objects.none()
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    osm_id = forms.IntegerField(label=_("OpenStreetMap node id"), required=False, min_value=1)
    source_url = forms.URLField(label=_("Document address"), required=False, max_length=500)
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Stays private until an organizer approves the camera."),
    )
    observed_on = forms.DateField(label=_("Seen on"), required=False, widget=DateInput)
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=CameraLocation.Confidence.choices,
        initial=CameraLocation.Confidence.LIKELY,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different camera from the one(s) nearby."), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = (
            Release.objects.visible_to(user)
            .select_related("request__police_service")
            .order_by("-received_on")
        )

    def clean_directions(self):
        directions, bad = geo.parse_directions(self.cleaned_data.get("directions", ""))
        if bad:
            raise forms.ValidationError(
                _("Not a direction: %(values)s.") % {"values": ", ".join(bad)}
            )
        return directions

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and lon is not None and not geo.in_canada(float(lat), float(lon)):
            raise forms.ValidationError(_("The point is outside Canada."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve: show it on the public map")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when rejecting)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MapFilterForm(forms.Form):
    """The public map's filters; the page script reads and writes them in the address."""

    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("All")), *Province.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *TargetStatus.choices],
    )
    vendor = forms.ChoiceField(
        label=_("Camera vendor"), required=False, choices=[("", _("All")), *Vendor.choices]
    )
    source = forms.ChoiceField(
        label=_("Camera source"),
        required=False,
        choices=[("", _("All")), *CameraLocation.Source.choices],
    )
