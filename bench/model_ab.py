"""The shipped model beside v4, side by side in one run: classify() on the same 280×280 pen-digit canvases, the two models
alternating digit by digit (the machine is shared: medians and their ratio), and the model files' sizes.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/model_ab.py [--n 300]
"""
import argparse, time
from pathlib import Path
import numpy as np
from digit_classification.classify import classify, load_classifier
from digit_classification.data import load_pendigits, fit_strokes, MODEL_DIR
from digit_classification.mnistify import strokes_to_canvas
from digit_classification.testing import save_table

V4 = Path(__file__).resolve().parents[1]/"nbs"/"models"/"v4.tflite"

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=300); args = ap.parse_args()
    canvases = [strokes_to_canvas(fit_strokes(d.strokes)) for d in load_pendigits()[:args.n]]
    models = {"shipped": load_classifier(), "v4": load_classifier(V4)}
    for c in canvases[:5]:
        for m in models.values(): classify(c, m)
    t = {k: [] for k in models}
    for i, c in enumerate(canvases):
        for k in (list(models) if i % 2 else list(models)[::-1]):   # the order alternates: neither always runs second
            t0 = time.perf_counter(); classify(c, models[k]); t[k].append(time.perf_counter() - t0)
    p50 = {k: np.median(v) * 1e3 for k, v in t.items()}
    size = lambda p: (p.stat().st_size + (p.parent/"model.json").stat().st_size if p.parent == MODEL_DIR else p.stat().st_size) / 1e6
    save_table(__file__, f"`python bench/model_ab.py --n {args.n}`: {args.n} 280×280 RGBA pen-digit canvases, the models alternating, one run\n\n"
               "| model | `classify()` p50 | p90 | model files |\n|---|---|---|---|\n"
               + "\n".join(f"| {k} | {p50[k]:.3f} ms | {np.quantile(t[k], 0.9) * 1e3:.3f} ms | {size(models[k].path):.2f} MB |" for k in models)
               + f"\n\nmedian ratio shipped / v4: {p50['shipped'] / p50['v4']:.2f}")

if __name__ == "__main__": main()
