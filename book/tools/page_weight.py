#!/usr/bin/env python3
"""Measure what each built book page loads, and the size of the whole site.

Opens every chapter page (or the pages given) of the built site (_build/html) from disk in
headless Chromium with the network cut off (book/tools/cdp.py), waits until MathJax and the
widgets have rendered, and adds up the bytes of every file the page loaded: the HTML (with its
embedded widget state and figure frames), scripts, stylesheets, fonts, images. Also reports the
same files gzip-compressed (what a web server that compresses sends) and the size of the whole
site on disk (both editions and the shared vendor folder).

Usage:
    python book/tools/page_weight.py                   # every chapter page of both editions
    python book/tools/page_weight.py en/notebooks/en/04_reinforce.html ...
    python book/tools/page_weight.py --budget-mb 6 --site-budget-mb 80   # exit 1 over budget

Budgets (issue 11): a chapter page with everything it loads under 6 MB, the whole site under
80 MB. MB here is 10^6 bytes.
"""
from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import SETTLED_JS, Browser, BrowserError, find_chromium  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
MB = 1e6



def chapter_pages(site: Path = SITE) -> list[Path]:
    return sorted(site.glob("*/notebooks/*/*.html"))


def gzip_size(path: Path, cache: dict[Path, int]) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), compresslevel=6))
    return cache[path]


def site_size(site: Path = SITE) -> int:
    return sum(f.stat().st_size for f in site.rglob("*") if f.is_file())


def measure(pages: list[Path], browser: Browser, settle_s: float = 30.0) -> list[dict]:
    rows = []
    gz: dict[Path, int] = {}
    page = browser.new_page(1280, 900)
    try:
        for path in pages:
            try:
                page.goto(path.resolve().as_uri(), timeout=120)
            except BrowserError as e:  # a very busy machine: record it, go on
                print(f"page_weight: {e}", file=sys.stderr)
                continue
            settled = page.wait_for(SETTLED_JS, timeout=settle_s) is not None
            page.wait_for("true", timeout=0.5)  # let late font requests land
            sizes = page.file_sizes()
            rows.append({
                "page": str(path.relative_to(SITE)) if path.is_relative_to(SITE) else str(path),
                "requests": len(page.requests),
                "bytes": sum(sizes.values()),
                "gzip_bytes": sum(gzip_size(Path(p), gz) for p in sizes),
                "largest": sorted(sizes.items(), key=lambda kv: -kv[1])[:3],
                "failed": page.failed_requests,
                "settled": settled,
            })
    finally:
        page.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", help="pages relative to _build/html (default: every chapter)")
    ap.add_argument("--budget-mb", type=float, default=None, help="fail if a page loads more (10^6 bytes)")
    ap.add_argument("--site-budget-mb", type=float, default=None, help="fail if the site is larger")
    args = ap.parse_args()
    if not args.pages and not SITE.is_dir():
        print(f"page_weight: {SITE} not found (run `make book`)", file=sys.stderr)
        return 2
    if find_chromium() is None:
        print("page_weight: no chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    pages = [SITE / p for p in args.pages] if args.pages else chapter_pages()
    missing = [p for p in pages if not p.is_file()]
    if missing:
        print(f"page_weight: no such page: {missing[0]}", file=sys.stderr)
        return 2
    with Browser() as browser:
        rows = measure(pages, browser)
    over = False
    print(f"{'page':58s} {'requests':>8s} {'MB':>7s} {'gzip MB':>8s}  largest files")
    for r in rows:
        flag = ""
        if args.budget_mb is not None and r["bytes"] > args.budget_mb * MB:
            flag, over = "  OVER BUDGET", True
        largest = ", ".join(f"{Path(p).name} {n / MB:.2f}" for p, n in r["largest"])
        print(f"{r['page']:58s} {r['requests']:8d} {r['bytes'] / MB:7.2f} {r['gzip_bytes'] / MB:8.2f}  {largest}{flag}")
        if r["failed"]:
            print(f"  failed requests: {r['failed']}")
        if not r["settled"]:
            print("  (page did not settle: MathJax or a widget did not render in time)")
    heaviest = max(rows, key=lambda r: r["bytes"])
    print(f"heaviest page: {heaviest['page']} {heaviest['bytes'] / MB:.2f} MB ({heaviest['requests']} requests)")
    total = site_size() if SITE.is_dir() else 0
    if total:
        print(f"whole site ({SITE.relative_to(ROOT)}): {total / MB:.1f} MB ({total / 2**20:.1f} MiB)")
    if args.site_budget_mb is not None and total > args.site_budget_mb * MB:
        print(f"site over budget ({args.site_budget_mb:g} MB)")
        over = True
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
