from django import forms
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.models import Accident
from safeloop.core import captcha
from safeloop.core.widgets import DATE, PhotosField, SearchableSelect
from safeloop.enterprises.models import Enterprise
from safeloop.enterprises.search import search_q
from safeloop.hazards.choices import Level
from safeloop.orgs.models import Region, RegionLevel
from safeloop.public.choices import ArticleKind
from safeloop.public.models import PublicRules
from safeloop.public.services import MAX_PHOTOS, counties
from safeloop.training.models import Campaign

CANDIDATES = 5


def find_enterprises(text: str) -> list[Enterprise]:
    """The ledger's search (name, USCC start, pinyin initials), widened by trigram similarity
    of the name and the address, best first."""
    text = text.strip()[:100]
    if not text:
        return []
    return list(
        Enterprise.objects.filter(
            search_q(text) | Q(name__trigram_similar=text) | Q(address__icontains=text)
        )
        .annotate(similarity=TrigramSimilarity("name", text))
        .order_by("-similarity", "id")[:CANDIDATES]
    )


class CaptchaMixin(forms.Form):
    """The offline captcha and the honeypot every public form carries."""

    captcha_token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    captcha = forms.CharField(label=_("characters in the picture"), max_length=10)
    # A honeypot: people never see it, form-filling robots fill it.
    website = forms.CharField(required=False, label=_("leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = captcha.new()

    def clean(self):
        data = super().clean()
        if "captcha" in data and not captcha.verify(data.get("captcha_token", ""), data["captcha"]):
            self.add_error("captcha", _("The characters do not match the picture; try again."))
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class ReportForm(CaptchaMixin):
    description = forms.CharField(
        label=_("what is wrong"), max_length=2000, widget=forms.Textarea({"rows": 4})
    )
    enterprise_name = forms.CharField(
        label=_("enterprise (name, pinyin initials or address)"), max_length=100, required=False
    )
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unregistered = forms.BooleanField(label=_("unknown or unregistered site"), required=False)
    site_name = forms.CharField(label=_("site name"), max_length=200, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    county = forms.ModelChoiceField(
        label=_("county"), queryset=Region.objects.none(), required=False
    )
    latitude = forms.DecimalField(
        label=_("latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    photos = PhotosField(label=_("photos"), max_photos=MAX_PHOTOS)
    contact = forms.CharField(
        label=_("your contact (optional, never shown)"), required=False, max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties()
        self.candidates: list[Enterprise] = []
        self.chosen: Enterprise | None = None

    def clean(self):
        data = super().clean()
        if data.get("unregistered"):
            return data
        text = (data.get("enterprise_name") or "").strip()
        if not text:
            self.add_error(
                "enterprise_name",
                _("Name the enterprise, or tick “unknown or unregistered site”."),
            )
            return data
        self.candidates = find_enterprises(text)
        picked = [e for e in self.candidates if e.pk == data.get("enterprise")]
        if picked:
            self.chosen = picked[0]
        elif len(self.candidates) == 1 or (self.candidates and self.candidates[0].name == text):
            self.chosen = self.candidates[0]
        elif self.candidates:
            self.add_error("enterprise_name", _("Several enterprises match: choose one below."))
        else:
            self.add_error(
                "enterprise_name",
                _("No enterprise found; check the name or tick “unknown or unregistered site”."),
            )
        return data


class TrackForm(CaptchaMixin):
    code = forms.CharField(label=_("tracking code"), max_length=20)


class FeedbackForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    answer = forms.ChoiceField(
        label=_("is it fixed?"),
        choices=[("fixed", _("Yes, it is fixed")), ("not_fixed", _("No, it is not fixed"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("what you see now"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    photos = PhotosField(label=_("photos"), max_photos=MAX_PHOTOS)


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    reply = forms.CharField(
        label=_("public reply"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "view").order_by(
            "name"
        )


class RejectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("reason (the reporter sees it)"),
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
    )


class RulesForm(forms.ModelForm):
    exposed_levels = forms.MultipleChoiceField(
        label=_("hidden-danger levels exposed"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PublicRules
        fields = [
            "effective_from",
            "source",
            "exposed_levels",
            "exposed_after_days",
            "duplicate_hours",
            "duplicate_metres",
            "duplicate_similarity",
            "reports_per_hour",
            "lookups_per_hour",
            "reward_general",
            "reward_major",
            "reward_rate",
            "reward_cap",
        ]
        widgets = {"effective_from": DATE}


class ArticleForm(forms.Form):
    """An article's fields; `region` only when it is created (the city or a county)."""

    region = forms.ModelChoiceField(label=_("published by"), queryset=Region.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    summary = forms.CharField(label=_("summary (shown in lists)"), max_length=300, required=False)
    body = forms.CharField(
        label=_("text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text; each line is a paragraph."),
    )
    accident = forms.ModelChoiceField(
        label=_("accident"), queryset=Accident.objects.none(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = (
                Region.objects.for_user(user, "view")
                .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
                .order_by("code")
            )
        self.fields["accident"].queryset = Accident.objects.for_user(user, "view").order_by(
            "-occurred_at", "-pk"
        )
        self.fields["campaign"].queryset = Campaign.objects.for_user(user, "view")


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("document (PDF)"))
