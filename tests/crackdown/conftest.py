from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.crackdown import services
from safeloop.crackdown.demo import ensure_rule
from safeloop.orgs.roles import Role


@pytest.fixture
def make_case(world):
    """A case registered by the system administrator: in the test park's grid cell
    ("inside"), in the sibling county or in the other city's county."""
    ensure_rule()
    # a transactional test elsewhere may have flushed the migrations' data
    from django.apps import apps as django_apps

    from safeloop.alerts.demo import ensure_rules
    from safeloop.public import reference_data

    ensure_rules()
    reference_data.load(django_apps)

    def make(where="inside", **extra):
        place = {
            "inside": {"grid": world.grid},
            "sibling": {"region": world.sibling_county},
            "outside": {"region": world.other_county},
        }[where]
        fields = {
            "source": "patrol",
            "subject_name": f"无证作坊{where}",
            "facts": "无证从事塑料加工",
            "location": "某村三队",
            "found_on": timezone.localdate() - timedelta(days=20),
            **place,
            **extra,
        }
        return services.register_case(actor=world.user(Role.SYSTEM_ADMIN), **fields)

    return make


def advance(case, actor, to: str, *, kind="ban"):
    """Walk `case` through the services up to state `to`."""
    path = ["registered", "verifying", "disposing", "tracking", "closed"]
    if to == "not_filed":
        return services.decline(actor=actor, case=case, reason="核查无违法行为")
    today = timezone.localdate()
    for state in path[1 : path.index(to) + 1]:
        case.refresh_from_db()
        if state == "verifying":
            services.verify(actor=actor, case=case)
        elif state == "disposing":
            services.file_case(actor=actor, case=case, verification="属实")
        elif state == "tracking":
            services.add_action(
                actor=actor,
                case=case,
                kind=kind,
                decided_on=today,
                document_number="兴应急取字〔2026〕1号",
                amount=1000 if kind == "fine" else None,
                transferred_to="公安分局" if kind == "transfer" else "",
            )
            services.start_follow_up(actor=actor, case=case)
        elif state == "closed":
            for _ in range(2):
                services.add_revisit(actor=actor, case=case, visited_on=today, still_closed=True)
            services.close_case(actor=actor, case=case)
    case.refresh_from_db()
    return case
