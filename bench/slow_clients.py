"""Slow clients: each server under slowhttptest's three slow attacks and a 10,000-connection flood, probed by a good client.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/slow_clients.py [--seconds 60] [--connections 1000] [--flood 10000]
        [--servers serve gevent_today gthread_today gevent_stock a2wsgi waitress granian uwsgi uwsgi_gevent]
Servers, one at a time on a free port (the attacks would disturb each other), all running our app:
  serve          `digit-classification serve` with its defaults (gunicorn, a uvicorn worker per CPU, the app behind `_Bridge`)
  gevent_today   `serve` until issue 14's uvicorn: our gevent worker (threading unpatched), one per CPU (bench/gevent_today.py)
  gthread_today  `serve` before issue 14: gunicorn's gthread, 1 worker × 4 threads (bench/gthread_today.py)
  gevent_stock   gunicorn's own gevent worker (everything patched: one LiteRT interpreter per connection), one per CPU
  a2wsgi         serve's uvicorn workers with a2wsgi's thread-pool adapter in place of `_Bridge` (bench/a2wsgi_serve.py): the body
                 is streamed to the app's thread as it arrives
  waitress       `waitress-serve` with its defaults (4 threads; it buffers whole requests before a thread sees them)
  granian        granian (Rust, hyper) through its WSGI interface, one worker per CPU × 2 blocking threads, access log
                 (`serve_load.granian_cmd`): hyper holds slow headers and slow reads, but streams the body to the app's thread
For each attack (`testing.ATTACKS`: slow headers -H, slow body -B, slow read -X) slowhttptest opens `--connections` at 1,000/s
and holds them for `--seconds`; from 2 s in until 2 s before the end a good client posts a pen digit's strokes to /api/classify
on a new connection every 0.1 s (5 s timeout). A row: the most TCP connections open to the server's port at once (accepted or queued), the share of
probes answered 200, their p50 and p99 (a probe not answered counts as infinite), and the server's peak RSS (all processes).
The flood: slow headers from `--flood` connections at 5,000/s for 30 s, probed throughout and for 10 s after; "after" is the time
from the end of the attack to the first answer to a probe sent after it.
  uwsgi          uWSGI parsing HTTP in C in the worker (`serve_load.uwsgi_cmd`): keep-alive http11-socket, one process per CPU × 16
                 threads: a slow connection holds a thread
  uwsgi_gevent   the same with its gevent loop, 2,000 connections per worker, 2 s socket timeout: its http-socket closes each
                 connection after one answer (uWSGI cannot keep one alive in an async mode)
Needs: Debian's slowhttptest; gevent (the `dev` extra) for gevent_today and gevent_stock; `pip install a2wsgi` for a2wsgi; `pip install waitress` for the waitress row, `pip install granian` for granian's, `pip install pyuwsgi` for uwsgi's.
"""
import argparse, json, os, sys, time
from pathlib import Path
import numpy as np
from digit_classification.data import page_strokes, load_pendigits
from digit_classification.testing import ATTACKS, free_port, probe, probe_figures, running, save_table, under_attack
sys.path.insert(0, str(Path(__file__).parent))
from serve_load import granian_cmd, uwsgi_cmd

BIN, HERE = Path(sys.executable).parent, Path(__file__).parent
CPUS = len(os.sched_getaffinity(0))
SERVERS = {
    "serve": lambda port: [str(BIN/"digit-classification"), "serve", "--port", str(port)],
    "gevent_today": lambda port: [sys.executable, str(HERE/"gevent_today.py"), str(port)],
    "gthread_today": lambda port: [sys.executable, str(HERE/"gthread_today.py"), str(port)],
    "a2wsgi": lambda port: [sys.executable, str(HERE/"a2wsgi_serve.py"), str(port)],
    "gevent_stock": lambda port: [sys.executable, "-c", "from digit_classification.server import _Gunicorn, gunicorn_options; "
                                  f"_Gunicorn(gunicorn_options(port={port}) | dict(worker_class='gevent')).run()"],
    "waitress": lambda port: [str(BIN/"waitress-serve"), "--listen", f"127.0.0.1:{port}", "--call", "digit_classification.app:create_app"],
    "granian": lambda port: granian_cmd(port, "--access-log"),
    "uwsgi": lambda port: uwsgi_cmd(port, "--http11-socket", f"127.0.0.1:{port}", "--threads", "16"),
    "uwsgi_gevent": lambda port: uwsgi_cmd(port, "--http-socket", f"127.0.0.1:{port}", "--gevent", "2000", "--socket-timeout", "2",
                                           "--listen", "2048", "--add-header", "Connection: close"),
}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60); ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--flood", type=int, default=10_000); ap.add_argument("--servers", nargs="+", default=list(SERVERS))
    args = ap.parse_args()
    d = load_pendigits()[3]
    body = json.dumps(dict(strokes=page_strokes(d.strokes, 336), width=336, height=336), separators=(",", ":")).encode()
    rows, load0 = [], os.getloadavg()
    for name in args.servers:
        port = free_port()
        with running(SERVERS[name](port), port) as server:
            calm = probe_figures(probe(port, body, 3))
            rows.append((name, "none", "–", calm, None))
            for kind in ATTACKS:
                r = under_attack(port, server.pid, kind, args.connections, args.seconds, 1000, body)
                rows.append((name, f"{kind}, {args.connections:,}", r["connections"], r, r["rss_mb"])); print(name, kind, r, file=sys.stderr, flush=True)
                time.sleep(3)
            r = under_attack(port, server.pid, "slow headers", args.flood, 30, 5000, body, after=10)
            after = "no answer" if r["after_ms"] is None else f"{r['after_ms']:.0f} ms"
            up = "up" if server.poll() is None else "died"
            rows.append((name, f"flood, {args.flood:,}: server {up}, first answer after it {after}", r["connections"], r, r["rss_mb"]))
            print(name, "flood", r, file=sys.stderr, flush=True)
    ms = lambda v: "timeout" if not np.isfinite(v) else f"{v:.0f} ms"
    failed = lambda f: f" ({', '.join(f'{n} {e}' for e, n in f.items())})" if f else ""
    lines = [f"`python bench/slow_clients.py --seconds {args.seconds} --connections {args.connections} --flood {args.flood} --servers {' '.join(args.servers)}`: "
             f"{CPUS} CPUs, load average {load0[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; probes every 0.1 s, "
             "a new connection each, 5 s timeout", "",
             "| server | attack | most connections open | probes answered | p50 | p99 | peak RSS |", "|---|---|---|---|---|---|---|"]
    for name, what, conns, r, rss in rows:
        lines.append(f"| {name} | {what} | {conns if conns is not None else '–'} | "
                     f"{r['answered']:.0%} of {r['n']}{failed(r['failures'])} | {ms(r['p50_ms'])} | {ms(r['p99_ms'])} | {f'{rss:.0f} MB' if rss else '–'} |")
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
