"""CPU time per forum page, in-process: a figure that other work on the machine stretches far less than wrk's.

    python bench/forum_cpu.py                        # bench/forum.py's filled file at the customer's size
    python bench/forum_cpu.py --portal /path/to/main  # another checkout's portal on the same data

bench/forum.py's rows are requests/s against one worker; on a shared machine (2 cores, other work running)
they move with the load. This serves the same database through the portal's app in one process (Starlette's
TestClient: its own overhead, a constant, is in every figure), signs member 1 in through the login form and
times (pages inside the demo site's shell, as bench/forum.py serves them), page kind by page kind after one
warm pass, the first 3 pages of each category, the first 5 of the
latest topics and 200 topic pages of >= 20 posts: process CPU time and wall time per request.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SECONDS = 6.0  # per page kind


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return measure(Path(sys.argv[2]), Path(sys.argv[3]))
    from bench import forum, serve

    args = forum.parse_args()
    db, _ = forum.cached_db(args)
    tmp, portal = Path(tempfile.mkdtemp(prefix="club-forum-cpu-")), args.portal.resolve()
    try:
        (tmp / "shim").mkdir()
        (tmp / "shim" / "club_themes").symlink_to(portal / "themes")
        (tmp / "var").mkdir()
        shutil.copy(db, tmp / "var" / "club.db")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(portal), str(tmp / "shim")])}
        print(f"{db.name}; portal {forum.portal_version(portal) or portal}", flush=True)
        site = serve.build_site(tmp)  # portal pages inside the site's shell, as members see them
        return subprocess.run([sys.executable, __file__, "--child", str(tmp / "var" / "club.db"), str(site)],
                              env=env, cwd=tmp, check=False).returncode
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(db: Path, site: Path) -> int:
    os.environ.update({"CLUB_DATABASE": str(db), "CLUB_SITE_DIR": str(site), "CLUB_BASE_URL": "http://127.0.0.1:9",
                       "CLUB_SECRET_KEY": secrets.token_urlsafe(48), "CLUB_OUTBOX": str(db.parent / "outbox"),
                       "CLUB_CONFIG": str(REPO / "mkdocs.yml")})
    from starlette.testclient import TestClient

    from bench.forum import PASSWORD
    from portal.app import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1:9")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/account/login").text).group(1)
    email = sqlite3.connect(db).execute("SELECT email FROM users WHERE id = 1").fetchone()[0]
    signed = client.post("/account/login", data={"csrf": token, "email": email, "password": PASSWORD,
                                                 "next": "/forum/"}, follow_redirects=False)
    if signed.status_code != 303:
        raise SystemExit(f"sign-in failed: {signed.status_code}")
    for name, paths in pages(db).items():
        for path in paths:  # the warm pass: every page once
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} did not answer 200")
        count, cpu, wall = 0, time.process_time(), time.perf_counter()
        while time.perf_counter() - wall < SECONDS:
            for path in paths:
                client.get(path)
            count += len(paths)
        print(f"{name:<15}{count:>7,} requests  CPU {1000 * (time.process_time() - cpu) / count:7.2f} ms  "
              f"wall {1000 * (time.perf_counter() - wall) / count:7.2f} ms each", flush=True)
    return 0


def pages(db: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db)
    slugs = [slug for (slug,) in conn.execute("SELECT slug FROM forum_categories ORDER BY position")]
    topics = [topic for (topic,) in conn.execute("SELECT id FROM forum_topics WHERE post_count >= 20 AND "
                                                 "last_number = post_count ORDER BY id LIMIT 200")]
    conn.close()
    return {"category page": [f"/forum/c/{slug}/?page={n}" for n in (1, 2, 3) for slug in slugs],
            "latest page": [f"/forum/latest?page={n}" for n in range(1, 6)],
            "topic page": [f"/forum/t/{topic}/" for topic in topics]}


if __name__ == "__main__":
    sys.exit(main())
