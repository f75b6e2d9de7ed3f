"""Our app behind a2wsgi's thread-pool adapter, in gunicorn's uvicorn workers (serve's settings otherwise): how `serve` would
run with an off-the-shelf WSGI adapter instead of `server._Bridge`. a2wsgi hands each request to a thread of its pool and
streams the body to it as it arrives. Kept only as a column of `bench/serve_load.py` and a row of `bench/slow_clients.py`.
Needs `pip install a2wsgi` (1.10.10 measured).
Run: python bench/a2wsgi_serve.py PORT
"""
import sys
from a2wsgi import WSGIMiddleware
from digit_classification.app import create_app
from digit_classification.server import CONNECTIONS, _Gunicorn, _open_files, gunicorn_options

class _A2wsgi(_Gunicorn):
    "gunicorn running `create_app()` behind a2wsgi in uvicorn-worker's own worker"
    def load(self): return WSGIMiddleware(create_app(self.app_config))

if __name__ == "__main__":
    _open_files(CONNECTIONS)
    _A2wsgi(gunicorn_options(port=int(sys.argv[1])) | dict(worker_class="uvicorn_worker.UvicornWorker")).run()
