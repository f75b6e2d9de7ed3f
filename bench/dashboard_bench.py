"""Figures of the Voila dashboard: Voila start to interactive (s), stroke end to prediction shown (ms), kernel time per stroke end.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/dashboard_bench.py [--starts 3] [--digits 15]
- start to interactive: from launching `voila` to the canvas painted by `_init_canvas` in an already open Chromium page
  (the kernel has started, run the notebook, and heard the browser); a fresh Voila each run.
- stroke end to prediction shown: in the page, from the canvas's `mouseup` event to the probability bars changing in the DOM,
  timed with `performance.now()` on both ends, for every stroke of `--digits` pen digits drawn with the mouse.
- kernel per stroke end: in this process, `DrawingDashboard._up()` (render the stroke, classify, update the widgets).
This machine is shared and noisy: read medians.
"""
import argparse, statistics, subprocess, time
import numpy as np
from digit_classification.dashboard import DrawingDashboard, DASHBOARD_NB, voila_command
from digit_classification.testing import CHROMIUM, free_port, wait_for_port, mouse_draw, running_dashboard
from digit_classification.data import load_pendigits, fit_strokes

CANVAS_READY = "() => { const c = document.querySelector('canvas.dc-canvas'); return c && c.getContext('2d').getImageData(2, 2, 1, 1).data[3] == 255 }"
WATCH = """() => { window.__up = null; window.__shown = null;
  document.querySelector('canvas.dc-canvas').addEventListener('mouseup', () => { window.__up = performance.now(); window.__shown = null; }, true);
  new MutationObserver(() => { if (window.__up !== null && window.__shown === null) window.__shown = performance.now(); })
    .observe(document.querySelector('.dc-probabilities'), {subtree: true, childList: true, characterData: true}); }"""
PREDICTION = "document.querySelector('.dc-prediction').innerText.trim()"

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

def stroke_latency(browser, digits):
    "Milliseconds from each stroke's mouseup to the answer changing in the page"
    out, right = [], 0
    with running_dashboard(timeout=120) as url:
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.goto(url); page.wait_for_function(CANVAS_READY, timeout=120000)
        page.evaluate(WATCH)
        for d in digits:
            for s in fit_strokes(d.strokes, 280, 0.7):
                mouse_draw(page, [s.tolist()])
                page.wait_for_function("() => window.__shown !== null", timeout=20000, polling=10)
                out.append(page.evaluate("() => window.__shown - window.__up"))
            right += page.evaluate(f"() => {PREDICTION}") == str(d.label)
            page.click("button.dc-clear"); page.wait_for_function(f"() => {PREDICTION} == ''", timeout=20000)
            page.evaluate("() => { window.__up = null; window.__shown = null; }")
    return out, right

def kernel_time(digits):
    "Milliseconds `DrawingDashboard._up` takes per stroke end, in this process"
    dash, out = DrawingDashboard(), []
    for d in digits:
        dash.clear()
        for s in fit_strokes(d.strokes, 280, 0.7):
            dash._down(*s[0])
            for x, y in s[1:]: dash._move(float(x), float(y))
            t0 = time.perf_counter(); dash._up(); out.append((time.perf_counter() - t0) * 1e3)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--starts", type=int, default=3); ap.add_argument("--digits", type=int, default=15)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    pen = load_pendigits()
    digits = [pen[i] for i in np.random.default_rng(0).choice(len(pen), args.digits, replace=False)]
    k = kernel_time(digits)
    print(f"kernel per stroke end (render + classify + widgets): n={len(k)}, p50 {np.percentile(k, 50):.1f} ms, p90 {np.percentile(k, 90):.1f} ms")
    with sync_playwright() as p:
        browser = p.chromium.launch(**CHROMIUM)
        starts = start_to_interactive(browser, args.starts)
        print(f"voila start to interactive: runs {', '.join(f'{s:.1f}' for s in starts)} s, median {statistics.median(starts):.1f} s")
        lat, right = stroke_latency(browser, digits)
        print(f"stroke end to prediction shown (browser): n={len(lat)} strokes, p50 {np.percentile(lat, 50):.0f} ms, "
              f"p90 {np.percentile(lat, 90):.0f} ms, max {max(lat):.0f} ms; {right}/{len(digits)} digits read right")
        browser.close()

if __name__ == "__main__": main()
