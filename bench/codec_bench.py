"""Drawing payloads compared: PNG data URL (`canvas.toDataURL()`) vs the legacy run-length code vs ours.

Renders UCI pen digits (from $DIGIT_CLASSIFICATION_DATA) the way the canvas draws them, at 280 and 200 px with the
default brush, and prints median and p90 lengths in characters, the ours/legacy ratio, and median decode times.
Usage: python bench/codec_bench.py [--n 2000 | --all] [--seed 0]
"""
import argparse, time
import numpy as np
from digit_classification.data import load_pendigits, fit_strokes, render_strokes
from digit_classification.codec import encode, decode, encode_legacy, decode_legacy, png_data_url

SIZES = (280, 200)

def timed(f, *args):
    "Result of `f(*args)` and how long it took, in ms"
    t = time.perf_counter(); r = f(*args)
    return r, (time.perf_counter() - t) * 1e3

def measure(digit, size:int):
    "(png, legacy, ours) lengths, ours/legacy, and (legacy, ours) decode ms for one digit on a `size` canvas"
    rgba = render_strokes(fit_strokes(digit.strokes, size=size), size=size)
    ink = rgba[..., 3] > 0
    leg, ours = encode_legacy(rgba), encode(rgba)
    a, t_leg = timed(decode_legacy, leg, size)
    b, t_ours = timed(decode, ours)
    assert (a == ink).all() and (b == ink).all(), "round trip failed"
    return len(png_data_url(rgba)), len(leg), len(ours), len(ours) / len(leg), t_leg, t_ours

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="pen digits to sample (default 2000)")
    p.add_argument("--all", action="store_true", help="use all 7,494 pen digits")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    pen = load_pendigits()
    idx = np.arange(len(pen)) if args.all else np.random.default_rng(args.seed).choice(len(pen), min(args.n, len(pen)), replace=False)
    print(f"{len(idx)} pen digits, default brush; lengths in characters (median / p90), decode times median ms\n")
    print(f"{'canvas':>6} | {'PNG data URL':>13} | {'legacy':>11} | {'ours':>9} | {'ours/legacy':>11} | {'decode legacy':>13} | {'decode ours':>11}")
    print("-" * 92)
    for size in SIZES:
        m = np.array([measure(pen[i], size) for i in idx])
        med, p90 = np.median(m, 0), np.percentile(m, 90, axis=0)
        cell = lambda k, f="{:.0f}": f"{f.format(med[k])} / {f.format(p90[k])}"
        print(f"{size:>6} | {cell(0):>13} | {cell(1):>11} | {cell(2):>9} | {cell(3, '{:.2f}'):>11} | {med[4]:>10.2f} ms | {med[5]:>8.2f} ms")

if __name__ == "__main__": main()
