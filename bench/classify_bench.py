"""Figures of the model as served: classify() latency beside the old apps' Keras path, cold start, memory, file sizes.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/classify_bench.py [--n 300] [--cold 5]
Importing TensorFlow slows every later NumPy call in the same process (0.9 → 1.4 ms for classify() here), so our path is
timed in a child process that never imports it, before and after the Keras path is timed: ours, old, ours, in one run.
"""
import argparse, json, os, subprocess, sys, time
import numpy as np
from digit_classification import classify, mnistify
from digit_classification.data import MODEL_DIR
from digit_classification.classify import MODEL_PATH
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import strokes_to_canvas
from digit_classification.testing import save_table

COLD = """import time, numpy as np; t0 = time.perf_counter()
import digit_classification
c = np.zeros((280, 280, 4), np.uint8); c[60:220, 130:150, 3] = 255
p = digit_classification.classify(c); t1 = time.perf_counter()
rss = int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024
print(t1 - t0, rss)"""

MODEL_FILES = (MODEL_PATH.name, "model.json")   # the model and its record, which `Classifier` reads

def canvases(n): return [strokes_to_canvas(fit_strokes(d.strokes)) for d in load_pendigits()[:n]]

def time_ours(n):
    "classify() seconds per canvas, and the digits, for `n` pen-digit canvases (run in a child process)"
    cs, out = canvases(n), []
    for c in cs[:5]: classify(c)
    for c in cs: t0 = time.perf_counter(); p = classify(c); out.append((time.perf_counter() - t0, p.digit))
    return out

def ours_in_child(n):
    r = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.splitlines()[-1])

def time_old(n):
    "The old apps' path: mnistify, then Keras model.predict per request"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    from digit_classification.model import KERAS_PATH
    model = keras.models.load_model(KERAS_PATH)
    cs, out = canvases(n), []
    for c in cs[:5]: model.predict(mnistify(c)[None, ..., None], verbose=0)
    for c in cs:
        t0 = time.perf_counter(); q = model.predict(mnistify(c)[None, ..., None], verbose=0); out.append((time.perf_counter() - t0, int(q.argmax())))
    return out

def cold_start(n):
    "Median seconds from `import digit_classification` to the first answer (in-process and whole process), and RSS in MB"
    runs, procs = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        runs.append(subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True).stdout.split())
        procs.append(time.perf_counter() - t0)
    return np.median([float(r[0]) for r in runs]), np.median(procs), int(np.median([int(r[1]) for r in runs]))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=300); ap.add_argument("--cold", type=int, default=5)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS); args = ap.parse_args()
    if args.child: return print(json.dumps(time_ours(args.child)))
    wall, proc, rss = cold_start(args.cold)
    ours = ours_in_child(args.n); old = time_old(args.n); ours += ours_in_child(args.n)
    agree = sum(a[1] == b[1] for a, b in zip(ours, old))
    to = [t for t, _ in ours]; tl = [t for t, _ in old]
    mo, ml = np.median(to) * 1e3, np.median(tl) * 1e3
    sizes = {f.name: f.stat().st_size for f in sorted(MODEL_DIR.iterdir())}
    save_table(__file__, "\n".join([
        f"`python bench/classify_bench.py --n {args.n}`: {args.n} 280×280 RGBA pen-digit canvases, one run; LiteRT and Keras agree on {agree}/{len(old)}\n",
        "| measure | value |", "|---|---|",
        f"| `classify()` p50 / p90, in process (two blocks, before and after the Keras block) | {mo:.3f} ms / {np.percentile(to, 90)*1e3:.3f} ms |",
        f"| the old path (mnistify + Keras `model.predict`) p50 | {ml:.2f} ms ({ml/mo:.0f}× slower) |",
        f"| cold `import` + first `classify()`, median of {args.cold} | {wall:.2f} s in process, {proc:.2f} s with Python's start |",
        f"| process RSS after the first `classify()` | {rss} MB |",
        f"| shipped model files (what `classify` loads) | {sum(v for k, v in sizes.items() if k in MODEL_FILES)/1e6:.2f} MB ({', '.join(f'{k} {v/1e3:.0f} kB' for k, v in sizes.items() if k in MODEL_FILES)}) |",
        f"| beside them: the explanations' index (chapter 6) | {', '.join(f'{k} {v/1e3:.0f} kB' for k, v in sizes.items() if k not in MODEL_FILES)} |"]))

if __name__ == "__main__": main()
