from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE, DATETIME, SearchableSelect
from safeloop.enforcement.choices import (
    ApprovalLevel,
    DocumentKind,
    OnSiteMeasure,
    PenaltyGround,
    RecheckResult,
    SanctionKind,
    TargetKind,
)
from safeloop.enforcement.models import LegalBasis
from safeloop.enforcement.triggers import REGISTRY
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, DepartmentKind

TEXT = forms.Textarea(attrs={"rows": 3})


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    findings = forms.CharField(label=_("problems found"), widget=TEXT, max_length=4000)
    requirements = forms.CharField(
        label=_("what the enterprise must do"), widget=TEXT, max_length=4000, required=False
    )
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    deadline = forms.DateField(label=_("rectify by"), widget=DATE, required=False)
    measures = forms.MultipleChoiceField(
        label=_("on-site measures"),
        choices=OnSiteMeasure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    measure_scope = forms.CharField(
        label=_("equipment or area concerned"), max_length=200, required=False
    )
    result = forms.ChoiceField(
        label=_("re-check result"),
        choices=[("", "—"), *RecheckResult.choices],
        required=False,
    )

    def __init__(self, *args, recheck=False, **kwargs):
        super().__init__(*args, **kwargs)
        if recheck:
            self.fields["kind"].choices = [(DocumentKind.RECHECK, DocumentKind.RECHECK.label)]
            for name in ("deadline", "measures", "measure_scope", "legal_basis"):
                del self.fields[name]
        else:
            self.fields["kind"].choices = [
                c for c in DocumentKind.choices if c[0] != DocumentKind.RECHECK
            ]
            del self.fields["result"]


class ServeForm(forms.Form):
    signed_by = forms.CharField(label=_("signed for by"), max_length=50, required=False)
    refused = forms.BooleanField(label=_("enterprise refused to sign"), required=False)
    refusal_note = forms.CharField(
        label=_("how the refusal was witnessed"), max_length=300, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=TEXT, max_length=2000)


class EmptyForm(forms.Form):
    pass


class CaseForm(forms.Form):
    facts = forms.CharField(label=_("facts of the case"), widget=TEXT, max_length=4000)


class NotifyForm(forms.Form):
    findings = forms.CharField(label=_("investigation findings"), widget=TEXT, max_length=4000)
    basis = forms.ModelChoiceField(label=_("legal basis"), queryset=LegalBasis.objects.none())
    fine = forms.DecimalField(label=_("fine (CNY)"), max_digits=12, decimal_places=2, min_value=0)

    def __init__(self, *args, **kwargs):
        from safeloop.enforcement.selectors import current_bases

        super().__init__(*args, **kwargs)
        ids = [b.pk for b in current_bases().values()]
        self.fields["basis"].queryset = LegalBasis.objects.filter(pk__in=ids)
        self.fields["basis"].empty_label = "请选择"


class ExecuteForm(forms.Form):
    note = forms.CharField(
        label=_("how the decision was carried out"), widget=TEXT, max_length=2000
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("measure"), choices=SanctionKind.choices)
    target_kind = forms.ChoiceField(label=_("against"), choices=TargetKind.choices)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    person_name = forms.CharField(label=_("person"), max_length=50, required=False)
    person_post = forms.CharField(label=_("post"), max_length=100, required=False)
    reason = forms.CharField(label=_("facts and reason"), widget=TEXT, max_length=4000)
    approval_level = forms.ChoiceField(label=_("approved by"), choices=ApprovalLevel.choices)
    respond_by = forms.DateField(label=_("written response due"), widget=DATE, required=False)
    interview_at = forms.DateTimeField(label=_("interview time"), widget=DATETIME, required=False)
    interview_place = forms.CharField(label=_("interview place"), max_length=200, required=False)
    interview_parties = forms.CharField(
        label=_("who takes part"), widget=TEXT, max_length=2000, required=False
    )

    def __init__(self, *args, user, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "view")
        self.fields["enterprise"].empty_label = "请选择"
        self.fields["department"].queryset = Department.objects.for_user(user, "view").exclude(
            kind=DepartmentKind.CITY_BUREAU
        )
        self.fields["department"].empty_label = "请选择"
        if proposal is not None:
            del self.fields["enterprise"]
            self.fields["kind"].initial = proposal.rule.measure
            self.fields["approval_level"].initial = proposal.rule.approval_level
            self.fields["reason"].initial = proposal.summary


class ApproveForm(forms.Form):
    public = forms.BooleanField(label=_("publish on the public site"), required=False)


class InterviewForm(forms.Form):
    record = forms.CharField(label=_("interview record"), widget=TEXT, max_length=8000)
    parties = forms.CharField(
        label=_("who took part"), widget=TEXT, max_length=2000, required=False
    )
    commitments = forms.CharField(
        label=_("commitments"),
        widget=TEXT,
        required=False,
        max_length=4000,
        help_text=_("One per line: the day it is due, a space, then what was promised."),
    )

    def clean_commitments(self):
        import datetime

        rows = []
        for n, line in enumerate(self.cleaned_data["commitments"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _sep, text = line.partition(" ")
            try:
                due = datetime.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: start with the due day, e.g. 2026-12-31.") % {"n": n}
                ) from None
            if not text.strip():
                raise forms.ValidationError(_("Line %(n)s: write the commitment.") % {"n": n})
            rows.append((text.strip(), due))
        return rows


class ResponseForm(forms.Form):
    response = forms.FileField(label=_("written response (PDF)"))


class CommitmentDoneForm(forms.Form):
    note = forms.CharField(label=_("what was done"), widget=TEXT, max_length=2000)


class TriggerRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("trigger"), choices=())
    params = forms.JSONField(label=_("parameters"), required=False, initial=dict)
    measure = forms.ChoiceField(label=_("measure proposed"), choices=SanctionKind.choices)
    approval_level = forms.ChoiceField(label=_("approved by"), choices=ApprovalLevel.choices)
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source = forms.CharField(label=_("source"), max_length=300)
    notes = forms.CharField(label=_("notes"), widget=TEXT, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, t.label) for k, t in REGISTRY.items()]

    def clean_params(self):
        return self.cleaned_data["params"] or {}


class LegalBasisForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    title = forms.CharField(label=_("provision"), max_length=200)
    offence = forms.CharField(label=_("offence"), widget=TEXT, max_length=2000)
    fine_min = forms.DecimalField(
        label=_("lowest fine (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )
    fine_max = forms.DecimalField(
        label=_("highest fine (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )
    ground = forms.ChoiceField(
        label=_("kind of provision"), choices=PenaltyGround.choices, initial=PenaltyGround.ORDINARY
    )
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source = forms.CharField(label=_("source"), max_length=300)
