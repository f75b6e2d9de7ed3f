"""Fuzzing of the two drawing decoders, `decode_legacy(payload, size)` and `decode(text)`: on any input they return a bitmap
or raise `CodecError`, never another exception, within a bounded allocation (tracemalloc peak) and time.

Usage: python bench/fuzz_codec.py [--n 100000]             hypothesis: mutated valid codes, junk text, odd headers and sizes
       python bench/fuzz_codec.py --atheris [--n 100000]   atheris (libFuzzer): coverage-guided bytes, in this process
Options: --trace-every K (default 10), --max-mib (64), --max-ms (1000), --seed, --no-crafted.
Every input is timed (the slowest so far twice, keeping the faster: a busy machine pauses); tracemalloc, which slows
allocating code ~10x, measures the peak of every K-th input and of each that is the slowest or the longest so far.
Hypothesis mode then decodes crafted worst cases (the longest codes of a 2048x2048 canvas, megabytes of junk behind small
sizes), each traced. Exits 1 on any other exception, a peak over --max-mib or an input slower than --max-ms.
The tally, the hypothesis strategies and the crafted cases live in `digit_classification.testing` (chapter 13), which
`nbs/02_codec.ipynb` uses too; this script adds the atheris mode and the command line."""
import argparse, base64, os, shutil, sys, tempfile, time
import numpy as np
if __name__ == "__main__" and "--atheris" in sys.argv:
    import atheris, digit_classification.mnistify, PIL.Image   # numpy, scipy, PIL and the package uninstrumented
    with atheris.instrument_imports():      # coverage of the codec module only
        from digit_classification.codec import decode, decode_legacy, encode, encode_legacy
else: from digit_classification.codec import decode, decode_legacy, encode, encode_legacy
from digit_classification.testing import CodecTally, fuzz_decoders, run_crafted_codes

# ---- atheris: libFuzzer mutates bytes; the first byte picks how they are fed to a decoder
def _atheris_case(data:bytes):
    "(decoder, args) of one libFuzzer input"
    mode, rest = (data[0] % 4, data[1:]) if data else (0, b"")
    if mode == 0: return decode, (rest.decode("latin-1"),)                         # text, as is
    if mode == 1: return decode, (base64.urlsafe_b64encode(rest).decode().rstrip("="),)   # bytes behind valid base64url
    size = int.from_bytes(rest[:2], "big", signed=True) if len(rest) >= 2 else 1
    if mode == 2: return decode_legacy, (rest[2:].decode("latin-1"), size)
    return decode_legacy, (base64.b64encode(rest[2:]).decode(), size)

def _atheris_seeds(folder:str):
    "Valid inputs of each mode, so that libFuzzer starts from codes that decode"
    rng = np.random.default_rng(0)
    for i, (h, w, p) in enumerate([(1, 1, 1), (3, 5, 0.5), (20, 20, 0.1), (28, 28, 0.3), (40, 9, 0.9), (64, 64, 0.02)]):
        x = rng.random((h, w)) < p; n = min(h, w); sq = x[:n, :n]
        code, leg = encode(x), encode_legacy(sq)
        for m, b in enumerate([code.encode(), base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)),
                               n.to_bytes(2, "big") + leg.encode(), n.to_bytes(2, "big") + base64.b64decode(leg)]):
            with open(os.path.join(folder, f"seed{i}_{m}"), "wb") as fh: fh.write(bytes([m]) + b)

def atheris_main(args)->None:
    "Run libFuzzer for `args.n` inputs; exits the process (with the summary printed) after the n-th"
    import atheris
    tally, t0 = CodecTally(args.trace_every, args.max_mib, args.max_ms, progress=20_000), time.perf_counter()
    corpus = tempfile.mkdtemp(prefix="fuzz_codec_corpus_"); _atheris_seeds(corpus)

    def one(data:bytes):
        f, a = _atheris_case(data)
        tally.call(f, *a)
        if tally.n >= args.n:   # libFuzzer would exit without returning to us: report and leave here
            rc = tally.report(f"atheris (seed {args.seed})", time.perf_counter() - t0)
            sys.stdout.flush(); shutil.rmtree(corpus, ignore_errors=True); os._exit(rc)

    # -runs: a cap above n (the seeds run first); -max_len: codes of small canvases and then some; -timeout: seconds per input
    atheris.Setup([sys.argv[0], f"-runs={args.n + 10_000}", f"-seed={args.seed or 0}", "-max_len=4096", "-timeout=20",
                   "-print_final_stats=0", corpus], one)
    atheris.Fuzz()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000, help="inputs to decode (default 100,000)")
    p.add_argument("--atheris", action="store_true", help="coverage-guided fuzzing with atheris instead of hypothesis")
    p.add_argument("--trace-every", type=int, default=10, help="measure the tracemalloc peak of every K-th input (default 10)")
    p.add_argument("--max-mib", type=float, default=64, help="largest tracemalloc peak allowed, MiB (default 64)")
    p.add_argument("--max-ms", type=float, default=1000, help="longest time allowed for a fuzzed input, ms (default 1000)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--no-crafted", action="store_true", help="skip the crafted worst cases (hypothesis mode)")
    args = p.parse_args()
    if args.atheris: return atheris_main(args)
    tally, t0 = CodecTally(args.trace_every, args.max_mib, args.max_ms, progress=20_000), time.perf_counter()
    fuzz_decoders(tally, args.n, args.seed)
    rc = tally.report(f"hypothesis (seed {args.seed})", time.perf_counter() - t0)
    if not args.no_crafted:
        c, t0 = CodecTally(1, args.max_mib, args.max_ms), time.perf_counter()
        print("crafted worst cases (each traced; allowed 10 s):")
        run_crafted_codes(c)
        rc |= c.report("crafted", time.perf_counter() - t0)
    return rc

if __name__ == "__main__": sys.exit(main())
