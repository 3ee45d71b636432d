"""The utilisation factor (UF) of a rectangular room from a luminaire's intensity distribution.

Method: the flux-transfer ("three-surface room") method of CIE 52 and CIBSE TM5, with the zonal-cavity
reduction of the IES Lighting Handbook for the cavities:

1. The room is three surfaces: the luminaire plane ("ceiling", L×W at height h above the working plane),
   the walls between that plane and the working plane (2·h·(L+W)), and the working plane (L×W). The
   ceiling cavity above suspended luminaires and the floor cavity below the working plane become an
   effective reflectance of their opening: ρ_eff = ρ̄·f / (1 − ρ̄ + ρ̄·f), f = opening / cavity surface,
   ρ̄ the area-weighted reflectance of the cavity's surfaces.
2. Direct flux: luminaires spread evenly over the luminaire plane, each with the catalogue's mean
   intensity I(γ) (cd per 1000 lm, rotationally symmetric). The fraction of the lamps' flux falling
   straight on the working plane is
       F_d = 1/(A·1000) ∬ (L−|x|)(W−|y|) · I(γ)·cos³γ / h²  dx dy,   tan²γ = (x² + y²)/h²
   over −L<x<L, −W<y<W (the overlap of the two rectangles for each offset), integrated numerically
   with x = h·tan a, y = h·tan b so the peak under the luminaires stays smooth. Downward flux that
   misses the working plane lands on the walls; upward flux on the ceiling.
3. Inter-reflections: each surface i sends out B_i = ρ_i·(Φ0_i + Σ_j B_j·F_ji), with the view factors of
   a box: F_cf = F_fc from the closed form for two directly opposed parallel rectangles (Hottel;
   Howell's catalogue C-11), the rest by summation and reciprocity. UF = flux received by the working
   plane per lamp lumen = Φ0_f + Σ_j B_j·F_jf.

Properties (tests/tools/test_utilisation.py): a black room gives the direct fraction; UF rises with the
room index and with each reflectance; a downlight in a huge black room tends to its downward fraction;
UF never exceeds 1/(1 − ρ_f) (what arrives on the working plane is at most what it absorbs, < 1 lm per
lamp lumen, divided by 1 − ρ_f) and so is ≤ 1 with a black floor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

GAMMA_STEP = 5.0  # degrees between the catalogue's intensities (site_builder.contract.catalogue.GAMMAS)
STEPS = 40        # integration points per axis (the error is well under 0.5 % of UF; tests check the limits)


@dataclass(frozen=True)
class Reflectances:
    ceiling: float
    walls: float
    floor: float


def intensity(cd_per_klm: Sequence[float], gamma: float) -> float:
    """I(γ) by linear interpolation between the 5° steps; γ in degrees, 0 = straight down."""
    position = min(max(gamma, 0.0), 180.0) / GAMMA_STEP
    low = min(int(position), len(cd_per_klm) - 2)
    part = position - low
    return cd_per_klm[low] * (1 - part) + cd_per_klm[low + 1] * part


def zone_flux(cd_per_klm: Sequence[float], start: float, end: float) -> float:
    """Flux per 1000 lm between γ=start and γ=end (degrees): ∫ I(γ)·2π·sin γ dγ, by Simpson's rule."""
    steps = 180
    width = math.radians(end - start) / steps
    total = 0.0
    for index in range(steps + 1):
        gamma = math.radians(start) + index * width
        weight = 1 if index in (0, steps) else (4 if index % 2 else 2)
        total += weight * intensity(cd_per_klm, math.degrees(gamma)) * 2 * math.pi * math.sin(gamma)
    return total * width / 3


def scale(cd_per_klm: Sequence[float]) -> float:
    """1, or less when rounded data sum above 1000 lm per 1000 lm (a luminaire gives out no more than it has)."""
    total = zone_flux(cd_per_klm, 0, 180) / 1000
    return 1 / total if total > 1 else 1.0


def fractions(cd_per_klm: Sequence[float]) -> tuple[float, float]:
    """(downward, upward) fractions of the luminaire's flux."""
    factor = scale(cd_per_klm)
    return zone_flux(cd_per_klm, 0, 90) / 1000 * factor, zone_flux(cd_per_klm, 90, 180) / 1000 * factor


def direct_fraction(cd_per_klm: Sequence[float], length: float, width: float, mounting: float) -> float:
    """F_d: the share of the lamps' flux falling straight on the working plane (step 2 of the method)."""
    top_a, top_b = math.atan(length / mounting), math.atan(width / mounting)
    da, db = top_a / STEPS, top_b / STEPS
    total = 0.0
    for i in range(STEPS):
        a = (i + 0.5) * da
        x = mounting * math.tan(a)
        wx = (length - x) / math.cos(a) ** 2
        for j in range(STEPS):
            b = (j + 0.5) * db
            y = mounting * math.tan(b)
            cos_g = 1 / math.sqrt(1 + (x * x + y * y) / (mounting * mounting))
            total += wx * (width - y) / math.cos(b) ** 2 * intensity(cd_per_klm, math.degrees(math.acos(cos_g))) \
                * cos_g ** 3
    return 4 * total * da * db / (length * width * 1000) * scale(cd_per_klm)


def parallel_view_factor(length: float, width: float, distance: float) -> float:
    """View factor between two directly opposed equal rectangles L×W, `distance` apart (Howell C-11)."""
    x, y = length / distance, width / distance
    x1, y1 = math.sqrt(1 + x * x), math.sqrt(1 + y * y)
    return 2 / (math.pi * x * y) * (
        math.log(x1 * y1 / math.sqrt(1 + x * x + y * y))
        + x * y1 * math.atan(x / y1) + y * x1 * math.atan(y / x1) - x * math.atan(x) - y * math.atan(y))


def cavity_reflectance(base: float, walls: float, length: float, width: float, depth: float) -> float:
    """The effective reflectance of a cavity's opening (IES zonal-cavity formula); `base` when depth is 0."""
    if depth <= 0:
        return base
    opening, sides = length * width, 2 * depth * (length + width)
    mean = (base * opening + walls * sides) / (opening + sides)
    share = opening / (opening + sides)
    return mean * share / (1 - mean + mean * share)


def received(initial: tuple[float, float, float], rho: tuple[float, float, float],
             view: tuple[tuple[float, float, float], ...]) -> tuple[float, float, float]:
    """Step 3: the flux each surface receives (ceiling, walls, working plane), solving B = ρ·(Φ0 + Fᵀ·B)."""
    # (I − diag(ρ)·Fᵀ)·B = ρ·Φ0, solved by Gaussian elimination (3×3, always well-posed for ρ < 1).
    matrix = [[(1.0 if i == j else 0.0) - rho[i] * view[j][i] for j in range(3)] for i in range(3)]
    rhs = [rho[i] * initial[i] for i in range(3)]
    for col in range(3):
        pivot = max(range(col, 3), key=lambda r: abs(matrix[r][col]))
        matrix[col], matrix[pivot], rhs[col], rhs[pivot] = matrix[pivot], matrix[col], rhs[pivot], rhs[col]
        for row in range(col + 1, 3):
            factor = matrix[row][col] / matrix[col][col]
            matrix[row] = [a - factor * b for a, b in zip(matrix[row], matrix[col], strict=True)]
            rhs[row] -= factor * rhs[col]
    out = [0.0, 0.0, 0.0]
    for row in (2, 1, 0):
        out[row] = (rhs[row] - sum(matrix[row][j] * out[j] for j in range(row + 1, 3))) / matrix[row][row]
    return tuple(initial[i] + sum(out[j] * view[j][i] for j in range(3)) for i in range(3))


def box(length: float, width: float, mounting: float) -> tuple[tuple[float, float, float], ...]:
    """View factors view[i][j] from surface i to j of the box (0 ceiling, 1 walls, 2 working plane)."""
    area, walls = length * width, 2 * mounting * (length + width)
    f_cf = parallel_view_factor(length, width, mounting)
    f_cw = 1 - f_cf
    f_wc = area * f_cw / walls
    return ((0.0, f_cw, f_cf), (f_wc, 1 - 2 * f_wc, f_wc), (f_cf, f_cw, 0.0))


def utilisation_factor(cd_per_klm: Sequence[float], length: float, width: float, mounting: float,
                       reflectances: Reflectances, workplane: float = 0.0, suspension: float = 0.0) -> float:
    """UF of the room for this distribution (the module's method); mounting = h above the working plane."""
    rounded = Reflectances(round(reflectances.ceiling, 3), round(reflectances.walls, 3), round(reflectances.floor, 3))
    return _cached(tuple(round(v, 3) for v in cd_per_klm), round(length, 2), round(width, 2), round(mounting, 2),
                   rounded, round(workplane, 2), round(suspension, 2))


@lru_cache(maxsize=4096)  # the endpoint is called as a member types: the same room many times over
def _cached(cd_per_klm: tuple[float, ...], length: float, width: float, mounting: float,
            reflectances: Reflectances, workplane: float, suspension: float) -> float:
    down, up = fractions(cd_per_klm)
    direct = direct_fraction(cd_per_klm, length, width, mounting)
    rho = (cavity_reflectance(reflectances.ceiling, reflectances.walls, length, width, suspension),
           reflectances.walls,
           cavity_reflectance(reflectances.floor, reflectances.walls, length, width, workplane))
    return received((up, max(0.0, down - direct), direct), rho, box(length, width, mounting))[2]
