"""Benchmark `club build` against a plain MkDocs + Material build of the same content.

For each page count N (bench/gen_content.py makes the project in a temporary folder):

* club:  `club --config DIR/mkdocs.yml build` as a subprocess, wall-clock seconds, and the output
  size (apparent bytes of site/public + site/private, without the .br/.gz copies) per page;
* plain: `mkdocs build` of the same content with a stock Material config (search, tags and one
  blog plugin per blog section, default navigation listing every page; newsletters and articles
  moved under `posts/` as the blog plugin wants, links rewritten to match). Skip with --skip-plain:
  its navigation makes it quadratic in the page count.

Then the incremental path: a DevBuilder (what `club serve` runs) on the largest project of at most
1000 pages rebuilds after a paragraph is appended to one technical page; reported in seconds, and
the public search index is checked to still list every page.

Targets: seconds per page flat from 300 to 3000 pages; 3000 pages in <= 30 s; <= 100 KB of output
per page.

Usage: python bench/build.py [--pages 300,1000,3000] [--skip-plain] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import gen_content

PROJECT = gen_content.PROJECT
VENV_BIN = PROJECT / ".venv" / "bin"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MAX_SECONDS_3000 = 30.0
INCREMENTAL_TARGET = 2.0
MAX_BYTES_PER_PAGE = 100 * 1024
FLAT_TOLERANCE = 1.25  # s/page at the largest N may be at most this much of s/page at the smallest
PLAIN_YML = """site_name: Plain baseline
docs_dir: plain_docs
site_dir: plain_site
theme:
  name: material
  language: ru
  font: false
plugins:
  - search:
      lang: ru
  - tags
  - blog:
      blog_dir: newsletters
  - blog:
      blog_dir: magazine
"""


@dataclass
class Row:
    pages: int
    files: int
    club_seconds: float
    club_bytes: int
    plain_seconds: float | None = None
    plain_bytes: int | None = None


def run(command: list[str], cwd: Path) -> float:
    """Run a command; return its wall-clock seconds; exit with its output if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return took


def tree_bytes(*folders: Path) -> int:
    """Apparent bytes of the output, without compressed copies (.br, .gz: the same pages again)."""
    return sum(p.stat().st_size for folder in folders for p in folder.rglob("*")
               if p.is_file() and p.suffix not in (".br", ".gz"))


def club_build(project: Path) -> tuple[float, int]:
    seconds = run([str(VENV_BIN / "club"), "--config", str(project / "mkdocs.yml"), "build"], project)
    return seconds, tree_bytes(project / "site" / "public", project / "site" / "private")


def plain_rel(rel: str) -> str:
    """Where the stock blog plugin wants a file: posts under <blog>/posts/."""
    parts = rel.split("/")
    if parts[0] == "newsletters" and len(parts) == 3:
        return "newsletters/posts/" + "/".join(parts[1:])
    if parts[0] == "magazine" and len(parts) == 3 and parts[2] != "index.md":
        return "magazine/posts/" + "/".join(parts[1:])
    return rel


def make_plain_docs(project: Path) -> None:
    from site_builder.frontmatter import split
    from site_builder.links import rewrite

    content, docs = project / "content", project / "plain_docs"
    shutil.rmtree(docs, ignore_errors=True)
    rels = [p.relative_to(content).as_posix() for p in content.rglob("*.md")]
    mapping = {rel: plain_rel(rel) for rel in rels}
    for rel in rels:
        text = (content / rel).read_text(encoding="utf-8")
        front, body, _ = split(text)
        body = rewrite(body, rel, mapping[rel], mapping.get)
        target = docs / mapping[rel]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n{body}" if front is not None else body, encoding="utf-8")
    (docs / "tags.md").write_text("# Теги\n\n<!-- material/tags -->\n", encoding="utf-8")
    (project / "plain.yml").write_text(PLAIN_YML, encoding="utf-8")


def plain_build(project: Path) -> tuple[float, int]:
    make_plain_docs(project)
    seconds = run([str(VENV_BIN / "mkdocs"), "build", "-q", "-f", str(project / "plain.yml")], project)
    return seconds, tree_bytes(project / "plain_site")


def measure(n: int, seed: int, skip_plain: bool) -> tuple[Row, Path]:
    project = Path(tempfile.mkdtemp(prefix=f"club-bench-{n}-"))
    counts = gen_content.generate(n, project, seed)
    print(f"[{n}] generated {counts['files']} files ({counts['gated']} gated) in {project}", flush=True)
    club_seconds, club_bytes = club_build(project)
    print(f"[{n}] club build: {club_seconds:.1f} s", flush=True)
    row = Row(n, counts["files"], club_seconds, club_bytes)
    if not skip_plain:
        row.plain_seconds, row.plain_bytes = plain_build(project)
        print(f"[{n}] plain mkdocs build: {row.plain_seconds:.1f} s", flush=True)
    return row, project


# --- incremental rebuild --------------------------------------------------------------------

def index_locations(project: Path) -> set[str]:
    path = project / "site" / "public" / "search" / "search_index.json"
    docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
    return {doc["location"].split("#", 1)[0] for doc in docs}


def incremental(project: Path) -> None:
    from site_builder.config import load_config
    from site_builder.content import load_site
    from site_builder.devserver import DevBuilder

    config = load_config(project / "mkdocs.yml")
    builder = DevBuilder(config, progress=lambda line: print(f"  devbuilder: {line}", flush=True))
    started = time.perf_counter()
    builder.rebuild()
    print(f"incremental: initial full DevBuilder build {time.perf_counter() - started:.1f} s")
    page = sorted((project / "content" / "technical").glob("*.md"))[1]
    with page.open("a", encoding="utf-8") as handle:
        handle.write("\nДобавленный абзац: монтажная бригада проверяет схему подключения на объекте.\n")
    started = time.perf_counter()
    ok = builder.rebuild({page.resolve()})
    took = time.perf_counter() - started
    verdict = ("PASS" if took <= INCREMENTAL_TARGET else "FAIL") if ok else "BUILD FAILED"
    print(f"incremental: one technical page edited -> rebuild {took:.2f} s "
          f"(target <= {INCREMENTAL_TARGET:.0f} s on 1000 pages: {verdict})")
    public = {p.url for p in load_site(config).pages if not p.is_gated}
    missing = sorted(public - index_locations(project))
    print(f"search index complete: {'yes' if not missing else 'no'} "
          f"({len(public) - len(missing)}/{len(public)} public pages indexed{'; missing e.g. ' if missing else ''}"
          f"{', '.join(missing[:5])})")


# --- report ---------------------------------------------------------------------------------

def fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def print_table(rows: list[Row]) -> None:
    head = (f"{'pages':>6} {'files':>6} {'club s':>8} {'club s/page':>12} {'club KB/page':>13} "
            f"{'plain s':>8} {'plain s/page':>13} {'plain KB/page':>14} {'club/plain':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        plain_per = r.plain_seconds / r.pages if r.plain_seconds else None
        plain_kb = r.plain_bytes / r.pages / 1024 if r.plain_bytes else None
        ratio = r.club_seconds / r.plain_seconds if r.plain_seconds else None
        print(f"{r.pages:>6} {r.files:>6} {r.club_seconds:>8.1f} {r.club_seconds / r.pages:>12.4f} "
              f"{r.club_bytes / r.pages / 1024:>13.1f} {fmt(r.plain_seconds, '.1f'):>8} {fmt(plain_per, '.4f'):>13} "
              f"{fmt(plain_kb, '.1f'):>14} {fmt(ratio, '.2f'):>11}")


def print_targets(rows: list[Row]) -> None:
    first, last = rows[0], rows[-1]
    growth = (last.club_seconds / last.pages) / (first.club_seconds / first.pages)
    flat = "PASS" if growth <= FLAT_TOLERANCE else "FAIL"
    print(f"target: s/page flat {first.pages}->{last.pages} (x{FLAT_TOLERANCE} allowed): x{growth:.2f} {flat}")
    big = [r for r in rows if r.pages >= 3000]
    if big:
        verdict = "PASS" if big[0].club_seconds <= MAX_SECONDS_3000 else "FAIL"
        print(f"target: 3000 pages <= {MAX_SECONDS_3000:.0f} s: {big[0].club_seconds:.1f} s {verdict}")
    else:
        projected = last.club_seconds / last.pages * 3000
        print(f"target: 3000 pages <= {MAX_SECONDS_3000:.0f} s: not measured (linear projection {projected:.1f} s)")
    worst = max(r.club_bytes / r.pages for r in rows)
    verdict = "PASS" if worst <= MAX_BYTES_PER_PAGE else "FAIL"
    print(f"target: <= {MAX_BYTES_PER_PAGE // 1024} KB output/page: worst {worst / 1024:.1f} KB {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="300,1000,3000", help="comma-separated page counts")
    parser.add_argument("--skip-plain", action="store_true", help="skip the plain MkDocs baseline")
    parser.add_argument("--seed", type=int, default=1, help="content seed (default: 1)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args(argv)
    sizes = sorted(int(n) for n in args.pages.split(","))
    rows, projects = [], {}
    for n in sizes:
        row, projects[n] = measure(n, args.seed, args.skip_plain)
        rows.append(row)
    print()
    print_table(rows)
    print_targets(rows)
    print()
    incremental(projects[max([n for n in sizes if n <= 1000] or sizes[:1])])
    if not args.keep:
        for project in projects.values():
            shutil.rmtree(project, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
