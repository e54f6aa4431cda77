"""Generating a bulletin: once per (region, month). Generating again recomputes the figures
and rewrites both files on the same row, so a month never has two bulletins."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.bulletins import documents, figures
from safeloop.bulletins.models import Bulletin
from safeloop.core.errors import IllegalMove
from safeloop.core.scoping import OutOfScope, ensure_in_scope
from safeloop.orgs.models import Department, DepartmentKind, Region, RegionLevel


def issuer_of(region: Region) -> str:
    kind = (
        DepartmentKind.CITY_BUREAU
        if region.level == RegionLevel.CITY
        else DepartmentKind.COUNTY_DEPARTMENT
    )
    department = Department.objects.filter(region=region, kind=kind).order_by("pk").first()
    return department.name if department else f"{region.name}工业和信息化主管部门"


def check_month(month: date, today: date) -> date:
    first = month.replace(day=1)
    if first >= today.replace(day=1):
        raise IllegalMove(_("Only a month that has ended has a bulletin."), field="month")
    if first.year < 2000:
        raise IllegalMove(_("Choose a month from 2000 on."), field="month")
    return first


def _may_generate(actor, region: Region) -> None:
    """A regulator whose scope covers the region (the system when actor is None)."""
    if actor is None:
        return
    roles = Bulletin.scope_roles["change"]
    if not any(
        g.role in roles
        and (g.everywhere or (g.region_prefix and region.code.startswith(g.region_prefix)))
        for g in actor.grants()
    ):
        raise OutOfScope(f"region {region.code} is outside the actor's scope")


@transaction.atomic
def generate(*, region: Region, month: date, actor, today: date | None = None) -> Bulletin:
    """Compute the figures of `month` for `region` (a city or county) and write the files."""
    today = today or timezone.localdate()
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise IllegalMove(_("Bulletins are made for a city or a county."), field="region")
    month = check_month(month, today)
    _may_generate(actor, region)
    bulletin = Bulletin.objects.select_for_update().filter(region=region, month=month).first()
    if bulletin is None:
        bulletin = Bulletin(region=region, region_code=region.code, month=month)
    issuer = issuer_of(region)
    bulletin.title = f"{month.year}年{month.month}月{region.name}工业领域事故隐患排查治理情况通报"
    bulletin.number = f"{issuer}通〔{month.year}〕第{month.month}期"
    bulletin.figures = figures.compute(region, month, today)
    # The old files go only once the new ones are committed.
    old = [f.name for f in (bulletin.xlsx, bulletin.pdf) if f]
    stem = f"{month:%Y-%m}"
    workbook = documents.workbook(bulletin.title, bulletin.figures)
    bulletin.xlsx.save(f"{stem}.xlsx", ContentFile(workbook), save=False)
    bulletin.pdf.save(
        f"{stem}.pdf",
        ContentFile(
            documents.pdf(issuer, bulletin.title, bulletin.number, bulletin.figures, today)
        ),
        save=False,
    )
    bulletin.generated_at, bulletin.generated_by = timezone.now(), actor
    bulletin.generations += 1
    verb = "generate" if bulletin.generations == 1 else "regenerate"
    try:
        with transaction.atomic():
            bulletin.save(action=f"bulletins.bulletin.{verb}", actor=actor)
    except IntegrityError:
        # A concurrent first generation of the same month won: drop our files, use its row.
        bulletin.pdf.storage.delete(bulletin.pdf.name)
        bulletin.xlsx.storage.delete(bulletin.xlsx.name)
        return generate(region=region, month=month, actor=actor, today=today)
    if actor is not None:
        ensure_in_scope(actor, "change", bulletin)
    storage = bulletin.pdf.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return bulletin


def generate_missing(month: date, today: date | None = None) -> int:
    """The job: every city and county without a bulletin for `month` gets one."""
    done = set(Bulletin.objects.filter(month=month).values_list("region_id", flat=True))
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).exclude(
        pk__in=done
    )
    made = 0
    for region in regions.order_by("code"):
        generate(region=region, month=month, actor=None, today=today)
        made += 1
    return made
