"""Make the demo's photometric files (content/catalogue/photometry/): EULUMDAT files and one IES file of
invented but plausible luminaires, one for each kind of curve the calculators meet, and each EULUMDAT
symmetry (Isym 0-4). Intensities are in cd per 1000 lamp lumens (LORL 100 %: LED photometry, the lamp is
the luminaire), integrated here on a fine grid, independently of site_builder/photometry.py.

    python bench/make_demo_photometry.py [content/catalogue/photometry]
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Curve = Callable[[float, float], float]  # (C, gamma) in degrees -> relative intensity
GAMMAS = [float(g) for g in range(0, 181, 5)]


def lambert(c: float, g: float) -> float:
    return max(math.cos(math.radians(g)), 0.0)


def power_cos(n: float) -> Curve:
    return lambda c, g: max(math.cos(math.radians(g)), 0.0) ** n


def spot(fwhm: float) -> Curve:
    sigma = fwhm / 2.3548
    return lambda c, g: math.exp(-0.5 * (g / sigma) ** 2) + 0.004 * lambert(c, g)


def batwing(c: float, g: float) -> float:
    """Linear office luminaire: wide batwing across (C90), cosine along (C0)."""
    across = math.sin(math.radians(min(g, 90.0)) * 1.7) ** 2 * 0.8 + 0.35 * lambert(c, g) if g < 90 else 0.0
    along = lambert(c, g) ** 1.3
    share = math.sin(math.radians(c)) ** 2
    return share * across + (1 - share) * along + (0.06 * math.sin(math.radians(g - 90)) if g > 90 else 0.0)


def oval(wide: float, narrow: float) -> Curve:
    """High-bay with an oval beam: the exponent goes from `narrow` (C0) to `wide` (C90) across the planes."""
    def curve(c: float, g: float) -> float:
        share = math.sin(math.radians(c)) ** 2
        return lambert(c, g) ** (narrow * (1 - share) + wide * share)
    return curve


def street(c: float, g: float) -> float:
    """Road luminaire: peak at gamma ~65° along the road (C0/C180), thrown to the street side (C90 > C270)."""
    if g >= 88:
        return 0.0
    along = math.cos(math.radians(c)) ** 2
    side = 1.0 + 0.45 * math.sin(math.radians(c))  # C90 street side brighter than C270 house side
    lobe = math.exp(-0.5 * ((g - 65) / 11) ** 2) * along * side
    return 0.35 * lambert(c, g) + lobe * 1.6 + 0.25 * math.exp(-0.5 * ((g - 50) / 15) ** 2) * side


def corridor(c: float, g: float) -> float:
    """Emergency luminaire in a corridor: no symmetry at all, pushed toward C30."""
    tilt = 1.0 + 0.5 * math.cos(math.radians(c - 30))
    return lambert(c, g) ** 1.5 * tilt if g < 90 else 0.0


@dataclass
class Luminaire:
    file: str
    name: str
    curve: Curve
    isym: int
    flux: int
    watts: float
    size: tuple[int, int, int]
    ityp: int = 1
    cct: str = "4000"
    cri: str = "80"


LUMINAIRES = [
    Luminaire("ofis-layn-2-595.ldt", "Ofis-Layn 2 595 opal", lambert, 1, 4000, 29, (595, 595, 40)),
    Luminaire("ofis-layn-2-lineynyy.ldt", "Ofis-Layn 2 L1200 batwing", batwing, 4, 4200, 32, (1195, 90, 60), ityp=2),
    Luminaire("tsekh-m-150-uzkiy.ldt", "Tsekh-M 150 30 deg", power_cos(18), 1, 22800, 150, (420, 420, 160)),
    Luminaire("tsekh-m-150-60x90.ldt", "Tsekh-M 150 60x90 deg", oval(2.2, 4.5), 4, 22800, 150, (420, 420, 160),
              ityp=3),
    Luminaire("tsekh-m-100-shirokiy.ldt", "Tsekh-M 100 120 deg", power_cos(1.2), 1, 15200, 100, (360, 360, 150)),
    Luminaire("magistral-80-sh2.ldt", "Magistral 80 Sh2", street, 3, 12600, 80, (560, 250, 95), ityp=3),
    Luminaire("trek-pro-2-30-24.ldt", "Trek-Pro 2 30 W 24 deg", spot(24), 1, 3500, 30, (95, 95, 180), cri="95"),
    Luminaire("avariya-koridor.ldt", "Evakuatsiya 3 W corridor", corridor, 0, 300, 3, (220, 120, 40), ityp=3),
]
IES = Luminaire("ofis-layn-2-600-prizma.ies", "Ofis-Layn 2 600 prism", power_cos(1.4), 2, 3900, 30, (595, 595, 40))


def planes(isym: int, mc: int) -> list[float]:
    dc = 360.0 / mc
    first, last = {1: (1, 1), 2: (1, mc // 2 + 1), 3: (3 * mc // 4 + 1, 3 * mc // 4 + 1 + mc // 2),
                   4: (1, mc // 4 + 1)}.get(isym, (1, mc))
    return [((i - 1) * dc) % 360.0 for i in range(first, last + 1)]


def flux(curve: Curve) -> float:
    """Lumens of the relative curve over the sphere (midpoint rule, 1° cells)."""
    total = 0.0
    for gi in range(180):
        g = gi + 0.5
        band = math.cos(math.radians(gi)) - math.cos(math.radians(gi + 1))
        total += band * sum(curve(c + 0.5, g) for c in range(0, 360)) * math.radians(1.0)
    return total


def eulumdat(lum: Luminaire) -> str:
    mc = 1 if lum.isym == 1 else 24
    scale = 1000.0 / flux(lum.curve)
    dff = 100.0 if lum.curve(0, 120) == 0 else 95.0
    length, width, height = lum.size
    lines = ["Lior Svetotekhnika (demo data: bench/make_demo_photometry.py)", str(lum.ityp), str(lum.isym), str(mc),
             f"{360 / mc if mc > 1 else 0:g}", str(len(GAMMAS)), "5", "LIOR-DEMO-2026", lum.name,
             lum.file.removesuffix(".ldt").upper(), lum.file, "2026-11-20 / photometry lab",
             str(length), str(width if lum.ityp != 1 or width != length else 0), str(height), str(length - 10),
             str(max(width - 10, 0)), "0", "0", "0", "0", f"{dff:.1f}", "100.0", "1.00", "0", "1",
             "1", "LED", str(lum.flux), lum.cct, lum.cri, f"{lum.watts:g}"]
    lines += [f"{0.45 + 0.05 * i:.3f}" for i in range(10)]  # direct ratios, k = 0.6 … 5
    lines += [f"{i * 360 / mc:g}" for i in range(mc)]
    lines += [f"{g:g}" for g in GAMMAS]
    for c in planes(lum.isym, mc):
        lines += [f"{lum.curve(c, g) * scale:.1f}" for g in GAMMAS]
    return "\r\n".join(lines) + "\r\n"


def ies(lum: Luminaire) -> str:
    """IES LM-63-2002, absolute photometry (lumens -1), candela with a multiplier, C0-C90-C180 planes."""
    scale = lum.flux / flux(lum.curve)
    horizontal = [0.0, 22.5, 45.0, 67.5, 90.0, 112.5, 135.0, 157.5, 180.0]
    length, width, height = (v / 1000 for v in lum.size)
    head = ["IESNA:LM-63-2002", "[TEST] LIOR-DEMO-2026", "[MANUFAC] Lior Svetotekhnika (demo data)",
            f"[LUMCAT] {lum.file.removesuffix('.ies').upper()}", f"[LUMINAIRE] {lum.name}", "[LAMP] LED",
            "[_SOURCE] bench/make_demo_photometry.py", "TILT=NONE",
            f"1 -1 0.5 {len(GAMMAS)} {len(horizontal)} 1 2 {width:.3f} {length:.3f} {height:.3f}",
            f"1.0 1.0 {lum.watts:g}"]
    rows = [" ".join(f"{g:g}" for g in GAMMAS), " ".join(f"{h:g}" for h in horizontal)]
    for h in horizontal:
        rows.append(" ".join(f"{lum.curve(h, g) * scale / 0.5:.1f}" for g in GAMMAS))
    return "\r\n".join(head + rows) + "\r\n"


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for lum in LUMINAIRES:
        (folder / lum.file).write_bytes(eulumdat(lum).encode("ascii"))
    (folder / IES.file).write_bytes(ies(IES).encode("ascii"))
    print(f"wrote {len(LUMINAIRES) + 1} files to {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "content/catalogue/photometry"))
