"""Personalisation: does fine-tuning on a writer's corrections cut the model's errors on that writer's other digits?

Run: DIGIT_CLASSIFICATION_DATA=../shared/data nice python bench/finetune_bench.py --fold K --cache CACHE
The base model is that of writer-level cross-validation fold K (bench/cv.py's recipe: the whole network trained on MNIST,
the fold's 20 training writers and the not-digits, its temperature and not-a-digit threshold fitted on 4 more), made once into OUT/foldK; its
model.json lists the writers it never trained on, and the fold's 6 unseen (test) writers are the ones tested. CACHE is
cv.py's: its renders, and the folds' networks (trained there if they are not). Without `--fold`: the shipped model and the 4 writers it held out.
For each tested writer: a random half of the writer's digits, drawn as the page sends strokes and turned into the 28x28 images
the server would see, are given as corrections (each with its true label); `finetune.tune` trains the model's Keras weights on
them mixed with the replay of its training data (`finetune.reference_sets`: no writer the base model did not train on), as
`digit-classification finetune` does but with no hold-back: the writer's other half judges. The LiteRT models before and after
are compared on that other half, on MNIST validation and on the other tested writers; MNIST's test set is evaluated once, at the
end, for the base model and each fine-tuned one.
By default the fine-tuned model is `digit-classification finetune`'s: the base network with the given half as its correction
memory (`finetune.with_memory`: `MEMORY_BETA`, r `TUNED_MEMORY_R` beside a copy and `MEMORY_R` alone, or `--r` and `--beta`) and a
copy of it tuned on that half and `AUGMENT` random variants of each (`finetune.tune`, `EPOCHS` passes) that answers instead of it
near the corrections (`TUNED_R`, `TUNED_WIDTH`); `--method memory` is the memory alone (`finetune --epochs 0`); `--method tune`
fine-tunes the weights instead, everywhere (`finetune.tune` with the recipe options, on the corrections alone), as `finetune` did
before the memory; `--compare` runs the three, side by side.
Several folds may be given (`--fold 2 3 4`): one table, a block of rows per fold.
`--choose` instead chooses the memory's r and beta, and whether each correction is also remembered moved by a pixel each
way (`MEMORY_SHIFTS`), on the folds' validation writers (never their test writers, never MNIST
test): for each fold model and validation writer, 20 random halves as corrections, the other half judged, MNIST validation and
the other validation writers' digits watched; the table goes to results/finetune_memory_choice.md.
`--choose-near` chooses how the tuned copy learns (the corrections alone, or with `AUGMENT` random variants of each) and where it
answers (the cosine similarity to the nearest memory entry from which it starts to, and the width over which it takes over), with the
memory beside it at `MEMORY_R` or `TUNED_MEMORY_R`, in the same way (3 random halves of each validation writer, a copy tuned on
each; results/finetune_near_choice.md).
`--recipes "LR:EPOCHS:REPLAY:MIN_REPLAY:FROZEN[:DISTILL[:ANCHOR]] ..."` instead tries fine-tuning recipes on the fold's writers, judged on their other halves and MNIST
validation only (no MNIST test): how the recipe was chosen, added to results/finetune_recipes_foldK.md (the whole search).
`--limits WRITER ...` instead says why `finetune` does not halve these unseen writers' errors (the fold models' test writers, judged
on the same halves as the comparison): each digit the base model misreads, with its similarity to the nearest correction and what the
tuned copy and `finetune`'s model read; then copies tuned as `finetune` tunes its copy and harder (`HARDER`), each answering
everywhere, with the errors they leave and those they add on MNIST validation and the other unseen writers (results/finetune_limits.md).
It chooses nothing, and reads no MNIST test.
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np
from digit_classification.classify import MODEL_PATH, Classifier, classify
from digit_classification.data import page_strokes, load_mnist, load_pendigits
from digit_classification.finetune import (ANCHOR, AUGMENT, DISTILL, EPOCHS, FROZEN, LEARNING_RATE, MEMORY_BETA, MEMORY_R, MEMORY_SHIFTS, MIN_REPLAY, REPLAY, TUNED_MEMORY_R, TUNED_R, TUNED_WIDTH,
    
    accuracy, base_model, holdout_mask, memory_keys, memory_mean, plain, reference_sets, served, tune, tuned_copy, with_memory)
from digit_classification.model import SEED, EPOCHS as NET_EPOCHS, NUM_CLASSES, mnist_split, save_model, writer_folds
from digit_classification.testing import save_table

def fold_model(k:int, cache, out)->Path:
    "The model of cross-validation fold `k` (bench/cv.py's recipe and its network in `cache`), made once into `out`/fold`k`: its digits.tflite"
    path = Path(out)/f"fold{k}"/"digits.tflite"
    if path.exists(): return path
    from cv import renders, fit_fold
    pen = load_pendigits(); R = renders(pen, Path(cache)/"renders.npz")
    pen_y, pen_w = np.array([d.label for d in pen]), np.array([d.writer for d in pen])
    folds = writer_folds(pen_w); train_w, val_w, test_w = folds[k]
    net, t, thr, hist = fit_fold(k, R, pen_y, pen_w, folds, NET_EPOCHS, Path(cache))
    save_model(net, path.parent, dict(version=6, cv_fold=k, seed=SEED, outputs="logits", classes=NUM_CLASSES + 1,
        temperature=round(t, 4), not_digit_threshold=round(thr, 4), train_writers=sorted(train_w), val_writers=sorted(val_w),
        test_writers=sorted(test_w), epochs=len(hist), seconds=sum(h["seconds"] for h in hist)))
    return path

def writer_images(digits, clf):
    "The 28x28 images the server sees for `digits` drawn on the page (280 px canvas), and their labels"
    return (np.stack([classify([np.asarray(s, float) for s in page_strokes(d.strokes, 280)], clf).image for d in digits]),
            np.array([d.label for d in digits]))

def personalise(model, refs, x, y, given, epochs, lr, replay, min_replay, frozen, distill, anchor)->Classifier:
    "The model at `model` fine-tuned on the `given` half of (x, y) with the replay (the corrections alone: no variants), as it would be served"
    net, base, _ = base_model(model)
    tune(net, x[given], y[given], refs["train"], epochs, base.get("outputs") == "logits", lr=lr, per_correction=replay, min_replay=min_replay, frozen=frozen, distill=distill, anchor=anchor, augment=0)
    return served(net, base)

def remember(model, refs, x, y, given, r=None, beta=MEMORY_BETA, epochs=0)->Classifier:
    """The model at `model` with the `given` half of (x, y) as its correction memory and, with `epochs`, a copy tuned on it
    that answers near the corrections, as `finetune` makes it and it would be served"""
    net, base, _ = base_model(model); net = plain(net)
    copy = tuned_copy(net, x[given], y[given], refs["train"], epochs, logits=base.get("outputs") == "logits") if epochs else None
    return served(with_memory(net, x[given], y[given], memory_mean(net, refs["train"][0]), r, beta, tuned=copy), base)

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

def wrong(z, y)->int: return int((z[:, :10].argmax(1) != y).sum())   # misread digits, from logits

def pull(S, L, r, beta):
    "The memory's pull (N, classes), as `with_memory`'s layers compute it, in NumPy: S the similarities (N, entries), L the one-hot labels"
    return np.minimum(beta * np.maximum((S - r) / (1 - r), 0) @ L, beta)

VAL_GRID = dict(r=(0.75, 0.78, 0.8, 0.82, 0.85, 0.88), beta=(5.0, 10.0, 20.0), shifts=((), MEMORY_SHIFTS))   # the memory's settings --choose tries

def choose(folds, cache, out, splits:int=20)->str:
    "A table: for each (r, beta), errors on the validation writers' judging halves before → after, and what MNIST validation and the other validation writers lose"
    (xm, _), (xv, yv) = mnist_split(); pen, res = load_pendigits(), {}
    for k in folds:
        model = fold_model(k, cache, out); net, base, _ = base_model(model); before = Classifier(model)
        mean = memory_mean(net, xm)
        H = lambda x: memory_keys(net, x, mean); Z = lambda x: net.predict(np.reshape(x, (-1, 28, 28, 1)).astype(np.float32), verbose=0)
        hv, zv = H(xv / 255), Z(xv / 255)
        W = {w: (H(x), Z(x), y, [H(np.roll(x, s, axis=(1, 2))) for s in MEMORY_SHIFTS]) for w in base["val_writers"] for x, y in [writer_images([d for d in pen if d.writer == w], before)]}
        for r, beta, shifts in [(r, b, s) for r in VAL_GRID["r"] for b in VAL_GRID["beta"] for s in VAL_GRID["shifts"]]:
            P = lambda h, M, L: pull(h @ M.T, L, r, beta)
            e0 = e1 = 0; mv, oth = [], []
            for w, (h, z, y, hs) in W.items():
                for s in range(splits):
                    g = np.random.default_rng(s).permutation(len(y)) < len(y) // 2
                    M, L = np.concatenate([h[g]] + [q[g] for q in hs[:len(shifts)]]), np.eye(z.shape[1])[np.tile(y[g], 1 + len(shifts))]
                    e0 += wrong(z[~g], y[~g]); e1 += wrong(z[~g] + P(h[~g], M, L), y[~g])
                    if s < 3: mv.append(wrong(zv + P(hv, M, L), yv) - wrong(zv, yv)); oth.append(sum(wrong(W[v][1] + P(W[v][0], M, L), W[v][2]) - wrong(W[v][1], W[v][2]) for v in W if v != w))
            f = res.setdefault((r, beta, len(shifts)), [0, 0, [], []]); f[0] += e0 / splits; f[1] += e1 / splits; f[2] += mv; f[3] += oth
        print(k, "done", flush=True)
    lines = ["| r | β | shifted copies per correction | errors on the judging halves, before → after (mean of the random halves, all folds) | cut | MNIST validation: errors added (median, worst of 5,000) | the other validation writers' digits: errors added (median, worst) |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r:g} | {b:g} | {n} | {e0:.1f} → {e1:.1f} | {100 * (1 - e1 / e0):.0f}% | {np.median(mv):+.0f}, {max(mv):+d} | {np.median(oth):+.0f}, {max(oth):+d} |"
              for (r, b, n), (e0, e1, mv, oth) in res.items()]
    return "\n".join(lines)

NEAR_GRID = dict(augment=(0, AUGMENT), near=(0.7, 0.72, 0.74, 0.76, 0.78), width=(0.02, 0.1), r=(MEMORY_R, TUNED_MEMORY_R))   # what --choose-near tries

def choose_near(folds, cache, out, splits:int=3)->str:
    """A table: for copies tuned on the corrections alone and with variants of each, and each (near, width, the memory's r), errors
    on the validation writers' judging halves before → after and what MNIST validation and the other validation writers lose"""
    (xm, _), (xv, yv) = mnist_split(); pen, res = load_pendigits(), {}
    for k in folds:
        model = fold_model(k, cache, out); net, base, _ = base_model(model); before = Classifier(model); refs = reference_sets(base)
        mean = memory_mean(net, xm); logits = base.get("outputs") == "logits"
        H = lambda x: memory_keys(net, x, mean); Z = lambda n, x: n.predict(np.reshape(x, (-1, 28, 28, 1)).astype(np.float32), verbose=0)
        hv, zv = H(xv / 255), Z(net, xv / 255)
        W = {w: (x, H(x), Z(net, x), y, [H(np.roll(x, s, axis=(1, 2))) for s in MEMORY_SHIFTS]) for w in base["val_writers"] for x, y in [writer_images([d for d in pen if d.writer == w], before)]}
        for w, (x, h, z, y, hs) in W.items():
            for s in range(splits):
                g = np.random.default_rng(s).permutation(len(y)) < len(y) // 2
                M, yM = np.concatenate([h[g]] + [q[g] for q in hs]), np.tile(y[g], 1 + len(MEMORY_SHIFTS)); L = np.eye(z.shape[1])[yM]
                Sv, Sw = hv @ M.T, {v: W[v][1] @ M.T for v in W}   # similarities to the entries: MNIST validation, each writer's digits
                for aug in NEAR_GRID["augment"]:
                    copy = tuned_copy(net, x[g], y[g], refs["train"], EPOCHS, logits=logits, augment=aug)
                    tv, tw = Z(copy, xv / 255), {v: Z(copy, W[v][0]) for v in W}
                    for near, width, r in [(a, b, c) for a in NEAR_GRID["near"] for b in NEAR_GRID["width"] for c in NEAR_GRID["r"]]:
                        def answer(S, zb, zt):   # with_memory's layers, in NumPy, from the similarities S
                            share = np.clip((S.max(1) - near) / width, 0, 1)
                            return zb + share[:, None] * (zt - zb) + pull(S, L, r, MEMORY_BETA)
                        f = res.setdefault((aug, near, width, r), [0, 0, [], []])
                        f[0] += wrong(z[~g], y[~g]) / splits; f[1] += wrong(answer(Sw[w][~g], z[~g], tw[w][~g]), y[~g]) / splits
                        f[2].append(wrong(answer(Sv, zv, tv), yv) - wrong(zv, yv))
                        f[3].append(sum(wrong(answer(Sw[v], W[v][2], tw[v]), W[v][3]) - wrong(W[v][2], W[v][3]) for v in W if v != w))
            print(k, w, "done", flush=True)
    lines = ["| variants of each correction the copy learns | the tuned copy answers from (cosine similarity to the nearest entry) | ...alone from | the memory's r | errors on the judging halves, before → after (mean of the halves, all folds) | cut | MNIST validation: errors added (median, worst of 5,000) | the other validation writers' digits: errors added (median, worst) |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {n} | {a:g} | {a + b:g} | {r:g} | {e0:.1f} → {e1:.1f} | {100 * (1 - e1 / e0):.0f}% | {np.median(mv):+.0f}, {max(mv):+d} | {np.median(oth):+.0f}, {max(oth):+d} |"
              for (n, a, b, r), (e0, e1, mv, oth) in res.items()]
    return "\n".join(lines)

HARDER = ((LEARNING_RATE, EPOCHS), (1e-3, EPOCHS), (1e-3, 3 * EPOCHS))   # --limits: copies tuned as `finetune` tunes its copy, then harder (learning rate, passes)

def limits(folds, writers, cache, out)->str:
    """Two tables for unseen `writers` whose errors `finetune` does not halve. First, each digit of the judging half that the base
    model misreads: its cosine similarity to the nearest memory entry (the tuned copy answers from `TUNED_R`), what the tuned copy
    reads and by what margin, and what `finetune`'s model reads. Then `finetune`'s model, and copies tuned as `finetune` tunes its
    copy and harder, each answering everywhere: errors left on the judging half, errors added on MNIST validation and on the fold's
    other unseen writers"""
    pen = load_pendigits(); found, rows = [], []
    for k in folds:
        model = fold_model(k, cache, out); net, base, _ = base_model(model); net = plain(net); before = Classifier(model); refs = reference_sets(base)
        (xv, yv), mean, logits = refs["mnist_val"], memory_mean(net, refs["train"][0]), base.get("outputs") == "logits"
        Z = lambda n, x: n.predict(np.reshape(x, (-1, 28, 28, 1)).astype(np.float32), verbose=0)
        H = lambda x: memory_keys(net, x, mean); zv, ev = Z(net, xv), errors(before, xv, yv)   # the base model on MNIST validation, once a fold
        for w in [w for w in writers if w in base["test_writers"]]:
            x, y = writer_images([d for d in pen if d.writer == w], before); g = holdout_mask(len(y), seed=1); yj = y[~g]
            o = refs["pen_test_writers"] != w; xo, yo = refs["pen_test"][0][o], refs["pen_test"][1][o]; zo = Z(net, xo)
            copies = {h: tuned_copy(net, x[g], y[g], refs["train"], h[1], logits=logits, lr=h[0]) for h in HARDER}
            z, zb = Z(copies[HARDER[0]], x[~g]), Z(net, x[~g])
            after = served(with_memory(net, x[g], y[g], mean, tuned=copies[HARDER[0]]), base)
            rows.append((k, w, "`finetune`'s model (the copy answers near the corrections)", errors(before, x[~g], yj), errors(after, x[~g], yj),
                         errors(after, xv, yv) - ev, errors(after, xo, yo) - errors(before, xo, yo)))
            rows += [(k, w, f"a copy tuned at {lr:g} for {n} passes{' (as `finetune` tunes it)' if (lr, n) == HARDER[0] else ''}, answering everywhere",
                      wrong(zb, yj), wrong(Z(c, x[~g]), yj), wrong(Z(c, xv), yv) - wrong(zv, yv), wrong(Z(c, xo), yo) - wrong(zo, yo)) for (lr, n), c in copies.items()]
            keys = np.concatenate([H(x[g])] + [H(np.roll(x[g], s, axis=(1, 2))) for s in MEMORY_SHIFTS])   # the memory's entries
            near, pb, pa = (H(x[~g]) @ keys.T).max(1), before.predict_proba(x[~g]).argmax(1), after.predict_proba(x[~g]).argmax(1)
            found += [(k, w, yj[i], pb[i], near[i], z[i, :10].argmax(), z[i, yj[i]] - np.delete(z[i, :10], yj[i]).max(), pa[i]) for i in np.where(pb != yj)[0]]
            print(k, w, "done", flush=True)
    lines = [f"| fold | writer | label | the base model reads | similarity to the nearest correction (the copy answers from {TUNED_R:g}, alone from {TUNED_R + TUNED_WIDTH:g}) | "
             "the tuned copy reads (its label's logit minus the best other's) | `finetune`'s model reads |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {k} | {w} | {l} | {b} | {s:.2f} | {c} ({m:+.1f}) | {a} |" for k, w, l, b, s, c, m, a in found]
    lines += ["", "| fold | writer | model | errors on the judging half: before → after | MNIST validation: errors added (of 5,000) | the fold's other unseen writers: errors added |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {k} | {w} | {what} | {e0} → {e1} | {v:+d} | {o:+d} |" for k, w, what, e0, e1, v, o in rows]
    return "\n".join(lines)

def main(fold:list=None, cache:str=None, out:str="runs/finetune", epochs:int=EPOCHS, lr:float=LEARNING_RATE,
         replay:int=REPLAY, min_replay:int=MIN_REPLAY, frozen:str=FROZEN, distill:float=DISTILL, anchor:float=ANCHOR, recipe:str=None,
         method:str="finetune", compare:bool=False, r:float=None, beta:float=MEMORY_BETA, choose_memory:bool=False, choose_copy:bool=False, limit:list=None):
    t0 = time.time()
    folds = ', '.join(map(str, fold or []))
    def chosen(flag, name, what, text):   # a choice's table, headed by its command, to results/NAME.md
        text = (f"`python bench/finetune_bench.py {flag} --fold {' '.join(map(str, fold))} --cache CACHE`: {what} on the folds' validation writers (fold models {folds}; "
                f"MNIST validation and the other validation writers' digits watched); {time.time() - t0:.0f} s on 2 shared cores; no test writer, no MNIST test\n\n" + text)
        print(text); return (Path(__file__).parent/"results"/f"{name}.md").write_text(text + "\n")
    if choose_copy: return chosen("--choose-near", "finetune_near_choice", "how the tuned copy learns and where it answers instead of the network, 3 random halves of each writer "
                                  f"as corrections, two copies tuned on each ({EPOCHS} passes; the corrections alone, and with {AUGMENT} variants of each), the other half judged,", choose_near(fold, cache, out))
    if limit:
        table = limits(fold, limit, cache, out)
        text = (f"`python bench/finetune_bench.py --limits {' '.join(map(str, limit))} --fold {' '.join(map(str, fold))} --cache CACHE`: why `finetune` does not halve "
                f"these unseen writers' errors (fold models {folds}; each writer's judging half as in the comparison); {time.time() - t0:.0f} s on 2 shared cores; "
                "no MNIST test; nothing is chosen from it\n\n" + table)
        print(text); return (Path(__file__).parent/"results"/"finetune_limits.md").write_text(text + "\n")
    if choose_memory: return chosen("--choose", "finetune_memory_choice", "the correction memory's r, β and shifted copies, 20 random halves of each writer as "
                                    "corrections, the other half judged (MNIST validation on 3 of them),", choose(fold, cache, out))
    methods = ["memory", "finetune", "tune"] if compare else [method]
    tuned = lambda m, model, refs, x, y, given: (remember(model, refs, x, y, given, r, beta, 0 if m == "memory" else EPOCHS) if m != "tune" else
        personalise(model, refs, x, y, given, epochs, lr, replay, min_replay, frozen, distill, anchor))
    _, _, xt, yt = load_mnist(); rows, names = [], []
    pen = load_pendigits()
    for k in (fold or [None]):
        model = fold_model(k, cache, out) if k is not None else MODEL_PATH
        before = Classifier(model); _, base, _ = base_model(model)
        refs = reference_sets(base); tested = base.get("test_writers") or sorted(set(refs["pen_test_writers"].tolist()))
        mine = {}
        for w in tested:
            x, y = writer_images([d for d in pen if d.writer == w], before); mine[w] = (x, y, holdout_mask(len(y), seed=1))
        if recipe:
            text = recipes(model, before, refs, mine, recipe.split())
            text = (f"`python bench/finetune_bench.py --fold {k} --recipes \"{recipe}\"`: errors on each writer's other half after fine-tuning "
                    f"fold {k}'s model on the first half; {time.time() - t0:.0f} s on 2 shared cores; no MNIST test\n\n" + text)
            o = Path(__file__).parent/"results"/f"finetune_recipes_fold{k}.md"   # each run's table is added: the file is the whole search
            print(text); o.write_text((o.read_text() + "\n" if o.exists() else "") + text + "\n"); continue
        names.append(f"fold {k}'s model {before.version} (unseen writers {', '.join(map(str, tested))}; validation writers {', '.join(map(str, base['val_writers']))})"
                     if k is not None else f"the shipped model {before.version}")
        for w, (x, y, given) in mine.items():
            others = np.isin(refs["pen_test_writers"], [v for v in tested if v != w])
            sets = {"val": refs["mnist_val"], "others": (refs["pen_test"][0][others], refs["pen_test"][1][others])}
            after = {m: tuned(m, model, refs, x, y, given) for m in methods}
            row = dict(fold=k, writer=w, given=int(given.sum()), tested=int((~given).sum()), errors=[errors(before, x[~given], y[~given])] + [errors(a, x[~given], y[~given]) for a in after.values()],
                       **{n: [accuracy(before, *s)] + [accuracy(a, *s) for a in after.values()] for n, s in sets.items()})
            row["test"] = [accuracy(before, xt / 255, yt)] if not rows or rows[-1]["fold"] != k else [rows[-1]["test"][0]]
            row["test"] += [accuracy(a, xt / 255, yt) for a in after.values()]   # MNIST test: once per model, at the end of its row
            rows.append(row); print(row, flush=True)
    if recipe: return
    pct = lambda a: f"{100 * a:.2f}"; arrow = lambda v, f=str: " → ".join(f(a) for a in v)
    opts = (f" --r {r:g}" if r is not None else "") + f" --beta {beta:g}" if "tune" not in methods or len(methods) > 1 else ""
    opts += f" --epochs {epochs} --lr {lr:g} --replay {replay} --min-replay {min_replay} --frozen {frozen} --distill {distill:g} --anchor {anchor:g}" if "tune" in methods else ""
    cmd = "python bench/finetune_bench.py" + (f" --fold {' '.join(map(str, fold))} --cache CACHE" if fold else "") + (" --compare" if compare else f" --method {method}") + opts
    what = " → ".join(["before"] + [{"memory": "the memory alone", "finetune": "finetune (the memory and the tuned copy)", "tune": "the weights tuned"}[m] for m in methods])
    lines = [f"`{cmd}`: one run, {time.time() - t0:.0f} s on 2 shared cores; base models: " + "; ".join(names), "",
             f"| fold | unseen writer | digits given / tested | errors on the other half: {what} | cut | MNIST val %: {what} | the other unseen writers %: {what} | MNIST test %: {what} |",
             "|---|---|---|---|---|---|---|---|"]
    cut = lambda e0, e1: (f"{100 * (e0 - e1) / e0:.0f}%" + (" (1 error: nothing to halve)" if e0 == 1 else "")) if e0 else "no errors to cut"
    for x in rows:
        lines.append(f"| {x['fold']} | {x['writer']} | {x['given']} / {x['tested']} | {arrow(x['errors'])} | {' / '.join(cut(x['errors'][0], e) for e in x['errors'][1:])} | "
                     f"{arrow(x['val'], pct)} | {arrow(x['others'], pct)} | {arrow(x['test'], pct)} |")
    lines.append("")
    for j, m in enumerate(methods, 1):
        e0, e1 = sum(x["errors"][0] for x in rows), sum(x["errors"][j] for x in rows)
        many = [x for x in rows if x["errors"][0] >= 2]; halved = [x for x in many if x["errors"][j] <= x["errors"][0] / 2]
        lines.append(f"{what.split(' → ')[j].capitalize()}: {e0} → {e1} errors on {sum(x['tested'] for x in rows)} digits ({100 * (e0 - e1) / max(e0, 1):.0f}% fewer); "
                     f"errors at least halved on {len(halved)} of the {len(many)} writers with 2 or more errors before ({', '.join(str(x['writer']) for x in many) or 'none'}); "
                     f"MNIST test: largest drop {100 * max(x['test'][0] - x['test'][j] for x in rows):.2f} percentage points, MNIST validation {100 * max(x['val'][0] - x['val'][j] for x in rows):.2f} (goal: within 0.05).")
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fold", type=int, nargs="*", help="base models: these cross-validation folds' (default: the shipped model)")
    p.add_argument("--cache", help="bench/cv.py's cache (renders, the folds' networks) for --fold")
    p.add_argument("--out", default="runs/finetune", help="where fold models are made (once)")
    p.add_argument("--method", default="finetune", choices=("memory", "finetune", "tune"), help="the correction memory alone; `finetune`'s default (the memory, and a copy tuned on the corrections that answers near them); or the weights tuned, everywhere")
    p.add_argument("--compare", action="store_true", help="the three methods, side by side")
    p.add_argument("--r", type=float, help="the memory's similarity threshold (default: `with_memory`'s: MEMORY_R alone, TUNED_MEMORY_R beside a copy)"); p.add_argument("--beta", type=float, default=MEMORY_BETA, help="the memory's pull")
    p.add_argument("--choose", dest="choose_memory", action="store_true", help="choose r and beta on the folds' validation writers (no test writer, no MNIST test)")
    p.add_argument("--choose-near", dest="choose_copy", action="store_true", help="choose where the tuned copy answers, on the folds' validation writers (no test writer, no MNIST test)")
    p.add_argument("--limits", dest="limit", type=int, nargs="+", metavar="WRITER", help="why `finetune` does not halve these unseen writers' errors: their misread digits, and copies tuned harder (no MNIST test); results/finetune_limits.md")
    p.add_argument("--epochs", type=int, default=EPOCHS); p.add_argument("--lr", type=float, default=LEARNING_RATE)
    p.add_argument("--replay", type=int, default=REPLAY, help="replay images per correction...")
    p.add_argument("--min-replay", type=int, default=MIN_REPLAY, help="...and at least this many")
    p.add_argument("--frozen", default=FROZEN, choices=("none", "norm", "trunk"), help="what stays as it is: nothing, batch normalisation, or that and the trunk")
    p.add_argument("--distill", type=float, default=DISTILL, help="replay targets: 0, its labels; T > 0, the base model's outputs at temperature T")
    p.add_argument("--anchor", type=float, default=ANCHOR, help="L2-SP: weight of the squared distance from the base model's weights; 0: none")
    p.add_argument("--recipes", dest="recipe", help='recipes to compare, "LR:EPOCHS:REPLAY:MIN_REPLAY:FROZEN[:DISTILL] ..." (FROZEN: none, norm, trunk; 0 and 1 mean none and norm; DISTILL and ANCHOR as --distill and --anchor, default 0) (no MNIST test)')
    sys.exit(main(**vars(p.parse_args())))
