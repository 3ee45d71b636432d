"""The utilisation factor from photometry: analytic limits, monotony and the bounds of the flux-transfer method."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.tools.utilisation import (
    Reflectances,
    box,
    cavity_reflectance,
    direct_fraction,
    fractions,
    parallel_view_factor,
    received,
    utilisation_factor,
)

GAMMAS = range(0, 181, 5)
# A Lambertian downlight (I = I0·cos γ below the horizon, nothing above): 1000 lm → I0 = 1000/π cd.
LAMBERT = tuple(1000 / math.pi * math.cos(math.radians(g)) if g <= 90 else 0.0 for g in GAMMAS)
# A narrow downlight (cos⁸, ~35° half-angle) and a luminaire with 30 % of its flux upwards.
NARROW = tuple(9000 / (2 * math.pi) * math.cos(math.radians(g)) ** 8 if g <= 90 else 0.0 for g in GAMMAS)
UPLIGHT = tuple(0.7 * v + 0.3 * LAMBERT[36 - i] for i, v in enumerate(LAMBERT))
BLACK = Reflectances(0, 0, 0)
STANDARD = Reflectances(0.7, 0.5, 0.2)


def test_the_parallel_view_factor_matches_the_published_table():
    """Howell, "A Catalog of Radiation Heat Transfer Configuration Factors", C-11 (two directly opposed
    parallel rectangles), also Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, table 13.2:
    X = Y = 1 → 0.1998; X = Y = 2 → 0.4152 (to 4 places)."""
    assert parallel_view_factor(1, 1, 1) == pytest.approx(0.1998, abs=1e-4)
    assert parallel_view_factor(4, 4, 2) == pytest.approx(0.4152, abs=1e-4)


def test_a_lambertian_ceiling_in_a_black_room_gives_the_view_factor():
    """Evenly spread Lambertian emitters are a diffuse ceiling: the direct fraction is the view factor (±0.5 %)."""
    for length, width, h in ((5, 5, 2.5), (12, 6, 2.2), (30, 18, 4)):
        expected = parallel_view_factor(length, width, h)
        assert direct_fraction(LAMBERT, length, width, h) == pytest.approx(expected, rel=0.005)
        assert utilisation_factor(LAMBERT, length, width, h, BLACK) == pytest.approx(expected, rel=0.005)


def test_a_black_room_gives_the_direct_fraction():
    for curve in (LAMBERT, NARROW, UPLIGHT):
        assert utilisation_factor(curve, 10, 7, 2.4, BLACK) == pytest.approx(direct_fraction(curve, 10, 7, 2.4))


def test_the_fractions_of_the_distributions():
    assert fractions(LAMBERT)[0] == pytest.approx(1.0, abs=0.002)
    assert fractions(LAMBERT)[1] == pytest.approx(0, abs=1e-12)
    down, up = fractions(UPLIGHT)
    assert (down, up) == (pytest.approx(0.7, abs=0.002), pytest.approx(0.3, abs=0.002))


def test_a_downlight_in_a_huge_room_sends_its_downward_flux_to_the_working_plane():
    down, _up = fractions(NARROW)
    assert utilisation_factor(NARROW, 400, 400, 2.0, BLACK) == pytest.approx(down, rel=0.01)
    down, _up = fractions(UPLIGHT)
    assert utilisation_factor(UPLIGHT, 400, 400, 2.0, BLACK) == pytest.approx(down, rel=0.02)


def test_uf_rises_with_the_room_index():
    values = [utilisation_factor(LAMBERT, side, side, 2.5, STANDARD) for side in (3, 5, 8, 12, 20, 40)]
    assert values == sorted(values) and values[0] < values[-1]


@settings(max_examples=40, deadline=None)
@given(ceiling=st.floats(0, 0.85), walls=st.floats(0, 0.85), floor=st.floats(0, 0.5), bump=st.floats(0.02, 0.1),
       which=st.sampled_from(("ceiling", "walls", "floor")), side=st.floats(3, 40), curve=st.sampled_from(
           (LAMBERT, NARROW, UPLIGHT)))
def test_uf_rises_with_each_reflectance(ceiling, walls, floor, bump, which, side, curve):
    base = Reflectances(ceiling, walls, floor)
    values = {"ceiling": ceiling, "walls": walls, "floor": floor}
    values[which] += bump
    brighter = Reflectances(**values)
    assert utilisation_factor(curve, side, side * 0.7, 2.6, brighter, workplane=0.8) >= \
        utilisation_factor(curve, side, side * 0.7, 2.6, base, workplane=0.8) - 1e-12


@settings(max_examples=40, deadline=None)
@given(ceiling=st.floats(0, 0.9), walls=st.floats(0, 0.9), floor=st.floats(0, 0.5), length=st.floats(1, 100),
       width=st.floats(1, 100), h=st.floats(0.5, 15), curve=st.sampled_from((LAMBERT, NARROW, UPLIGHT)))
def test_uf_stays_within_its_physical_bounds(ceiling, walls, floor, length, width, h, curve):
    uf = utilisation_factor(curve, length, width, h, Reflectances(ceiling, walls, floor))
    assert 0 < uf <= 1 / (1 - floor) + 1e-9
    black_floor = utilisation_factor(curve, length, width, h, Reflectances(ceiling, walls, 0))
    assert black_floor <= 1 + 1e-9


def test_a_typical_office_panel_in_the_standard_room():
    """Plausibility against a published UF table: a single-lamp fluorescent luminaire with prismatic diffuser
    (Alzuhairi, Electrical Installation, lecture 11, table 2), reflectances 0.7/0.5/0.2: k 0.75 → 0.44,
    1.0 → 0.50, 1.5 → 0.60, 2.0 → 0.65, 3.0 → 0.72, 5.0 → 0.77. Its distribution is not published, so ours is
    a Lambertian luminaire with an assumed light output ratio of 0.75 (typical of prismatic fittings): it
    stays within ±0.08 of every row and is lower at small k (a cosine spreads wider than a prism)."""
    for k, published in ((0.75, 0.44), (1.0, 0.50), (1.5, 0.60), (2.0, 0.65), (3.0, 0.72), (5.0, 0.77)):
        side = 2 * k * 2.5  # a square room: k = side / (2·h)
        ours = 0.75 * utilisation_factor(LAMBERT, side, side, 2.5, STANDARD)
        assert ours == pytest.approx(published, abs=0.08)


def test_cavity_reflectance():
    assert cavity_reflectance(0.2, 0.5, 10, 10, 0) == 0.2
    deep = cavity_reflectance(0.2, 0.5, 10, 10, 0.8)
    assert 0 < deep < 0.5
    assert cavity_reflectance(0, 0, 10, 10, 3) == 0


def test_results_are_cached_per_rounded_inputs():
    first = utilisation_factor(NARROW, 10.0001, 6, 2.2, STANDARD, workplane=0.8)
    again = utilisation_factor(NARROW, 10.0, 6, 2.2, STANDARD, workplane=0.8)
    assert first == again


@settings(max_examples=60, deadline=None)
@given(length=st.floats(1, 100), width=st.floats(1, 100), h=st.floats(0.5, 15),
       rho=st.tuples(st.floats(0, 0.95), st.floats(0, 0.95), st.floats(0, 0.95)),
       start=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)))
def test_the_box_keeps_its_energy_and_its_view_factors_add_up(length, width, h, rho, start):
    """Every lumen put in is absorbed somewhere at last: Σ (1 − ρ_i)·received_i = Σ Φ0_i; each surface's view
    factors sum to 1; reciprocity A_i·F_ij = A_j·F_ji."""
    view = box(length, width, h)
    areas = (length * width, 2 * h * (length + width), length * width)
    for i in range(3):
        assert sum(view[i]) == pytest.approx(1.0)
        for j in range(3):
            assert areas[i] * view[i][j] == pytest.approx(areas[j] * view[j][i], rel=1e-9, abs=1e-12)
    got = received(start, rho, view)
    assert sum((1 - r) * e for r, e in zip(rho, got, strict=True)) == pytest.approx(sum(start), rel=1e-9, abs=1e-12)
