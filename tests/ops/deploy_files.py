"""Reading deploy/: systemd units and the env file as systemd reads them, and the paths they name."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
VENV = "/opt/club/venv"


@dataclass
class Unit:
    """A unit file: every `Key=value` of every section, in order (systemd allows a key many times)."""

    name: str
    sections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def all(self, section: str, key: str) -> list[str]:
        return [value for name, value in self.sections.get(section, []) if name == key]

    def one(self, section: str, key: str) -> str:
        values = self.all(section, key)
        assert len(values) == 1, f"{self.name}: [{section}] {key} set {len(values)} times"
        return values[0]

    def paths(self, section: str, key: str) -> list[str]:
        return [path for value in self.all(section, key) for path in value.split()]

    def commands(self) -> list[list[str]]:
        """ExecStartPre= and ExecStart= as argv lists, systemd's `%%` turned back into `%`."""
        return [shlex.split(value.replace("%%", "%")) for key in ("ExecStartPre", "ExecStart")
                for value in self.all("Service", key)]


def read_unit(path: Path) -> Unit:
    unit, section = Unit(path.name), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            unit.sections.setdefault(section, [])
            continue
        assert section is not None and "=" in line, f"{path.name}:{number}: not Key=value in a section"
        key, _, value = line.partition("=")
        unit.sections[section].append((key.strip(), value.strip()))
    return unit


def units(suffix: str) -> dict[str, Unit]:
    return {path.name: read_unit(path) for path in sorted(UNITS.glob(f"*.{suffix}"))}


def read_env(path: Path) -> dict[str, str]:
    """KEY=value lines, a value optionally in double quotes (what systemd and `set -a; . file` agree on)."""
    env = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = re.fullmatch(r'([A-Z_][A-Z0-9_]*)=("([^"\\$`]*)"|[^\s"\'\\$`;&|<>()]*)', line)
        assert found, f"{path.name}:{number}: not KEY=value, or a value the shell would read differently"
        env[found.group(1)] = found.group(3) if found.group(3) is not None else found.group(2)
    return env


def nginx_directive(text: str, name: str) -> list[str]:
    return re.findall(rf"^[ \t]*{name}[ \t]+([^;{{}}]+);", text, re.M)


def nginx_block(text: str, opening: str) -> str:
    """The block that starts with `opening` (e.g. "location @portal"), comments dropped, whitespace normalised."""
    start = text.index(opening)
    depth, end = 0, start
    for end in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            break
    lines = (line.split("#", 1)[0].strip() for line in text[start:end + 1].splitlines())
    return "\n".join(" ".join(line.split()) for line in lines if line)
