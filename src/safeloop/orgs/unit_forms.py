"""Forms of the organisation screens: parks, grid cells and departments. Every list of
regions and parks is narrowed to the actor's scope; the version read travels hidden."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.orgs.models import Department, GridCell, Park, Region, RegionLevel


class UnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [RegionLevel.COUNTY]
        if self._meta.model is Department:
            levels.append(RegionLevel.CITY)
        self.fields["region"].queryset = Region.objects.for_user(actor).filter(level__in=levels)
        if "park" in self.fields:
            self.fields["park"].queryset = Park.objects.for_user(actor)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # The model's own checks run in the service (orgs.units), in its transaction.
        pass

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ParkForm(UnitForm):
    class Meta:
        model = Park
        fields = ["name", "region", "level", "note", "verified"]


class GridCellForm(UnitForm):
    class Meta:
        model = GridCell
        fields = ["code", "name", "region", "park"]


class DepartmentForm(UnitForm):
    class Meta:
        model = Department
        fields = ["name", "kind", "region", "park"]


FORMS = {Park: ParkForm, GridCell: GridCellForm, Department: DepartmentForm}

LABELS = {
    "park": (Park, _("Industrial parks"), _("New industrial park")),
    "grid": (GridCell, _("Grid cells"), _("New grid cell")),
    "department": (Department, _("Departments"), _("New department")),
}
