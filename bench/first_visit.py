"""Bytes a first visit to the home page transfers: Debian's chromium, empty cache, the real portal.

Builds the demo site into a temporary folder (or takes `--site DIR`), starts the portal with
uvicorn as bench/serve.py does, opens `/` in a fresh browser context (an empty cache), waits until
the network is idle and then `--settle` seconds more (for anything loaded at idle time), and sums
the encoded size of every response: the bytes on the wire for the body (after Content-Encoding)
and for the response headers, from Playwright's `request.sizes()`.

It prints one row per resource type and the total, whether the page fetched the search index,
and the search index fetched directly with the browser's Accept-Encoding (public, and the
members' one as a member gets it), so its size is known either way.

Usage: python bench/first_visit.py [--site DIR] [--settle 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from collections import defaultdict
from pathlib import Path

import serve  # bench/serve.py: the same site build, portal environment and uvicorn command

REPO = serve.REPO
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As in tests/conftest.py: no sandbox (root), no GPU, no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INDEX = "/search/search_index.json"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site/ folder (public, private, manifest.json)")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait after the network is idle")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def visit(base: str, settle: float) -> tuple[list[dict], str]:
    """Every response of a first visit to `base`/ (URL, type, status, encoding, body and header
    bytes), and the Accept-Encoding the browser sent."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()  # a new context has an empty cache
        page = context.new_page()
        done: list = []
        page.on("requestfinished", lambda request: done.append(request))
        page.goto(base + "/", wait_until="networkidle")
        page.wait_for_timeout(settle * 1000)
        rows, sent = [], ""
        for request in done:
            response = request.response()
            sizes = request.sizes()
            headers = response.all_headers() if response else {}
            if request.resource_type == "document":
                sent = request.all_headers().get("accept-encoding", "")
            rows.append({"url": request.url.removeprefix(base), "type": request.resource_type,
                         "status": response.status if response else 0,
                         "encoding": headers.get("content-encoding", ""),
                         "body": sizes["responseBodySize"], "headers": sizes["responseHeadersSize"]})
        browser.close()
    return rows, sent


def direct(url: str, accept_encoding: str, cookie: str = "") -> tuple[int, str]:
    """Bytes of one answer as sent (not decoded), and its Content-Encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding, "Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return len(response.read()), response.headers.get("Content-Encoding", "")


def table(rows: list[dict]) -> str:
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        totals = by_type[row["type"]]
        totals[0] += 1
        totals[1] += row["body"]
        totals[2] += row["headers"]
    lines = [f"{'type':<12} {'responses':>9} {'body bytes':>11} {'header bytes':>12} {'total':>9}"]
    for kind, (count, body, headers) in sorted(by_type.items(), key=lambda item: -item[1][1]):
        lines.append(f"{kind:<12} {count:>9} {body:>11,} {headers:>12,} {body + headers:>9,}")
    body, headers = sum(r["body"] for r in rows), sum(r["headers"] for r in rows)
    lines.append(f"{'total':<12} {len(rows):>9} {body:>11,} {headers:>12,} {body + headers:>9,}")
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="club-first-visit-"))
    processes = []
    try:
        site = args.site.resolve() if args.site else serve.build_site(tmp)
        port = serve.free_port()
        env = serve.portal_env(tmp, site, port, accel=False)
        cookie = serve.member_cookie(env)
        log = tmp / "portal.log"
        processes.append(serve.start_portal(env, port, tmp, log))
        base = f"http://127.0.0.1:{port}"
        serve.wait_up(base + "/", processes[-1], log)
        rows, sent = visit(base, args.settle)
        for row in rows:  # Playwright reports no body size for a worker's own script: count it here
            if row["status"] == 200 and row["body"] == 0:
                row["body"], row["encoding"] = direct(base + row["url"], sent)
                row["url"] += "  (size fetched again: the browser reported 0)"
        print(f"first visit to {base}/ in {CHROMIUM} (empty cache; Accept-Encoding: {sent or '-'})\n")
        for row in sorted(rows, key=lambda r: -r["body"]):
            print(f"  {row['status']} {row['type']:<11} {row['encoding'] or '-':<5} {row['body']:>9,}  {row['url']}")
        print("\n" + table(rows))
        fetched = any(row["url"].split("?")[0] == INDEX for row in rows)
        print(f"\nthe visit {'fetched' if fetched else 'did not fetch'} {INDEX}")
        index = {"public": direct(base + INDEX, sent), "members": direct(base + INDEX, sent, cookie),
                 "public, identity": direct(base + INDEX, "identity")}
        for who, (size, encoding) in index.items():
            print(f"{INDEX} ({who}): {size:,} bytes as sent ({encoding or 'identity'})")
        if args.json:
            args.json.write_text(json.dumps({"accept_encoding": sent, "responses": rows, "index_fetched": fetched,
                                             "index": index}, indent=1), encoding="utf-8")
        return 0
    finally:
        serve.clean_up(processes, tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main())
