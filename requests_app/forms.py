from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PoliceService, Province


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("All")), *Province.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *PoliceService.Kind.choices]
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return service.name


class WhichLawForm(forms.Form):
    service = ServiceChoiceField(
        label=_("Your police service"),
        queryset=PoliceService.objects.filter(active=True).select_related("regime"),
        to_field_name="slug",
        empty_label=_("Choose a police service"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by province so the long list is easy to scan.
        services = PoliceService.objects.filter(active=True).order_by("province", "name_en")
        labels = dict(Province.choices)
        self.fields["service"].choices = [
            ("", self.fields["service"].empty_label),
            *[
                (str(labels[province]), [(s.slug, s.name) for s in group])
                for province, group in groupby(services, key=lambda s: s.province)
            ],
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HelpOfferForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the volunteer (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReassignForm(ReasonForm):
    email = forms.EmailField(label=_("E-mail address of the new volunteer"))

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active volunteer uses this address."))
        self.cleaned_data["volunteer"] = user
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        from .models import User

        model = User
        fields = ["display_name", "show_name_publicly"]
