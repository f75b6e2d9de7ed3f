"""Soak: `digit-classification serve` under concurrent load, good and bad requests mixed, answers checked, memory watched.

Run: DIGIT_CLASSIFICATION_DATA=../shared/data python bench/soak.py [--clients 32] [--seconds 60] [--workers 2] [--kill-worker-at 20]
The server is started by `digit-classification serve` on a free port. Each client is a thread with its own keep-alive connection
(reopened when the server closes it), posting requests drawn from a fixed mix: pen digits in all four API forms, the two older
routes, and bad requests (malformed JSON, wrong types, no ink, too large, wrong content type) whose status is known.
The expected answer of every request is what the same app gives in process (Flask's test client), so a good request's digit must
equal in-process `classify` of the same drawing. Server RSS (master + workers) is sampled every second; growth is measured from
the end of warm-up (the first 20% of the run) to the end. The soak itself is `digit_classification.testing.soak` (chapter 13). `--kill-worker-at S` SIGKILLs one worker S seconds in: only requests on the
connections it held may fail (in flight, or sent on a kept-alive connection it had; `failed_on_killed`), the master starts a new
worker, and every other request, before or after, must succeed (`failed_elsewhere` = 0).
"""
import argparse, json, sys
from digit_classification.testing import soak

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=32); ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kill-worker-at", type=float, help="SIGKILL one worker this many seconds in")
    args = ap.parse_args()
    r = soak(args.clients, args.seconds, args.workers, args.kill_worker_at)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}, indent=1))
    failed = r["wrong"] + r["5xx"] + (r["failed_elsewhere"] if args.kill_worker_at else r["conn error"])
    sys.exit(1 if failed or r["exit_code"] != 0 else 0)

if __name__ == "__main__": main()
