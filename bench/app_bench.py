"""The web app over loopback: /api/classify latency beside the old apps' path, cold start, server memory, payload sizes.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/app_bench.py [--n 500] [--cold 3] [--side 336]
Both servers run under gunicorn with 1 worker on free ports: ours by `digit-classification serve --workers 1` (a uvicorn worker),
the old path (PNG data URL -> PIL -> 28x28 -> Keras `model.predict` on our digits.keras from nbs/models) by gunicorn (4 gthread threads) on `old_app()` below.
One client, keep-alive connections, requests interleaved in blocks of 50 (this machine is shared and noisy). The client is a bare
HTTP/1.1 client on a socket (`raw_post`), so that the figures are the servers' and not Python's http.client's (0.15 ms a
request more against a hello-world app here, within 0.07 ms of it against ours); our p50 through http.client is printed too.
Typical drawing: UCI pen digits fitted to the page's canvas (`--side` CSS px), sent as the page sends them.
The in-process row times the same requests as a WSGI call of our app in the benchmark's own process, in blocks between the
servers' blocks: it tells the app's own work from gunicorn's and HTTP's, and how fast the machine was (its speed swings 2x by hour).
"""
import argparse, base64, http.client, io, json, os, re, socket, subprocess, sys, time
from pathlib import Path
import numpy as np
from digit_classification.testing import free_port, rss_mb, save_table

BIN = Path(sys.executable).parent

def old_app():
    "The old apps' server: a PNG data URL in, PIL to 28x28, Keras model.predict per request"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    from flask import Flask, request, jsonify
    from PIL import Image
    from digit_classification.model import KERAS_PATH
    model, app = keras.models.load_model(KERAS_PATH), Flask("old_app")
    @app.post("/guess")
    def guess():
        raw = base64.b64decode(request.get_json()["imgURL"].partition(",")[2])
        img = Image.open(io.BytesIO(raw)).getchannel("A").resize((28, 28), Image.LANCZOS)
        p = model.predict(np.asarray(img, np.float32)[None, ..., None] / 255, verbose=0)[0]
        return jsonify(message=str(int(p.argmax())))
    return app

def start(cmd:list, port:int, path:str, body:bytes, timeout:float=60):
    "Start a server; return (process, seconds from start to its first 200 answer to POST `path`)"
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parent)
    while time.perf_counter() - t0 < timeout:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout); c.request("POST", path, body, {"Content-Type": "application/json"})
            if c.getresponse().status == 200: return proc, time.perf_counter() - t0
        except OSError: time.sleep(0.01)
    proc.kill(); sys.exit(f"{cmd} did not answer within {timeout} s")

def raw_post(sock, path:str, body:bytes)->int:
    "POST a JSON `body` on a keep-alive socket, read the whole answer and return its status: a bare HTTP/1.1 client"
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                 % (path.encode(), len(body), body))
    buf = b""
    while b"\r\n\r\n" not in buf:
        part = sock.recv(1 << 16)
        if not part: raise ConnectionError("the server closed the connection")
        buf += part
    head, _, rest = buf.partition(b"\r\n\r\n")
    n = int(re.search(rb"(?im)^content-length:\s*(\d+)", head)[1])
    while len(rest) < n: rest += sock.recv(1 << 16)
    return int(head.split(None, 2)[1])

def timed_posts(port:int, path:str, bodies:list, client:str="http.client")->list:
    """Seconds for each POST, on one fresh keep-alive connection (gunicorn drops idle ones after 2 s); the first is not timed.
    `client`: Python's `http.client`, or "raw": `raw_post`, lighter, closer to a browser's native fetch"""
    if client == "raw":
        sock = socket.create_connection(("127.0.0.1", port)); sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        post, close = lambda b: raw_post(sock, path, b), sock.close
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port); close = conn.close
        def post(b):
            conn.request("POST", path, b, {"Content-Type": "application/json"}); r = conn.getresponse(); r.read(); return r.status
    try:
        post(bodies[0]); out = []
        for b in bodies:
            t0 = time.perf_counter(); status = post(b); out.append(time.perf_counter() - t0); assert status == 200, status
        return out
    finally: close()

def in_process(app, path:str, bodies:list)->list:
    "Seconds for the WSGI `app` to answer each POST, called in this process: the request's own work, no server, no HTTP"
    from werkzeug.test import EnvironBuilder
    out = []
    for b in bodies:
        env = EnvironBuilder(path=path, method="POST", data=b, content_type="application/json").get_environ()
        t0 = time.perf_counter(); b"".join(app(env, lambda status, headers: None)); out.append(time.perf_counter() - t0)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n", type=int, default=500); ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--side", type=int, default=336, help="the page's canvas side in CSS px (336 on a desktop)")
    args = ap.parse_args()
    from digit_classification.data import load_pendigits, page_strokes
    from digit_classification.mnistify import strokes_to_canvas
    from digit_classification.codec import encode, png_data_url
    pen = load_pendigits()[:args.n]
    ours = [json.dumps(dict(strokes=page_strokes(d.strokes, args.side), width=args.side, height=args.side), separators=(",", ":")).encode() for d in pen]
    brush = max(6, args.side * 0.045)   # the page's display brush: what toDataURL() would hold
    canvases = {dpr: [strokes_to_canvas([np.asarray(s) * dpr for s in json.loads(b)["strokes"]], args.side * dpr, brush * dpr) for b in ours[:100]] for dpr in (1, 2)}
    old = [json.dumps(dict(imgURL=png_data_url(c))).encode() for c in canvases[1]] * (args.n // 100 + 1)

    serve = lambda port: [str(BIN/"digit-classification"), "serve", "--port", str(port), "--workers", "1"]
    colds = []
    for _ in range(args.cold):
        port = free_port(); proc, t = start(serve(port), port, "/api/classify", ours[0]); colds.append(t); proc.terminate(); proc.wait()
    port = free_port(); proc, _ = start(serve(port), port, "/api/classify", ours[0])
    oport = free_port()
    oproc, ocold = start([str(BIN/"gunicorn"), "--bind", f"127.0.0.1:{oport}", "--workers", "1", "--threads", "4", "--worker-class", "gthread",
                          "--no-control-socket", "app_bench:old_app()"], oport, "/guess", old[0], timeout=120)
    try:
        from digit_classification.app import create_app
        local = create_app()   # our app in this process, timed in blocks between the others: the same moments of the machine
        timed_posts(port, "/api/classify", ours[:20]); timed_posts(oport, "/guess", old[:20]); in_process(local, "/api/classify", ours[:20])
        t_ours, t_http, t_old, t_local = [], [], [], []
        for i in range(0, args.n, 50):   # interleaved blocks
            t_ours += timed_posts(port, "/api/classify", ours[i:i + 50], "raw"); t_old += timed_posts(oport, "/guess", old[i:i + 50], "raw")
            t_http += timed_posts(port, "/api/classify", ours[i:i + 50]); t_local += in_process(local, "/api/classify", ours[i:i + 50])
        mem, omem = rss_mb(proc.pid), rss_mb(oproc.pid)
    finally:
        proc.terminate(); oproc.terminate(); proc.wait(); oproc.wait()

    ms = lambda t, q: np.percentile(t, q) * 1e3
    lines = [f"`python bench/app_bench.py --n {args.n}`: {args.n} pen digits on a {args.side} px canvas, one client over loopback, "
             "gunicorn 1 worker (ours: uvicorn; the old path: 4 threads), one run\n", "| measure | ours | old path | goal |", "|---|---|---|---|"]
    row = lambda name, a, b, goal: lines.append(f"| {name} | {a} | {b} | {goal} |")
    row("POST latency p50 (ms)", f"{ms(t_ours, 50):.2f}", f"{ms(t_old, 50):.2f}", "<= 3 ms")
    row("POST latency p99 (ms)", f"{ms(t_ours, 99):.2f}", f"{ms(t_old, 99):.2f}", "")
    row("&nbsp;&nbsp;with Python's http.client as the client, p50 (ms)", f"{ms(t_http, 50):.2f}", "", "")
    row("&nbsp;&nbsp;the app's own work: in process, p50 (ms)", f"{ms(t_local, 50):.2f}", "", "")
    row("speed-up at p50 (old / ours)", f"{ms(t_old, 50) / ms(t_ours, 50):.0f}x", "", ">= 10x")
    row(f"cold start to first answer (s, median of {args.cold})", f"{np.median(colds):.2f}", f"{ocold:.2f}", "<= 3 s")
    row("server RSS, master + worker (MB)", f"{mem:.0f}", f"{omem:.0f}", "<= 300 MB")
    sizes = lambda xs: f"{np.median([len(x) for x in xs]) / 1024:.2f}"
    row("request body, median (KiB): strokes JSON", sizes(ours), "", "")
    row("&nbsp;&nbsp;toDataURL() PNG, devicePixelRatio 1", sizes(png_data_url(c) for c in canvases[1]), "", "")
    row("&nbsp;&nbsp;toDataURL() PNG, devicePixelRatio 2", sizes(png_data_url(c) for c in canvases[2]), "", "")
    row("&nbsp;&nbsp;our codec of the canvas (dPR 1), for reference", sizes(encode(c) for c in canvases[1]), "", "")
    save_table(__file__, "\n".join(lines))

if __name__ == "__main__": main()
