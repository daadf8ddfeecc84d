from itertools import groupby

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import letters
from .models import (
    AppealGround,
    Comment,
    FindingField,
    Method,
    Outcome,
    PoliceService,
    Province,
    RecordCategory,
    Stage,
    Status,
    User,
    Vendor,
    Visibility,
)
from .selectors import ActivityKind
from .services.tokens import TOKEN_NAME_MAX_CHARS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, municipality or province"), required=False, max_length=100)
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
        fields = ["display_name", "show_name_publicly", "language"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=TOKEN_NAME_MAX_CHARS,
        help_text=_("E.g. after the script or tool that will use it."),
    )


class LetterForm(forms.Form):
    """What the letter asks for and who signs it (name and contact are not stored)."""

    categories = forms.ModelMultipleChoiceField(
        label=_("Records to ask for"),
        queryset=RecordCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    records_from = forms.DateField(label=_("Records from"), widget=DateInput)
    records_to = forms.DateField(label=_("Records to"), widget=DateInput)
    language = forms.ChoiceField(label=_("Language of the letter"), choices=settings.LANGUAGES)
    requester_name = forms.CharField(label=_("Your name"), max_length=120)
    requester_contact = forms.CharField(
        label=_("Your contact details (address, e-mail or phone)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Used to write the letter. They are stored only if you log the letter as sent, "
            "and then only the volunteers on this request and organizers can read it."
        ),
    )

    def __init__(self, *args, campaign, service, user, today, **kwargs):
        initial = {
            "categories": list(campaign.categories.all()),
            "records_from": campaign.records_from,
            "records_to": today,
            "language": letters.default_language(service),
            "requester_name": user.display_name,
            "requester_contact": user.email,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.campaign, self.service, self.today = campaign, service, today
        field = self.fields["categories"]
        field.queryset = campaign.categories.all()
        field.label_from_instance = lambda category: category.title

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("records_from"), cleaned.get("records_to")
        if start and end and end < start:
            self.add_error("records_to", _("The date range ends before it starts."))
        return cleaned

    def letter(self) -> "letters.LetterRequest":
        """The letter these answers ask for, dated today."""
        data = self.cleaned_data
        return letters.LetterRequest(
            campaign=self.campaign,
            service=self.service,
            categories=list(data["categories"]),
            records_from=data["records_from"],
            records_to=data["records_to"],
            language=data["language"],
            requester_name=data["requester_name"],
            requester_contact=data["requester_contact"],
            today=self.today,
        )

    def filing_initial(self, text: str) -> dict:
        """What the filing form starts from: this letter once written, else the defaults."""
        values = self.cleaned_data if text else self.initial
        return {
            "filed_on": self.today,
            "method": "email" if self.service.foi_email else "portal",
            "categories": values["categories"],
            "records_from": values["records_from"],
            "records_to": values["records_to"],
            "letter_language": values["language"],
            "letter_text": text,
            "requester_name": values["requester_name"],
            "requester_contact": values["requester_contact"],
        }


class FilingForm(forms.Form):
    """Logging a request as filed, with the letter as sent."""

    filed_on = forms.DateField(label=_("Sent on"), widget=DateInput)
    received_on = forms.DateField(
        label=_("Received by the police service on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave blank if it is the day you sent it (portal or e-mail)."),
    )
    method = forms.ChoiceField(label=_("How you sent it"), choices=Method.choices)
    reference_number = forms.CharField(
        label=_("Their reference number"), required=False, max_length=80
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Records asked for"),
        queryset=RecordCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    records_from = forms.DateField(label=_("Records from"), required=False, widget=DateInput)
    records_to = forms.DateField(label=_("Records to"), required=False, widget=DateInput)
    letter_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    letter_text = forms.CharField(
        label=_("The letter as sent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Visible to organizers and the volunteers on this target. The request's public "
            "page shows it without your name and contact details."
        ),
    )
    # Who signed the letter, carried from the letter form only to take them out of the
    # public copy; never stored.
    requester_name = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)
    requester_contact = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    filed_outside_site = forms.BooleanField(
        label=_("I wrote and sent my own letter, outside the site"), required=False
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        field.queryset = campaign.categories.all()
        field.label_from_instance = lambda category: category.title


class StatusEventForm(forms.Form):
    # The fields that only some steps use. The page shows them for those steps only
    # (static/js/step-fields.js; without scripts they all show) and `clean` drops them for
    # the others, so an amount typed before choosing "Acknowledged" is not recorded.
    STEP_FIELDS = {
        "extension_days": {Status.EXTENDED},
        "new_due_on": {Status.EXTENDED, Status.TRANSFERRED},
        "section_cited": {
            Status.EXTENDED,
            Status.TRANSFERRED,
            Status.PARTIAL_RELEASE,
            Status.REFUSED,
        },
        "amount": {Status.FEE_ESTIMATE, Status.FEE_PAID},
        "transferred_to": {Status.TRANSFERRED},
    }

    status = forms.ChoiceField(
        label=_("What happened"), widget=forms.Select(attrs={"data-step-choice": ""})
    )
    occurred_on = forms.DateField(label=_("On"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    extension_days = forms.IntegerField(
        label=_("Extension (days)"), required=False, min_value=1, max_value=365
    )
    new_due_on = forms.DateField(label=_("New due date"), required=False, widget=DateInput)
    section_cited = forms.CharField(label=_("Section cited"), required=False, max_length=120)
    amount = forms.DecimalField(
        label=_("Amount (CAD)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    transferred_to = forms.CharField(label=_("Transferred to"), required=False, max_length=200)
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, image or e-mail (.eml); only the people on the request see it."),
    )

    def __init__(self, *args, allowed: list[str], day_kind_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in allowed]
        if day_kind_label:
            # In the request's own kind of days, which is how the law counts the extension.
            self.fields["extension_days"].label = _("Extension (%(kind)s)") % {
                "kind": day_kind_label
            }
        for name, statuses in self.STEP_FIELDS.items():
            steps = [s for s in Status.values if s in statuses]
            field = self.fields[name]
            field.widget.attrs["data-steps"] = " ".join(steps)
            field.help_text = _("Only for: %(steps)s.") % {
                "steps": ", ".join(str(Status(s).label) for s in steps)
            }

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        for name, statuses in self.STEP_FIELDS.items():
            if status not in statuses:
                cleaned[name] = self.fields[name].to_python("")
        return cleaned


class ReleaseUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Released document"),
        help_text=_("PDF, image (PNG, JPEG, TIFF), spreadsheet (CSV, XLSX) or e-mail (.eml)."),
    )
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    event = forms.ChoiceField(label=_("Came with the step"), required=False)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {str(e.pk): e for e in events}
        self.fields["event"].choices = [("", "—")] + [
            (str(e.pk), f"{e.get_status_display()} ({e.occurred_on})") for e in events
        ]

    def clean_event(self):
        return self.events.get(self.cleaned_data.get("event") or "")


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approved", _("Approve for publication")),
            ("redaction", _("Ask for redaction")),
            ("rejected", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required unless approving)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FindingForm(forms.Form):
    field = forms.ChoiceField(label=_("Fact"), choices=FindingField.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=2000,
        help_text=_(
            "Numbers for counts and days; CAD amount for money; YYYY-MM-DD for dates; "
            "yes, no or unconfirmed; vendors as flock, genetec, motorola, axon, neology or other, "
            "separated by ;."
        ),
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingsFilterForm(forms.Form):
    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("All")), *Province.choices],
    )
    vendor = forms.ChoiceField(
        label=_("Vendor"), required=False, choices=[("", _("All")), *Vendor.choices]
    )
    sort = forms.CharField(required=False, max_length=40)


class CorrectionForm(forms.Form):
    fact = forms.ChoiceField(label=_("Which fact"))
    proposed_value = forms.CharField(
        label=_("Correct value"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For yes/no facts, write yes or no; for amounts, a number such as 5.00."),
    )
    source_url = forms.URLField(
        label=_("Source (web page)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The official page that states it."),
    )
    letter = forms.FileField(
        label=_("Or the letter the service sent you"),
        required=False,
        help_text=_("PDF, image or e-mail (.eml). Only organizers and you can see it."),
    )
    note = forms.CharField(
        label=_("Anything organizers should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, facts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = [
            (str(group), [(key, label) for key, label, _current in items])
            for group, _prefix, items in facts
        ]


class CorrectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class OwnIdsForm(forms.Form):
    """A form on a page that holds others: its field ids start with `id_prefix`."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class CommentForm(OwnIdsForm):
    id_prefix = "comment"
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it"),
        choices=Visibility.choices,
        initial=Visibility.TEAM,
        widget=forms.RadioSelect,
        help_text=_("Public comments appear on the request's public page."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Comment.Format.choices,
        initial=Comment.Format.PLAIN,
        widget=forms.RadioSelect,
    )


class HelpWantedForm(OwnIdsForm):
    id_prefix = "help"
    needed = forms.CharField(
        label=_("What help is needed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown publicly on the help-wanted list: no personal details."),
    )


class TeamMessageForm(OwnIdsForm):
    id_prefix = "message"
    recipient = forms.ModelChoiceField(label=_("To"), queryset=None, empty_label=None)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, claim, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = User.objects.filter(pk__in=[p.pk for p in recipients])

        # Several people may be "a volunteer": their role tells them apart.
        def label(user):
            role = _("holds the claim") if user.pk == claim.volunteer_id else _("co-volunteer")
            return f"{user.public_name} ({role})"

        self.fields["recipient"].label_from_instance = label


class ActivityFilterForm(forms.Form):
    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("All")), *Province.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ActivityKind.choices]
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("email"),
        empty_label=_("Everyone"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organizers only see this form; they know volunteers by their address.
        self.fields["person"].label_from_instance = lambda user: (
            f"{user.public_name} <{user.email}>"
        )


class AppealOpenForm(forms.Form):
    """What the appeal contests. Each exemption is given with its section."""

    grounds = forms.MultipleChoiceField(
        label=_("What the appeal contests"),
        choices=AppealGround.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    exemption_sections = forms.CharField(
        label=_("Sections of the exemptions claimed"),
        required=False,
        max_length=500,
        help_text=_("As the decision cites them, separated by ; for example: s.8(1)(c); s.14(1)"),
    )
    note = forms.CharField(
        label=_("Anything else contested (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def ground_list(self) -> list:
        from .services.appeals import Ground

        data = self.cleaned_data
        grounds = []
        for kind in data["grounds"]:
            if kind == AppealGround.Kind.EXEMPTION:
                sections = [s.strip() for s in data["exemption_sections"].split(";") if s.strip()]
                grounds += [Ground(kind, section) for section in sections] or [Ground(kind)]
            else:
                grounds.append(Ground(kind))
        if data["note"].strip() and grounds:
            grounds[-1] = Ground(grounds[-1].kind, grounds[-1].section, data["note"])
        return grounds


class AppealStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage reached"))
    occurred_on = forms.DateField(label=_("On"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file_number = forms.CharField(
        label=_("Commissioner's file number"), required=False, max_length=80
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    order_number = forms.CharField(label=_("Order or report number"), required=False, max_length=80)
    commissioner_date = forms.DateField(
        label=_("A date the commissioner set (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("For example when your representations are due; the daily e-mail reminds you."),
    )
    commissioner_date_for = forms.CharField(
        label=_("What that date is for"), required=False, max_length=200
    )
    order_url = forms.URLField(label=_("Link to the order or report"), required=False)
    attachment = forms.FileField(
        label=_("The commissioner's letter (optional)"),
        required=False,
        help_text=_("PDF, image or e-mail (.eml); only the people on the request see it."),
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage(s).label) for s in allowed]


class AppealLetterForm(forms.Form):
    """Who signs the appeal letter; used to write it, never stored."""

    language = forms.ChoiceField(label=_("Language of the letter"), choices=settings.LANGUAGES)
    requester_name = forms.CharField(label=_("Your name"), max_length=120)
    requester_contact = forms.CharField(
        label=_("Your contact details (address, e-mail or phone)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
