"""岗位风险告知卡 (post risk card) as PDF, with the Chinese font shipped in core/fonts embedded
(subset to the characters used), so it prints the same on any machine."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.core.documents import CjkPdf

COLOURS = {  # RGB of the four safety colours
    "red": (215, 38, 61),
    "orange": (241, 143, 1),
    "yellow": (242, 193, 78),
    "blue": (46, 134, 171),
    "": (138, 150, 163),
}
LEVEL_NAMES = {
    "red": gettext_lazy("Major risk"),
    "orange": gettext_lazy("Considerable risk"),
    "yellow": gettext_lazy("General risk"),
    "blue": gettext_lazy("Low risk"),
    "": gettext_lazy("Not assessed"),
}


class Card(CjkPdf):
    def section(self, title: str, body: str) -> None:
        self.set_font("cjk", size=12)
        self.set_fill_color(232, 238, 245)
        self.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT", fill=True)
        self.set_font("cjk", size=11)
        self.multi_cell(0, 6.5, body or "—", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


def _add_point(pdf: Card, point, measures) -> None:
    pdf.add_page()
    level = point.level or ""
    colour = COLOURS[level]
    pdf.set_fill_color(*colour)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 14, _("Post risk card"), align="C", new_x="LMARGIN", new_y="NEXT", fill=True)
    pdf.set_font("cjk", size=13)
    pdf.cell(0, 9, str(LEVEL_NAMES[level]), align="C", new_x="LMARGIN", new_y="NEXT", fill=True)
    pdf.set_text_color(31, 41, 51)
    pdf.ln(3)
    pdf.set_font("cjk", size=11)
    facts = [
        (_("Enterprise"), point.enterprise.name),
        (_("Job post"), point.post or "—"),
        (_("Risk point"), point.name),
        (_("Location"), point.location or "—"),
    ]
    current = point.current_assessment
    if current is not None:
        if current.direct_reason:
            how = f"{current.get_method_display()} · {current.get_direct_reason_display()}"
        else:
            how = f"{current.get_method_display()} = {current.score.normalize():f}"
        facts.append((_("Assessment"), how))
    for label, value in facts:
        pdf.cell(30, 7, label)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    consequences = "、".join(t.name for t in point.accident_types.all())
    pdf.section(_("Hazard factors"), point.hazard_factors)
    pdf.section(_("Possible consequences (accident types)"), consequences)
    lines = [
        f"{i}. [{m.get_kind_display()}] {m.description}"
        f"（{m.get_control_level_display()} · {m.responsible} · "
        f"{m.get_inspection_frequency_display()}）"
        for i, m in enumerate(measures, start=1)
    ]
    pdf.section(_("Control measures"), "\n".join(lines))
    pdf.section(_("Emergency actions"), point.emergency_actions)
    pdf.section(_("Emergency contacts"), point.contacts)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(107, 119, 133)
    pdf.cell(0, 6, _("Printed %(date)s") % {"date": timezone.localdate().isoformat()})


def render(points) -> bytes:
    """One card per point, one page each."""
    pdf = Card()
    pdf.set_title(_("Post risk card"))
    for point in points:
        _add_point(pdf, point, point.measures.filter(is_deleted=False))
    return bytes(pdf.output())
