"""Property-based fuzzing of the web API with the Flask test client: no 5xx, every 4xx a JSON `{"error": "..."}`.

Usage: python bench/fuzz_api.py [N]   (N generated requests in total, default 10,000, then schemathesis: N/20 per operation and mode)
The strategies, the check and the crafted images live in `digit_classification.testing` (chapter 13), which
`nbs/12_reliability.ipynb` runs with a few hundred examples per strategy; this script runs the big count."""
import math, sys, time
from digit_classification.app import create_app
from digit_classification.testing import Tally, api_strategies, crafted, data_url, fuzz, schemathesis_fuzz

def main(n:int=10_000):
    tally, strategies = Tally(create_app({"TESTING": True}).test_client()), api_strategies()
    t0 = time.perf_counter()
    while tally.n < n:
        per = math.ceil((n - tally.n) / len(strategies))
        for s in strategies.values(): fuzz(tally, s, per)
    for name, b in crafted().items():
        for head in ("data:image/png;base64,", "data:image/jpeg;base64,", ""): tally.post("/api/classify", json={"image": data_url(b, head)})
    dt = time.perf_counter() - t0
    print(f"requests tried: {tally.n:,}\n5xx seen: {tally.n5xx}\n4xx without a JSON error seen: {tally.nbad4xx}\nelapsed: {dt:.1f} s")
    for f in tally.fails: print("FAIL", *f)
    t0 = time.perf_counter(); st_ = schemathesis_fuzz(create_app({"TESTING": True}), max(n // 20, 50))
    print(f"schemathesis requests: {st_['n']:,}\n5xx seen: {st_['n5xx']}\nfailed checks: {len(st_['fails'])}\nelapsed: {time.perf_counter() - t0:.1f} s")
    for f in st_["fails"]: print("FAIL", *f)
    return int(bool(tally.fails or st_["fails"]))

if __name__ == "__main__": sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
