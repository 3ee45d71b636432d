"""The calculators' formulas: the lumen method for a rectangular room and the voltage drop on a cable run.

Pure functions over numbers (no web, no database): the pages, the JSON endpoints, saved calculations and
the bench all call these, so there is one implementation. The utilisation factor from a product's
photometry is in utilisation.py; room-type presets and maintenance factors in presets.py.

Lumen method (CIE 52 / CIBSE "lumen method", also СП 52.13330.2016 method of the utilisation factor):

    h = ceiling height − suspension − working-plane height  (luminaire height above the working plane)
    k = L·W / (h·(L + W))                                    (room index)
    N = ceil(E·A / (Φ·UF·MF))                                (luminaires needed)
    E_achieved = n·Φ·UF·MF / A                               (with the grid's n ≥ N luminaires)

Voltage drop (IEC 60364-5-52:2009, Annex G, formula G.1):

    u = b·(ρ1·L/S·cos φ + λ·L·sin φ)·I_B,   Δu = 100·u / U0

b = 1 three-phase (u is the phase-to-neutral drop), b = 2 single-phase; ρ1 = 0.0225 Ω·mm²/m copper,
0.036 aluminium (1.25 × the resistivity at 20 °C, i.e. in service); λ = 0.08 mΩ/m; U0 = 230 V.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# ---- the lumen method -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    length: float        # m
    width: float         # m
    height: float        # m, floor to ceiling
    workplane: float     # m, working-plane height above the floor (0.8 for desks, 0 for floors)
    suspension: float = 0.0  # m, ceiling to the luminaire (0: surface-mounted on the ceiling)

    @property
    def mounting(self) -> float:
        """h: the luminaire's height above the working plane."""
        return self.height - self.suspension - self.workplane

    @property
    def area(self) -> float:
        return self.length * self.width


@dataclass(frozen=True)
class Grid:
    rows: int            # across the width
    columns: int         # along the length
    spacing_length: float  # m between luminaires along the length
    spacing_width: float   # m between rows
    wall_length: float     # m from the end walls to the first luminaire (half a spacing)
    wall_width: float      # m from the side walls to the first row

    @property
    def count(self) -> int:
        return self.rows * self.columns


@dataclass(frozen=True)
class LumenResult:
    needed: int          # N by the formula
    count: int           # luminaires in the grid (≥ N)
    grid: Grid
    room_index: float
    uf: float
    mf: float
    achieved_lux: float
    w_per_m2: float | None  # installed power density, when the luminaire's power is known
    assumptions: tuple[str, ...]  # word keys: what the result takes for granted


def room_index(length: float, width: float, mounting: float) -> float:
    """k = L·W / (h·(L + W))."""
    return length * width / (mounting * (length + width))


def luminaires_needed(lux: float, area: float, flux: float, uf: float, mf: float) -> int:
    """N = ceil(E·A / (Φ·UF·MF)); at least one. A hair under a whole number is that number (float noise)."""
    exact = lux * area / (flux * uf * mf)
    return max(1, math.ceil(exact - 1e-9))


def grid_for(count: int, length: float, width: float) -> Grid:
    """rows × columns ≥ count, close to the room's proportions (spacings along and across as equal as can be).

    Columns start from √(N·L/W), the count that makes the two spacings equal; of the neighbouring
    choices the one with the fewest spare luminaires wins, then the squarer spacing.
    """
    ideal = max(1, round(math.sqrt(count * length / width)))
    options = []
    for columns in {max(1, min(count, ideal + step)) for step in (-1, 0, 1)}:
        rows = math.ceil(count / columns)
        ratio = abs(math.log((length / columns) / (width / rows)))
        options.append((rows * columns, ratio, rows, columns))
    _total, _ratio, rows, columns = min(options)
    along, across = length / columns, width / rows
    return Grid(rows, columns, along, across, along / 2, across / 2)


def lumen_method(room: Room, lux: float, flux: float, uf: float, mf: float,
                 power: float | None = None, uf_from_photometry: bool = False) -> LumenResult:
    """The whole lumen-method result for `room` (see the module's docstring)."""
    k = room_index(room.length, room.width, room.mounting)
    needed = luminaires_needed(lux, room.area, flux, uf, mf)
    grid = grid_for(needed, room.length, room.width)
    achieved = grid.count * flux * uf * mf / room.area
    density = grid.count * power / room.area if power else None
    assumptions = ["tools.assume.uniform", "tools.assume.empty_room",
                   "tools.assume.uf_photometry" if uf_from_photometry else "tools.assume.uf_given",
                   "tools.assume.suspended" if room.suspension > 0 else "tools.assume.surface"]
    if grid.count > needed:
        assumptions.append("tools.assume.grid_rounded")
    return LumenResult(needed, grid.count, grid, k, uf, mf, achieved, density, tuple(assumptions))


# ---- the voltage drop -------------------------------------------------------------------------------

RESISTIVITY = {"copper": 0.0225, "aluminium": 0.036}  # ρ1, Ω·mm²/m (IEC 60364-5-52 G.1)
REACTANCE = 0.08e-3   # λ, Ω/m
U0 = 230.0            # V, phase to neutral
U_LINE = 400.0        # V, line to line (three-phase)
LIMITS = {"lighting": 3.0, "other": 5.0}  # %, IEC 60364-5-52 Table G.52.1 (installations from a public LV network)
SECTIONS = (1.5, 2.5, 4, 6, 10, 16, 25, 35, 50, 70, 95, 120, 150, 185, 240, 300)  # mm², IEC 60228
# The smallest conductor for fixed power and lighting wiring: copper 1.5 mm² (IEC 60364-5-52 Table 52.2);
# aluminium 16 mm²: IEC allows 10 mm² with rated connectors, but ПУЭ 7.1.34 (Russia) asks copper inside
# buildings below 16 mm², so the calculator never proposes a thinner aluminium conductor.
SMALLEST = {"copper": 1.5, "aluminium": 16}


@dataclass(frozen=True)
class Cable:
    phases: int          # 1 or 3
    material: str        # copper | aluminium
    section: float       # mm²
    length: float        # m, one way
    current: float       # A, the design current I_B
    cos_phi: float


@dataclass(frozen=True)
class DropResult:
    current: float       # A (given, or from the power)
    volts: float         # V: single-phase the drop on the circuit, three-phase phase-to-neutral
    percent: float       # Δu, % of U0
    within: dict[str, bool]  # limit name -> the drop is within it
    smallest_section: dict[str, float | None]  # limit name -> smallest standard section meeting it


def current_from_power(power: float, phases: int, cos_phi: float) -> float:
    """I = P / (U0·cos φ) single-phase, P / (√3·U_line·cos φ) three-phase; P in W."""
    if phases == 1:
        return power / (U0 * cos_phi)
    return power / (math.sqrt(3) * U_LINE * cos_phi)


def drop_volts(cable: Cable) -> float:
    """u = b·(ρ1·L/S·cos φ + λ·L·sin φ)·I_B (IEC 60364-5-52 G.1)."""
    b = 2 if cable.phases == 1 else 1
    sin_phi = math.sqrt(max(0.0, 1 - cable.cos_phi ** 2))
    return b * (RESISTIVITY[cable.material] * cable.length / cable.section * cable.cos_phi
                + REACTANCE * cable.length * sin_phi) * cable.current


def drop_percent(volts: float) -> float:
    return 100 * volts / U0


def smallest_section(cable: Cable, limit: float) -> float | None:
    """The smallest standard section of the cable's material with Δu ≤ limit %; None if even 300 mm² is not."""
    for section in SECTIONS:
        if section < SMALLEST[cable.material]:
            continue
        trial = Cable(cable.phases, cable.material, section, cable.length, cable.current, cable.cos_phi)
        if drop_percent(drop_volts(trial)) <= limit:
            return section
    return None


def voltage_drop(cable: Cable) -> DropResult:
    volts = drop_volts(cable)
    percent = drop_percent(volts)
    return DropResult(cable.current, volts, percent, {name: percent <= limit for name, limit in LIMITS.items()},
                      {name: smallest_section(cable, limit) for name, limit in LIMITS.items()})
