"""The layout's rules (../shared/layout.md), checked on the code itself.

import-linter states the layers (contract <- core <- web <- capabilities <- composition, no
capability importing another, the build never importing the portal) in pyproject.toml; the rest
are rules a linter cannot state: each capability declares itself in one place, page handlers
hold no SQL and test no responses, modules stay small.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portal import capabilities
from portal.core.capability import Capability

REPO = Path(__file__).resolve().parent.parent
PORTAL = REPO / "portal"
PACKAGES = sorted(p.name for p in PORTAL.iterdir() if (p / "__init__.py").is_file() and p.name not in ("core", "web"))
# Modules that answer requests (they declare ROUTES) call their capability's store, never SQL (rule 5).
PAGE_MODULES = [p for p in sorted(PORTAL.rglob("*.py")) if re.search(r"^ROUTES\b", p.read_text(encoding="utf-8"), re.M)]


def test_the_import_contracts_hold():
    # In a process of its own: import-linter reconfigures logging, which would silence other tests' loggers.
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_capability_declares_itself_in_one_place(package):
    module = importlib.import_module(f"portal.{package}.capability")
    assert isinstance(module.CAPABILITY, Capability)
    assert module.CAPABILITY in capabilities.installed()


def test_capabilities_register_their_words_migrations_and_prefixes_without_clashes():
    installed = capabilities.installed()
    names = [c.name for c in installed]
    assert len(names) == len(set(names))
    versions = [m.version for c in installed for m in c.migrations]
    assert sorted(versions) == list(range(1, len(versions) + 1))  # one sequence, no gaps, no repeats
    for capability in installed:
        for route in capability.routes:
            assert route.path.startswith(capability.url_prefixes), (capability.name, route.path)


def handlers(tree: ast.Module) -> list[ast.AsyncFunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_page_modules_hold_no_sql_and_test_no_responses(path):
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\.execute(many)?\(|\bSELECT\b|\bINSERT\b|\bUPDATE\b|\bDELETE FROM\b", source), \
        f"{path.name}: SQL belongs in the capability's store module"
    assert "isinstance(who, Response)" not in source, f"{path.name}: use @requires(...) (portal/web/guards.py)"


def test_modules_stay_small():
    modules = [*PORTAL.rglob("*.py"), *(REPO / "site_builder").glob("*.py")]
    too_long = {p.relative_to(REPO).as_posix(): n for p in modules
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert not too_long, f"split these by concept: {too_long}"
