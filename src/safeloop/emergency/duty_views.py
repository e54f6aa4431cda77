"""The duty pages: the roster (值班表) of the reader's city and counties, who is on duty now,
shifts added and cancelled by the region's administrators, and the append-only duty log."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.emergency import duty_services
from safeloop.emergency.forms import DutyLogForm, ShiftForm
from safeloop.emergency.models import DUTY_EDITORS, DUTY_STAFF, DutyLogEntry, DutyShift


def _reader(user) -> None:
    if not user.roles & DUTY_STAFF:
        raise PermissionDenied


@login_required
def roster(request):
    _reader(request.user)
    may_edit = bool(request.user.roles & DUTY_EDITORS)
    form = ShiftForm(request.POST or None, user=request.user) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, duty_services.add_shift, actor=request.user)
        if done:
            messages.success(request, _("Shift added."))
            return redirect("emergency-duty")
        status = done.status
    return _roster_page(request, form, may_edit, status)


def _roster_page(request, form, may_edit, status):
    now = timezone.now()
    shifts = (
        DutyShift.objects.for_user(request.user, "view")
        .filter(ends_at__gt=now - timedelta(days=1), starts_at__lt=now + timedelta(days=14))
        .select_related("region", "person")
        .order_by("starts_at", "region_code", "post", "pk")
    )
    for shift in shifts:
        shift.now = not shift.cancelled and shift.starts_at <= now < shift.ends_at
    return render(
        request,
        "emergency/duty.html",
        {
            "shifts": shifts,
            "on_duty": [s for s in shifts if s.now],
            "form": form,
            "may_edit": may_edit,
        },
        status=status,
    )


@login_required
@require_POST
def shift_cancel(request, pk):
    shift = get_for_user_or_404(DutyShift, request.user, pk, "change")
    done = attempt(
        request,
        duty_services.cancel_shift,
        actor=request.user,
        shift=shift,
        version=request.POST.get("version"),
    )
    if done:
        messages.success(request, _("Shift cancelled."))
        return redirect("emergency-duty")
    return _roster_page(request, ShiftForm(user=request.user), True, done.status)


@login_required
def duty_log(request):
    _reader(request.user)
    form = DutyLogForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, duty_services.log_duty, actor=request.user)
        if done:
            messages.success(request, _("Added to the duty log."))
            return redirect("emergency-duty-log")
        status = done.status
    rows = DutyLogEntry.objects.for_user(request.user, "view").select_related("region", "incident")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "emergency/duty_log.html", {"page": page, "form": form}, status=status)
