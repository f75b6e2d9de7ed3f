"""Soak: `digit-classification serve` under concurrent load, good and bad requests mixed, answers checked, memory watched.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/soak.py [--clients 32] [--seconds 60] [--workers 2] [--kill-worker-at 20]
The server is started by `digit-classification serve` on a free port. Each client is a thread with its own keep-alive connection
(reopened when the server closes it), posting requests drawn from a fixed mix: pen digits in all four API forms, the two older
routes, and bad requests (malformed JSON, wrong types, no ink, too large, wrong content type) whose status is known.
The expected answer of every request is what the same app gives in process (Flask's test client), so a good request's digit must
equal in-process `classify` of the same drawing. Server RSS (master + workers) is sampled every second; growth is measured from
the end of warm-up (the first 20% of the run) to the end. `--kill-worker-at S` SIGKILLs one worker S seconds in: requests on the
connections it held fail (in flight, or sent on a kept-alive connection it had), the master starts a new worker, and from 2 s
after the kill every request must succeed again.
"""
import argparse, http.client, json, os, random, signal, subprocess, sys, threading, time
from urllib.parse import urlencode
from pathlib import Path
import numpy as np, psutil
sys.path.insert(0, str(Path(__file__).parent))
from app_bench import BIN, page_strokes, rss_mb
from digit_classification.testing import free_port

def mix(n_digits:int=60, seed:int=0)->list:
    "Requests as (name, path, body bytes, content type, expected status, expected body), expected from the app in process"
    from digit_classification.app import create_app, MAX_BODY
    from digit_classification.codec import encode, encode_legacy, png_data_url
    from digit_classification.data import load_pendigits
    from digit_classification.mnistify import strokes_to_canvas
    pen, side = load_pendigits()[:n_digits], 280
    out, J, F = [], "application/json", "application/x-www-form-urlencoded"
    for d in pen:
        strokes = page_strokes(d, side); canvas = strokes_to_canvas([np.asarray(s, np.float32) for s in strokes], side)
        white = canvas.copy(); white[..., :3] = 255
        for name, path, body, ctype in [
                ("strokes", "/api/classify", json.dumps(dict(strokes=strokes, width=side, height=side)), J),
                ("drawing", "/api/classify", json.dumps(dict(drawing=encode(canvas))), J),
                ("image", "/api/classify", json.dumps(dict(image=png_data_url(canvas))), J),
                ("legacy", "/api/classify", json.dumps(dict(legacy=encode_legacy(canvas), size=side)), J),
                ("/classify", "/classify", urlencode(dict(size=side, pixelData=encode_legacy(canvas))), F),
                ("/guess", "/guess", urlencode(dict(imgURL=png_data_url(white))), F)]:
            out.append((name, path, body.encode(), ctype))
    empty = np.zeros((side, side), bool)
    bad = [("bad JSON", "/api/classify", b"{oops", J), ("not an object", "/api/classify", b"[1,2]", J),
           ("two fields", "/api/classify", json.dumps(dict(drawing="AQ", image="x")).encode(), J),
           ("no ink", "/api/classify", json.dumps(dict(drawing=encode(empty))).encode(), J),
           ("wrong type", "/api/classify", json.dumps(dict(strokes="many")).encode(), J),
           ("too large", "/api/classify", b" " * (MAX_BODY + 1), J), ("not JSON", "/api/classify", b"image=1", "text/plain"),
           ("bad base64", "/api/classify", json.dumps(dict(image="data:image/png;base64,@@")).encode(), J),
           ("bad form", "/classify", b"size=-1&pixelData=AAAA", F)]
    out += bad * (len(out) // (4 * len(bad)))   # about one request in five is bad
    client = create_app({"TESTING": True}).test_client()
    def expect(path, body, ctype):
        r = client.post(path, data=body, content_type=ctype)
        return r.status_code, r.get_data()
    return [(name, path, body, ctype, *expect(path, body, ctype)) for name, path, body, ctype in out]

def answer(status:int, body:bytes):
    "What must match: the digit of a 200 (and its probabilities, to 6 places), the error of a 4xx"
    if status != 200 or not body.startswith(b"{"): return status, body
    j = json.loads(body); j.pop("mnist", None); return status, j

def client(port:int, requests:list, stop:float, seed:int, out:list):
    "One client: random requests from the mix until `stop`; appends (t, name, latency, outcome) per request"
    rng, conn = random.Random(seed), None
    while time.perf_counter() < stop:
        name, path, body, ctype, status, expected = rng.choice(requests)
        t0 = time.perf_counter()
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", path, body, {"Content-Type": ctype}); r = conn.getresponse(); got = r.read()
            outcome = "ok" if answer(r.status, got) == answer(status, expected) else ("5xx" if r.status >= 500 else "wrong")
            if outcome == "wrong": print(f"wrong answer to {name}: {r.status} {got[:120]!r}, expected {status} {expected[:120]!r}", file=sys.stderr)
            if r.status in (408, 413) or r.getheader("Connection") == "close": conn.close(); conn = None   # the server may close after these
        except (OSError, http.client.HTTPException) as e:
            outcome = "conn error"; conn = None
        out.append((t0, name, time.perf_counter() - t0, outcome))

def start_server(port:int, workers:int, threads:int):
    proc = subprocess.Popen([str(BIN/"digit-classification"), "serve", "--port", str(port), "--workers", str(workers),
                             "--threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(500):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/healthz")
            if c.getresponse().status == 200 and len(workers_of(proc.pid)) == workers: return proc
        except OSError: pass
        time.sleep(0.02)
    proc.kill(); sys.exit("the server did not start")

def workers_of(pid:int)->list: return [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

def soak(clients:int=32, seconds:float=60, workers:int=2, threads:int=4, kill_worker_at=None, requests=None)->dict:
    "Run the soak; returns its figures"
    requests = requests or mix()
    port = free_port(); server = start_server(port, workers, threads)
    results, rss, killed = [], [], []
    try:
        t0 = time.perf_counter(); stop = t0 + seconds
        threads_ = [threading.Thread(target=client, args=(port, requests, stop, i, results)) for i in range(clients)]
        for t in threads_: t.start()
        while time.perf_counter() < stop:
            time.sleep(1); rss.append((time.perf_counter() - t0, rss_mb(server.pid)))
            if kill_worker_at is not None and not killed and time.perf_counter() - t0 >= kill_worker_at:
                victim = workers_of(server.pid)[0]
                held = sum(c.status == "ESTABLISHED" for c in psutil.Process(victim).net_connections("tcp"))   # its clients' connections
                os.kill(victim, signal.SIGKILL); killed.append((time.perf_counter(), victim, held))
        for t in threads_: t.join()
        workers_after = len(workers_of(server.pid))
    finally:
        server.send_signal(signal.SIGTERM); exit_code = server.wait(30); log = server.stderr.read().decode()
    lat = np.array([r[2] for r in results if r[3] == "ok" and r[1] in ("strokes", "drawing", "image", "legacy")]) * 1e3
    warm = [m for t, m in rss if t >= seconds * 0.2]
    outcomes = {k: sum(r[3] == k for r in results) for k in ("ok", "wrong", "5xx", "conn error")}
    return dict(requests=len(results), **outcomes, bad_requests=sum(r[1] not in ("strokes", "drawing", "image", "legacy", "/classify", "/guess") for r in results),
                per_second=len(results) / seconds, p50_ms=float(np.percentile(lat, 50)), p99_ms=float(np.percentile(lat, 99)),
                rss_start_mb=warm[0] if warm else None, rss_mid_mb=warm[len(warm) // 2] if warm else None,
                rss_end_mb=warm[-1] if warm else None, rss_max_mb=max(m for _, m in rss),
                killed_worker=bool(killed), killed_worker_connections=killed[0][2] if killed else 0, workers_after=workers_after, exit_code=exit_code,
                failed_at_kill=sum(r[3] != "ok" for r in results if killed and 0 <= r[0] + r[2] - killed[0][0] < 2),
                failed_later=sum(r[3] != "ok" for r in results if killed and r[0] + r[2] - killed[0][0] >= 2),
                tracebacks=log.count("Traceback"))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=32); ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2); ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--kill-worker-at", type=float, help="SIGKILL one worker this many seconds in")
    args = ap.parse_args()
    r = soak(args.clients, args.seconds, args.workers, args.threads, args.kill_worker_at)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}, indent=1))
    failed = r["wrong"] + r["5xx"] + (r["failed_later"] + max(0, r["failed_at_kill"] - r["killed_worker_connections"]) if args.kill_worker_at else r["conn error"])
    sys.exit(1 if failed or r["exit_code"] != 0 else 0)

if __name__ == "__main__": main()
