"""The correction memory's cost: LiteRT file size and classify latency with k corrections in the memory (and the tuned copy), beside the model without one.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data nice python bench/memory_bench.py [--n 300]
The shipped network gets a memory (`finetune.with_memory`) of 60, 200, 1,000 (`MEMORY_SIZE`'s 5,000 entries) and 2,000
corrections, each with its `MEMORY_SHIFTS` (pen digits drawn as the page sends them, then MNIST training digits), and for 60 and
1,000 also with the copy of the network that `finetune` tunes on them (`tuned=`: one pass of `tune` here; the cost does not
depend on how far it was tuned), each converted as `finetune` writes it (int8 weights, dynamic range). The files are timed in a child process that never imports TensorFlow (it slows NumPy): `classify()`'s model
step, `Classifier.predict` of one 28x28 image, each model in turn for every image (rotating order), p50 of the per-image best
of 3. The same child checks the LiteRT files against Keras: the corrections in each memory read as their labels, and how far
the int8 logits are from the float ones.
"""
import argparse, json, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
from digit_classification.testing import save_table

CHILD = """import json, sys, time, numpy as np
from digit_classification.classify import Classifier
d, n = sys.argv[1], int(sys.argv[2]); spec = json.load(open(d + "/spec.json")); x = np.load(d + "/x.npy")[:n]
clfs = [Classifier(d + f"/{k}/digits.tflite") for k in spec["ks"]]
for c in clfs: c.predict(x[:1])
best = np.full((len(clfs), n), np.inf)
for rep in range(3):
    for i in range(n):
        for j in np.roll(np.arange(len(clfs)), i + rep):
            t0 = time.perf_counter(); clfs[j].predict(x[i:i + 1]); best[j, i] = min(best[j, i], time.perf_counter() - t0)
out = {}
for j, k in enumerate(spec["ks"]):
    m = np.load(d + f"/{k}/check.npz"); out[k] = dict(p50_ms=1000 * float(np.median(best[j])))
    if len(m["y"]):
        z = clfs[j]._logits(m["x"]) * clfs[j].temperature
        out[k].update(read=float((z[:, :10].argmax(1) == m["y"]).mean()), dz=float(np.abs(z - m["z"]).max()), conf=float(np.median(clfs[j].predict(m["x"])[0].max(1))))
print(json.dumps(out))"""

def main(n:int=300, ks=(0, 60, 200, 1000, 2000), copies=(60, 1000)):
    import keras
    from digit_classification.data import load_pendigits, page_strokes
    from digit_classification.finetune import MEMORY_SHIFTS, CARRIED, base_model, memory_mean, tuned_copy, with_memory, _to_tflite
    from digit_classification.mnistify import mnistify
    from digit_classification.model import mnist_split
    t0 = time.time(); net, base, path = base_model()
    pen = load_pendigits(); (xm, ym), _ = mnist_split()
    xp = np.stack([mnistify(page_strokes(d.strokes, 280)) for d in pen]); yp = np.array([d.label for d in pen])
    xs, ys = np.concatenate([xp, xm[:max(ks)] / 255]).astype(np.float32), np.concatenate([yp, ym[:max(ks)]])
    mean = memory_mean(net, xm)
    d = Path(tempfile.mkdtemp()); sizes = {}
    specs = sorted([(k, False) for k in ks] + [(k, True) for k in copies])
    name = lambda k, c: f"{k}{'c' if c else ''}"
    for k, copied in specs:
        copy = None
        if copied: copy = tuned_copy(net, xs[:k], ys[:k], (xm[:2000] / 255, ym[:2000]), epochs=1, logits=True)
        m = with_memory(net, xs[:k], ys[:k], mean, size=k * (1 + len(MEMORY_SHIFTS)), tuned=copy) if k else net
        o = d/name(k, copied); o.mkdir(); tfl = _to_tflite(m); (o/"digits.tflite").write_bytes(tfl); sizes[name(k, copied)] = len(tfl)
        (o/"model.json").write_text(json.dumps({c: base[c] for c in CARRIED if c in base}))
        pick = np.random.default_rng(0).choice(k, min(k, 300), replace=False) if k else np.zeros(0, int)
        np.savez(o/"check.npz", x=xs[pick], y=ys[pick], z=m.predict(xs[pick][..., None], verbose=0) if k else np.zeros((0, 11)))
    np.save(d/"x.npy", xp[np.random.default_rng(1).choice(len(xp), n, replace=False)]); (d/"spec.json").write_text(json.dumps({"ks": [name(k, c) for k, c in specs]}))
    p = subprocess.run([sys.executable, "-c", CHILD, str(d), str(n)], capture_output=True, text=True)
    if p.returncode: sys.exit(p.stderr)
    r = json.loads(p.stdout.splitlines()[-1])
    b = r["0"]["p50_ms"]
    lines = [f"`python bench/memory_bench.py --n {n}`: one run, {time.time() - t0:.0f} s on 2 shared cores; the shipped network, its memory of k corrections",
             "", "| corrections in the memory (entries, with their shifts) | LiteRT file | one image, `Classifier.predict` p50 | ÷ no memory | corrections read as their label (LiteRT, up to 300 of them) | their confidence (median) | largest logit gap, int8 file vs Keras |",
             "|---|---|---|---|---|---|---|"]
    for k, copied in specs:
        f = r[name(k, copied)]
        lines.append(f"| {k:,} ({k * (1 + len(MEMORY_SHIFTS)):,}){', and the tuned copy' if copied else ''} | {sizes[name(k, copied)] / 1e6:.2f} MB | {f['p50_ms']:.3f} ms | {f['p50_ms'] / b:.2f} | " + (f"{100 * f['read']:.1f}% | {f['conf']:.3f} | {f['dz']:.3f} |" if k else "– | – | – |"))
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); p.add_argument("--n", type=int, default=300, help="images timed")
    sys.exit(main(**vars(p.parse_args())))
