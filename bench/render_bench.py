"""The stroke renderer against an older version of itself: speed and pixels, side by side in one run.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/render_bench.py [--base 7163423] [--n 1000]
The older renderers are read from git at `--base` (the page path's `app.strokes_to_ink`, the canvas's `data.render_strokes`),
so the comparison needs a git checkout. Each pen digit is rendered by old and new in turn (interleaved: this machine is shared
and noisy) as the page sends it (strokes in canvas px, the model's brush) and as a 280 px canvas with the page's brush; both
are MNISTified and compared.
"""
import argparse, ast, subprocess, time
from pathlib import Path
import numpy as np
from PIL import Image, ImageDraw
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import BRUSH, RENDER_SIDE, EmptyDrawingError, mnistify, strokes_to_ink, strokes_to_canvas

ROOT = Path(__file__).resolve().parents[1]

def old_functions(rev:str, path:str, names:list, **env):
    "The functions `names` of `path` at git revision `rev` (the first one, which may call the others)"
    src = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    ns = {"np": np, **env}
    exec(compile(ast.Module([n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name in names], []), path, "exec"), ns)
    return ns[names[0]]

def timed(f, *args):
    t0 = time.perf_counter(); out = f(*args); return out, time.perf_counter() - t0

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--base", default="7163423"); ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    old_ink = old_functions(args.base, "digit_classification/app.py", ["strokes_to_ink"], Image=Image, ImageDraw=ImageDraw,
                           EmptyDrawingError=EmptyDrawingError, BRUSH=BRUSH, RENDER_SIDE=RENDER_SIDE)
    old_canvas = old_functions(args.base, "digit_classification/data.py", ["render_strokes", "ink_coverage", "default_brush", "_segment_distance"])
    page = [[np.round(s) for s in fit_strokes(d.strokes, 336)] for d in load_pendigits()[:args.n]]   # whole CSS px, as the page sends
    t = {k: [] for k in ("ink old", "ink new", "canvas old", "canvas new")}
    ink_same, d_ink, d_canvas = 0, [], []
    for i, st in enumerate(page):
        first = i % 2   # which goes first alternates: the second of a pair runs on warmer caches
        (a, ta), (b, tb) = (timed(old_ink, st), timed(strokes_to_ink, st)) if first else reversed((timed(strokes_to_ink, st), timed(old_ink, st)))
        t["ink old"].append(ta); t["ink new"].append(tb); ink_same += np.array_equal(a, b); d_ink.append(np.abs(mnistify(a) - mnistify(b)).max())
        c = [s * 280 / 336 for s in st]
        (a, ta), (b, tb) = (timed(old_canvas, c), timed(strokes_to_canvas, c)) if first else reversed((timed(strokes_to_canvas, c), timed(old_canvas, c)))
        t["canvas old"].append(ta); t["canvas new"].append(tb); d_canvas.append(np.abs(mnistify(a) - mnistify(b)))
    ms = {k: np.median(v) * 1e3 for k, v in t.items()}
    dc = np.stack(d_canvas)
    print(f"{args.n} pen digits; old = git {args.base}, new = this checkout; medians, old and new interleaved (alternately first)\n")
    print("| renderer | old p50 (ms) | new p50 (ms) | new / old | pixels |\n|---|---|---|---|---|")
    print(f"| page path: strokes → model's ink (`strokes_to_ink`) | {ms['ink old']:.3f} | {ms['ink new']:.3f} | "
          f"{ms['ink new'] / ms['ink old']:.2f} | identical ink for {ink_same}/{args.n} digits; 28×28 max abs diff {max(d_ink):.3g} |")
    print(f"| 280 px canvas, page's brush (`strokes_to_canvas`) | {ms['canvas old']:.2f} | {ms['canvas new']:.2f} | "
          f"{ms['canvas new'] / ms['canvas old']:.3f} | MNISTified 28×28: max abs diff {dc.max():.3f}, mean {dc.mean():.4f}, "
          f"digits with a diff > 0.5: {(dc.max((1, 2)) > 0.5).sum()}/{args.n} |")

if __name__ == "__main__": main()
