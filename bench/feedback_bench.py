"""POST /api/feedback over loopback: its latency beside /api/classify's, and many clients writing corrections at once.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/feedback_bench.py [--n 400] [--clients 16] [--seconds 30] [--workers 2]
1. Latency: one `digit-classification serve` (1 worker, a fresh SQLite store, no rate limit); one client on a keep-alive
   connection sends the same pen digits (as the page sends them) to /api/classify and, with a label, to /api/feedback, in
   alternating blocks of 50 (the machine is shared and noisy): p50 and p99 of each and their ratio, from the same run.
2. Load: `--clients` threads post corrections (random pen digits, random labels) for `--seconds` to `serve --workers N`, first
   on a SQLite file, then on a throwaway PostgreSQL cluster (Debian's postgresql, `testing.running_postgres`). Afterwards
   every id a 201 gave must be in the store with the label sent: lost = ids missing or with another label.
3. Export round trip: the SQLite store of step 2 exported (`FeedbackStore.export`, as `feedback export` does) and read back
   with the data chapter's idx reader: images equal to the bytes of what the model saw, labels equal, record for record.
"""
import argparse, http.client, json, random, subprocess, sys, tempfile, threading, time
from pathlib import Path
import numpy as np
from digit_classification.data import page_strokes, load_pendigits, parse_idx
from digit_classification.feedback import FeedbackStore, to_bytes
from digit_classification.testing import free_port, running, running_postgres, save_table, workers_of

BIN, SIDE = Path(sys.executable).parent, 280

def serve_cmd(port:int, db, workers:int)->list:
    return [str(BIN/"digit-classification"), "serve", "--port", str(port), "--workers", str(workers), "--feedback-db", str(db), "--feedback-rate", "0"]

def bodies(n:int)->list:
    "`n` pen digits as the page sends them (strokes JSON), each with a random label"
    rng = random.Random(0)
    return [dict(strokes=page_strokes(d.strokes, SIDE), width=SIDE, height=SIDE, label=rng.randrange(10)) for d in load_pendigits()[:n]]

def post(conn, path:str, body:dict)->tuple:
    "(status, JSON answer) of one POST on a keep-alive connection"
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"}); r = conn.getresponse()
    return r.status, json.loads(r.read() or b"null")

def latency(n:int, db)->dict:
    "Seconds per request to each route, one client, alternating blocks of 50"
    port, out, bs = free_port(), {"/api/classify": [], "/api/feedback": []}, bodies(n)
    with running(serve_cmd(port, db, 1), port):
        conn = http.client.HTTPConnection("127.0.0.1", port); post(conn, "/api/classify", bs[0])
        for i in range(0, n, 50):
            for path in (out if i // 50 % 2 == 0 else reversed(list(out))):
                for b in bs[i:i + 50]:
                    t0 = time.perf_counter(); status, _ = post(conn, path, b); out[path].append(time.perf_counter() - t0)
                    assert status == (201 if path == "/api/feedback" else 200), status
    return out

def client(port:int, bs:list, stop:float, seed:int, got:list, statuses:dict, lock):
    "Post random corrections until `stop`: (id, label) of each 201 into `got`, every status counted"
    rng, conn = random.Random(seed), None
    while time.perf_counter() < stop:
        b = rng.choice(bs)
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, j = post(conn, "/api/feedback", b)
        except (OSError, http.client.HTTPException): status, conn = "conn error", None
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201: got.append((j["id"], b["label"]))

def load(db, clients:int, seconds:float, workers:int)->dict:
    "Many clients writing at once to `serve --workers N` on store `db`; then every 201's id checked in the store"
    port, bs, got, statuses, lock = free_port(), bodies(200), [], {}, threading.Lock()
    with running(serve_cmd(port, db, workers), port) as server:
        while len(workers_of(server.pid)) < workers: time.sleep(0.05)
        stop = time.perf_counter() + seconds
        ts = [threading.Thread(target=client, args=(port, bs, stop, i, got, statuses, lock)) for i in range(clients)]
        for t in ts: t.start()
        for t in ts: t.join()
    stored = FeedbackStore(db).labels([i for i, _ in got])
    lost = sum(stored.get(i) != label for i, label in got)
    return dict(created=len(got), per_second=len(got) / seconds, lost=lost, n5xx=sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
                statuses=statuses, unique_ids=len({i for i, _ in got}))

def round_trip(db, out)->dict:
    "Export the store at `db` to `out` and read it back: records, images equal, labels equal"
    store = FeedbackStore(db); r = store.export(out)
    imgs, labels = (parse_idx(Path(r[k]).read_bytes(), k) for k in ("images", "labels"))
    recs = list(store)
    return dict(records=r["records"], images_equal=bool(np.array_equal(imgs, np.stack([to_bytes(c.image) for c in recs]))),
                labels_equal=labels.tolist() == [c.label for c in recs])

def main(n:int=400, clients:int=16, seconds:float=30, workers:int=2):
    tmp = Path(tempfile.mkdtemp())
    lat = latency(n, tmp/"latency.db")
    ms = {k: np.array(v) * 1e3 for k, v in lat.items()}
    p50 = {k: float(np.median(v)) for k, v in ms.items()}
    sqlite = load(tmp/"load.db", clients, seconds, workers)
    trip = round_trip(tmp/"load.db", tmp/"export")
    with running_postgres() as url: pg = load(url, clients, seconds, workers)
    for name, r in (("SQLite", sqlite), ("PostgreSQL", pg)): print(name, r)
    rows = [f"`python bench/feedback_bench.py --n {n} --clients {clients} --seconds {seconds:g} --workers {workers}`: one run",
            "", "| measure | /api/feedback | /api/classify | goal |", "|---|---|---|---|",
            f"| POST latency p50, one client, 1 worker, SQLite store (ms) | {p50['/api/feedback']:.2f} | {p50['/api/classify']:.2f} | feedback <= 5 ms |",
            f"| POST latency p99 (ms) | {np.percentile(ms['/api/feedback'], 99):.2f} | {np.percentile(ms['/api/classify'], 99):.2f} |  |",
            f"| p50 ratio, feedback / classify | {p50['/api/feedback'] / p50['/api/classify']:.2f} |  |  |"]
    for name, r in (("SQLite", sqlite), ("PostgreSQL", pg)):
        rows.append(f"| {clients} clients x {seconds:g} s, {workers} workers, {name}: 201s / per s / lost / 5xx | "
                    f"{r['created']:,} / {r['per_second']:.0f} / {r['lost']} / {r['n5xx']} |  | 0 lost, 0 5xx |")
    rows.append(f"| export round trip of the SQLite store ({trip['records']:,} records): images equal / labels equal | "
                f"{trip['images_equal']} / {trip['labels_equal']} |  | equal |")
    save_table(__file__, "\n".join(rows))
    return int(not (trip["images_equal"] and trip["labels_equal"]) or bool(sqlite["lost"] or pg["lost"] or sqlite["n5xx"] or pg["n5xx"] or sqlite["unique_ids"] != sqlite["created"] or pg["unique_ids"] != pg["created"]))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=400); p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=30); p.add_argument("--workers", type=int, default=2)
    sys.exit(main(**vars(p.parse_args())))
