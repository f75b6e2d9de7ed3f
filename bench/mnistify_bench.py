"""Time `mnistify` on 280×280 RGBA canvases of real pen digits, beside the per-pixel Python loop of the older apps.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/mnistify_bench.py [--n 300]
Prints medians and the ratio; both are measured in the same run, interleaved, because this machine is shared and noisy.
"""
import argparse, time
import numpy as np
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import strokes_to_canvas
from digit_classification.mnistify import mnistify

def old_app_mnistify(rgba):
    "The older apps' way: Python loops over every pixel for the bounding box and the centre of mass (kept as a baseline)"
    a = rgba[..., 3]; h, w = a.shape
    top, left, bottom, right, mass, sy, sx = h, w, -1, -1, 0.0, 0.0, 0.0
    for y in range(h):
        for x in range(w):
            v = a[y, x]
            if v:
                top, left, bottom, right = min(top, y), min(left, x), max(bottom, y), max(right, x)
                v = int(v); mass += v; sy += v*y; sx += v*x
    return top, left, bottom, right, sy/mass, sx/mass

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=300); args = ap.parse_args()
    pen = load_pendigits()
    canvases = [strokes_to_canvas(fit_strokes(d.strokes)) for d in pen[:args.n]]
    ours, old = [], []
    for i, c in enumerate(canvases):
        t0 = time.perf_counter(); mnistify(c); ours.append(time.perf_counter() - t0)
        if i % 10 == 0:  # the loop is slow: time every tenth canvas
            t0 = time.perf_counter(); old_app_mnistify(c); old.append(time.perf_counter() - t0)
    mo, ml = np.median(ours)*1e3, np.median(old)*1e3
    print(f"canvases: {len(canvases)} (280x280 RGBA pen digits)")
    print(f"mnistify median {mo:.3f} ms, p90 {np.percentile(ours, 90)*1e3:.3f} ms")
    print(f"old per-pixel loop (bbox + centre of mass only) median {ml:.1f} ms; ratio {ml/mo:.0f}x")

if __name__ == "__main__": main()
