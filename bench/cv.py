"""Writer-level 5-fold cross-validation of the model's recipe (03_model), the source of the model card's figures.

Each fold: the whole network is trained from scratch (`model.training_set`, `model.fit_network`: MNIST, the renders of the fold's
20 training writers and the not-digits), its temperature and not-a-digit threshold are fitted (`model.calibrate`) on 4 more
writers (and MNIST's validation digits and the validation not-a-digit set), and the fold's 6 writers are read only to measure
it: the page's strokes, a canvas (brush 2.5-20% of the digit, every other one with no alpha), and photos of paper; the
not-a-digit test set too. Nothing a fold's test writers drew reaches that fold's model.

A fold trains as long as the shipped model (about 55 minutes on 2 cores); its network is saved after every pass in
`CACHE/foldK/` and an interrupted fold resumes there. Folds can run in parallel processes (`--folds 1`, `--folds 2`, ...,
e.g. each under `taskset -c N`); the summary is written once all five are done.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/cv.py [--cache DIR] [--folds 0,1,2,3,4] [--record digit_classification/models/model.json]
`--record` adds the summary (`cv`) to the shipped model.json, which chapter 3 shows as the model card.
`--rules` instead compares the calibration rules (`model.MOST_SURE_WRONG`) on the finished folds' validation data only
(results/cv_rules.md): how the rule is chosen.
"""
import argparse, json, time
from pathlib import Path
import numpy as np
from digit_classification.data import load_pendigits
from digit_classification.model import (SEED, EPOCHS, MNIST_COPIES, NOT_DIGIT, NUM_CLASSES, NOT_DIGIT_SEEDS, NOT_DIGIT_SIZES,
    training_set, fit_network, network_logits, calibrate, fit_temperature, p_not_digit, softmax, scores, ece, SURE, writer_folds, mnist_split,
    training_renders, eval_renders, not_digit_renders, render, _u8)
from digit_classification.testing import save_table

N_PHOTOS = 2000   # pen digits photographed on paper for the figures (150 ms each to make)

def renders(pen, path:Path)->dict:
    "Every image the folds need, made once (or read from `path`)"
    if path.exists(): return dict(np.load(path))
    r = training_renders(pen, SEED); e = eval_renders(pen); rng = np.random.default_rng(SEED + 2)
    ph = rng.choice(len(pen), N_PHOTOS, replace=False)
    n = {k: not_digit_renders(NOT_DIGIT_SIZES[k], NOT_DIGIT_SEEDS[k]) for k in NOT_DIGIT_SEEDS}
    out = dict(x=r["x"], y=r["y"], writer=r["writer"], kind=r["kind"], e_strokes=e["strokes"], e_canvas=e["canvas"], e_photo_idx=ph,
               e_photo=np.stack([_u8(render(pen[j].strokes, rng, "photo")) for j in ph]),
               n_train=n["train"][0], n_val=n["val"][0], n_test=n["test"][0], nk_test=n["test"][1])
    np.savez(path, **out); return out

def fit_fold(k, R, pen_y, pen_w, folds, epochs, cache:Path)->tuple:
    "Fold `k`'s network trained on its training writers (with MNIST and not-digits), temperature and threshold fitted on its validation writers: (network, T, threshold, history)"
    train_w, val_w, _ = folds[k]
    tm, vm = np.isin(R["writer"], list(train_w)), np.isin(pen_w, list(val_w))
    mnist, (xmv, ymv) = mnist_split()
    x, y = training_set(mnist, (R["x"][tm], R["y"][tm]), R["n_train"])
    net, hist = fit_network(x, y, epochs, SEED + k, checkpoints=cache/f"fold{k}", mnist_val=(xmv, ymv))
    xv = np.concatenate([xmv, R["e_strokes"][vm], R["e_canvas"][vm], R["n_val"]])
    yv = np.concatenate([ymv, pen_y[vm], pen_y[vm], np.full(len(R["n_val"]), NOT_DIGIT)])
    t, thr = calibrate(network_logits(net, xv), yv)
    return net, t, thr, hist

def fold(k, R, pen_y, pen_w, folds, epochs, cache:Path):
    _, val_w, test_w = folds[k]
    sm, pm = np.isin(pen_w, list(test_w)), np.isin(pen_w[R["e_photo_idx"]], list(test_w))
    net, t, thr, hist = fit_fold(k, R, pen_y, pen_w, folds, epochs, cache)
    Z = lambda a: network_logits(net, a)
    z = dict(strokes=Z(R["e_strokes"][sm]), canvas=Z(R["e_canvas"][sm]), photo=Z(R["e_photo"][pm]))
    lab = dict(strokes=pen_y[sm], canvas=pen_y[sm], photo=pen_y[R["e_photo_idx"]][pm])
    pn = p_not_digit(Z(R["n_test"]), t) >= thr
    r = dict(fold=k, test_writers=sorted(test_w), val_writers=sorted(val_w), temperature=t, threshold=thr, epochs=len(hist),
             seconds=sum(h["seconds"] for h in hist), mnist_val_accuracy=hist[-1].get("mnist_val_accuracy") if hist else None, **{p: scores(z[p], lab[p], t, thr) for p in z},
             photo_clean=float((z["canvas"][np.isin(np.flatnonzero(sm), R["e_photo_idx"][pm])][:, :NUM_CLASSES].argmax(1)
                                == pen_y[np.flatnonzero(sm)][np.isin(np.flatnonzero(sm), R["e_photo_idx"][pm])]).mean()),
             not_digit_flagged=float(pn.mean()),
             not_digit_by_kind={kd: float(pn[R["nk_test"] == kd].mean()) for kd in sorted(set(R["nk_test"].tolist()))},
             per_writer={int(w): [float((z[p][pen_w[sm] == w][:, :NUM_CLASSES].argmax(1) == lab[p][pen_w[sm] == w]).mean()) for p in ("strokes", "canvas")] for w in test_w})
    held = {p: (softmax(z[p][:, :NUM_CLASSES] / t), lab[p], np.flatnonzero(sm) if p != "photo" else R["e_photo_idx"][pm]) for p in z}
    print(k, {p: (round(r[p]["accuracy"], 4), round(r[p]["ece"], 4), round(r[p]["confident_wrong"], 2), round(r[p]["flagged"], 4)) for p in z},
          "not-digits flagged", round(r["not_digit_flagged"], 4), "T", round(t, 3), "thr", round(thr, 4), r["seconds"], "s", flush=True)
    return r, held

RULES = (None, 0.05, 0.1, 0.125, 0.15, 0.175, 0.2, 0.3)   # MOST_SURE_WRONG values compared by --rules (None: the likelihood's temperature)

def val_logits(k, R, pen_y, pen_w, folds, cache:Path)->dict:
    "Fold `k`'s finished network read on its validation data: logits of MNIST validation (m), its validation writers' strokes (s) and canvases (c), their labels (y); kept in `cache`"
    path = cache/f"val_logits{k}.npz"
    if not path.exists():
        import keras
        net = keras.models.load_model(sorted((cache/f"fold{k}").glob("epoch*.keras"))[-1]); vm = np.isin(pen_w, list(folds[k][1]))
        np.savez(path, m=network_logits(net, mnist_split()[1][0]), s=network_logits(net, R["e_strokes"][vm]), c=network_logits(net, R["e_canvas"][vm]), y=pen_y[vm])
    return dict(np.load(path))

def rules(R, pen_y, pen_w, folds, cache:Path, ks:list)->str:
    "How each `MOST_SURE_WRONG` rule calibrates folds `ks`, judged on their validation data only (pooled): a markdown table"
    ymv = mnist_split()[1][1]; Z = [val_logits(k, R, pen_y, pen_w, folds, cache) for k in ks]
    rows = []
    for rule in RULES:
        ts, got = [], {p: [] for p in "msc"}
        for z in Z:
            t = fit_temperature(np.concatenate([z["m"], z["s"], z["c"]]), np.concatenate([ymv, z["y"], z["y"]]), rule); ts.append(t)
            for p, y in (("m", ymv), ("s", z["y"]), ("c", z["y"])): q = softmax(z[p][:, :NUM_CLASSES] / t); got[p].append((q.max(1), q.argmax(1) == y))
        pool = {p: tuple(np.concatenate(v) for v in zip(*got[p])) for p in got}
        rows.append(f"| {'none (likelihood)' if rule is None else rule} | {min(ts):.2f}–{max(ts):.2f} | "
                    + " / ".join(f"{ece(*pool[p]):.4f}" for p in "msc") + " | "
                    + " / ".join(f"{(pool[p][0][~pool[p][1]] >= SURE).mean():.0%} of {(~pool[p][1]).sum()}" for p in "msc") + " |")
    return ("| `MOST_SURE_WRONG` | temperature per fold | ECE: MNIST val / writers' strokes / canvas | wrong answers with confidence ≥ 0.9: MNIST val / strokes / canvas |\n"
            "|---|---|---|---|\n" + "\n".join(rows))

def reliability(p, y, bins:int=15)->list:
    "[(bin's mean confidence, accuracy, count)] of the top answers"
    conf, ok = p.max(1), p.argmax(1) == y; idx = np.minimum((conf * bins).astype(int), bins - 1)
    return [(round(float(conf[idx == b].mean()), 4), round(float(ok[idx == b].mean()), 4), int((idx == b).sum())) for b in range(bins) if (idx == b).any()]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default="runs/cv", help="folder for the renders (made once) and the folds' networks")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--folds", default="0,1,2,3,4", help="the folds to run here (none: only make the cache)"); ap.add_argument("--tag", default="cv")
    ap.add_argument("--record", help="model.json to add the summary to")
    ap.add_argument("--rules", action="store_true", help="instead: compare calibration rules on the finished folds' validation data (results/cv_rules.md)")
    args = ap.parse_args(); cache = Path(args.cache); cache.mkdir(parents=True, exist_ok=True)
    pen = load_pendigits(); R = renders(pen, cache/"renders.npz")
    pen_y, pen_w = np.array([d.label for d in pen]), np.array([d.writer for d in pen])
    folds = writer_folds(pen_w)
    if args.rules:
        ks = [int(k) for k in args.folds.split(",") if k]
        return save_table(Path(__file__).with_name("cv_rules.py"), f"`python bench/cv.py --rules --folds {args.folds}`: the temperature each rule fits on "
            f"each fold's validation data (MNIST validation, the fold's 4 validation writers as strokes and canvases), judged on the same "
            f"validation data pooled over the {len(ks)} folds; no test writer and no MNIST test\n\n" + rules(R, pen_y, pen_w, folds, cache, ks))
    for k in [int(k) for k in args.folds.split(",") if k]:   # each fold's results are kept: folds can run in parallel processes
        r, h = fold(k, R, pen_y, pen_w, folds, args.epochs, cache)
        (cache/f"{args.tag}_fold{k}.json").write_text(json.dumps(r))
        np.savez(cache/f"{args.tag}_fold{k}.npz", **{f"{p}_{i}": a for p, v in h.items() for i, a in enumerate(v)})
    done = sorted(cache.glob(f"{args.tag}_fold?.json"))
    if len(done) < len(folds): return print(f"{len(done)} of {len(folds)} folds done", flush=True)
    out = [json.loads(f.read_text()) for f in done]
    for r in out: r["per_writer"] = {int(w): v for w, v in r["per_writer"].items()}
    held = [(lambda z: {p: tuple(z[f"{p}_{i}"] for i in range(3)) for p in ("strokes", "canvas", "photo")})(np.load(cache/f"{args.tag}_fold{r['fold']}.npz")) for r in out]
    ms = lambda p, q: (float(np.mean([r[p][q] for r in out])), float(np.std([r[p][q] for r in out])))
    writers = {w: v for r in out for w, v in r["per_writer"].items()}
    pool = {p: (np.concatenate([h[p][0] for h in held]), np.concatenate([h[p][1] for h in held]), np.concatenate([h[p][2] for h in held])) for p in ("strokes", "canvas", "photo")}
    cm = {p: np.bincount(pool[p][1] * 10 + pool[p][0].argmax(1), minlength=100).reshape(10, 10).tolist() for p in ("strokes", "canvas")}
    mis = [dict(pen=int(i), label=int(y), read=int(q.argmax()), confidence=round(float(q.max()), 3))
           for q, y, i in zip(*pool["strokes"]) if q.argmax() != y]
    summary = dict(folds=len(out), writers_per_fold=[len(r["test_writers"]) for r in out], seed=SEED, epochs=args.epochs, mnist_copies=MNIST_COPIES,
        command=f"python bench/cv.py --epochs {args.epochs}",
        seconds=sum(r["seconds"] for r in out),
        **{f"{p}_{q}": [round(v, 5) for v in ms(p, q)] for p in ("strokes", "canvas", "photo") for q in ("accuracy", "ece", "confident_wrong", "flagged")},
        photo_clean=[round(float(np.mean([r["photo_clean"] for r in out])), 5), round(float(np.std([r["photo_clean"] for r in out])), 5)],
        not_digit_flagged=[round(float(np.mean([r["not_digit_flagged"] for r in out])), 5), round(float(np.std([r["not_digit_flagged"] for r in out])), 5)],
        not_digit_by_kind={kd: round(float(np.mean([r["not_digit_by_kind"][kd] for r in out])), 4) for kd in out[0]["not_digit_by_kind"]},
        worst_writer={p: min((v[j], w) for w, v in writers.items())[::-1] for j, p in enumerate(("strokes", "canvas"))},
        pooled_ece={p: round(ece(q.max(1), q.argmax(1) == y), 5) for p, (q, y, _) in pool.items()},
        pooled_confident_wrong={p: round(float((q.max(1)[q.argmax(1) != y] >= 0.9).mean()), 4) for p, (q, y, _) in pool.items()},
        reliability={p: reliability(pool[p][0], pool[p][1]) for p in ("strokes", "canvas")}, confusion=cm, misread=mis,
        temperatures=[round(r["temperature"], 4) for r in out], thresholds=[round(r["threshold"], 4) for r in out])
    (cache/f"{args.tag}.json").write_text(json.dumps(dict(summary=summary, folds=out), indent=1))
    pct = lambda v: f"{100 * v[0]:.2f} ± {100 * v[1]:.2f}%"; num = lambda v: f"{v[0]:.4f} ± {v[1]:.4f}"
    rows = [("unseen writers, page strokes: accuracy", pct(summary["strokes_accuracy"])), ("unseen writers, canvas images: accuracy", pct(summary["canvas_accuracy"])),
            ("worst writer (strokes / canvas)", f"{100 * summary['worst_writer']['strokes'][1]:.1f}% / {100 * summary['worst_writer']['canvas'][1]:.1f}%"),
            ("ECE, 15 bins (strokes / canvas)", f"{num(summary['strokes_ece'])} / {num(summary['canvas_ece'])}"),
            ("wrong answers with confidence ≥ 0.9 (strokes / canvas)", f"{pct(summary['strokes_confident_wrong'])} / {pct(summary['canvas_confident_wrong'])}"),
            ("real digits flagged as not a digit (strokes / canvas)", f"{pct(summary['strokes_flagged'])} / {pct(summary['canvas_flagged'])}"),
            ("not-a-digit test drawings flagged", pct(summary["not_digit_flagged"]) + " (" + ", ".join(f"{k} {100 * v:.1f}%" for k, v in summary["not_digit_by_kind"].items()) + ")"),
            ("digits on paper photos / the same digits on a canvas", f"{pct(summary['photo_accuracy'])} / {pct(summary['photo_clean'])}"),
            ("temperature / threshold per fold", f"{summary['temperatures']} / {summary['thresholds']}")]
    save_table(__file__, f"`{summary['command']}` ({len(out)} folds of {summary['writers_per_fold'][0]} unseen writers, "
               f"mean ± sd over folds; the folds' networks took {summary['seconds'] / 3600:.1f} h of training on 2 shared cores)\n\n| figure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows))
    if args.record:
        p = Path(args.record); rec = json.loads(p.read_text()); rec["cv"] = summary; p.write_text(json.dumps(rec, indent=1))

if __name__ == "__main__": main()
