#!/usr/bin/env python3
"""Render built book pages to PNG with headless Chromium, with the network cut off.

Usage: python book/tools/screenshots.py [--width 1280] [--height 1600] [--full] PAGE [PAGE ...]

PAGE is a built HTML file, absolute or relative to _build/html (e.g. ``index.html``,
``th/book/th/intro.html``); ``PAGE::SELECTOR`` first scrolls to the first element matching the
CSS selector (e.g. ``'en/notebooks/en/08_seqgan_end_to_end.html::.widget-subarea'``). PNGs go to
_build/screenshots/, named after the page path and width. A width of 500 px or less emulates a
phone (mobile viewport, touch). The page is shot once MathJax and the widgets have rendered.
Every host name resolves to nothing and a dead proxy catches the rest (book/tools/cdp.py), so a
page that still needed a CDN shows raw TeX or boxes for Thai instead of passing by accident.
Look at the PNGs: equations typeset, Thai shaped (stacked vowels and tone marks), no tofu boxes,
nothing cut off at the right edge.

Needs Debian's chromium (`apt-get install chromium`) or CHROMIUM=/path/to/chrome.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cdp import SETTLED_JS, Browser, find_chromium  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1600, help="viewport height (and shot height unless --full)")
    ap.add_argument("--full", action="store_true", help="the whole page, not just the viewport")
    args = ap.parse_args()
    if find_chromium() is None:
        print("screenshots: no chromium found (apt-get install chromium)", file=sys.stderr)
        return 1
    with Browser() as browser:
        page = browser.new_page(args.width, args.height, mobile=args.width <= 500)
        for p in args.pages:
            rel, _, anchor = p.partition("::")
            path = Path(rel) if Path(rel).is_absolute() else SITE / rel
            if not path.is_file():
                print(f"screenshots: {path} not found (run `make book`)", file=sys.stderr)
                return 1
            page.goto(path.resolve().as_uri())
            page.wait_for(SETTLED_JS, timeout=45)
            if anchor:
                page.eval(f"document.querySelector({json.dumps(anchor)})?.scrollIntoView()")
            page.wait_for("document.fonts.status === 'loaded'", timeout=10)
            name = str(path.relative_to(SITE) if path.is_relative_to(SITE) else Path(path.name))
            png = OUT / (name.removesuffix(".html").replace(os.sep, "__")
                         + (f"__{re.sub(r'[^A-Za-z0-9]+', '-', anchor).strip('-')}" if anchor else "") + f"__{args.width}.png")
            page.screenshot(png, full_page=args.full)
            print(png.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
