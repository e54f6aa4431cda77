from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.widgets import DATE
from safeloop.duties.choices import Confidence, DutyKind, ListKind
from safeloop.duties.models import SECTORS
from safeloop.orgs.models import Department, User

LINES = forms.Textarea(attrs={"rows": 6})


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("list"), choices=ListKind.choices)
    post = forms.CharField(
        label=_("post"),
        max_length=50,
        required=False,
        help_text=_("For a post list: the post, as the template names it (e.g. 班组长)."),
    )
    items = forms.CharField(
        label=_("duties"),
        widget=LINES,
        required=False,
        help_text=_("Leave empty to take the sector's template in force; one duty per line."),
    )
    issued_on = forms.DateField(label=_("issued on"), widget=DATE, required=False)


class SignatoryForm(forms.Form):
    person_name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    post_name = forms.CharField(label=_("post"), max_length=50, required=False)
    user = forms.ModelChoiceField(
        label=_("account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Choose the person's account to let them acknowledge it themselves."),
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            role_assignments__enterprise=enterprise, is_active=True
        ).distinct()
        self.fields["user"].empty_label = _("No account: signed on paper")


class TemplateForm(forms.Form):
    sector = forms.ChoiceField(label=_("sector"), choices=SECTORS, required=False)
    kind = forms.ChoiceField(label=_("list"), choices=ListKind.choices)
    post = forms.CharField(label=_("post"), max_length=50, required=False)
    items = forms.CharField(label=_("duties"), widget=LINES, help_text=_("One duty per line."))
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source = forms.CharField(label=_("source"), max_length=300)
    confidence = forms.ChoiceField(label=_("confidence"), choices=Confidence.choices)


class DepartmentDutyForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none())
    kind = forms.ChoiceField(label=_("duty principle"), choices=DutyKind.choices)
    position = forms.CharField(label=pgettext_lazy("post", "position"), max_length=50)
    person_name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    duties = forms.CharField(label=_("duties"), widget=LINES, help_text=_("One duty per line."))
    effective_from = forms.DateField(label=_("effective from"), widget=DATE, required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("Choose a department")
