"""The early-warning rule over the year's control indicators (targets app): one warning per
indicator and year when its use reaches the warning share of the limit (targets.TargetRule,
versioned with its source; 80 % by default), and one more when it exceeds the limit. The
consumption is read from the accident records by `targets.selectors.all_consumption`."""

from datetime import date

from safeloop.alerts.emergency_rules import NOTHING
from safeloop.alerts.rules import Candidates
from safeloop.orgs.models import Region
from safeloop.targets.selectors import all_consumption, state_of, unit_label, warn_percent


def indicator_consumption(params: dict, today: date) -> Candidates:
    warn = warn_percent(today)
    names = dict(Region.objects.values_list("code", "name"))
    ids, labels, periods, regions, parks, reasons = [], [], [], [], [], []
    for indicator, use in all_consumption(today.year):
        state = state_of(use, warn)
        if state == "ok":
            continue
        label = f"{unit_label(names, indicator)} · {indicator.kind.name}"
        share = "—" if use.share is None else f"{use.share}%"
        if state == "breach":
            reason = (
                f"{today.year}年{indicator.kind.name}控制指标已突破："
                f"已发生 {use.used.normalize()}，指标 {indicator.limit.normalize()}（{share}）"
            )
        else:
            reason = (
                f"{today.year}年{indicator.kind.name}控制指标已消耗 {share}（预警线 {warn}%）："
                f"已发生 {use.used.normalize()}，指标 {indicator.limit.normalize()}"
            )
        ids.append(indicator.pk)
        labels.append(label)
        periods.append(f"{today.year}:{state}")
        regions.append(indicator.region_code)
        parks.append(indicator.park_id)
        reasons.append(reason)
    if not ids:
        return NOTHING
    return Candidates(
        """
        SELECT 'indicator', g.id, g.label, g.period, g.region_code, NULL::bigint,
               g.park_id, NULL::bigint, g.reason,
               jsonb_build_object('state', split_part(g.period, ':', 2)),
               '/targets/?year=' || split_part(g.period, ':', 1)
        FROM unnest(%(ids)s::bigint[], %(labels)s::text[], %(periods)s::text[],
                    %(regions)s::text[], %(parks)s::bigint[], %(reasons)s::text[])
             AS g(id, label, period, region_code, park_id, reason)
        """,
        {
            "ids": ids,
            "labels": labels,
            "periods": periods,
            "regions": regions,
            "parks": parks,
            "reasons": reasons,
        },
    )
