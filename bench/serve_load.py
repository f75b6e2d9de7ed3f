"""`serve` beside `serve` before it ran uvicorn, and beside other servers, in one run: one client's latency, 32 clients' throughput, and the app's own work.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/serve_load.py [--rounds 3] [--seconds 10] [--n 200] [--clients 32]
        [--servers serve gevent_today gthread_today a2wsgi granian granian_nolog uwsgi]
Servers, all up for the whole run on free ports: `digit-classification serve` with its defaults (gunicorn, a uvicorn worker per
CPU, the app behind `server._Bridge`), `bench/gevent_today.py` (serve until issue 14's uvicorn: gunicorn's gevent worker per
CPU, connections in turn), `bench/gthread_today.py` (serve before issue 14: gthread, 1 worker × 4 threads, the pool that keeps a
lone client on a warm thread), `bench/a2wsgi_serve.py` (serve's uvicorn workers, but the app behind a2wsgi's thread-pool adapter),
and candidates with a compiled HTTP path: granian (Rust, hyper) running our app through its WSGI interface, one worker per CPU,
2 blocking threads each (of 1, 2, 4 and 64 in a trial, 2 gave the most requests/s), with its access log (`granian`, an access
line per request as `serve` writes) and without (`granian_nolog`, its best case).
Bodies: `--n` UCI pen digits as the page sends them (strokes on a 336 px canvas). In each round, in turn:
  - one client: each server gets the bodies over one keep-alive connection (`app_bench.raw_post`), in blocks of 50 in turn;
  - the app's own work: the same bodies through the WSGI app called in this process (no server, no HTTP), before and after;
  - the app alone on every CPU: one process per CPU calls the WSGI app in a loop for `--seconds` s, all at once (no server, no HTTP,
    no wrk): whether the CPUs give the app's work what the ideal below assumes;
  - 32 clients: `wrk` (Debian's, a C load generator: `apt-get install -y wrk`) with a Lua script that posts the bodies in turn,
    `--clients` connections on 2 threads for `--seconds` s, against each server in turn.
The throughput goal compares requests/s with `CPUs ÷ the app's CPU time per request` (in process, this thread's CPU time: on a
shared machine the wall time also counts the waits for a CPU): what the CPUs could do if all the server did was the app's work,
with nothing for HTTP, gunicorn or the load generator (wrk runs on the same CPUs), and nobody else used them. The server's own CPU
time per request under wrk (master and workers, from /proc) is given beside it: it does not depend on who else uses the machine;
so is wrk's own (its user and system time, from the kernel's accounting of the finished process), which the ideal leaves out.
Medians over rounds; the machine is shared, so the load average is printed too.
The last candidate parses HTTP in C inside the worker that runs the app: uWSGI's `--http11-socket` (the only uWSGI socket that
keeps a connection alive: its async modes, ugreen and gevent, close each connection after one answer or never answer the second
request), one process per CPU × 16 threads.
Needs: gevent (the `dev` extra) for gevent_today, `pip install a2wsgi` for a2wsgi (1.10.10 measured), `pip install granian` for the
granian columns (2.8.9 measured), `pip install pyuwsgi` for uwsgi's (2.0.30).
"""
import argparse, io, json, os, re, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
import psutil
sys.path.insert(0, str(Path(__file__).parent))
from app_bench import start, timed_posts
from digit_classification.testing import free_port, save_table

BIN, HERE = Path(sys.executable).parent, Path(__file__).parent
CPUS = len(os.sched_getaffinity(0))
SERVERS = {"serve": lambda port: [str(BIN/"digit-classification"), "serve", "--port", str(port)],
           "gevent_today": lambda port: [sys.executable, str(HERE/"gevent_today.py"), str(port)],
           "gthread_today": lambda port: [sys.executable, str(HERE/"gthread_today.py"), str(port)],
           "a2wsgi": lambda port: [sys.executable, str(HERE/"a2wsgi_serve.py"), str(port)],
           "granian": lambda port: granian_cmd(port, "--access-log"),
           "granian_nolog": lambda port: granian_cmd(port),
           "uwsgi": lambda port: uwsgi_cmd(port, "--http11-socket", f"127.0.0.1:{port}", "--threads", "16")}
WHAT = {"serve": "serve (uvicorn, one worker per CPU, the app called in the loop's thread)",
        "gevent_today": "gevent_today (serve before uvicorn: gevent, one worker per CPU, connections in turn)",
        "gthread_today": "gthread_today (1 worker × 4 threads)",
        "a2wsgi": "a2wsgi (serve's uvicorn workers, the app on a2wsgi's thread pool)",
        "granian": "granian (WSGI, one worker per CPU × 2 threads, access log)",
        "granian_nolog": "granian_nolog (granian's WSGI, one worker per CPU × 2 threads, no access log)",
        "uwsgi": "uwsgi (HTTP parsed in C in the worker: http11-socket, one process per CPU × 16 threads, access log)"}

def granian_cmd(port:int, *options)->list:
    "granian serving `create_app()` through its WSGI interface, one worker per CPU, 2 blocking threads each"
    return [str(BIN/"granian"), "--interface", "wsgi", "--factory", "--workers", str(CPUS), "--blocking-threads", "2",
            "--port", str(port), *options, "digit_classification.app:create_app"]

def uwsgi_cmd(port:int, *options)->list:
    """uWSGI (pyuwsgi) running `create_app()` in each of one process per CPU, with an access line of serve's five fields; `options`
    choose the socket and the workers' concurrency"""
    return [str(BIN/"uwsgi"), "--master", "--processes", str(CPUS), "--eval", "from digit_classification.app import create_app; application = create_app()",
            "--lazy-apps", "--post-buffering", "65536", "--die-on-term", "--log-format", '%(addr) "%(method) %(uri) %(proto)" %(status) %(size) %(micros)us', *options]

def lua(bodies:list)->str:
    "A wrk script that POSTs `bodies` in turn as JSON"
    items = ",\n".join(f"[==[{b.decode()}]==]" for b in bodies)
    return (f"local bodies = {{\n{items}\n}}\nlocal i = 0\n"
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            "request = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("non2xx %d errors %d\\n", summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\nend\n')

def cpu_seconds(pid:int)->float:
    "User and system CPU seconds used so far by process `pid` and its children (a gunicorn master and its workers)"
    ps = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return sum(t.user + t.system for t in (p.cpu_times() for p in ps))

def environs(bodies:list)->list:
    "A WSGI environ for each body, a POST to /api/classify as the page sends it (each `wsgi.input` reads once)"
    from werkzeug.test import EnvironBuilder
    return [EnvironBuilder(path="/api/classify", method="POST", data=b, content_type="application/json").get_environ() for b in bodies]

def work(app, bodies:list)->tuple:
    "The app's own work per request, the WSGI app called in this process: (mean wall seconds, mean CPU seconds of this thread)"
    envs = environs(bodies)
    wall = cpu = 0
    for env in envs:
        t0, c0 = time.perf_counter(), time.thread_time(); b"".join(app(env, lambda status, headers: None))
        wall += time.perf_counter() - t0; cpu += time.thread_time() - c0
    return wall / len(envs), cpu / len(envs)

def _work_for(bodies:list, seconds:float, start:float, out)->None:
    "In a process of its own: the app called on `bodies` in turn, from time `start` for `seconds`; puts the number of requests on `out`"
    from digit_classification.app import create_app
    app, envs = create_app(), environs(bodies)
    call = lambda k: b"".join(app({**envs[k % len(envs)], "wsgi.input": io.BytesIO(bodies[k % len(bodies)])}, lambda status, headers: None))
    for k in range(50): call(k)   # warm up
    time.sleep(max(0, start - time.time())); end, k = time.time() + seconds, 0
    while time.time() < end: call(k); k += 1
    out.put(k)

def together(bodies:list, seconds:float)->float:
    """Requests/s of the app alone in one process per CPU at once, called in process as `work` calls it (no server, no HTTP,
    no load generator): what the CPUs give the app's work when nothing else runs"""
    import multiprocessing as mp
    ctx = mp.get_context("spawn"); out = ctx.Queue(); start = time.time() + 10   # (time for each process to load the app)
    ps = [ctx.Process(target=_work_for, args=(bodies, seconds, start, out)) for _ in range(CPUS)]
    for p in ps: p.start()
    n = sum(out.get() for _ in ps)
    for p in ps: p.join()
    return n / seconds

def children_cpu()->float:
    "User and system CPU seconds of this process's children that have finished and been waited for"
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime

def wrk(port:int, pid:int, script:str, clients:int, seconds:int)->dict:
    "requests/s, p50 and p99 latency (ms), failures, and the server's and wrk's CPU seconds per request, of one wrk run against /api/classify"
    cpu0, wrk0 = cpu_seconds(pid), children_cpu()
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{port}/api/classify"], capture_output=True, text=True, check=True).stdout
    unit = lambda v, u: float(v) * {"us": 1e-3, "ms": 1, "s": 1e3}[u]
    pct = dict((int(q), unit(v, u)) for q, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M))
    bad = re.search(r"non2xx (\d+) errors (\d+)", out)
    n, wrk_cpu = int(re.search(r"(\d+) requests in", out)[1]), children_cpu() - wrk0
    return dict(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), p50=pct[50], p99=pct[99], failed=int(bad[1]) + int(bad[2]),
                cpu=(cpu_seconds(pid) - cpu0) / n, wrk=wrk_cpu / n)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3); ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--n", type=int, default=200); ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--servers", nargs="+", choices=list(SERVERS), default=list(SERVERS), help="gthread_today is always run: the baseline")
    args = ap.parse_args()
    names = [n for n in SERVERS if n in args.servers or n == "gthread_today"]
    from digit_classification.data import load_pendigits, page_strokes
    from digit_classification.app import create_app
    bodies = [json.dumps(dict(strokes=page_strokes(d.strokes, 336), width=336, height=336), separators=(",", ":")).encode()
              for d in load_pendigits()[:args.n]]
    script = Path(tempfile.mkdtemp())/"post.lua"; script.write_text(lua(bodies))
    local, load0 = create_app(), os.getloadavg()
    servers = {}
    try:
        for name, cmd in ((n, SERVERS[n]) for n in names):
            port = free_port(); servers[name] = (port, start(cmd(port), port, "/api/classify", bodies[0])[0])
        for port, _ in servers.values(): timed_posts(port, "/api/classify", bodies[:50], "raw")   # warm up
        one = {name: [] for name in servers}; load = {name: [] for name in servers}; own, alone = [], []
        for r in range(args.rounds):
            own.append(work(local, bodies))
            for i in range(0, args.n, 50):
                for name, (port, _) in servers.items(): one[name] += timed_posts(port, "/api/classify", bodies[i:i + 50], "raw")
            for name, (port, proc) in (servers.items() if r % 2 == 0 else reversed(servers.items())):
                load[name].append(wrk(port, proc.pid, str(script), args.clients, args.seconds)); print(name, load[name][-1], file=sys.stderr, flush=True)
            own.append(work(local, bodies)); alone.append(together(bodies, args.seconds))
    finally:
        for _, proc in servers.values(): proc.terminate(); proc.wait()
    wall, cpu = np.median(own, axis=0); ideal = CPUS / cpu
    med = lambda name, k: np.median([x[k] for x in load[name]])
    lines = [f"`python bench/serve_load.py --rounds {args.rounds} --seconds {args.seconds} --n {args.n} --clients {args.clients}"
             f"{'' if names == list(SERVERS) else ' --servers ' + ' '.join(names)}`: "
             f"{CPUS} CPUs, load average {load0[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; medians over {args.rounds} rounds",
             "", f"| measure | {' | '.join(WHAT[n] for n in servers)} | goal |", "|---|" + "---|" * (len(servers) + 1)]
    row = lambda what, *cells, goal="": lines.append(f"| {what} | {' | '.join(cells)} | {goal} |")
    p50 = {name: np.median(t) * 1e3 for name, t in one.items()}
    row("one client, /api/classify p50", *(f"{p50[n]:.2f} ms" + ("" if n == "gthread_today" else f" ({p50[n] / p50['gthread_today']:.2f}×)") for n in servers),
        goal="≤ 1.1× gthread_today")
    row("one client, p99", *(f"{np.percentile(one[n], 99) * 1e3:.2f} ms" for n in servers))
    row(f"{args.clients} clients (wrk), requests/s", *(f"{med(n, 'rps'):.0f} ({med(n, 'rps') / ideal:.0%} of {ideal:.0f})" for n in servers),
        goal=f"≥ 75% of CPUs ÷ CPU work = {ideal:.0f}")
    row(f"{args.clients} clients, the server's CPU per request (master and workers)",
        *(f"{med(n, 'cpu') * 1e3:.2f} ms ({med(n, 'cpu') / cpu:.2f}× the app's own)" for n in servers))
    row(f"{args.clients} clients, wrk's own CPU per request (left out of the ideal)", *(f"{med(n, 'wrk') * 1e3:.3f} ms" for n in servers))
    bound = {n: CPUS / (med(n, 'cpu') + med(n, 'wrk')) for n in servers}
    row(f"{args.clients} clients, the most requests/s these CPU costs allow: CPUs ÷ (server's + wrk's CPU per request), as if nothing else ran",
        *(f"{bound[n]:.0f} ({bound[n] / ideal:.0%})" for n in servers), goal=f"≥ {0.75 * ideal:.0f} needed")
    row(f"{args.clients} clients, latency p50 / p99", *(f"{med(n, 'p50'):.1f} / {med(n, 'p99'):.1f} ms" for n in servers))
    row(f"{args.clients} clients, failed requests (all rounds)", *(f"{sum(x['failed'] for x in load[n])}" for n in servers), goal="0")
    row(f"the app alone in {CPUS} processes at once, in process (no server, no HTTP, no wrk), requests/s", f"{np.median(alone):.0f} ({np.median(alone) / ideal:.0%} of {ideal:.0f})", *[""] * (len(servers) - 1))
    row("the app's own work per request, in process (mean; median of rounds): CPU / wall", f"{cpu * 1e3:.2f} / {wall * 1e3:.2f} ms", *[""] * (len(servers) - 1))
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
