"""Pure grading rules: LEC and LS scores to levels under a scheme's thresholds snapshot, and
the GB 18218-2018 identification and grading of a major hazard installation.

Everything is exact: Decimals in, `Fraction` sums inside, so S = 1 is never 0.9999….
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from safeloop.risks.choices import Level


def lec_level(d: Decimal, thresholds: dict) -> str:
    if d > Decimal(thresholds["lec_red_above"]):
        return Level.RED
    if d > Decimal(thresholds["lec_orange_above"]):
        return Level.ORANGE
    if d > Decimal(thresholds["lec_yellow_above"]):
        return Level.YELLOW
    return Level.BLUE


def ls_level(r: int, thresholds: dict) -> str:
    if r >= thresholds["ls_red_min"]:
        return Level.RED
    if r >= thresholds["ls_orange_min"]:
        return Level.ORANGE
    if r >= thresholds["ls_yellow_min"]:
        return Level.YELLOW
    return Level.BLUE


@dataclass(frozen=True)
class Line:
    """One substance of a unit: its name, actual quantity q, critical quantity Q, β."""

    name: str
    q: Decimal
    Q: Decimal
    beta: Decimal

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.q) / Fraction(self.Q)


@dataclass
class MajorHazardResult:
    lines: list[Line]
    people: int
    alpha: Decimal
    s: Fraction
    weighted: Fraction  # Σ β·q/Q
    r: Fraction
    identified: bool
    grade: int | None
    steps: list[str] = field(default_factory=list)


def alpha_for(people: int, bands) -> Decimal:
    """bands: (min_people, max_people or None, alpha) rows."""
    for low, high, alpha in bands:
        if people >= low and (high is None or people <= high):
            return Decimal(alpha)
    raise ValueError(f"no α band covers {people} people")


def grade_for(r: Fraction, bands) -> int:
    """bands: (grade, r_min) rows; the highest threshold met wins."""
    for grade, r_min in sorted(bands, key=lambda b: Fraction(b[1]), reverse=True):
        if r >= Fraction(r_min):
            return grade
    raise ValueError(f"no grade band covers R={r}")


def dec(x: Fraction, places: int = 4) -> Decimal:
    """A Fraction as a Decimal rounded for display and storage."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(quantum)


def major_hazard(lines: list[Line], people: int, alpha_bands, grade_bands) -> MajorHazardResult:
    s = sum((line.ratio for line in lines), Fraction(0))
    weighted = sum((Fraction(line.beta) * line.ratio for line in lines), Fraction(0))
    alpha = alpha_for(people, alpha_bands)
    r = Fraction(alpha) * weighted
    identified = s >= 1
    grade = grade_for(r, grade_bands) if identified else None
    steps = [
        f"{line.name}: q/Q = {line.q} / {line.Q} = {dec(line.ratio)}; "
        f"β·q/Q = {line.beta} × {dec(line.ratio)} = {dec(Fraction(line.beta) * line.ratio)}"
        for line in lines
    ]
    steps.append(f"S = Σq/Q = {dec(s)} ({'≥' if identified else '<'} 1)")
    steps.append(f"Σβq/Q = {dec(weighted)}")
    steps.append(f"α ({people}) = {alpha}")
    steps.append(f"R = α × Σβq/Q = {alpha} × {dec(weighted)} = {dec(r, 2)}")
    return MajorHazardResult(lines, people, alpha, s, weighted, r, identified, grade, steps)
