"""How fast read_number() reads a 4-digit number, in process, beside reading the same digits one classify() at a time.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/number_bench.py [--numbers 40] [--rounds 5] [--digits 4]
The numbers are composed by chapter 5's recipe from the pen digits of the four "test" writers of split_writers (the shipped
model trained on them, so the table gives timings only: chapter 5's accuracy table says how well numbers are read). Each round times every path on every number, the paths taking turns, so all of them meet the
same moments of this shared machine; the table gives medians over all calls, in wall-clock time and in the CPU time the
process got (on a machine loaded by others, the wall clock also counts the waits for a core). It also counts the model calls,
and writes the table to bench/results/number_bench.md.
"""
import argparse, time
import numpy as np
from digit_classification import classify, read_number
from digit_classification.classify import Classifier
from digit_classification.data import load_pendigits, split_writers
from digit_classification.number import pen_numbers
from digit_classification.testing import save_table

def numbers(n:int, digits:int)->list:
    "`n` numbers of `digits` digits by the test writers"
    pen = load_pendigits()
    role = split_writers([d.writer for d in pen])
    return pen_numbers(pen, [w for w, r in role.items() if r == "test"], n, (digits, digits), seed=4)

def per_digit(n)->list:
    "The old way: each digit's own strokes through classify(), one model call per digit"
    return [classify([s for s, o in zip(n.strokes, n.owner) if o == k]).digit for k in range(len(n.text))]

def model_calls(f)->int:
    "How many times `f()` calls the model"
    calls, orig = [0], Classifier._logits   # what predict and predict_proba both call, once per model call
    def counting(self, x): calls[0] += 1; return orig(self, x)
    Classifier._logits = counting
    try: f()
    finally: Classifier._logits = orig
    return calls[0]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--numbers", type=int, default=40); ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--digits", type=int, default=4); args = ap.parse_args()
    nums = numbers(args.numbers, args.digits)
    canvases = [n.canvas() for n in nums]
    paths = {"read_number(strokes)": lambda i: read_number(nums[i].strokes),
             "read_number(canvas)": lambda i: read_number(canvases[i]),
             f"{args.digits} × classify(one digit's strokes)": lambda i: per_digit(nums[i])}
    for f in paths.values(): f(0)   # warm up: the model, the interpreter's batch size
    times, cpu = {k: [] for k in paths}, {k: [] for k in paths}
    for _ in range(args.rounds):
        for i in range(len(nums)):
            for k, f in paths.items():
                t0, c0 = time.perf_counter(), time.process_time(); f(i)
                times[k].append(time.perf_counter() - t0); cpu[k].append(time.process_time() - c0)
    calls = {k: model_calls(lambda: paths[k](0)) for k in paths}
    lines = [f"`python bench/number_bench.py --numbers {len(nums)} --rounds {args.rounds} --digits {args.digits}`: {len(nums)} numbers of "
             f"{args.digits} digits by the test writers, {args.rounds} rounds, medians of all calls, one run\n",
             "| path | p50 ms | p90 ms | CPU p50 ms | model calls per number |", "|---|---|---|---|---|"]
    for k, t in times.items():
        lines.append(f"| {k} | {np.median(t) * 1e3:.2f} | {np.percentile(t, 90) * 1e3:.2f} | {np.median(cpu[k]) * 1e3:.2f} | {calls[k]} |")
    base, cbase = np.median(times[list(paths)[2]]), np.median(cpu[list(paths)[2]])
    lines.append("\n" + "; ".join(f"{k} / per-digit classify: {np.median(times[k]) / base:.2f} wall, {np.median(cpu[k]) / cbase:.2f} CPU"
                                   for k in list(paths)[:2]) + " (goal: read_number p50 <= 3 ms)")
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
