"""Digits on paper: pen digits written on random sheets and photographed (`mnistify.paper_photo`), read by classify() with the
shipped model, the photo's ink found by today's rule (`mnistify.paper_ink`, which classify uses) and by the old grey-level rule
(`testing.old_grey_ink`: grey levels, inverted when the border is light), beside the same digits on a clean canvas.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/paper_bench.py [--n 500] [--writers test|all]
`--writers test` (the default) uses split_writers' test writers (held out of v4's training; v5 trained on them, so for v5 the
honest photo figure is bench/cv.py's). What this table measures holds either way: the two ink rules, on the same photos with
the same model. Writes bench/results/paper_bench.md; times are medians per photo, the two rules alternately first.
"""
import argparse, time
import numpy as np
from digit_classification.classify import classify, load_classifier
from digit_classification.data import load_pendigits, split_writers
from digit_classification.mnistify import paper_photo, paper_ink
from digit_classification.testing import old_grey_ink, save_table

def _timed(f, x):
    t0 = time.perf_counter(); y = f(x); return y, time.perf_counter() - t0

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500); ap.add_argument("--writers", default="test"); ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    pen = load_pendigits(); role = split_writers([d.writer for d in pen])
    pool = [d for d in pen if args.writers == "all" or role[d.writer] == "test"]
    rng = np.random.default_rng(args.seed); pick = rng.choice(len(pool), min(args.n, len(pool)), replace=False)
    clf = load_classifier()
    rules = {"photo, `paper_ink` (today's rule)": paper_ink, "photo, old grey-level rule (`old_grey_ink`)": old_grey_ink}
    ok, t = {k: [] for k in [*rules, "same digits, clean canvas"]}, {k: [] for k in rules}
    for j, i in enumerate(pick):
        d = pool[i]; img, clean = paper_photo(d.strokes, rng)
        for k, rule in (rules.items() if j % 2 else reversed(rules.items())):   # alternately first
            ink, dt = _timed(rule, img); t[k].append(dt)
            try: ok[k].append(classify(img if rule is paper_ink else ink, clf).digit == d.label)   # a photo, as classify() takes it
            except ValueError: ok[k].append(False)   # no ink found: a miss
        ok["same digits, clean canvas"].append(classify(clean, clf).digit == d.label)
    lines = [f"`python bench/paper_bench.py --n {args.n} --writers {args.writers}`: {len(pick)} pen digits ({args.writers} writers) on random "
             f"paper, photographed; model {clf.version}; one run", "",
             "| input | right | finding the ink, p50 (ms) |", "|---|---|---|"]
    lines += [f"| {k} | {np.mean(v):.1%} | {np.median(t[k]) * 1e3:.1f} |" if k in t else f"| {k} | {np.mean(v):.1%} | - |" for k, v in ok.items()]
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
