"""The lumen method and the voltage drop against published worked examples (each cited: numbers in, numbers out)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.tools.formulas import (
    SECTIONS,
    Cable,
    Room,
    current_from_power,
    grid_for,
    lumen_method,
    luminaires_needed,
    room_index,
    voltage_drop,
)

# ---- lumen method ----


def test_lumen_method_control_room_example():
    """Bishop Engineering, "Lighting Design (Lumen Method)", worked example
    (https://www.bishopengineeringth.com/kb-lighting.html): control room 10 × 8 m, 300 lx, LED panels of
    3200 lm, UF 0.6, MF 0.8 → N = 24 000 / 1 536 = 15.6 → 16 luminaires on a 4 × 4 grid."""
    result = lumen_method(Room(10, 8, 3.0, 0.8), lux=300, flux=3200, uf=0.6, mf=0.8)
    assert result.needed == 16
    assert (result.grid.rows, result.grid.columns) == (4, 4)
    assert result.count == 16
    assert result.achieved_lux == pytest.approx(16 * 3200 * 0.6 * 0.8 / 80)  # 307.2 lx
    assert result.grid.spacing_length == pytest.approx(2.5) and result.grid.wall_length == pytest.approx(1.25)
    assert result.grid.spacing_width == pytest.approx(2.0) and result.grid.wall_width == pytest.approx(1.0)


def test_lumen_method_office_example_in_imperial_units():
    """ElectraKit, "Lumen Method Formula" (https://www.electrakit.com/formulas/lighting-lumen-method): office
    40 × 60 ft, 50 fc, 4 000 lm luminaires, CU 0.65, MF 0.80 → N = 120 000 / 2 080 = 57.7 → 58. The formula is
    the same in any consistent units (fc with ft², lx with m²)."""
    assert luminaires_needed(50, 40 * 60, 4000, 0.65, 0.8) == 58


def test_room_index_of_a_classroom():
    """k = L·W / (h·(L+W)): 9 × 6 m, h = 3.0 − 0.8 = 2.2 m → 54 / 33 = 1.636."""
    room = Room(9, 6, 3.0, 0.8)
    assert room.mounting == pytest.approx(2.2)
    assert room_index(9, 6, room.mounting) == pytest.approx(54 / 33)


def test_suspension_lowers_the_luminaires_and_is_stated():
    room = Room(12, 12, 6.0, 0.0, suspension=1.5)
    result = lumen_method(room, lux=200, flux=12000, uf=0.7, mf=0.67, power=90)
    assert room.mounting == pytest.approx(4.5)
    assert result.room_index == pytest.approx(144 / (4.5 * 24))
    assert "tools.assume.suspended" in result.assumptions
    assert result.w_per_m2 == pytest.approx(result.count * 90 / 144)


def test_power_density_is_none_without_power_and_rounding_is_stated():
    result = lumen_method(Room(7, 3, 2.8, 0.8), lux=300, flux=3000, uf=0.5, mf=0.8)
    assert result.w_per_m2 is None
    assert result.needed == math.ceil(300 * 21 / (3000 * 0.5 * 0.8))  # 5.25 → 6
    if result.count > result.needed:
        assert "tools.assume.grid_rounded" in result.assumptions


def test_a_whole_number_is_not_rounded_up_by_float_noise():
    # 500·48 / (4000·0.75·1.0) is 8 exactly; 0.1-style floats must not make it 9.
    assert luminaires_needed(500, 48, 4000, 0.75, 1.0) == 8
    assert luminaires_needed(300, 0.1 * 3, 90, 0.1, 1.0) == 10


def test_a_long_corridor_gets_one_row():
    grid = grid_for(8, 40, 2)
    assert (grid.rows, grid.columns) == (1, 8)
    assert grid.spacing_length == pytest.approx(5) and grid.wall_length == pytest.approx(2.5)


@given(count=st.integers(1, 400), length=st.floats(1, 200), width=st.floats(1, 200))
def test_the_grid_holds_enough_luminaires_and_few_spare(count, length, width):
    grid = grid_for(count, length, width)
    assert grid.count >= count
    assert grid.count < count + max(grid.rows, grid.columns)  # at most one partial row or column spare
    assert grid.spacing_length * grid.columns == pytest.approx(length)
    assert grid.wall_width * 2 == pytest.approx(grid.spacing_width)


@given(lux=st.floats(10, 2000), flux=st.floats(100, 60000), uf=st.floats(0.1, 1.2), mf=st.floats(0.5, 1.0),
       length=st.floats(1, 100), width=st.floats(1, 100))
def test_the_achieved_illuminance_reaches_the_required_one(lux, flux, uf, mf, length, width):
    result = lumen_method(Room(length, width, 3.0, 0.8), lux, flux, uf, mf)
    assert result.achieved_lux >= lux * (1 - 1e-9)
    # One luminaire fewer than the formula's N would not reach it (N is the least that does), unless N is 1.
    if result.needed > 1:
        assert (result.needed - 1) * flux * uf * mf / (length * width) < lux


# ---- voltage drop ----


def test_voltage_drop_schneider_motor_example():
    """Schneider Electric, Electrical Installation Guide, chapter G "Sizing and protection of conductors",
    §5.2 "Voltage drop", example 1 (https://www.electrical-installation.org/enwiki/Voltage_drop_in_conductors):
    a three-phase 35 mm² copper cable, 50 m, supplies a 400 V motor taking 100 A at cos φ 0.8: the guide's
    table G.28 (1 V per A per km, line to line) gives ΔU = 1 × 100 × 0.05 = 5 V, i.e. 1.25 % of 400 V.
    IEC 60364-5-52 G.1 gives u = (0.0225·50/35·0.8 + 0.08e-3·50·0.6)·100 = 2.811 V phase to neutral
    (4.87 V line to line), Δu = 1.22 %: the same to the guide's table rounding (±0.05 %)."""
    result = voltage_drop(Cable(3, "copper", 35, 50, 100, 0.8))
    assert result.volts == pytest.approx(2.8114, abs=1e-4)
    assert result.volts * math.sqrt(3) == pytest.approx(5.0, abs=0.15)
    assert result.percent == pytest.approx(1.25, abs=0.05)
    assert result.within == {"lighting": True, "other": True}


def test_voltage_drop_schneider_motor_start_example():
    """The same guide, same example, at start-up: 500 A at cos φ 0.35; table G.28 gives 0.52 V/A/km,
    ΔU = 0.52 × 500 × 0.05 = 13 V line to line = 3.25 %. G.1: 7.50 V phase to neutral = 3.26 %."""
    result = voltage_drop(Cable(3, "copper", 35, 50, 500, 0.35))
    assert result.volts * math.sqrt(3) == pytest.approx(13.0, abs=0.15)
    assert result.percent == pytest.approx(3.25, abs=0.05)
    assert result.within == {"lighting": False, "other": True}
    assert result.smallest_section["lighting"] == 50  # the next sections that bring it within 3 %
    assert result.smallest_section["other"] == 25


def test_single_phase_counts_both_conductors():
    """b = 2: 2.5 mm² copper, 30 m, 16 A, cos φ 1: u = 2·0.0225·30/2.5·16 = 8.64 V = 3.76 % of 230 V."""
    result = voltage_drop(Cable(1, "copper", 2.5, 30, 16, 1.0))
    assert result.volts == pytest.approx(8.64)
    assert result.percent == pytest.approx(8.64 / 230 * 100)
    assert result.within == {"lighting": False, "other": True}
    assert result.smallest_section == {"lighting": 4, "other": 2.5}


def test_aluminium_starts_at_16_and_none_when_nothing_is_enough():
    small = voltage_drop(Cable(3, "aluminium", 16, 5, 10, 0.9))
    assert small.smallest_section == {"lighting": 16, "other": 16}
    huge = voltage_drop(Cable(1, "copper", 300, 5000, 400, 0.9))
    assert huge.smallest_section == {"lighting": None, "other": None}


def test_current_from_power():
    """I = P/(U·cos φ): 3.68 kW at 230 V, cos φ 1 → 16 A; three-phase 11 kW at 400 V, cos φ 0.85 → 18.68 A."""
    assert current_from_power(3680, 1, 1.0) == pytest.approx(16.0)
    assert current_from_power(11000, 3, 0.85) == pytest.approx(11000 / (math.sqrt(3) * 400 * 0.85))


@given(section=st.sampled_from(SECTIONS), length=st.floats(1, 1000), current=st.floats(0.1, 500),
       cos_phi=st.floats(0.3, 1.0), phases=st.sampled_from((1, 3)))
def test_a_thicker_cable_drops_less_and_the_smallest_section_meets_the_limit(section, length, current, cos_phi, phases):
    result = voltage_drop(Cable(phases, "copper", section, length, current, cos_phi))
    if section < 300:
        thicker = voltage_drop(Cable(phases, "copper", SECTIONS[SECTIONS.index(section) + 1], length, current, cos_phi))
        assert thicker.volts < result.volts
    for name, limit in (("lighting", 3.0), ("other", 5.0)):
        best = result.smallest_section[name]
        if best is not None:
            assert voltage_drop(Cable(phases, "copper", best, length, current, cos_phi)).percent <= limit
            if best > 1.5:
                thinner = SECTIONS[SECTIONS.index(best) - 1]
                assert voltage_drop(Cable(phases, "copper", thinner, length, current, cos_phi)).percent > limit
