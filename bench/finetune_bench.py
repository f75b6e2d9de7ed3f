"""Personalisation: does fine-tuning on a writer's corrections cut the model's errors on that writer's other digits?

Run: DIGIT_CLASSIFICATION_DATA=../shared/data nice python bench/finetune_bench.py [--epochs 5]
For each of the four held-out pen writers of the served model's own split (the seed in its model.json; never trained on):
a random half of the writer's digits, drawn as the page sends strokes and turned into the 28x28 images the server would
see, are given as corrections (each with its true label); `finetune.tune` trains the model's Keras weights on them mixed
with the replay of its training data (as `digit-classification finetune` does, but with no hold-back: the writer's other
half judges). The LiteRT files before and after are compared on that other half, on MNIST validation and on the other three
held-out writers; MNIST's test set is evaluated once, at the end, for the base model and each fine-tuned one.
"""
import argparse, sys, tempfile, time
from pathlib import Path
import numpy as np
from digit_classification.classify import MODEL_PATH, Classifier, classify
from digit_classification.data import page_strokes, load_mnist, load_pendigits
from digit_classification.finetune import EPOCHS, SEED, accuracy, base_model, holdout_mask, reference_sets, tune
from digit_classification.model import to_tflite
from digit_classification.testing import save_table

def writer_images(digits, clf):
    "The 28x28 images the server sees for `digits` drawn on the page (280 px canvas), and their labels"
    return (np.stack([classify([np.asarray(s, float) for s in page_strokes(d.strokes, 280)], clf).image for d in digits]),
            np.array([d.label for d in digits]))

def main(epochs:int=EPOCHS):
    t0, before = time.time(), Classifier(MODEL_PATH)
    _, base, _ = base_model()
    refs, pen = reference_sets(base.get("seed", SEED)), load_pendigits()
    rows, tuned = [], []
    for w in sorted(set(refs["pen_test_writers"])):
        x, y = writer_images([d for d in pen if d.writer == w], before)
        given = holdout_mask(len(y), seed=1)
        net, base, _ = base_model()
        tune(net, x[given], y[given], refs["train"], epochs, base.get("outputs") == "logits")
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp)/"digits.tflite").write_bytes(to_tflite(net)); after = Classifier(Path(tmp)/"digits.tflite")
        others = refs["pen_test_writers"] != w
        sets = {"rest": (x[~given], y[~given]), "val": refs["mnist_val"], "others": (refs["pen_test"][0][others], refs["pen_test"][1][others])}
        f = {k: (accuracy(before, *s), accuracy(after, *s)) for k, s in sets.items()}
        n = int((~given).sum()); e0, e1 = round((1 - f["rest"][0]) * n), round((1 - f["rest"][1]) * n)
        rows.append(dict(writer=w, given=int(given.sum()), tested=n, errors=(e0, e1), val=f["val"], others=f["others"]))
        tuned.append(after); print(rows[-1], flush=True)
    _, _, xt, yt = load_mnist()                       # MNIST test: once, at the end
    test0, tests = accuracy(before, xt / 255, yt), [accuracy(a, xt / 255, yt) for a in tuned]
    pct = lambda a: f"{100 * a:.2f}"
    lines = [f"`python bench/finetune_bench.py --epochs {epochs}`: one run, {time.time() - t0:.0f} s on 2 shared cores; base model {before.version}",
             "", "| held-out writer | digits given / tested | errors on the other half, before → after | cut | MNIST val % before → after | other 3 writers % before → after | MNIST test % before → after |",
             "|---|---|---|---|---|---|---|"]
    for r, t in zip(rows, tests):
        e0, e1 = r["errors"]; cut = "no errors to cut" if e0 == 0 else f"{100 * (e0 - e1) / e0:.0f}%"
        lines.append(f"| {r['writer']} | {r['given']} / {r['tested']} | {e0} → {e1} | {cut} | {pct(r['val'][0])} → {pct(r['val'][1])} | "
                     f"{pct(r['others'][0])} → {pct(r['others'][1])} | {pct(test0)} → {pct(t)} |")
    e0, e1 = sum(r["errors"][0] for r in rows), sum(r["errors"][1] for r in rows)
    lines += ["", f"All four: {e0} → {e1} errors on {sum(r['tested'] for r in rows)} digits; goal: errors cut by at least 50% on each writer, "
              f"MNIST test within 0.05 points (largest drop here: {100 * max(test0 - t for t in tests):.2f} percentage points)."]
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); p.add_argument("--epochs", type=int, default=EPOCHS)
    sys.exit(main(**vars(p.parse_args())))
