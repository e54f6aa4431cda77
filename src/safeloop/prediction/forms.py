from django import forms

from safeloop.core.widgets import DATE
from safeloop.prediction.models import ScoringRule


class RuleForm(forms.ModelForm):
    class Meta:
        model = ScoringRule
        fields = [
            "effective_from",
            "enabled",
            "target",
            "top_share_percent",
            "min_probability",
            "explained_terms",
            "source",
        ]
        widgets = {"effective_from": DATE}

    def validate_unique(self):
        """The service says when a rule already starts on that day."""
