"""Shared fixtures: throwaway projects (real files, real MkDocs builds) and the portal app."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build import BuildReport, build
from site_builder.config import ClubConfig, load_config

from .forum_fixtures import forum, other  # noqa: F401 - shared fixtures
from .portal_fixtures import app, client, company, db, manager, member, mini_site, packed, registered, settings  # noqa: F401 - shared fixtures

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Project:
    """A club project in a temp folder: the repo's mkdocs.yml and themes, content of the test's choosing."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def config(self) -> ClubConfig:
        return load_config(self.root / "mkdocs.yml")

    def build(self, **kwargs) -> BuildReport:
        return build(self.config(), progress=lambda _: None, **kwargs)

    @property
    def site(self) -> Path:
        return self.root / "site"

    def public_text(self) -> dict[str, bytes]:
        return {p.relative_to(self.site / "public").as_posix(): p.read_bytes()
                for p in (self.site / "public").rglob("*") if p.is_file()}


def new_project(root: Path, with_demo_content: bool = False) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "themes").symlink_to(REPO / "themes")
    if with_demo_content:
        shutil.copytree(REPO / "content", root / "content")
    else:
        (root / "content").mkdir()
    return Project(root)


MINIMAL = {
    "index.md": """
        ---
        title: Клуб
        summary: Клуб партнёров.
        benefits:
          - {title: Новости первыми, text: Узнавайте о новинках раньше всех.}
        ---
        Добро пожаловать.
        """,
}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project with just a home page; tests add the files they need."""
    proj = new_project(tmp_path / "proj")
    for rel, text in MINIMAL.items():
        proj.write(rel, text)
    return proj


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's demo content, built once per test session."""
    proj = new_project(tmp_path_factory.mktemp("demo") / "proj", with_demo_content=True)
    proj.build()
    return proj


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@contextlib.contextmanager
def club_serve(project: Project, *args: str, **env: str):
    """`club serve` on `project` in its own process with extra arguments (e.g. "--demo") and CLUB_* variables;
    yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # No CLUB_BASE_URL: `club serve` derives it from --port, which the mail links in the tests rely on.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CLUB_DATABASE": str(project.root / "var" / "club.db"), **env}
    log_path = project.root / "serve.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "portal.cli", "--config", str(project.root / "mkdocs.yml"),
                                "serve", "--port", str(port), *args], stdout=log, stderr=subprocess.STDOUT, env=env,
                               cwd=project.root)

    def up():
        if process.poll() is not None:
            raise AssertionError("club serve exited:\n" + log_path.read_text())
        try:
            return fetch(base + "/")[0] == 200
        except OSError:
            return False
    try:
        wait_for(up, timeout=120)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print("---- club serve log ----\n" + log_path.read_text())  # pytest shows it only when a test failed


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`club serve` on the demo content in its own process; yields (project, base URL)."""
    project = new_project(tmp_path_factory.mktemp("serve") / "proj", with_demo_content=True)
    with club_serve(project) as base:
        yield project, base


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox: no sandbox, no GPU, and no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (never a downloaded browser); skipped locally if missing."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CLUB_REQUIRE_BROWSER"):
            pytest.fail(f"chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


from tests.smtp_server import SMTPServer  # noqa: E402 - appended with the smtp fixture below


@pytest.fixture
def smtp():
    """A plain aiosmtpd server on 127.0.0.1 and a free port; `smtp.url` is its CLUB_SMTP_URL."""
    server = SMTPServer().start()
    yield server
    server.stop()
