#!/usr/bin/env python3
"""Render built book pages to PNG with headless Chromium, with the network cut off.

Usage: python book/tools/screenshots.py [--size 1280,1600] PAGE [PAGE ...]

PAGE is a built HTML file, absolute or relative to _build/html (e.g. ``index.html``,
``th/book/th/intro.html``). PNGs go to _build/screenshots/, named after the page path.
Every host name resolves to nothing and a dead proxy catches the rest, so a page that still
needed a CDN shows raw TeX or boxes for Thai instead of passing by accident. Look at the PNGs:
equations typeset, Thai shaped (stacked vowels and tone marks), no tofu boxes.

Needs Debian's chromium (`apt-get install -y chromium`) or CHROMIUM=/path/to/chrome.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots"

OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--hide-scrollbars",
    # no network: no name resolves, and anything by IP goes to a port nobody listens on
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    # let scripts (MathJax, widgets) and web fonts finish before the shot
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=15000",
]


def find_chromium() -> str:
    for cand in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and shutil.which(cand):
            return shutil.which(cand)  # type: ignore[return-value]
    sys.exit("screenshots: no chromium found (apt-get install -y chromium)")


def shoot(chromium: str, page: Path, size: str) -> Path:
    rel = page.relative_to(SITE) if page.is_relative_to(SITE) else Path(page.name)
    png = OUT / (str(rel.with_suffix("")).replace(os.sep, "__") + ".png")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gan4nlp-chromium-") as profile:
        cmd = [chromium, *OFFLINE_FLAGS, f"--user-data-dir={profile}",
               f"--window-size={size}", f"--screenshot={png}", page.as_uri()]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return png


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--size", default="1280,1600", help="window size W,H (default 1280,1600)")
    args = ap.parse_args()
    chromium = find_chromium()
    for p in args.pages:
        page = Path(p) if Path(p).is_absolute() else SITE / p
        if not page.is_file():
            print(f"screenshots: {page} not found (run `make book`)", file=sys.stderr)
            return 1
        print(shoot(chromium, page.resolve(), args.size).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
