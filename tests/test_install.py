"""A production install: the wheel, in a fresh virtual environment without the test extras, builds
and serves the demo project from a folder of its own (nothing is read from this checkout).

Before this test a plain `pip install .` gave a `club` that crashed at start (an import only the
test extras installed) and a build that failed (`TemplateNotFound: '_listings.html'`: themes/ was
not in the package).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO, fetch, free_port, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`club` from the wheel in a fresh venv; returns the venv's bin folder."""
    where = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(where / "dist"),
                    str(REPO)], check=True, timeout=600)
    wheel = next((where / "dist").glob("partner_club-*.whl"))
    venv.create(where / "venv", with_pip=True)
    bin_dir = where / "venv" / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", str(wheel)], check=True, timeout=900)
    return bin_dir


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The demo project as an operator would have it: mkdocs.yml, content/ and the site theme's overrides."""
    root = tmp_path_factory.mktemp("club") / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes" / "site", root / "themes" / "site")
    return root


def clean_env(project: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CLUB_", "PYTHON"))}
    return {**env, "CLUB_DATABASE": str(project / "var" / "club.db"), "CLUB_OUTBOX": str(project / "var" / "outbox")}


def test_the_wheel_has_no_test_tools_and_its_club_starts(installed):
    listed = subprocess.run([str(installed / "pip"), "list", "--format=freeze"], capture_output=True, text=True,
                            check=True).stdout.lower()
    assert "pytest" not in listed and "playwright" not in listed and "aiosmtpd" not in listed
    helped = subprocess.run([str(installed / "club"), "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "serve" in helped.stdout and "newsletter" in helped.stdout


def test_the_installed_club_builds_and_serves_the_demo(installed, project):
    env = clean_env(project)
    built = subprocess.run([str(installed / "club"), "build"], cwd=project, env=env, capture_output=True,
                           text=True, timeout=900)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    assert (project / "site" / "public" / "index.html").is_file() and (project / "site" / "manifest.json").is_file()
    port = free_port()
    # --demo, as `make run`: every migration, and each capability's demo through the package alone (the
    # points' demo writes a request's result PDF with the bundled font; the config check reads extra.club.points).
    server = subprocess.Popen([str(installed / "club"), "serve", "--no-build", "--demo", "--port", str(port)],
                              cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(base + "/healthz", server), timeout=120)
        assert fetch(base + "/healthz")[0] == 200
        status, home = fetch(base + "/")
        assert status == 200 and "<html" in home
        status, login = fetch(base + "/account/login")  # a portal template from the package
        assert status == 200 and 'name="csrf"' in login
        assert fetch(base + "/_portal/static/portal.css")[0] == 200  # a static file from the package
        status, form = fetch(base + "/feedback/new")  # a newer capability's template, from the package too
        assert status == 200 and 'name="subject"' in form
        status, seats = fetch(base + "/account/events/akademiya-montazhnika-ekaterinburg/status.json")
        assert status == 200 and '"seats_left"' in seats  # site/events.json, read through the contract
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
        print(output)
    assert "points: 4 demo privilege requests" in output and "happenings:" in output
    checked = subprocess.run([str(installed / "club"), "check"], cwd=project, env=env, capture_output=True, text=True,
                             timeout=300)
    assert checked.returncode == 0, checked.stderr[-2000:]


def _answers(url: str, server: subprocess.Popen) -> bool:
    if server.poll() is not None:
        raise AssertionError("club serve exited:\n" + (server.stdout.read() if server.stdout else ""))
    try:
        return fetch(url)[0] in (200, 503)
    except OSError:
        return False
