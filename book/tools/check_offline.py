#!/usr/bin/env python3
"""Fail if the built site loads anything from another host.

Scans every HTML file under the site for <script src>, <link href> of stylesheets,
preloads, icons and modules, <img src>, <iframe src> and CSS @import / url() that point at
http(s):// or protocol-relative (//host) addresses, and every CSS file for remote @import
or url(). Links in the text (<a href>) are fine: the reader chooses to follow them.

Usage: python book/tools/check_offline.py [SITE_DIR]   (default: _build/html)
"""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_REMOTE = re.compile(r"""(@import\s+(url\()?\s*['"]?|url\(\s*['"]?)\s*(https?:)?//""", re.I)
# <link rel=...> values that make the browser fetch the href.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                 "apple-touch-icon", "manifest", "preconnect", "dns-prefetch"}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and REMOTE.match(a.get("src", "")):
            self.problems.append(f"<{tag} src={a['src']}>")
        if tag == "link" and REMOTE.match(a.get("href", "")):
            rels = set(a.get("rel", "").lower().split())
            if rels & FETCHING_RELS:
                self.problems.append(f"<link rel={a.get('rel')} href={a['href']}>")
        if tag == "style":
            self._in_style = True
        if CSS_REMOTE.search(a.get("style", "")):
            self.problems.append(f"<{tag} style=...remote url...>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and CSS_REMOTE.search(data):
            self.problems.append("<style> with a remote @import/url()")


def _strip_css_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def check(site: Path) -> list[str]:
    problems: list[str] = []
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"no HTML files under {site}"]
    for page in pages:
        scanner = _Scanner()
        scanner.feed(page.read_text(encoding="utf-8", errors="replace"))
        problems += [f"{page.relative_to(site)}: {p}" for p in scanner.problems]
    for css in sorted(site.rglob("*.css")):
        for m in CSS_REMOTE.finditer(_strip_css_comments(css.read_text(encoding="utf-8", errors="replace"))):
            problems.append(f"{css.relative_to(site)}: remote {m.group(0)!r}")
    return problems


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html")
    problems = check(site)
    for p in problems:
        print(f"check_offline: {p}", file=sys.stderr)
    n = len(list(site.rglob("*.html")))
    if problems:
        print(f"check_offline: {len(problems)} remote reference(s) in {site}", file=sys.stderr)
        return 1
    print(f"check_offline: {n} HTML pages, no remote scripts, stylesheets or fonts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
