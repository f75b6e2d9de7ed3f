"""`serve` as it was before issue 14: gunicorn's threaded worker (`gthread`), 1 worker × 4 threads, with a pool that gives each
request to the thread that went idle last. Kept only as the baseline the benchmarks run beside `serve`
(`bench/slow_clients.py`, `bench/serve_load.py`); nothing in the package uses it.
Run: python bench/gthread_today.py PORT
"""
import sys, threading
from collections import deque
from concurrent.futures import Future
from pathlib import Path
import gunicorn.workers.gthread

class _LastIdleFirst:
    "A thread pool that gives each job to the thread that went idle last (the one whose memory is still in the cache)"
    def __init__(self, threads:int):
        self._lock, self._idle, self._queue, self._closed = threading.Lock(), [], deque(), False
        self._threads = [threading.Thread(target=self._serve, daemon=True, name=f"request-{i}") for i in range(threads)]
        for t in self._threads: t.wake, t.job = threading.Semaphore(0), None; t.start()

    def submit(self, fn, *args)->Future:
        "Run `fn(*args)` on the thread that went idle last, or on the first to finish if all are busy"
        job = (Future(), fn, args)
        with self._lock:
            if self._closed: raise RuntimeError("cannot submit a job after shutdown")
            if self._idle: t = self._idle.pop(); t.job = job; t.wake.release()
            else: self._queue.append(job)
        return job[0]

    def _serve(self):
        me = threading.current_thread()
        while True:
            with self._lock:
                if self._closed: return
                job = self._queue.popleft() if self._queue else None
                if job is None: self._idle.append(me)   # the top of the stack: the next job is ours
            if job is None:
                me.wake.acquire(); job, me.job = me.job, None
                if job is None: return                   # woken by shutdown
            future, fn, args = job
            if future.set_running_or_notify_cancel():
                try: future.set_result(fn(*args))
                except BaseException as e: future.set_exception(e)

    def shutdown(self, wait:bool=True, cancel_futures:bool=False):
        "Let each thread finish its job and stop; jobs not yet started are cancelled"
        with self._lock:
            self._closed = True
            for future, _, _ in self._queue: future.cancel()
            self._queue.clear(); idle, self._idle = self._idle, []
        for t in idle: t.wake.release()
        if wait:
            for t in self._threads: t.join()

class _Worker(gunicorn.workers.gthread.ThreadWorker):
    "gunicorn's gthread worker with a `_LastIdleFirst` pool"
    def get_thread_pool(self): return _LastIdleFirst(self.cfg.threads)

def main(port:int):
    "Our app under gunicorn with serve's other settings, but this worker: 1 process, 4 threads"
    sys.path.insert(0, str(Path(__file__).parent))   # so that gunicorn's worker finds this module by name
    from digit_classification.server import _Gunicorn, gunicorn_options
    _Gunicorn(gunicorn_options(port=port, workers=1) | dict(worker_class="gthread_today._Worker", threads=4)).run()

if __name__ == "__main__": main(int(sys.argv[1]))
