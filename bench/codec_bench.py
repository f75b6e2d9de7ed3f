"""Drawing payloads compared: PNG data URL (`canvas.toDataURL()`) vs the legacy run-length code vs ours (versions 1 and 2).

Renders UCI pen digits (from $DIGIT_CLASSIFICATION_DATA) the way the canvas draws them, at 280 and 200 px with the default
brush. Prints the median and p90 lengths in characters, then the decoders' times side by side: for each digit every decoder
runs in turn (the order rotating from digit to digit), each timed as the best of `--repeat` calls, so a pause of this shared
machine hits all alike; the table gives the p50 over digits of each and the median of the per-digit ratios. The decoders:
`decode_legacy`, `decode` of a version 2 code (what `encode` writes), `decode` of a version 1 code, and the `decode` of git
revision `--old` (default `main`) on the version 1 code, loaded from `git show` (skipped with `--old ''`).
Usage: python bench/codec_bench.py [--n 2000 | --all] [--seed 0] [--repeat 5] [--old main]
"""
import argparse, subprocess, time, types
from pathlib import Path
import numpy as np
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import strokes_to_canvas
from digit_classification.codec import encode, decode, encode_legacy, decode_legacy, png_data_url

SIZES = (280, 200)

def old_decode(rev:str):
    "`decode` of digit_classification/codec.py at git revision `rev`"
    root = Path(__file__).resolve().parents[1]
    src = subprocess.run(["git", "show", f"{rev}:digit_classification/codec.py"], cwd=root, capture_output=True, text=True, check=True).stdout
    mod = types.ModuleType("old_codec")
    exec(compile(src.replace("from .mnistify import", "from digit_classification.mnistify import"), f"{rev}:codec.py", "exec"), mod.__dict__)
    return mod.decode

def best_ms(f, *args, repeat:int=5)->float:
    "Shortest of `repeat` timed calls of `f(*args)`, in ms"
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); f(*args); best = min(best, time.perf_counter() - t)
    return best * 1e3

def measure(digit, size:int, old, repeat:int=5, turn:int=0):
    "Lengths (png, legacy, v1, v2) and decode ms (legacy, v2, v1, old on v1) for one digit on a `size` canvas"
    rgba = strokes_to_canvas(fit_strokes(digit.strokes, size=size), size=size)
    ink = rgba[..., 3] > 0
    leg, v1, v2 = encode_legacy(rgba), encode(rgba, 1), encode(rgba)
    runs = [(decode_legacy, leg, size), (decode, v2), (decode, v1)] + ([(old, v1)] if old else [])
    for f, *a in runs: assert (f(*a) == ink).all(), "round trip failed"
    ms = [None] * len(runs)
    for k in range(len(runs)):                                   # the order rotates: a different decoder first each digit
        i = (k + turn) % len(runs); ms[i] = best_ms(runs[i][0], *runs[i][1:], repeat=repeat)
    return [len(png_data_url(rgba)), len(leg), len(v1), len(v2)], ms + [np.nan] * (4 - len(ms))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="pen digits to sample (default 2000)")
    p.add_argument("--all", action="store_true", help="use all 7,494 pen digits")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeat", type=int, default=5, help="timed calls per digit and decoder, the best kept (default 5)")
    p.add_argument("--old", default="main", help="git revision whose decode is timed on version 1 codes ('' to skip)")
    args = p.parse_args()
    old = old_decode(args.old) if args.old else None
    pen = load_pendigits()
    idx = np.arange(len(pen)) if args.all else np.random.default_rng(args.seed).choice(len(pen), min(args.n, len(pen)), replace=False)
    res = {size: [measure(pen[i], size, old, args.repeat, k) for k, i in enumerate(idx)] for size in SIZES}
    print(f"{len(idx)} pen digits, default brush.\n\nLengths in characters, median / p90:\n")
    print("| canvas | PNG data URL | legacy | ours, v1 | ours, v2 | v2/legacy | v2/v1 |\n|---|---|---|---|---|---|---|")
    for size in SIZES:
        n = np.array([r[0] for r in res[size]], float); n = np.c_[n, n[:, 3] / n[:, 1], n[:, 3] / n[:, 2]]
        med, p90 = np.median(n, 0), np.percentile(n, 90, axis=0)
        cell = lambda k, f="{:.0f}": f"{f.format(med[k])} / {f.format(p90[k])}"
        print(f"| {size} | {cell(0)} | {cell(1)} | {cell(2)} | {cell(3)} | {cell(4, '{:.2f}')} | {cell(5, '{:.2f}')} |")
    print(f"\nDecode, ms: p50 over digits of each decoder's best of {args.repeat} calls; ratios: median of the per-digit ratios. "
          f"old: `decode` at `{args.old}` on the v1 code.\n")
    print("| canvas | decode_legacy | decode, v2 | v2 / legacy | decode, v1 | old decode, v1 | old / v2 |\n|---|---|---|---|---|---|---|")
    for size in SIZES:
        t = np.array([r[1] for r in res[size]], float)
        med = np.median(t, 0); ratio = lambda a, b: np.median(t[:, a] / t[:, b])
        print(f"| {size} | {med[0]:.3f} | {med[1]:.3f} | {ratio(1, 0):.2f} | {med[2]:.3f} | {med[3]:.3f} | {ratio(3, 1):.1f} |")

if __name__ == "__main__": main()
