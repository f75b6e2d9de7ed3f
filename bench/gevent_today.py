"""`serve` as it was before it ran uvicorn (issue 14, main at 8d37eb3): gunicorn's gevent worker, `threading` left unpatched,
each connection's next request served only after the hub's next round (turns), the five-field access line, 1,000 connections
a worker. The classes are those of `digit_classification/server.py` then, copied here because the package no longer has them.
Kept only as the baseline `bench/serve_load.py` and `bench/slow_clients.py` run beside `serve`; nothing in the package uses it.
Needs gevent (in the `dev` extra).
Run: python bench/gevent_today.py PORT
"""
import sys
from importlib import metadata
from pathlib import Path
import gunicorn.http.wsgi
from gevent.socket import wait_write
from gunicorn.glogging import Logger
from gunicorn.workers.ggevent import GeventWorker
from digit_classification.server import _Gunicorn, _open_files, gunicorn_options

class _AccessLog(Logger):
    "gunicorn's logger; the access line made from the five fields it shows"
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled: return
        status, sent = resp.status, getattr(resp, "sent", None)
        self.access_log.info('%s "%s %s %s" %s %s %d.%06ds', environ.get("REMOTE_ADDR", "-"), environ["REQUEST_METHOD"],
                             environ["RAW_URI"], environ["SERVER_PROTOCOL"], status.split(None, 1)[0] if isinstance(status, str) else status,
                             "-" if sent is None else sent, request_time.seconds, request_time.microseconds)

class _Worker(GeventWorker):
    "gunicorn's gevent worker, with `threading` not patched, gevent's plugins looked up once, and connections served in turn"
    def patch(self):
        from gevent import monkey, socket
        found, scan = metadata.entry_points(), metadata.entry_points
        metadata.entry_points = lambda **kw: found.select(**kw)
        try: monkey.patch_all(thread=False)
        finally: metadata.entry_points = scan
        self.sockets = [socket.socket(s.FAMILY, socket.SOCK_STREAM, fileno=s.sock.detach()) for s in self.sockets]   # as GeventWorker

    def handle_request(self, listener_name, req, sock, addr):
        "Answer `req`, then let the worker's other connections with a request waiting be served before this one reads its next"
        answered = super().handle_request(listener_name, req, sock, addr)
        if self.alive:
            try: wait_write(sock.fileno(), timeout=self.cfg.keepalive)
            except TimeoutError: pass
        return answered

def main(port:int):
    "Our app under gunicorn with serve's other settings, and the gevent worker"
    sys.path.insert(0, str(Path(__file__).parent))   # so that gunicorn's worker finds this module by name
    gunicorn.http.wsgi.SERVER = "digit-classification"
    _open_files(1000)
    _Gunicorn(gunicorn_options(port=port) | dict(worker_class="gevent_today._Worker", worker_connections=1000, sendfile=False,
                                                 logger_class="gevent_today._AccessLog")).run()

if __name__ == "__main__": main(int(sys.argv[1]))
