"""`serve` as it was before its connections took turns and before `_AccessLog` (issue 14, as measured in a28fdbe): our gevent
worker, but a connection whose next request has already come is served again at once, before the worker's other connections;
and gunicorn's own logger with the same access line. Kept only as the baseline `bench/serve_load.py` runs beside `serve`;
nothing in the package uses it.
Run: python bench/gevent_before.py PORT
"""
import sys
from pathlib import Path
from gunicorn.workers.ggevent import GeventWorker
from digit_classification.server import _Gunicorn, _Worker as _Ours, gunicorn_options

class _Worker(_Ours):
    "Our worker with gunicorn's own `handle_request`"
    handle_request = GeventWorker.handle_request

def main(port:int):
    "Our app under gunicorn with serve's other settings, but this worker and gunicorn's logger"
    sys.path.insert(0, str(Path(__file__).parent))   # so that gunicorn's worker finds this module by name
    _Gunicorn(gunicorn_options(port=port) | dict(worker_class="gevent_before._Worker", logger_class="gunicorn.glogging.Logger",
                                                 access_log_format='%(h)s "%(r)s" %(s)s %(b)s %(L)ss')).run()

if __name__ == "__main__": main(int(sys.argv[1]))
