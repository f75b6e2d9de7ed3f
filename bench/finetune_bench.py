"""Personalisation: does fine-tuning on a writer's corrections cut the model's errors on that writer's other digits?

Run: DIGIT_CLASSIFICATION_DATA=../shared/data nice python bench/finetune_bench.py --fold K --cache CACHE --trunk TRUNK.weights.h5
The base model is that of writer-level cross-validation fold K (bench/cv.py's recipe: the head trained on the MNIST-only trunk
with the fold's 20 training writers, its temperature and not-a-digit threshold fitted on 4 more), made once into OUT/foldK; its
model.json lists the writers it never trained on, and the fold's 6 unseen (test) writers are the ones tested. CACHE holds
cv.py's renders and trunk features. Without `--fold`: the shipped model and the 4 writers it held out.
For each tested writer: a random half of the writer's digits, drawn as the page sends strokes and turned into the 28x28 images
the server would see, are given as corrections (each with its true label); `finetune.tune` trains the model's Keras weights on
them mixed with the replay of its training data (`finetune.reference_sets`: no writer the base model did not train on), as
`digit-classification finetune` does but with no hold-back: the writer's other half judges. The LiteRT models before and after
are compared on that other half, on MNIST validation and on the other tested writers; MNIST's test set is evaluated once, at the
end, for the base model and each fine-tuned one.
`--recipes "LR:EPOCHS:REPLAY:MIN_REPLAY:FROZEN[:DISTILL[:ANCHOR]] ..."` instead tries fine-tuning recipes on the fold's writers, judged on their other halves and MNIST
validation only (no MNIST test): how the recipe was chosen, added to results/finetune_recipes_foldK.md (the whole search).
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np
from digit_classification.classify import MODEL_PATH, Classifier, classify
from digit_classification.data import page_strokes, load_mnist
from digit_classification.finetune import ANCHOR, DISTILL, EPOCHS, FROZEN, LEARNING_RATE, MIN_REPLAY, REPLAY, accuracy, base_model, holdout_mask, reference_sets, served, tune
from digit_classification.model import SEED, SPLIT, NUM_CLASSES, assemble, mnist_split, save_model, writer_folds
from digit_classification.testing import save_table

def fold_model(k:int, cache, trunk, out)->Path:
    "The model of cross-validation fold `k` (bench/cv.py's recipe), made once into `out`/fold`k`: its digits.tflite"
    path = Path(out)/f"fold{k}"/"digits.tflite"
    if path.exists(): return path
    from cv import inputs, fit_fold
    t0 = time.time(); pen, R, F, mnist_model = inputs(Path(cache), trunk)
    pen_y, pen_w = np.array([d.label for d in pen]), np.array([d.writer for d in pen])
    (_, ym), (_, ymv) = mnist_split(); folds = writer_folds(pen_w); train_w, val_w, test_w = folds[k]
    head, t, thr, fit = fit_fold(k, F, R, pen_y, pen_w, ym, ymv, folds, mnist_model, 6, SPLIT)
    save_model(assemble(mnist_model, head), path.parent, dict(version=5, cv_fold=k, seed=SEED, outputs="logits", classes=NUM_CLASSES + 1,
        temperature=round(t, 4), not_digit_threshold=round(thr, 4), train_writers=sorted(train_w), val_writers=sorted(val_w),
        test_writers=sorted(test_w), head_epochs=6, best_head_epoch=fit["best_epoch"], seconds=round(time.time() - t0)))
    return path

def writer_images(digits, clf):
    "The 28x28 images the server sees for `digits` drawn on the page (280 px canvas), and their labels"
    return (np.stack([classify([np.asarray(s, float) for s in page_strokes(d.strokes, 280)], clf).image for d in digits]),
            np.array([d.label for d in digits]))

def personalise(model, refs, x, y, given, epochs, lr, replay, min_replay, frozen, distill, anchor)->Classifier:
    "The model at `model` fine-tuned on the `given` half of (x, y) with the replay, as it would be served"
    net, base, _ = base_model(model)
    tune(net, x[given], y[given], refs["train"], epochs, base.get("outputs") == "logits", lr=lr, per_correction=replay, min_replay=min_replay, frozen=frozen, distill=distill, anchor=anchor)
    return served(net, base)

def errors(clf, x, y)->int: return int(round((1 - accuracy(clf, x, y)) * len(y)))

def recipes(model, before, refs, mine, specs)->str:
    "A table: each recipe's errors per writer (other half) and MNIST validation"
    rows = []
    for spec in specs:
        lr, epochs, replay, least, frozen, distill, anchor = (spec.split(":") + ["0", "0"])[:7]; t0 = time.time()
        lr, epochs, replay, least, frozen = float(lr), int(epochs), int(replay), int(least), {"0": "none", "1": "norm"}.get(frozen, frozen)
        distill, anchor = float(distill), float(anchor)
        errs, vals, oth = {}, [], []
        for w, (x, y, given) in mine.items():
            after = personalise(model, refs, x, y, given, epochs, lr, replay, least, frozen, distill, anchor)
            errs[w] = errors(after, x[~given], y[~given]); vals.append(accuracy(after, *refs["mnist_val"]))
            oth.append(sum(errors(after, *mine[v][:2]) for v in mine if v != w))
        rows.append((spec, errs, float(np.median(vals)), min(vals), float(np.median(oth)), time.time() - t0)); print(rows[-1], flush=True)
    e0 = {w: errors(before, x[~given], y[~given]) for w, (x, y, given) in mine.items()}; v0 = accuracy(before, *refs["mnist_val"])
    o0 = float(np.median([sum(errors(before, *mine[v][:2]) for v in mine if v != w) for w in mine]))
    head = "| recipe (lr : epochs : replay per correction : least replay : frozen : distillation temperature, 0 = labels : L2-SP weight) | " + " | ".join(f"writer {w}" for w in mine) + " | total | MNIST val % (median, worst) | errors on the other writers' digits (median) |"
    lines = [head, "|" + "---|" * (len(mine) + 4), f"| base model (before) | " + " | ".join(str(e0[w]) for w in mine) + f" | {sum(e0.values())} | {100 * v0:.2f} | {o0:.0f} |"]
    lines += [f"| {s} | " + " | ".join(str(e[w]) for w in mine) + f" | {sum(e.values())} | {100 * m:.2f}, {100 * lo:.2f} | {o:.0f} |" for s, e, m, lo, o, _ in rows]
    return "\n".join(lines)

def main(fold:int=None, cache:str=None, trunk:str=None, out:str="runs/finetune", epochs:int=EPOCHS, lr:float=LEARNING_RATE,
         replay:int=REPLAY, min_replay:int=MIN_REPLAY, frozen:str=FROZEN, distill:float=DISTILL, anchor:float=ANCHOR, recipe:str=None):
    t0 = time.time()
    model = fold_model(fold, cache, trunk, out) if fold is not None else MODEL_PATH
    before = Classifier(model); _, base, _ = base_model(model)
    refs = reference_sets(base); tested = base.get("test_writers") or sorted(set(refs["pen_test_writers"].tolist()))
    from digit_classification.data import load_pendigits
    pen = load_pendigits(); mine = {}
    for w in tested:
        x, y = writer_images([d for d in pen if d.writer == w], before); mine[w] = (x, y, holdout_mask(len(y), seed=1))
    name = (f"fold {fold}'s model (unseen writers {', '.join(map(str, tested))}; validation writers {', '.join(map(str, base['val_writers']))})"
            if fold is not None else "the shipped model")
    if recipe:
        text = recipes(model, before, refs, mine, recipe.split())
        text = (f"`python bench/finetune_bench.py --fold {fold} --recipes \"{recipe}\"`: errors on each writer's other half after fine-tuning "
                f"{name} on the first half; {time.time() - t0:.0f} s on 2 shared cores; no MNIST test\n\n" + text)
        out = Path(__file__).parent/"results"/f"finetune_recipes_fold{fold}.md"   # each run's table is added: the file is the whole search
        print(text); return out.write_text((out.read_text() + "\n" if out.exists() else "") + text + "\n")
    rows, tuned = [], []
    for w, (x, y, given) in mine.items():
        after = personalise(model, refs, x, y, given, epochs, lr, replay, min_replay, frozen, distill, anchor)
        others = np.isin(refs["pen_test_writers"], [v for v in tested if v != w])
        sets = {"val": refs["mnist_val"], "others": (refs["pen_test"][0][others], refs["pen_test"][1][others])}
        f = {k: (accuracy(before, *s), accuracy(after, *s)) for k, s in sets.items()}
        rows.append(dict(writer=w, given=int(given.sum()), tested=int((~given).sum()),
                         errors=(errors(before, x[~given], y[~given]), errors(after, x[~given], y[~given])), **f))
        tuned.append(after); print(rows[-1], flush=True)
    _, _, xt, yt = load_mnist()                       # MNIST test: once, at the end
    test0, tests = accuracy(before, xt / 255, yt), [accuracy(a, xt / 255, yt) for a in tuned]
    pct = lambda a: f"{100 * a:.2f}"
    cmd = f"python bench/finetune_bench.py" + (f" --fold {fold} --cache CACHE --trunk TRUNK" if fold is not None else "") + f" --epochs {epochs} --lr {lr:g} --replay {replay} --min-replay {min_replay} --frozen {frozen} --distill {distill:g} --anchor {anchor:g}"
    lines = [f"`{cmd}`: one run, {time.time() - t0:.0f} s on 2 shared cores; base model: {name}, {before.version}",
             "", f"| unseen writer | digits given / tested | errors on the other half, before → after | cut | MNIST val % before → after | other {len(tested) - 1} writers % before → after | MNIST test % before → after |",
             "|---|---|---|---|---|---|---|"]
    for r, t in zip(rows, tests):
        e0, e1 = r["errors"]; cut = f"{100 * (e0 - e1) / e0:.0f}%" + (" (1 error: nothing to halve)" if e0 == 1 else "") if e0 else "no errors to cut"
        lines.append(f"| {r['writer']} | {r['given']} / {r['tested']} | {e0} → {e1} | {cut} | {pct(r['val'][0])} → {pct(r['val'][1])} | "
                     f"{pct(r['others'][0])} → {pct(r['others'][1])} | {pct(test0)} → {pct(t)} |")
    e0, e1 = sum(r["errors"][0] for r in rows), sum(r["errors"][1] for r in rows)
    halved = [r["writer"] for r in rows if r["errors"][0] >= 2 and r["errors"][1] <= r["errors"][0] / 2]
    many = [r["writer"] for r in rows if r["errors"][0] >= 2]
    lines += ["", f"All {len(rows)}: {e0} → {e1} errors on {sum(r['tested'] for r in rows)} digits ({100 * (e0 - e1) / max(e0, 1):.0f}% fewer); "
              f"errors at least halved on {len(halved)} of the {len(many)} writers with 2 or more errors before ({', '.join(map(str, many)) or 'none'}); "
              f"MNIST test: largest drop {100 * max(test0 - t for t in tests):.2f} percentage points (goal: within 0.05)."]
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fold", type=int, help="base model: this cross-validation fold's (default: the shipped model)")
    p.add_argument("--cache", help="bench/cv.py's cache (renders, features) for --fold"); p.add_argument("--trunk", help="the trunk's weights for --fold")
    p.add_argument("--out", default="runs/finetune", help="where fold models are made (once)")
    p.add_argument("--epochs", type=int, default=EPOCHS); p.add_argument("--lr", type=float, default=LEARNING_RATE)
    p.add_argument("--replay", type=int, default=REPLAY, help="replay images per correction...")
    p.add_argument("--min-replay", type=int, default=MIN_REPLAY, help="...and at least this many")
    p.add_argument("--frozen", default=FROZEN, choices=("none", "norm", "trunk"), help="what stays as it is: nothing, batch normalisation, or that and the trunk")
    p.add_argument("--distill", type=float, default=DISTILL, help="replay targets: 0, its labels; T > 0, the base model's outputs at temperature T")
    p.add_argument("--anchor", type=float, default=ANCHOR, help="L2-SP: weight of the squared distance from the base model's weights; 0: none")
    p.add_argument("--recipes", dest="recipe", help='recipes to compare, "LR:EPOCHS:REPLAY:MIN_REPLAY:FROZEN[:DISTILL] ..." (FROZEN: none, norm, trunk; 0 and 1 mean none and norm; DISTILL and ANCHOR as --distill and --anchor, default 0) (no MNIST test)')
    sys.exit(main(**vars(p.parse_args())))
