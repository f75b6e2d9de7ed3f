"""Digits on paper: pen digits written on random sheets and photographed (`mnistify.paper_photo`), read by classify(), beside
the same digits on a clean canvas and the old grey-level rule, for the shipped model and v4.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/paper_bench.py [--n 500] [--writers test|all]
`--writers test` (the default) uses the 4 pen writers held out of v4's training (split_writers' test). v5 trained on them
(26 writers); its honest photo figure is bench/cv.py's (writer-level cross-validation), not this one.
"""
import argparse, time
from pathlib import Path
import numpy as np
from digit_classification.classify import classify, load_classifier
from digit_classification.data import load_pendigits, split_writers
from digit_classification.mnistify import paper_photo, paper_ink, mnistify
from digit_classification.testing import old_grey_ink

V4 = Path(__file__).resolve().parents[1]/"nbs"/"models"/"v4.tflite"

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=500); ap.add_argument("--writers", default="test"); ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    pen = load_pendigits(); role = split_writers([d.writer for d in pen])
    pool = [d for d in pen if args.writers == "all" or role[d.writer] == "test"]
    rng = np.random.default_rng(args.seed); pick = rng.choice(len(pool), min(args.n, len(pool)), replace=False)
    models = {"shipped": load_classifier(), "v4": load_classifier(V4)}
    ok = {(m, k): [] for m in models for k in ("photo", "clean", "old rule")}; t = []
    for i in pick:
        d = pool[i]; img, clean = paper_photo(d.strokes, rng)
        t0 = time.perf_counter(); ink = paper_ink(img); t.append(time.perf_counter() - t0)
        for m, clf in models.items():
            for k, x in (("photo", img), ("clean", clean), ("old rule", old_grey_ink(img))):
                try: ok[m, k].append(classify(x, clf).digit == d.label)
                except ValueError: ok[m, k].append(False)   # no ink found: a miss
    print(f"{len(pick)} pen digits ({args.writers} writers) on random paper, photographed; paper_ink p50 {np.median(t)*1e3:.0f} ms")
    print("| model | photo (paper_ink) | same digits, clean canvas | photo, old grey-level rule |\n|---|---|---|---|")
    for m in models: print(f"| {m} | {np.mean(ok[m, 'photo']):.1%} | {np.mean(ok[m, 'clean']):.1%} | {np.mean(ok[m, 'old rule']):.1%} |")

if __name__ == "__main__": main()
