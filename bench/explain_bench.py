"""Figures of the explain module, in process: each piece of the dashboard's explanation after a stroke, and the whole of it.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/explain_bench.py [--digits 40] [--rounds 3]
- classify: `Classifier.predict_proba` of one image, the baseline every stroke already pays.
- look: one LiteRT call that keeps every tensor (each block's maps, the hidden layer); also `look` with the index search.
- why: occlusion sensitivity, one batched call of the image and its erased copies (how many copies is printed).
- nearest: the neighbour search over the shipped index.
- pictures: layer grids, the two why pictures and the neighbours as PNGs (`pictures`).
- PNGs alone, side by side: the 9 arrays `pictures` encodes afresh after a stroke (7 layer grids, 2 why pictures), by chapter 2's
  `codec.png` and by Pillow's encoder at the same zlib level (what `pictures` used before).
- explain + pictures: everything the dashboard computes after a stroke, in this process.
`look` against `classify` is what keeping every tensor costs (a second interpreter, preserve_all_tensors=True).
Digits are pen digits rendered as the canvas renders them; pieces run interleaved, digit by digit, in `--rounds` rounds,
so each piece meets the same moments of this shared, noisy machine: read medians.
"""
import argparse, io, os, time
import numpy as np
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import mnistify, strokes_to_canvas
from PIL import Image
from digit_classification.codec import png
from digit_classification.testing import save_table
from digit_classification.explain import load_explainer, explain, pictures, why, occlusions, layer_picture, why_picture, INDEX_PATH, PALETTE

def timed(f, *a):
    t0 = time.perf_counter(); f(*a); return (time.perf_counter() - t0) * 1e3

def pillow_png(a, palette=None)->bytes:
    "The baseline: Pillow's PNG encoder, zlib level 1"
    im = Image.fromarray(a)
    if palette is not None: im.putpalette(palette.tobytes())
    buf = io.BytesIO(); im.save(buf, format="PNG", compress_level=1); return buf.getvalue()

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--digits", type=int, default=40); ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    pen = load_pendigits()
    picks = np.random.default_rng(0).choice(len(pen), args.digits, replace=False)
    images = [mnistify(strokes_to_canvas(fit_strokes(pen[i].strokes, 280, 0.7), 280)) for i in picks]
    ex = load_explainer(); idx = ex.index(); clf = ex.classifier
    plain = lambda img: clf.predict_proba(img[None])
    e0 = explain(images[0]); pictures(e0); why(images[0])        # warm up: interpreters, index, batch sizes
    hidden = [ex.look(img).hidden for img in images]
    arrays = [(layer_picture(m), PALETTE) for m in e0.look.maps] + [(why_picture(e0.why, e0.digit), None), (why_picture(e0.why, e0.runner_up, e0.digit), None)]
    pieces = {"classify (baseline)": lambda img, h: plain(img),
              "look (every tensor kept)": lambda img, h: ex.look(img),
              "why (occlusion, one batch)": lambda img, h: why(img, clf),
              "nearest (index search)": lambda img, h: idx.nearest(h, 8),
              "pictures (PNGs)": lambda img, h: pictures(e0),
              "9 PNGs, codec.png": lambda img, h: [png(a, pal) for a, pal in arrays],
              "9 PNGs, Pillow (baseline)": lambda img, h: [pillow_png(a, pal) for a, pal in arrays],
              "explain + pictures": lambda img, h: pictures(explain(img, ex))}
    times = {k: [] for k in pieces}
    for _ in range(args.rounds):
        for img, h in zip(images, hidden):
            for k, f in pieces.items(): times[k].append(timed(f, img, h))
    copies = [len(occlusions(img)[1]) for img in images]
    base = np.median(times["classify (baseline)"])
    rows = [f"`python bench/explain_bench.py --digits {args.digits} --rounds {args.rounds}`: {len(images)} drawn digits x {args.rounds} rounds; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. Occluded copies per drawing: median {np.median(copies):.0f}, "
            f"max {max(copies)}; index {INDEX_PATH.stat().st_size / 1e6:.2f} MB, {len(idx.labels):,} digits", "",
            "| piece | p50 ms | p90 ms | x classify |", "|---|---|---|---|"]
    rows += [f"| {k} | {np.percentile(v, 50):.2f} | {np.percentile(v, 90):.2f} | {np.percentile(v, 50) / base:.1f} |" for k, v in times.items()]
    save_table(__file__, "\n".join(rows))

if __name__ == "__main__": main()
