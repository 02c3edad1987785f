#!/usr/bin/env python3
"""Copy the book's offline assets into _build/vendor/, the site's one shared vendor folder.

The built site must load nothing from a CDN, so every script and font it needs is
served from the site itself. Both editions load them from the same folder, which `make book`
copies to _build/html/vendor/ (book/_ext/site_assets.py points the pages there):

* MathJax 3 (npm ``mathjax@3``): ``tex-chtml.js`` plus the folders it loads on demand
  (CHTML fonts, TeX extensions, a11y, menu, speech rules) -> ``vendor/mathjax/``;
* the ipywidgets 8 page manager (npm ``@jupyter-widgets/html-manager@1``): ``dist/embed.js``
  (1.9 MB; it renders every widget of the saved state with the built-in controls, and loads
  no other module, so it needs no require.js: the AMD bundle ``embed-amd.js`` is 3.6 MB) and
  the icon fonts it references, as woff2 and woff (every current browser takes woff2) ->
  ``vendor/html-manager/``;
* the Sarabun Thai web font (PyPI ``fontpkg-sarabun``), converted from TrueType to WOFF
  with fontTools (a matplotlib dependency; 43 kB instead of 90 kB a style) -> ``vendor/fonts/``.

Runs ``npm ci`` first when ``node_modules`` is missing or older than package-lock.json.
Files are copied only when they changed, so a cached book build stays incremental.

Usage: python book/tools/vendor_assets.py [REPO_ROOT [DEST]]   (DEST default: REPO_ROOT/_build/vendor)
"""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

# (source under node_modules, destination under vendor/); a folder is copied whole.
NPM_ASSETS = [
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/output/chtml", "mathjax/output/chtml"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/sre", "mathjax/sre"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
]
# Not needed by a page: source maps, the AMD bundles, and font formats no current browser asks for.
SKIP_NAMES = {"embed-amd.js", "libembed-amd.js", "embed-amd.js.LICENSE.txt", "libembed-amd.js.LICENSE.txt"}
SKIP_SUFFIXES = (".map", ".eot", ".svg", ".ttf")
SARABUN_STYLES = ["Regular", "Italic", "SemiBold", "Bold", "BoldItalic"]


def ensure_node_modules(root: Path) -> Path:
    nm = root / "node_modules"
    lock = root / "package-lock.json"
    marker = nm / ".package-lock.json"  # written by npm ci / npm install
    if not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("vendor_assets: npm not found; install Node.js 18+ (conda: environment.yml has nodejs)")
        print("vendor_assets: npm ci", flush=True)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=root, check=True)
    return nm


def copy_file(src: Path, dst: Path) -> int:
    if dst.exists() and filecmp.cmp(src, dst, shallow=False):
        return 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return 1


def copy_any(src: Path, dst: Path) -> int:
    if not src.exists():
        sys.exit(f"vendor_assets: missing {src}; run `npm ci` (package-lock.json may be out of date)")
    if src.is_file():
        return copy_file(src, dst)
    n = 0
    for f in sorted(src.rglob("*")):
        if f.is_file() and f.name not in SKIP_NAMES and not f.name.endswith(SKIP_SUFFIXES):
            n += copy_file(f, dst / f.relative_to(src))
    return n


def write_woff(src: Path, dst: Path) -> int:
    """A TrueType font as WOFF (zlib-compressed tables, read by every current browser)."""
    import io

    from fontTools.ttLib import TTFont

    if dst.exists() and dst.stat().st_mtime >= src.stat().st_mtime:
        return 0
    font = TTFont(src)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(buf.getvalue())
    return 1


def sarabun_dir() -> Path:
    try:
        import fontpkg_sarabun
    except ImportError:  # pragma: no cover - the venv always has it
        sys.exit("vendor_assets: fontpkg-sarabun is not installed; run `make venv`")
    return Path(fontpkg_sarabun.__file__).resolve().parent


def main(root: Path, vendor: Path | None = None) -> None:
    vendor = vendor or root / "_build" / "vendor"
    nm = ensure_node_modules(root)
    changed = 0
    for src, dst in NPM_ASSETS:
        changed += copy_any(nm / src, vendor / dst)
    fonts = sarabun_dir()
    for style in SARABUN_STYLES:
        changed += write_woff(fonts / "files" / f"Sarabun-{style}.ttf", vendor / "fonts" / f"Sarabun-{style}.woff")
    changed += copy_file(fonts / "LICENSE", vendor / "fonts" / "OFL.txt")
    print(f"vendor_assets: {vendor} ready ({changed} file(s) updated)")


if __name__ == "__main__":
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]).resolve()
    main(repo, Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else None)
