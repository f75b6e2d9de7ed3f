"""How `read_number`'s merge cost was chosen for the shipped model: on the "val" writers only (the writers chapter 5's rules
were tuned on), never the test writers the chapter's figures use.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/number_costs.py [--costs 0.05,0.02,0,-0.02,-0.05] [--numbers 600]
For each `number.MERGE_COST`: the val writers' single digits (does `read_number` give `classify`'s answer?), and numbers of
2-6 digits composed by chapter 5's recipe from their digits (seed 5), read whole as strokes, and the first half as canvas
images. Writes bench/results/number_costs.md.
"""
import argparse, time
import numpy as np
import digit_classification.number as N
from digit_classification.classify import classify
from digit_classification.data import load_pendigits, split_writers
from digit_classification.testing import save_table

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--costs", default="0.05,0.02,0,-0.02,-0.05"); ap.add_argument("--numbers", type=int, default=600)
    args = ap.parse_args(); t0 = time.time()
    pen = load_pendigits(); role = split_writers([d.writer for d in pen]); val = sorted(w for w, r in role.items() if r == "val")
    single = [d for d in pen if role[d.writer] == "val"]; up = lambda d: [np.asarray(s, np.float64) * (1, -1) for s in d.strokes]
    answers = [str(classify(up(d)).digit) for d in single]
    nums = N.pen_numbers(pen, val, args.numbers, (2, 6), seed=5); half = nums[:args.numbers // 2]
    rows = []
    for mc in [float(c) for c in args.costs.split(",")]:
        N.MERGE_COST = mc
        same = np.mean([N.read_number(up(d)).text == a for d, a in zip(single, answers)])
        st, im = (np.mean([N.read_number(f(n)).text == n.text for n in ns]) for f, ns in ((lambda n: n.strokes, nums), (lambda n: n.canvas(), half)))
        rows.append(f"| {mc:+.2f} | {same:.1%} | {st:.1%} | {im:.1%} |")
    save_table(__file__, f"`python bench/number_costs.py --costs {args.costs} --numbers {args.numbers}`: the val writers {val} "
        f"({len(single)} single digits; {len(nums)} numbers of 2–6 digits as strokes, {len(half)} as images), the shipped model; "
        f"{time.time() - t0:.0f} s on 2 shared cores; no test writer\n\n"
        "| `MERGE_COST` | single digits: `read_number` reads what `classify` reads | numbers read right: strokes | numbers read right: images |\n"
        "|---|---|---|---|\n" + "\n".join(rows))

if __name__ == "__main__": main()
