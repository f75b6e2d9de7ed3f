"""Figures of the Voila dashboard: Voila start to interactive (s); stroke end to the answer and to the three explanation panels
shown in the page (ms), for the dashboard as `launch` serves it and for stock Voila side by side; kernel time per stroke end.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/dashboard_bench.py [--starts 3] [--digits 20]
- start to interactive: from launching `voila` to the canvas painted by `_init_canvas` in an already open Chromium page
  (the kernel has started, run the notebook, and heard the browser); a fresh Voila each run.
- stroke end to answer / panels shown: in the page, from the canvas's `mouseup` event to the probability bars changing in the
  DOM (answer), and to new `img` elements in all three panels (`.dc-layers`, `.dc-why`, `.dc-neighbours`), decoded (panels),
  timed with `performance.now()` on both ends, for every stroke of `--digits` pen digits drawn with the mouse.
  Two dashboards run at once: `launch`'s (its kernel websocket sends each message at once: TCP_NODELAY) and stock Voila's
  websocket (Nagle's algorithm on), the same notebook and kernel code; each digit is drawn on one, then the other.
- kernel per stroke end: in this process, `DrawingDashboard._up()` (render the stroke, classify, explain, update the widgets),
  and `show_explanation` alone (explain + the panels' HTML).
This machine is shared and noisy: read medians, and the ratio of the two dashboards measured in the same minutes.
"""
import argparse, os, statistics, subprocess, sys, time
import numpy as np
from digit_classification.dashboard import DrawingDashboard, voila_command
from digit_classification.testing import CANVAS_READY, CHROMIUM, PREDICTION, free_port, wait_for_port, mouse_draw, running, save_table
from digit_classification.data import load_pendigits, fit_strokes

PANELS = [".dc-layers img", ".dc-why img", ".dc-neighbours img"]
WATCH = """(sel) => { window.__up = null; window.__shown = null; window.__panels = null; window.__old = new Set();
  document.querySelector('canvas.dc-canvas').addEventListener('mouseup', () => { window.__up = performance.now();
    window.__shown = null; window.__panels = null; window.__old = new Set(document.querySelectorAll(sel.join(','))); }, true);
  new MutationObserver(() => { if (window.__up !== null && window.__shown === null) window.__shown = performance.now(); })
    .observe(document.querySelector('.dc-probabilities'), {subtree: true, childList: true, characterData: true});
  new MutationObserver(async () => {
    const up = window.__up; if (up === null || window.__panels !== null) return;
    const imgs = sel.map(s => [...document.querySelectorAll(s)]);
    if (imgs.some(l => l.length === 0 || l.some(i => window.__old.has(i)))) return;   // all three panels, all new
    await Promise.all(imgs.flat().map(i => i.decode().catch(() => null)));             // and ready to paint
    if (window.__up === up && window.__panels === null) window.__panels = performance.now(); })
    .observe(document.querySelector('.dc-explain'), {subtree: true, childList: true}); }"""

def stock_voila_command(port:int)->list:
    "Voila serving the same notebook as `launch`, but with jupyter_server's own kernel websocket (Nagle's algorithm on)"
    code = ("import os; from voila.app import Voila; from digit_classification.dashboard import voila_args, JUPYTER_DIR; "
            f"os.environ['JUPYTER_PATH'] = str(JUPYTER_DIR); Voila.launch_instance(argv=voila_args({port}, False))")
    return [sys.executable, "-c", code]

def start_to_interactive(browser, n):
    "Seconds from launching Voila to an interactive dashboard, `n` fresh runs"
    out = []
    for _ in range(n):
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        port = free_port(); t0 = time.perf_counter()
        proc = subprocess.Popen(voila_command(port, False), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, proc, 120)
            page.goto(f"http://127.0.0.1:{port}/"); page.wait_for_function(CANVAS_READY, timeout=120000, polling=20)
            out.append(time.perf_counter() - t0)
        finally:
            page.close(); proc.terminate(); proc.wait(10)
    return out

def _open(browser, port):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto(f"http://127.0.0.1:{port}/"); page.wait_for_function(CANVAS_READY, timeout=120000)
    page.evaluate(WATCH, PANELS)
    return page

def _draw_digit(page, d, out):
    "Draw pen digit `d` stroke by stroke; append (answer ms, panels ms) per stroke to `out`; whether the answer was right"
    page.bring_to_front()
    for s in fit_strokes(d.strokes, 280, 0.7):
        mouse_draw(page, [s.tolist()])
        try: page.wait_for_function("() => window.__shown !== null && window.__panels !== null", timeout=20000, polling=10)
        except Exception: out.append((None, None)); continue    # counted as missed
        out.append(tuple(page.evaluate("() => [window.__shown - window.__up, window.__panels - window.__up]")))
    right = page.evaluate(f"() => {PREDICTION}") == str(d.label)
    page.click("button.dc-clear"); page.wait_for_function(f"() => {PREDICTION} == ''", timeout=20000)
    page.evaluate("() => { window.__up = null; window.__shown = null; window.__panels = null; }")
    return right

def stroke_latency(browser, digits):
    "Per dashboard (ours, stock Voila): [(answer ms, panels ms) per stroke], digits read right; digits alternate between them"
    ours, stock = free_port(), free_port()
    with running(voila_command(ours, False), ours, 120), running(stock_voila_command(stock), stock, 120):
        pages = {"ours": _open(browser, ours), "stock": _open(browser, stock)}
        out, right = {k: [] for k in pages}, {k: 0 for k in pages}
        for d in digits:
            for k, page in pages.items(): right[k] += _draw_digit(page, d, out[k])
    return out, right

def kernel_time(digits):
    "Milliseconds `DrawingDashboard._up` and `show_explanation` take per stroke end, in this process"
    dash, up, expl = DrawingDashboard(), [], []
    for d in digits:
        dash.clear()
        for s in fit_strokes(d.strokes, 280, 0.7):
            dash._down(*s[0])
            for x, y in s[1:]: dash._move(float(x), float(y))
            t0 = time.perf_counter(); dash._up(); t1 = time.perf_counter(); dash.show_explanation(dash.last_prediction)
            up.append((t1 - t0) * 1e3); expl.append((time.perf_counter() - t1) * 1e3)
    return up, expl

def _p(v, q): return f"{np.percentile(v, q):.0f}" if len(v) else "-"

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--starts", type=int, default=3); ap.add_argument("--digits", type=int, default=20)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    pen = load_pendigits()
    digits = [pen[i] for i in np.random.default_rng(0).choice(len(pen), args.digits, replace=False)]
    load0 = os.getloadavg()[0]
    up, expl = kernel_time(digits)
    with sync_playwright() as p:
        browser = p.chromium.launch(**CHROMIUM)
        starts = start_to_interactive(browser, args.starts) if args.starts else []
        lat, right = stroke_latency(browser, digits)
        browser.close()
    load1 = os.getloadavg()[0]
    rows = [f"`python bench/dashboard_bench.py --starts {args.starts} --digits {args.digits}`: {args.digits} pen digits drawn with the "
            f"mouse in Chromium, {len(lat['ours'])} strokes on each dashboard; load average {load0:.1f} at the start, {load1:.1f} at the end "
            f"({os.cpu_count()} cores)", "", "| measure | p50 | p90 | n |", "|---|---|---|---|"]
    for k, name in [("ours", "the dashboard (`launch`, TCP_NODELAY)"), ("stock", "stock Voila websocket (Nagle on)")]:
        ok = [t for t in lat[k] if t[0] is not None]
        a, b = [t[0] for t in ok], [t[1] for t in ok]
        rows += [f"| stroke end → answer shown, {name} | {_p(a, 50)} ms | {_p(a, 90)} ms | {len(a)} |",
                 f"| stroke end → all three panels shown, {name} | {_p(b, 50)} ms | {_p(b, 90)} ms | {len(b)} (missed {len(lat[k]) - len(ok)}) |"]
    rows += [f"| kernel: `_up` per stroke end (render, classify, explain, widgets), in process | {np.percentile(up, 50):.1f} ms | {np.percentile(up, 90):.1f} ms | {len(up)} |",
             f"| kernel: `show_explanation` alone (explain + panels' HTML), in process | {np.percentile(expl, 50):.1f} ms | {np.percentile(expl, 90):.1f} ms | {len(expl)} |"]
    if starts: rows.append(f"| Voila start to interactive | {statistics.median(starts):.1f} s | - | {len(starts)} |")
    ours = np.median([t[1] for t in lat["ours"] if t[1] is not None]); stock = np.median([t[1] for t in lat["stock"] if t[1] is not None])
    rows += ["", f"Panels p50, stock / ours: {stock / ours:.1f}×; digits read right: {right['ours']}/{len(digits)} (ours), {right['stock']}/{len(digits)} (stock)"]
    save_table(__file__, "\n".join(rows))

if __name__ == "__main__": main()
