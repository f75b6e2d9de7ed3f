"""POST /api/read over loopback: a 4-digit number as the page's number mode sends it, beside POST /api/classify of one digit.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/read_bench.py [--n 300] [--digits 4]
One server (`digit-classification serve`, 1 worker: uvicorn, as `serve` runs today), one client on a keep-alive socket (app_bench's bare HTTP/1.1
client), the two routes taking turns in blocks of 50 so both meet the same moments of this shared machine; the in-process rows
time the same requests as WSGI calls of the app, and `read_number` itself on the same strokes, in blocks between them.
Numbers: chapter 5's recipe, by the four "test" writers of split_writers (the shipped model trained on them: timings only,
chapter 5 says how well numbers are read), fitted to the page's wide canvas (976×325 CSS px on a
desktop) in whole px, a point kept when 2 px (L1) from the last, as number.js sends them. Digits: pen digits on the 336 px
canvas of the single-digit page, as the page (pad.js) sends them. Medians and ratios of one run.
"""
import argparse, json, time
import numpy as np
from app_bench import BIN, in_process, start, timed_posts
from digit_classification.data import page_strokes, load_pendigits, split_writers
from digit_classification.number import pen_numbers, read_number
from digit_classification.testing import fit_strokes_to, free_port, save_table

W, H = 976, 325   # the number canvas on a 1000 px wide desktop window

def thinned(strokes)->list:
    "Strokes as the page sends them: a point kept when it is 2 px (L1) or more from the last one kept"
    out = []
    for s in strokes:
        pts = [s[0]]
        for p in s[1:]:
            if abs(p[0] - pts[-1][0]) + abs(p[1] - pts[-1][1]) >= 2: pts.append(p)
        out.append(pts)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=300); ap.add_argument("--digits", type=int, default=4)
    args = ap.parse_args()
    pen = load_pendigits(); role = split_writers([d.writer for d in pen])
    nums = pen_numbers(pen, [w for w, r in role.items() if r == "test"], args.n, (args.digits, args.digits), seed=8)
    strokes = [thinned(fit_strokes_to(n.strokes, W, H)) for n in nums]
    reads = [json.dumps(dict(strokes=s, width=W, height=H), separators=(",", ":")).encode() for s in strokes]
    digits = [json.dumps(dict(strokes=page_strokes(d.strokes, 336), width=336, height=336), separators=(",", ":")).encode()
              for d in pen[:args.n]]
    port = free_port()
    proc, _ = start([str(BIN/"digit-classification"), "serve", "--port", str(port), "--workers", "1"], port, "/api/read", reads[0])
    try:
        from digit_classification.app import create_app
        local = create_app()
        timed_posts(port, "/api/read", reads[:20], "raw"); timed_posts(port, "/api/classify", digits[:20], "raw")
        t = {k: [] for k in ("read", "classify", "read in process", "classify in process", "read_number")}
        for i in range(0, args.n, 50):
            t["read"] += timed_posts(port, "/api/read", reads[i:i + 50], "raw")
            t["classify"] += timed_posts(port, "/api/classify", digits[i:i + 50], "raw")
            t["read in process"] += in_process(local, "/api/read", reads[i:i + 50])
            t["classify in process"] += in_process(local, "/api/classify", digits[i:i + 50])
            for s in strokes[i:i + 50]: t0 = time.perf_counter(); read_number(s); t["read_number"].append(time.perf_counter() - t0)
    finally: proc.terminate(); proc.wait()
    ms = lambda k, q=50: np.percentile(t[k], q) * 1e3
    lines = [f"`python bench/read_bench.py --n {args.n} --digits {args.digits}`: {args.n} numbers of {args.digits} digits by the test writers "
             f"on the {W}×{H} number canvas, and {args.n} single pen digits on the 336 px canvas; one client over loopback, "
             "`serve --workers 1` (uvicorn), one run\n",
             "| measure | POST /api/read (a number) | POST /api/classify (a digit) | read / classify | goal |", "|---|---|---|---|---|",
             f"| latency p50 (ms) | {ms('read'):.2f} | {ms('classify'):.2f} | {ms('read') / ms('classify'):.2f} | read <= 5 ms |",
             f"| latency p90 (ms) | {ms('read', 90):.2f} | {ms('classify', 90):.2f} | {ms('read', 90) / ms('classify', 90):.2f} |  |",
             f"| the app's own work, in process, p50 (ms) | {ms('read in process'):.2f} | {ms('classify in process'):.2f} | "
             f"{ms('read in process') / ms('classify in process'):.2f} |  |",
             f"| `read_number` on the same strokes, p50 (ms) | {ms('read_number'):.2f} |  |  |  |",
             f"| request body, median (KiB) | {np.median([len(b) for b in reads]) / 1024:.2f} | {np.median([len(b) for b in digits]) / 1024:.2f} |  |  |"]
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
