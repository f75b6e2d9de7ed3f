"""Figures of the model as served: classify() latency beside the old apps' Keras path, cold start, memory, file sizes.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/classify_bench.py [--n 300] [--cold 5]
Ours and the baseline are timed interleaved in one run (this machine is shared and noisy): compare medians and ratios.
"""
import argparse, json, os, subprocess, sys, time
import numpy as np
from digit_classification import classify, mnistify
from digit_classification.classify import MODEL_DIR
from digit_classification.data import load_pendigits, render_strokes, fit_strokes

COLD = """import time, numpy as np; t0 = time.perf_counter()
import digit_classification
c = np.zeros((280, 280, 4), np.uint8); c[60:220, 130:150, 3] = 255
p = digit_classification.classify(c); t1 = time.perf_counter()
rss = int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024
print(t1 - t0, rss)"""

def cold_start(n):
    "Median seconds from a fresh interpreter's `import digit_classification` to its first answer, and its RSS in MB"
    runs = [subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True).stdout.split() for _ in range(n)]
    wall = [float(r[0]) for r in runs]
    procs = []
    for _ in range(n):  # whole process, interpreter start included
        t0 = time.perf_counter(); subprocess.run([sys.executable, "-c", COLD], capture_output=True, check=True); procs.append(time.perf_counter() - t0)
    return np.median(wall), np.median(procs), int(np.median([int(r[1]) for r in runs]))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=300); ap.add_argument("--cold", type=int, default=5)
    args = ap.parse_args()
    pen = load_pendigits()
    canvases = [render_strokes(fit_strokes(d.strokes)) for d in pen[:args.n]]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras  # the old apps' path: Keras model.predict per request
    model = keras.models.load_model(MODEL_DIR/"digits.keras")
    old_path = lambda c: model.predict(mnistify(c)[None, ..., None], verbose=0)
    for c in canvases[:5]: classify(c); old_path(c)   # warm both
    ours, old, agree = [], [], 0
    for c in canvases:
        t0 = time.perf_counter(); p = classify(c); ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); q = old_path(c); old.append(time.perf_counter() - t0)
        agree += p.digit == int(q.argmax())
    wall, proc, rss = cold_start(args.cold)
    sizes = {f.name: f.stat().st_size for f in sorted(MODEL_DIR.iterdir())}
    mo, ml = np.median(ours) * 1e3, np.median(old) * 1e3
    print(f"canvases: {len(canvases)} 280x280 RGBA pen digits; LiteRT and Keras agree on {agree}/{len(canvases)}")
    print(f"classify() p50 {mo:.3f} ms  p90 {np.percentile(ours, 90)*1e3:.3f} ms")
    print(f"old path (mnistify + Keras model.predict) p50 {ml:.2f} ms -> speed-up {ml/mo:.0f}x")
    print(f"cold import + first classify: {wall:.2f} s in-process, {proc:.2f} s whole process (median of {args.cold})")
    print(f"process RSS after first classify: {rss} MB")
    print(f"shipped model files: {json.dumps(sizes)} total {sum(sizes.values())/1e6:.3f} MB")

if __name__ == "__main__": main()
