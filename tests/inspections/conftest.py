import base64
import io
from datetime import date

import pytest
from PIL import Image, ImageDraw

from safeloop.inspections import services
from safeloop.inspections.choices import PlanKind
from safeloop.orgs.roles import Role


def signature() -> str:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 100), (150, 20), (290, 90)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def plan(world):
    return services.create_plan(
        actor=world.user(Role.COUNTY_ADMIN),
        title="2026年第四季度综合督查",
        kind=PlanKind.COMPREHENSIVE,
        region=world.county,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
    )


@pytest.fixture
def visit(world, plan):
    """An assigned visit of the grid inspector at `inside`, which uses combustible dust."""
    world.inside.dust_explosion = True
    world.inside.save()
    return services.add_visit(
        plan=plan,
        actor=world.user(Role.COUNTY_ADMIN),
        enterprise=world.inside,
        inspector=world.user(Role.GRID_INSPECTOR),
        scheduled_on=date(2026, 11, 2),
    )
