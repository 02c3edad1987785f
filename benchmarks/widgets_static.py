"""What the static book's widgets cost (issue 11): frames, bytes and build time per chapter.

    .venv/bin/python benchmarks/widgets_static.py [notebooks/en/04_reinforce.ipynb ...] [--out FILE]

Executes each notebook as the book build does (nbclient, widget state stored in the notebook)
with ``GAN4NLP_STATIC_WIDGETS=1``, and reports per notebook: the execution time; the time the
explorers spent precomputing their frames (`widgets.base.StaticFrames.compute`, timed by a cell
this script adds before the notebook's first cell and read back by one after its last); the
number of frames (``Image`` widgets in the stored state); their PNG bytes; and the bytes of the
whole widget state as a page embeds it (JSON with base64 buffers). The precompute's CPU time
(the kernel's process time) is what it costs on a quiet machine: the drawing runs on one thread. Without arguments: chapters
4-13 of the English edition. ``--out`` also writes the rows as JSON.
"""
import argparse
import base64
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402

TIMER = """import time as _t
from gan4nlp.widgets import base as _base
_base._STATIC_SECONDS = [0.0, 0, 0.0]
_compute = _base.StaticFrames.compute.__func__
def _timed(cls, *args, **kwargs):
    start, cpu = _t.perf_counter(), _t.process_time()
    out = _compute(cls, *args, **kwargs)
    _base._STATIC_SECONDS[0] += _t.perf_counter() - start
    _base._STATIC_SECONDS[1] += len(out.frames)
    _base._STATIC_SECONDS[2] += _t.process_time() - cpu
    return out
_base.StaticFrames.compute = classmethod(_timed)"""
REPORT = "print('STATIC', *_base._STATIC_SECONDS)"


def measure(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(TIMER))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    start = time.perf_counter()
    NotebookClient(nb, timeout=1200, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    line = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {"state": {}})
    images = [m for m in state["state"].values() if m["model_name"] == "ImageModel"]
    png = sum(len(base64.b64decode(b["data"])) for m in images for b in m.get("buffers", []))
    return {"notebook": str(path.relative_to(ROOT)), "execution_s": round(seconds, 1),
            "precompute_s": round(float(line[1]), 1), "precompute_cpu_s": round(float(line[3]), 1), "frames": int(line[2]), "image_widgets": len(images),
            "frame_png_bytes": png, "widget_state_bytes": len(json.dumps(state))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", help="notebooks to execute (default: notebooks/en/04_* ... 13_*)")
    ap.add_argument("--out", default=None, help="also write the rows as JSON here")
    args = ap.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks] or sorted(
        p for p in (ROOT / "notebooks" / "en").glob("*.ipynb") if "04" <= p.name[:2] <= "13")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(f"no such notebook: {', '.join(missing)}")
    os.environ["GAN4NLP_STATIC_WIDGETS"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    print(describe())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    for path in paths:
        try:
            row = measure(path)
        except Exception as err:           # one failing notebook is reported, the others still measured
            print(f"{path.name}: FAILED: {type(err).__name__}: {str(err)[-1500:]}", flush=True)
            continue
        rows.append(row)
        print(f"{row['notebook']:45s} executed {row['execution_s']:6.1f} s, precompute {row['precompute_s']:6.1f} s "
              f"(CPU {row['precompute_cpu_s']:5.1f} s), "
              f"{row['frames']:3d} frames, {row['frame_png_bytes'] / 1e6:5.2f} MB PNG, "
              f"widget state {row['widget_state_bytes'] / 1e6:5.2f} MB", flush=True)
        if args.out:
            Path(args.out).write_text(json.dumps(rows, indent=1))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"total: {sum(r['frames'] for r in rows)} frames, {sum(r['frame_png_bytes'] for r in rows) / 1e6:.2f} MB PNG, "
          f"precompute {sum(r['precompute_s'] for r in rows):.0f} s (CPU {sum(r['precompute_cpu_s'] for r in rows):.0f} s), execution {sum(r['execution_s'] for r in rows):.0f} s")


if __name__ == "__main__":
    main()
