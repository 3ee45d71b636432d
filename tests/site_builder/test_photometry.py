"""Photometric files reduced to the published curve: EULUMDAT of every symmetry, IES, normalisation, errors by line."""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from site_builder.contract.catalogue import GAMMAS
from site_builder.photometry import PhotometryError, read_photometry, zonal_flux

from .photometry_files import eulumdat, ies, lambert, sphere_flux

REPO = Path(__file__).resolve().parents[2]
DEMO = sorted((REPO / "content" / "catalogue" / "photometry").iterdir())


def write(tmp_path: Path, name: str, text: str, encoding: str = "ascii") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def expected_lambert(gamma: float) -> float:
    return 1000 / math.pi * max(math.cos(math.radians(gamma)), 0.0)


def test_a_lambertian_panel_gives_1000_over_pi_cos_gamma(tmp_path):
    curve = read_photometry(write(tmp_path, "panel.ldt", eulumdat(lambert, isym=1)))
    assert len(curve) == len(GAMMAS) == 37
    for gamma, value in zip(GAMMAS, curve, strict=True):
        assert value == pytest.approx(expected_lambert(gamma), abs=0.01 * 1000 / math.pi)
    assert curve[GAMMAS.index(90)] == pytest.approx(0, abs=0.01) and max(curve[19:]) == 0


def asymmetric(share: callable):
    """cos γ plus a C-dependent cos³ γ part: the mean over the C-planes is cos γ + mean(share)·cos³ γ."""
    def intensity(c: float, g: float) -> float:
        down = max(math.cos(math.radians(g)), 0.0)
        return 100 * (down + share(c) * down ** 3)
    return intensity


def expected_mean(gamma: float, mean_share: float) -> float:
    down = max(math.cos(math.radians(gamma)), 0.0)
    return 1000 * (down + mean_share * down ** 3) / (math.pi * (1 + mean_share / 2))  # ∫cos = π, ∫cos³ = π/2


# Each share is symmetric as its Isym says, and averages 1.5 over the whole circle; a plain average over
# the stored planes (not weighted by the angle each stands for) would miss it by about 1 %.
SYMMETRIES = [
    (0, lambda c: (1 + math.cos(math.radians(c - 30))) ** 2),
    (1, lambda c: 1.5),
    (2, lambda c: (1 + math.cos(math.radians(c))) ** 2),
    (3, lambda c: (1 + math.sin(math.radians(c))) ** 2),
    (4, lambda c: (1 + math.cos(math.radians(2 * c))) ** 2),
]


@pytest.mark.parametrize(("isym", "share"), SYMMETRIES, ids=[f"Isym{s}" for s, _ in SYMMETRIES])
def test_every_symmetry_gives_the_mean_over_the_whole_circle(tmp_path, isym, share):
    curve = read_photometry(write(tmp_path, "a.ldt", eulumdat(asymmetric(share), isym=isym, mc=24)))
    for gamma, value in zip(GAMMAS, curve, strict=True):
        assert value == pytest.approx(expected_mean(gamma, 1.5), abs=2.0), gamma


@pytest.mark.parametrize("path", DEMO, ids=[p.name for p in DEMO])
def test_the_demo_files_carry_1000_lm_by_an_independent_integration(path):
    curve = read_photometry(path)
    assert zonal_flux(curve) == pytest.approx(1000, rel=1e-6)
    assert sphere_flux(curve) == pytest.approx(1000, rel=0.02)  # Simpson's rule, not the reader's zonal sum


def test_a_coarse_file_is_interpolated_and_a_downlight_file_is_dark_above(tmp_path):
    gammas = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
    curve = read_photometry(write(tmp_path, "d.ldt", eulumdat(lambert, isym=1, gammas=gammas)))
    assert curve[1] == pytest.approx((expected_lambert(0) + expected_lambert(10)) / 2, rel=0.02)
    assert curve[GAMMAS.index(95):] == (0.0,) * 18


def test_lamp_lumens_and_light_output_ratio_do_not_change_the_curve(tmp_path):
    plain = read_photometry(write(tmp_path, "a.ldt", eulumdat(lambert, isym=1)))
    relative = read_photometry(write(tmp_path, "b.ldt", eulumdat(lambda c, g: 0.7 * lambert(c, g), lorl=70,
                                                                 lamp_sets=2)))
    assert relative == pytest.approx(plain, abs=0.01)


@pytest.mark.parametrize("horizontal", [(0.0,), (0.0, 45.0, 90.0), (0.0, 90.0, 180.0), (0.0, 90.0, 180.0, 270.0, 360.0),
                                        (0.0, 90.0, 180.0, 270.0)])
def test_ies_absolute_photometry_with_a_multiplier(tmp_path, horizontal):
    curve = read_photometry(write(tmp_path, "a.ies", ies(lambert, horizontal=horizontal)))
    for gamma, value in zip(GAMMAS, curve, strict=True):
        assert value == pytest.approx(expected_lambert(gamma), abs=3.5)


def test_ies_relative_photometry_and_included_tilt(tmp_path):
    text = ies(lambert, lumens=3000, tilt="TILT=INCLUDE\n1\n3\n0 45 90\n1.0 0.98 0.95")
    curve = read_photometry(write(tmp_path, "b.ies", text))
    assert curve[0] == pytest.approx(1000 / math.pi, rel=0.01)


def test_an_asymmetric_ies_file_is_averaged_over_its_planes(tmp_path):
    share = SYMMETRIES[2][1]  # symmetric about C0-C180: the file gives 0…180
    horizontal = tuple(float(h) for h in range(0, 181, 15))
    curve = read_photometry(write(tmp_path, "c.ies", ies(asymmetric(share), horizontal=horizontal)))
    assert curve[0] == pytest.approx(expected_mean(0, 1.5), abs=2.0)


def test_a_cp1252_file_is_read(tmp_path):
    text = eulumdat(lambert).replace("Test luminaire", "Leuchte f\u00fcr B\u00fcro")
    assert read_photometry(write(tmp_path, "w.ldt", text, encoding="cp1252"))[0] > 300


def broken(text: str, line: int, new: str) -> str:
    lines = text.split("\r\n")
    lines[line - 1] = new
    return "\r\n".join(lines)


LDT = eulumdat(lambert, isym=1, mc=24)
# lines: 1-26 header, 27-32 lamp set, 33-42 direct ratios, 43-66 C angles, 67-103 gammas, 104-140 values
LDT_ERRORS = [
    (broken(LDT, 3, "5"), 3, "symmetry indicator Isym must be 0, 1, 2, 3 or 4, got 5"),
    (broken(broken(LDT, 3, "4"), 4, "10"), 4, "number of C-planes Mc = 10 does not fit symmetry Isym 4"),
    (broken(LDT, 6, "x"), 6, "expected a number (Ng), found 'x'"),
    (broken(LDT, 26, "0"), 26, "the number of lamp sets must be a whole number of at least 1"),
    (broken(LDT, 35, "lots"), 35, "expected a number (direct ratio), found 'lots'"),
    (broken(LDT, 45, "10"), 45, "C angles must increase: 10 after 15"),
    (broken(LDT, 70, "7,5"), 70, "gamma angles must increase: 7.5 after 10"),  # a decimal comma is read
    (broken(LDT, 110, "-3"), 110, "a luminous intensity is negative"),
    (broken(LDT, 120, "3..5"), 120, "expected a number (luminous intensity), found '3..5'"),
    ("\r\n".join(LDT.split("\r\n")[:130]), 131, "the file ends before its luminous intensity"),
    (broken(LDT, 23, "nan"), 23, "expected a number (LORL), found 'nan'"),
]


@pytest.mark.parametrize(("text", "line", "message"), LDT_ERRORS, ids=[m[:30] for _, _, m in LDT_ERRORS])
def test_a_broken_eulumdat_file_names_its_line(tmp_path, text, line, message):
    with pytest.raises(PhotometryError) as info:
        read_photometry(write(tmp_path, "bad.ldt", text))
    assert info.value.line == line and info.value.message.startswith(message), str(info.value)


def test_a_dark_file_is_refused(tmp_path):
    with pytest.raises(PhotometryError, match="every intensity is zero"):
        read_photometry(write(tmp_path, "dark.ldt", eulumdat(lambda c, g: 0.0)))


IES_ERRORS = [
    (ies().replace("TILT=NONE", "TILT=lamp.tlt"), 4, "TILT=LAMP.TLT: a tilt file of its own is not supported"),
    (ies().replace("TILT=NONE\n", ""), 0, "no TILT= line"),
    (ies(kind=2), 5, "photometric type 2 (A or B): only type C"),
    (ies().replace("1.0 1.0 29", "1.0 one 29"), 6, "expected a number (file generation type), found 'one'"),
    (ies().rsplit("\n", 2)[0], 9, "the file ends before its candela value"),
    (ies().replace("\n0 5 10", "\n0 5 5", 1), 7, "vertical angles must increase"),
]


@pytest.mark.parametrize(("text", "line", "message"), IES_ERRORS, ids=[m[:30] for _, _, m in IES_ERRORS])
def test_a_broken_ies_file_names_its_line(tmp_path, text, line, message):
    with pytest.raises(PhotometryError) as info:
        read_photometry(write(tmp_path, "bad.ies", text))
    assert info.value.line == line and info.value.message.startswith(message), str(info.value)


def test_other_formats_and_missing_files_are_refused(tmp_path):
    with pytest.raises(PhotometryError, match="unknown photometric format '.txt'"):
        read_photometry(write(tmp_path, "a.txt", LDT))
    with pytest.raises(PhotometryError, match="cannot read the file"):
        read_photometry(tmp_path / "none.ldt")


def test_the_demo_files_are_what_the_committed_generator_makes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_demo_photometry", REPO / "bench" / "make_demo_photometry.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.main(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in DEMO]
    for path in DEMO:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
