"""Our server under different gunicorn settings, side by side: /api/classify latency for each, interleaved in one run.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/serve_ab.py [--n 400] [VARIANT ...]
A variant is `name:key=value,key=value` of gunicorn settings on top of what `serve` uses, e.g.
    python bench/serve_ab.py default gthread:worker_class=gthread,threads=4 stock:worker_class=gevent
(`worker_class=gthread` is gunicorn's threaded worker, `gevent` its own gevent worker (gevent is in the `dev` extra)).
A variant listed twice (`default default2`) shows how far apart two identical servers read in one run: 2-15% in our runs.
One worker each; one client, keep-alive, blocks of 50 requests in turn.
"""
import argparse, json, sys
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from app_bench import start, timed_posts
from digit_classification.testing import free_port

def command(port:int, settings:dict)->list:
    "A process running our app under gunicorn with `serve`'s settings, overridden by `settings`"
    return [sys.executable, "-c", "from digit_classification.server import _Gunicorn, gunicorn_options; "
            f"_Gunicorn(gunicorn_options(port={port}, workers=1) | {settings!r}).run()"]

def parse(variant:str)->tuple:
    "'name:key=value,...' as (name, settings); values that look like ints become ints"
    name, _, rest = variant.partition(":")
    kv = [p.split("=", 1) for p in rest.split(",") if p]
    return name, {k: int(v) if v.isdigit() else v for k, v in kv}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0]); ap.add_argument("--n", type=int, default=400)
    ap.add_argument("variants", nargs="*", default=["default", "gthread:worker_class=gthread,threads=4"]); args = ap.parse_args()
    from digit_classification.data import load_pendigits, page_strokes
    bodies = [json.dumps(dict(strokes=page_strokes(d.strokes, 336), width=336, height=336), separators=(",", ":")).encode()
              for d in load_pendigits()[:args.n]]
    servers = {}
    try:
        for name, settings in map(parse, args.variants):
            port = free_port(); servers[name] = (port, start(command(port, settings), port, "/api/classify", bodies[0])[0])
        times = {name: [] for name in servers}
        for i in range(0, args.n, 50):
            for name, (port, _) in servers.items(): times[name] += timed_posts(port, "/api/classify", bodies[i:i + 50])
    finally:
        for _, proc in servers.values(): proc.terminate()
    base = np.median(next(iter(times.values())))
    for name, t in times.items():
        print(f"{name:<12} p50 {np.median(t) * 1e3:6.2f} ms  p90 {np.percentile(t, 90) * 1e3:6.2f} ms  p50 ratio to {args.variants[0].split(':')[0]}: {np.median(t) / base:.2f}")

if __name__ == "__main__": main()
