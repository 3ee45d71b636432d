"""What a newsletter's e-mail is made from, and what was made before.

The MkDocs builds leave each newsletter's rendered article in `.cache/club/mail-<mode>.json`
(`save_capture`); the public build also appends them, one JSON line per page as it renders them,
to `mail-public.jsonl` (`stream_capture`), so `club build` can start on the letters while that
build is still running. `MailCache` remembers a digest of the inputs of every letter written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from site_builder.contract import MAIL_VERSION, MailArtefact, MailArtefactError, load_artefact

from .config import ClubConfig
from .content import Site
from .contract import write_json_atomic
from .generate import THEMES
from .model import Page


def mail_theme(config: ClubConfig) -> Path:
    """The project's themes/mail when it has one (themes own the look), else the one shipped here."""
    own = config.root / "themes" / "mail"
    return own if (own / "newsletter.html").is_file() else THEMES / "mail"


# --- what the MkDocs builds leave for us -----------------------------------------------------

def capture_file(config: ClubConfig, mode: str) -> Path:
    return config.stage_root / f"mail-{mode}.json"


def save_capture(site: Site, mode: str, captured: dict[str, str], dirty: bool) -> None:
    """Keep the rendered article of each newsletter of this build (a dirty build adds to the last)."""
    path = capture_file(site.config, mode)
    known = read_capture(site.config, mode) if dirty else {}
    known.update(captured)
    wanted = {page.url for page in site.of_kind("newsletter")}
    write_json_atomic(path, {url: text for url, text in known.items() if url in wanted})


def read_capture(config: ClubConfig, mode: str) -> dict[str, str]:
    try:
        return json.loads(capture_file(config, mode).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def stream_file(config: ClubConfig) -> Path:
    return config.stage_root / "mail-public.jsonl"


def stream_capture(config: ClubConfig, url: str, html: str, start: bool = False) -> None:
    """Append one rendered newsletter to the public build's stream (`start`: begin a new stream)."""
    path = stream_file(config)
    if start:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"url": url, "html": html}, ensure_ascii=False) + "\n")


class StreamReader:
    """Reads the lines the public build has finished writing so far."""

    def __init__(self, config: ClubConfig):
        self.path = stream_file(config)
        self.offset = 0

    def new(self) -> dict[str, str]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except OSError:
            return {}
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        items = (json.loads(line) for line in complete.decode("utf-8").splitlines() if line)
        return {item["url"]: item["html"] for item in items}


class MailCache:
    """Digests of what each letter was made from, so a rebuild (above all `club serve` after one
    saved page) renders only the letters whose page, theme, words or settings changed."""

    SOURCES = ("newsletter_mail.py", "mailtext.py", "i18n.py")

    def __init__(self, config: ClubConfig):
        self.config = config
        self.path = config.stage_root / "mail-digests.json"
        try:
            self.known: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, str] = {}
        made_by = hashlib.sha256(repr((MAIL_VERSION, config.site_name, config.language, config.segments,
                                       config.regions, config.roles, config.topics)).encode())
        here = Path(__file__).parent
        for path in [*(here / name for name in self.SOURCES), *sorted(mail_theme(config).iterdir())]:
            made_by.update(path.name.encode() + b"\0" + path.read_bytes())
        self.made_by = made_by.hexdigest()

    def digest(self, page: Page, full: str, preview: str | None) -> str:
        fields = (page.url, page.display, page.title, page.summary, page.access, page.date, page.segments,
                  page.regions, sorted(page.extra.items()))
        return hashlib.sha256("\0".join((self.made_by, repr(fields), full, preview or "")).encode()).hexdigest()

    def on_disk(self, page: Page, digest: str) -> bool:
        return self.known.get(page.url) == digest

    def get(self, page: Page, digest: str) -> MailArtefact | None:
        if not self.on_disk(page, digest):
            return None
        try:
            return load_artefact(self.config.site_dir, page.url)
        except MailArtefactError:
            return None

    def put(self, page: Page, digest: str) -> None:
        self.seen[page.url] = digest

    def save(self) -> None:
        if self.seen != self.known:
            write_json_atomic(self.path, self.seen)
