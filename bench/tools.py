"""The calculators' JSON endpoints (issue 16) through uvicorn, one worker, beside nginx serving a static file
of the same size in the same run.

    python bench/tools.py                  # 10 s per row, wrk -t2 -c8
    python bench/tools.py --duration 5s    # a quick try

A fresh database (every migration) with one member and a session made with the portal's code; a small
catalogue in the site folder with one product with photometry, so `/tools/lumen?sku=` computes the
utilisation factor from the intensity curve (cached per rounded inputs after the first request of each
room). Each endpoint is checked once (200 and the keys the issue names), then wrk runs flat out on:
the lumen method with a given UF, the lumen method with the UF from photometry (cycling through 200
rooms), the voltage drop, and nginx serving a file of the lumen answer's size.
Targets: >= 2,000 requests/s per worker and p99 <= 10 ms for each endpoint, no errors.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - servers, curl fetch, wrk output parsing
from bench.forum import cpu_busy, portal_version, wrk  # noqa: E402

Result = serve.WrkResult
RPS, P99_MS = 2000.0, 10.0
ROOMS = [f"/tools/lumen?length={10 + i % 20}&width={6 + i // 20}&height=3&workplane=0.8&lux=500&sku=BENCH-36"
         f"&mf=0.8&rc=0.7&rw=0.5&rf=0.2" for i in range(200)]
PATHS = {
    "lumen, UF given": ["/tools/lumen?length=10&width=8&height=3&workplane=0.8&lux=300&flux=3200&uf=0.6&mf=0.8"],
    "lumen, UF from photometry": ROOMS,
    "voltage drop": ["/tools/voltage-drop?phases=3&material=copper&section=35&length=50&current=100&cos_phi=0.8"],
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def write_catalogue(site: Path) -> None:
    from site_builder.contract.catalogue import GAMMAS, Photometry, ProductEntry, catalogue_path
    from site_builder.contract.catalogue import write_catalogue as write

    curve = tuple(round(1000 / math.pi * math.cos(math.radians(g)), 3) if g <= 90 else 0.0 for g in GAMMAS)
    write(catalogue_path(site), [ProductEntry(
        sku="BENCH-36", name="Панель для замера", line="bench", line_name="Замер", flux_lm=3600, power_w=32.0,
        efficacy_lm_w=112.5, cct_k=4000, cri=80, ip="IP40", dimensions_mm=(595, 595, 40), price_group="B",
        page="/catalogue/bench/bench-36/", photometry=Photometry("/catalogue/photometry/bench-36.ldt", curve))])


def check(base: str, cookie: str) -> bytes:
    """Each endpoint once: 200 and the keys the issue asks for; the lumen answer is nginx's file."""
    body = b""
    for name, paths in PATHS.items():
        status, _, answer = serve.fetch(base + paths[0], cookie)
        data = json.loads(answer) if status == 200 else {}
        needed = ("volts", "percent") if "voltage" in name else ("count", "achieved_lux", "room_index")
        if status != 200 or any(key not in data for key in needed):
            raise SystemExit(f"{paths[0]}: status {status}, {answer[:200]!r}")
        body = body or answer
    status, _, _ = serve.fetch(base + PATHS["voltage drop"][0], "")
    if status != 401:
        raise SystemExit(f"the endpoint answers {status} without a session")
    return body


def measure(tmp: Path, args: argparse.Namespace, processes: list) -> tuple[dict[str, Result], dict]:
    import portal.capabilities  # noqa: F401 - every capability's migrations for the member's database

    port, site = serve.free_port(), tmp / "site"
    (tmp / "var").mkdir()
    site.mkdir()
    write_catalogue(site)
    env = serve.portal_env(tmp, site, port, accel=False)
    cookie = serve.member_cookie(env)
    processes.append(serve.start_portal(env, port, tmp, tmp / "portal.log"))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    body = check(base, cookie)
    static = serve.static_nginx(tmp, "lumen.json", body, processes)
    notes = {"size": len(body), "busy": cpu_busy(), "version": portal_version()}
    results = {"nginx static": wrk(static, ["/lumen.json"], "", args, tmp / "nginx.lua", 0)}
    print(row("nginx static", results["nginx static"]), flush=True)
    for name, paths in PATHS.items():
        results[name] = wrk(base, paths, cookie, args, tmp / f"{len(results)}.lua", 0)
        print(row(name, results[name]), flush=True)
    return results, notes


def row(name: str, result: Result, target: str = "", ok: bool | None = None) -> str:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    return (f"{name:<28}{result.rps:>9,.0f}{result.p50_ms:>9.2f}{result.p99_ms:>9.2f}{result.errors:>7}  "
            f"{target:<32}{mark}")


def report(args: argparse.Namespace, results: dict[str, Result], notes: dict) -> bool:
    target = f">= {RPS:,.0f} req/s, p99 <= {P99_MS:g} ms"
    judged = {name: (target, r.rps >= RPS and r.p99_ms <= P99_MS and not r.errors)
              for name, r in results.items() if name != "nginx static"}
    print(f"\nportal {notes['version']}, one uvicorn worker; {serve.describe_server()}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency, flat out; CPU busy just before "
          f"measuring: {notes['busy']:.0%}{' (NOT idle: figures low)' * (notes['busy'] > .1)}")
    print(f"{'':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  target")
    for name, result in results.items():
        print(row(name, result, *judged.get(name, ("", None))))
    nginx = results["nginx static"].rps
    print(f"lumen (UF given) / nginx: {results['lumen, UF given'].rps / nginx:.1%}; the answer is "
          f"{notes['size']} bytes; each request checks the session in SQLite.")
    return all(ok for _, ok in judged.values())


def main() -> int:
    args = parse_args()
    for tool in ("wrk", "/usr/sbin/nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install wrk nginx-light)")
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-tools-bench-")), []
    try:
        results, notes = measure(tmp, args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(args, results, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
