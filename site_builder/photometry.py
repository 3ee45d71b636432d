"""Photometric files (EULUMDAT `.ldt`, IES LM-63 `.ies`) reduced to what the catalogue publishes: the
luminous intensity averaged over the C-planes, in candela per 1000 lm of the luminaire's own flux, at
gamma 0°, 5°, … 180° (contract/catalogue.py GAMMAS; 0° points straight down).

Both formats come down to one curve: the file's C-planes (expanded by its symmetry) averaged with the
weight of the angle each plane stands for, interpolated linearly to the 5° steps (0 beyond the measured
gammas), then scaled so that the curve carries exactly 1000 lm by the zonal method (each value lights the
band gamma ± 2.5°). Scaling by the curve itself, not by the file's lamp lumens, light output ratio or
multiplier, gives the same answer for relative (lamp-lumen) and absolute (LED, lumens = -1) photometry,
and the calculators multiply it by the catalogue's luminaire flux.

Errors name the file's line: an editor opens the file at it (EULUMDAT is one value a line).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .contract.catalogue import GAMMA_STEP, GAMMAS

# EULUMDAT header lines (1-based): a number on each of these; the rest of 1-26 is text.
_NUMBERS = {2: "Ityp", 3: "Isym", 4: "Mc", 5: "Dc", 6: "Ng", 7: "Dg", 22: "DFF", 23: "LORL", 24: "conversion factor",
            25: "tilt", 26: "number of lamp sets"}
DIRECT_RATIOS = 10  # line 27: direct ratios for room indices 0.6 … 5


class PhotometryError(ValueError):
    """A photometric file that cannot be read; `line` is its 1-based line (0: the file as a whole)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Distribution:
    """The file's intensities: C-plane angles, gamma angles, and one row of values per plane."""

    planes: tuple[float, ...]      # ascending C angles of the stored planes
    gammas: tuple[float, ...]      # ascending gamma angles
    values: tuple[tuple[float, ...], ...]  # values[plane][gamma], any unit: only the shape matters
    full_circle: bool = False      # the planes go round (no symmetry): the last one meets the first


def read_photometry(path: Path) -> tuple[float, ...]:
    """cd per 1000 luminaire lm at GAMMAS for an .ldt or .ies file; PhotometryError says what is wrong."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PhotometryError(0, f"cannot read the file ({exc.strerror})") from None
    text = raw.decode("utf-8", errors="strict") if _is_utf8(raw) else raw.decode("cp1252")
    suffix = Path(path).suffix.lower()
    if suffix == ".ldt":
        return reduce(parse_eulumdat(text))
    if suffix == ".ies":
        return reduce(parse_ies(text))
    raise PhotometryError(0, f"unknown photometric format {suffix!r}: use an EULUMDAT .ldt or an IES .ies file")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False  # EULUMDAT files from Windows tools are often cp1252
    return True


# --- reduction -------------------------------------------------------------------------------------------

def reduce(dist: Distribution) -> tuple[float, ...]:
    """The mean curve at GAMMAS, normalised to 1000 lm."""
    mean = mean_curve(dist)
    curve = [interpolate(dist.gammas, mean, gamma) for gamma in GAMMAS]
    flux = zonal_flux(curve)
    if flux <= 0:
        raise PhotometryError(0, "every intensity is zero: the file holds no light distribution")
    return tuple(round(value * 1000.0 / flux, 3) for value in curve)


def mean_curve(dist: Distribution) -> list[float]:
    """Average over the planes, each weighted by the angle it stands for (trapezoid rule)."""
    planes, rows = list(dist.planes), [list(row) for row in dist.values]
    if len(planes) == 1:
        return rows[0]
    if dist.full_circle:  # close the circle: the first plane again at +360°
        planes.append(planes[0] + 360.0)
        rows.append(rows[0])
    weights = [0.0] * len(planes)
    for index in range(len(planes) - 1):
        half = (planes[index + 1] - planes[index]) / 2.0
        weights[index] += half
        weights[index + 1] += half
    total = sum(weights)
    if total <= 0:
        raise PhotometryError(0, "the C-plane angles do not increase")
    return [sum(w * row[g] for w, row in zip(weights, rows, strict=True)) / total for g in range(len(dist.gammas))]


def interpolate(xs: tuple[float, ...], ys: list[float], x: float) -> float:
    """Linear interpolation; 0 outside the measured range (no light where nothing was measured)."""
    if x < xs[0] - 1e-9 or x > xs[-1] + 1e-9:
        return 0.0
    for index in range(len(xs) - 1):
        a, b = xs[index], xs[index + 1]
        if a - 1e-9 <= x <= b + 1e-9:
            share = 0.0 if b == a else (x - a) / (b - a)
            return ys[index] + (ys[index + 1] - ys[index]) * min(max(share, 0.0), 1.0)
    return ys[-1]


def zonal_flux(curve: list[float] | tuple[float, ...]) -> float:
    """Lumens of a rotationally averaged curve at GAMMAS: each value lights the band gamma ± 2.5°."""
    half = math.radians(GAMMA_STEP / 2.0)
    flux = 0.0
    for gamma, value in zip(GAMMAS, curve, strict=True):
        low, high = max(math.radians(gamma) - half, 0.0), min(math.radians(gamma) + half, math.pi)
        flux += 2.0 * math.pi * value * (math.cos(low) - math.cos(high))
    return flux


# --- EULUMDAT --------------------------------------------------------------------------------------------

def parse_eulumdat(text: str) -> Distribution:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reader = _Lines(lines)
    head = {name: reader.number(line, name) for line, name in _NUMBERS.items()}
    isym, mc, ng = int(head["Isym"]), int(head["Mc"]), int(head["Ng"])
    _check_header(head, isym, mc, ng)
    sets = int(head["number of lamp sets"])
    if sets < 1 or sets != head["number of lamp sets"]:
        raise PhotometryError(26, f"the number of lamp sets must be a whole number of at least 1, got "
                                  f"{head['number of lamp sets']:g}")
    # Lines 26a-f: six per lamp set, which writers order either set by set or field by field; the curve
    # needs none of them (it is scaled by itself), so they are skipped unread. Then the direct ratios.
    first_ratio = 27 + 6 * sets
    for line in range(first_ratio, first_ratio + DIRECT_RATIOS):
        reader.number(line, "direct ratio")
    at = first_ratio + DIRECT_RATIOS
    c_angles = [reader.number(at + i, "C angle") for i in range(mc)]
    gammas = [reader.number(at + mc + i, "gamma angle") for i in range(ng)]
    _ascending(c_angles, at, "C angles")
    _ascending(gammas, at + mc, "gamma angles")
    first, last = _stored_planes(isym, mc)
    start = at + mc + ng
    rows = []
    for k in range(last - first + 1):
        row = [reader.number(start + k * ng + g, "luminous intensity") for g in range(ng)]
        if any(v < 0 for v in row):
            bad = next(g for g, v in enumerate(row) if v < 0)
            raise PhotometryError(start + k * ng + bad, "a luminous intensity is negative")
        rows.append(tuple(row))
    planes = [c_angles[(i - 1) % mc] + 360.0 * ((i - 1) // mc) for i in range(first, last + 1)]
    return Distribution(tuple(planes), tuple(gammas), tuple(rows), full_circle=isym == 0 and mc > 1)


def _check_header(head: dict[str, float], isym: int, mc: int, ng: int) -> None:
    if isym not in (0, 1, 2, 3, 4) or head["Isym"] != isym:
        raise PhotometryError(3, f"symmetry indicator Isym must be 0, 1, 2, 3 or 4, got {head['Isym']:g}")
    if mc < 1 or head["Mc"] != mc or (isym in (2,) and mc % 2) or (isym in (3, 4) and mc % 4):
        raise PhotometryError(4, f"number of C-planes Mc = {head['Mc']:g} does not fit symmetry Isym {isym} "
                                 "(it must be a whole number, even for Isym 2, a multiple of 4 for Isym 3 and 4)")
    if ng < 2 or head["Ng"] != ng:
        raise PhotometryError(6, f"number of gamma angles Ng must be a whole number of at least 2, got {head['Ng']:g}")


def _stored_planes(isym: int, mc: int) -> tuple[int, int]:
    """(Mc1, Mc2): the 1-based C-planes the file stores, by its symmetry (EULUMDAT's own table)."""
    if isym == 1:
        return 1, 1
    if isym == 2:
        return 1, mc // 2 + 1
    if isym == 3:
        first = 3 * mc // 4 + 1
        return first, first + mc // 2
    if isym == 4:
        return 1, mc // 4 + 1
    return 1, mc


def _ascending(values: list[float], line: int, what: str) -> None:
    for index in range(1, len(values)):
        if values[index] <= values[index - 1]:
            raise PhotometryError(line + index, f"{what} must increase: {values[index]:g} after "
                                                f"{values[index - 1]:g}")


class _Lines:
    """Numbered access to a file's lines, with the line in every error."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def number(self, line: int, what: str) -> float:
        if line > len(self.lines) or (line == len(self.lines) and not self.lines[-1].strip()):
            raise PhotometryError(line, f"the file ends before its {what}: it is cut short, or a count in the "
                                        "header (Mc, Ng, number of lamp sets) is wrong")
        raw = self.lines[line - 1].strip()
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise PhotometryError(line, f"expected a number ({what}), found {raw[:40]!r}") from None
        if not math.isfinite(value):
            raise PhotometryError(line, f"expected a number ({what}), found {raw[:40]!r}")
        return value


# --- IES LM-63 -------------------------------------------------------------------------------------------

_TILT = re.compile(r"^\s*TILT\s*=\s*(.*?)\s*$", re.IGNORECASE)


def parse_ies(text: str) -> Distribution:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tilt_at = next((i for i, line in enumerate(lines) if _TILT.match(line)), None)
    if tilt_at is None:
        raise PhotometryError(0, "no TILT= line: not an IES LM-63 file")
    tilt = _TILT.match(lines[tilt_at]).group(1).upper()  # type: ignore[union-attr]
    tokens = _Tokens(lines, tilt_at + 1)
    if tilt == "INCLUDE":  # lamp-to-luminaire geometry, count, angles, factors: not needed here
        tokens.take("tilt geometry")
        count = int(tokens.take("number of tilt angles"))
        for _ in range(2 * count):
            tokens.take("tilt angle or factor")
    elif tilt != "NONE":
        raise PhotometryError(tilt_at + 1, f"TILT={tilt}: a tilt file of its own is not supported; "
                                           "write TILT=NONE or include the tilt data (TILT=INCLUDE)")
    head = [tokens.take(what) for what in ("number of lamps", "lumens per lamp", "candela multiplier",
                                           "number of vertical angles", "number of horizontal angles",
                                           "photometric type")]
    vertical, horizontal, kind = int(head[3]), int(head[4]), int(head[5])
    if kind != 1:
        raise PhotometryError(tokens.line, f"photometric type {kind} (A or B): only type C photometry "
                                           "(1, vertical angles from nadir) is supported")
    if vertical < 2 or horizontal < 1:
        raise PhotometryError(tokens.line, "the numbers of vertical (at least 2) and horizontal (at least 1) "
                                           "angles are wrong")
    for what in ("units type", "width", "length", "height", "ballast factor", "file generation type", "input watts"):
        tokens.take(what)
    gammas = tokens.angles(vertical, "vertical angles")
    planes = tokens.angles(horizontal, "horizontal angles")
    rows = []
    for _ in planes:
        row = [tokens.take("candela value") * head[2] for _ in gammas]
        if any(v < 0 for v in row):
            raise PhotometryError(tokens.line, "a candela value is negative")
        rows.append(tuple(row))
    full = len(planes) > 1 and planes[-1] - planes[0] < 360 and planes[-1] - planes[0] > 180
    return Distribution(tuple(planes), tuple(gammas), tuple(rows), full_circle=full)


class _Tokens:
    """The numbers after the TILT line, in order, each with its line."""

    def __init__(self, lines: list[str], start: int):
        self.items = [(word, number + 1) for number, line in enumerate(lines) if number >= start
                      for word in line.replace(",", " ").split()]
        self.at = 0
        self.line = start + 1

    def take(self, what: str) -> float:
        if self.at >= len(self.items):
            raise PhotometryError(self.line, f"the file ends before its {what}: it is cut short, or a count "
                                             "in its header is wrong")
        word, self.line = self.items[self.at]
        self.at += 1
        try:
            value = float(word)
        except ValueError:
            raise PhotometryError(self.line, f"expected a number ({what}), found {word[:40]!r}") from None
        if not math.isfinite(value):
            raise PhotometryError(self.line, f"expected a number ({what}), found {word[:40]!r}")
        return value

    def angles(self, count: int, what: str) -> list[float]:
        found: list[float] = []
        for _ in range(count):
            value = self.take(what[:-1])
            if found and value <= found[-1]:
                raise PhotometryError(self.line, f"{what} must increase: {value:g} after {found[-1]:g}")
            found.append(value)
        return found
