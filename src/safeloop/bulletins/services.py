"""Generating a bulletin: once per (region, month). Generating again recomputes the figures
and rewrites both files on the same row, so a month never has two bulletins. A bulletin has
no lifecycle (no draft or publication): it is the figures as last computed.

Errors are the kit's: a non-regulator may not generate (403); a month that has not ended, a
region that is not a city or county or not in the actor's scope is an input error (400 on
that field, as the API answers an unknown key)."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.bulletins import documents, figures
from safeloop.bulletins.models import BULLETIN_READERS, Bulletin
from safeloop.core.services import after_commit, allow, require, service, track
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
    require(first < today.replace(day=1), _("Only a month that has ended has a bulletin."), "month")
    require(first.year >= 2000, _("Choose a month from 2000 on."), "month")
    return first


def _may_generate(actor, region: Region) -> None:
    """A bulletin reader (403 otherwise) whose scope covers the region (400 on `region`
    otherwise); the system when actor is None."""
    if actor is None:
        return
    allow(actor.roles & BULLETIN_READERS)
    roles = Bulletin.scope_roles["change"]
    require(
        any(
            g.role in roles
            and (g.everywhere or (g.region_prefix and region.code.startswith(g.region_prefix)))
            for g in actor.grants()
        ),
        _("Choose a region in your scope."),
        "region",
    )


@service
def generate(*, region: Region, month: date, actor, today: date | None = None) -> Bulletin:
    """Compute the figures of `month` for `region` (a city or county) and write the files."""
    today = today or timezone.localdate()
    _may_generate(actor, region)
    require(
        region.level in (RegionLevel.CITY, RegionLevel.COUNTY),
        _("Bulletins are made for a city or a county."),
        "region",
    )
    month = check_month(month, today)
    bulletin = Bulletin.objects.select_for_update().filter(region=region, month=month).first()
    if bulletin is None:
        bulletin = Bulletin(region=region, region_code=region.code, month=month)
    issuer = issuer_of(region)
    bulletin.title = f"{month.year}年{month.month}月{region.name}工业领域事故隐患排查治理情况通报"
    bulletin.number = f"{issuer}通〔{month.year}〕第{month.month}期"
    bulletin.figures = figures.compute(region, month, today)
    # The old files go only once the new ones are committed.
    old = [f.name for f in (bulletin.xlsx, bulletin.pdf) if f and f.name]
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
        for made in (bulletin.pdf, bulletin.xlsx):
            if made.name:
                made.storage.delete(made.name)
        return generate(region=region, month=month, actor=actor, today=today)
    track(bulletin, "change")  # the kit re-checks it in the actor's scope before commit
    storage = bulletin.pdf.storage
    for name in old:
        after_commit(storage.delete, name)
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
