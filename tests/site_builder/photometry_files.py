"""Photometric files written by the tests: EULUMDAT of any symmetry and IES LM-63, from an intensity function."""

from __future__ import annotations

import math
from collections.abc import Callable

Intensity = Callable[[float, float], float]  # (C, gamma) in degrees -> cd/klm
GAMMAS_5 = [float(g) for g in range(0, 181, 5)]


def lambert(c: float, g: float) -> float:
    return 1000 / math.pi * max(math.cos(math.radians(g)), 0.0)


def stored_planes(isym: int, mc: int) -> list[float]:
    """The C angles a file of this symmetry stores (EULUMDAT's Mc1..Mc2), continuing past 360° for Isym 3."""
    dc = 360.0 / mc
    first, last = {1: (1, 1), 2: (1, mc // 2 + 1), 3: (3 * mc // 4 + 1, 3 * mc // 4 + 1 + mc // 2),
                   4: (1, mc // 4 + 1)}.get(isym, (1, mc))
    return [(i - 1) * dc for i in range(first, last + 1)]


def eulumdat(intensity: Intensity = lambert, isym: int = 1, mc: int = 24, gammas: list[float] | None = None,
             lorl: float = 100.0, lamp_sets: int = 1) -> str:
    """A complete EULUMDAT file; lines 1-26 header, 6 per lamp set, 10 direct ratios, angles, intensities."""
    gammas = GAMMAS_5 if gammas is None else gammas
    head = ["Test maker", "1", str(isym), str(mc), f"{360 / mc:g}", str(len(gammas)),
            f"{gammas[1] - gammas[0]:g}", "R-1", "Test luminaire", "T-1", "t.ldt", "2026-12-01", "600", "600", "40",
            "590", "590", "0", "0", "0", "0", "100", f"{lorl:g}", "1.0", "0", str(lamp_sets)]
    for field in ("1", "LED", "4000", "4000 K", "Ra 80", "29"):
        head += [field] * lamp_sets
    head += ["0.5"] * 10
    head += [f"{i * 360 / mc:g}" for i in range(mc)]
    head += [f"{g:g}" for g in gammas]
    for c in stored_planes(isym, mc):
        head += [f"{intensity(c % 360, g):.4f}" for g in gammas]
    return "\r\n".join(head) + "\r\n"


def ies(intensity: Intensity = lambert, horizontal: tuple[float, ...] = (0.0,), lumens: float = -1,
        multiplier: float = 2.0, tilt: str = "TILT=NONE", kind: int = 1) -> str:
    """An IES LM-63-2002 file; candela values are written divided by `multiplier` (the reader multiplies)."""
    gammas = GAMMAS_5
    lines = ["IESNA:LM-63-2002", "[TEST] T-1", "[MANUFAC] Test maker", tilt,
             f"1 {lumens:g} {multiplier:g} {len(gammas)} {len(horizontal)} {kind} 2 0.6 0.6 0.04", "1.0 1.0 29",
             " ".join(f"{g:g}" for g in gammas), " ".join(f"{h:g}" for h in horizontal)]
    for h in horizontal:
        values = [f"{intensity(h, g) * 4.0 / multiplier:.4f}" for g in gammas]  # 4 klm of luminaire flux
        lines += [" ".join(values[:10]), " ".join(values[10:])]
    return "\n".join(lines) + "\n"


def sphere_flux(curve: tuple[float, ...] | list[float]) -> float:
    """Lumens of a curve at 0, 5, … 180° by Simpson's rule over the sphere (not the reader's zonal method)."""
    step = math.radians(5)
    total = 0.0
    for index, value in enumerate(curve):
        weight = 1 if index in (0, len(curve) - 1) else (4 if index % 2 else 2)
        total += weight * value * math.sin(index * step)
    return 2 * math.pi * total * step / 3
