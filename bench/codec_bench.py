"""Drawing payloads compared: PNG data URL (`canvas.toDataURL()`) vs the legacy run-length code vs ours.

Renders UCI pen digits (from $DIGIT_CLASSIFICATION_DATA) the way the canvas draws them, at 280 and 200 px with the
default brush, and prints median and p90 lengths in characters, the ours/legacy ratio, and the decoders' times side by side:
for each digit both decoders run in turn (the order alternating), each timed as the best of `--repeat` calls, so a pause of
this shared machine hits both alike; the table gives the p50 over digits of each and the median of the per-digit ratio.
Usage: python bench/codec_bench.py [--n 2000 | --all] [--seed 0] [--repeat 5]
"""
import argparse, time
import numpy as np
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import strokes_to_canvas
from digit_classification.codec import encode, decode, encode_legacy, decode_legacy, png_data_url

SIZES = (280, 200)

def best_ms(f, *args, repeat:int=5)->float:
    "Shortest of `repeat` timed calls of `f(*args)`, in ms"
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); f(*args); best = min(best, time.perf_counter() - t)
    return best * 1e3

def measure(digit, size:int, repeat:int=5, flip:bool=False):
    "(png, legacy, ours) lengths, ours/legacy, (legacy, ours) decode ms and their ratio for one digit on a `size` canvas"
    rgba = strokes_to_canvas(fit_strokes(digit.strokes, size=size), size=size)
    ink = rgba[..., 3] > 0
    leg, ours = encode_legacy(rgba), encode(rgba)
    assert (decode_legacy(leg, size) == ink).all() and (decode(ours) == ink).all(), "round trip failed"
    if flip: t_ours = best_ms(decode, ours, repeat=repeat); t_leg = best_ms(decode_legacy, leg, size, repeat=repeat)
    else: t_leg = best_ms(decode_legacy, leg, size, repeat=repeat); t_ours = best_ms(decode, ours, repeat=repeat)
    return len(png_data_url(rgba)), len(leg), len(ours), len(ours) / len(leg), t_leg, t_ours, t_ours / t_leg

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="pen digits to sample (default 2000)")
    p.add_argument("--all", action="store_true", help="use all 7,494 pen digits")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeat", type=int, default=5, help="timed calls per digit and decoder, the best kept (default 5)")
    args = p.parse_args()
    pen = load_pendigits()
    idx = np.arange(len(pen)) if args.all else np.random.default_rng(args.seed).choice(len(pen), min(args.n, len(pen)), replace=False)
    print(f"{len(idx)} pen digits, default brush; lengths in characters (median / p90); decode: p50 over digits of the best of "
          f"{args.repeat} calls, ms, and the median per-digit ratio\n")
    print(f"| canvas | PNG data URL | legacy | ours | ours/legacy | decode_legacy p50 | decode p50 | decode/decode_legacy |")
    print("|---|---|---|---|---|---|---|---|")
    for size in SIZES:
        m = np.array([measure(pen[i], size, args.repeat, flip=k % 2 == 1) for k, i in enumerate(idx)])
        med, p90 = np.median(m, 0), np.percentile(m, 90, axis=0)
        cell = lambda k, f="{:.0f}": f"{f.format(med[k])} / {f.format(p90[k])}"
        print(f"| {size} | {cell(0)} | {cell(1)} | {cell(2)} | {cell(3, '{:.2f}')} | {med[4]:.3f} ms | {med[5]:.3f} ms | {med[6]:.2f} |")

if __name__ == "__main__": main()
