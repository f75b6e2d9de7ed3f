"""Fuzzing of the two drawing decoders, `decode_legacy(payload, size)` and `decode(text)`: on any input they return a bitmap
or raise `CodecError`, never another exception, within a bounded allocation (tracemalloc peak) and time.

Usage: python bench/fuzz_codec.py [--n 100000]             hypothesis: mutated valid codes, junk text, odd headers and sizes
       python bench/fuzz_codec.py --atheris [--n 100000]   atheris (libFuzzer): coverage-guided bytes, in this process
Options: --trace-every K (default 10), --max-mib (64), --max-ms (1000), --seed, --no-crafted.
Every input is timed (the slowest so far twice, keeping the faster: a busy machine pauses); tracemalloc, which slows
allocating code ~10x, measures the peak of every K-th input and of each that is the slowest or the longest so far.
Hypothesis mode then decodes crafted worst cases (the longest codes of a 2048x2048 canvas, megabytes of junk behind small
sizes), each traced. Exits 1 on any other exception, a peak over --max-mib or an input slower than --max-ms.
`nbs/02_codec.ipynb` imports `Tally`, `fuzz` and `run_crafted` from here."""
import argparse, base64, collections, os, shutil, string, sys, tempfile, time, tracemalloc, traceback
import numpy as np
if __name__ == "__main__" and "--atheris" in sys.argv:
    import atheris, digit_classification, PIL.Image   # numpy, PIL and the package uninstrumented
    with atheris.instrument_imports():      # coverage of the codec module only
        from digit_classification.codec import CodecError, MAX_SIDE, decode, decode_legacy, encode, encode_legacy
else: from digit_classification.codec import CodecError, MAX_SIDE, decode, decode_legacy, encode, encode_legacy

B64, B64URL = string.ascii_letters + string.digits + "+/", string.ascii_letters + string.digits + "-_"
ODD = "=+/-_ \n\t.%\x00é€\U0001f600\udc80"   # characters that are wrong somewhere: padding, the other alphabet, non-ASCII, a lone surrogate

def _show(x, most=300)->str:
    r = repr(x); return r if len(r) <= most else f"{r[:most]}...<{len(r):,} chars>"

def _size(args)->int: return max((len(a) for a in args if isinstance(a, (str, bytes))), default=0)

class Tally:
    "Decoder calls and what came of them: results, `CodecError`s, other exceptions (failures), peaks and times"
    def __init__(self, every:int=10, max_mib:float=64, max_ms:float=1000, progress:int=0):
        self.every, self.max_bytes, self.max_s, self.progress, self.t0 = every, max_mib * 2**20, max_ms / 1e3, progress, time.perf_counter()
        self.n = self.ok = self.codec_errors = self.traced = self.longest = 0
        self.other, self.fails = collections.Counter(), []
        self.peak, self.slowest = (0, ""), (0.0, "")

    def _fail(self, what:str, f, args):
        if len(self.fails) < 20: self.fails.append(f"{what}: {f.__name__}({', '.join(map(_show, args))})")

    def call(self, f, *args, trace:bool=False, max_s:float=None):
        "Call `f(*args)`, timed; and again under tracemalloc when sampled (or `trace`), for its peak"
        self.n += 1
        if self.progress and self.n % self.progress == 0:
            print(f"  ... {self.n:,} inputs, {time.perf_counter() - self.t0:.0f} s", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try: f(*args); self.ok += 1
        except CodecError: self.codec_errors += 1
        except Exception as e:
            self.other[type(e).__name__] += 1
            at = traceback.extract_tb(e.__traceback__)[-1]
            self._fail(f"{type(e).__name__}: {e} (at {at.filename}:{at.lineno}, in {at.name})\n    reproducer", f, args)
        dt = time.perf_counter() - t
        if dt > min(self.slowest[0], max_s or self.max_s): dt = min(dt, self._time(f, args))   # a pause of a busy machine, or the input?
        if dt > (max_s or self.max_s): self._fail(f"slow ({dt*1e3:.0f} ms)", f, args)
        slowest, n, self.last_peak = dt > self.slowest[0], _size(args), None
        if slowest: self.slowest = (dt, f"{f.__name__}({', '.join(_show(a, 40) for a in args)})")
        if trace or slowest or n > self.longest or self.n % self.every == 0:
            self.longest = max(self.longest, n)
            p = self.last_peak = self.peak_of(f, args)
            if p > self.peak[0]: self.peak = (p, f"{f.__name__}({', '.join(_show(a, 40) for a in args)})")
            if p > self.max_bytes: self._fail(f"peak {p / 2**20:.1f} MiB", f, args)
        return dt

    def _time(self, f, args)->float:
        "Seconds that `f(*args)` takes"
        t = time.perf_counter()
        try: f(*args)
        except Exception: pass
        return time.perf_counter() - t

    def peak_of(self, f, args)->int:
        "tracemalloc peak, in bytes, of `f(*args)` (exceptions ignored: `call` counts them)"
        self.traced += 1
        tracemalloc.start()
        try: f(*args)
        except Exception: pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    def summary(self, mode:str, seconds:float)->str:
        return (f"{mode}: {self.n:,} inputs, {self.ok:,} decoded, {self.codec_errors:,} CodecError, "
                f"{sum(self.other.values())} other exceptions {dict(self.other)}; max tracemalloc peak "
                f"{self.peak[0] / 2**20:.2f} MiB ({self.traced:,} inputs traced) on {self.peak[1]}; slowest input "
                f"{self.slowest[0]*1e3:.1f} ms on {self.slowest[1]}; {seconds:.0f} s")

    def report(self, mode:str, seconds:float)->int:
        print(self.summary(mode, seconds))
        for f in self.fails: print("FAIL", f)
        return int(bool(self.fails))

# ---- hypothesis strategies: each draws (decoder, args)
def bitmap(h:int, w:int, kind:str="random", p:float=0.5, seed:int=0)->np.ndarray:
    "An h×w bool bitmap: random with ink density `p`, random boxes, vertical stripes, a checkerboard, or blank"
    rng = np.random.default_rng(seed)
    if kind == "random": return rng.random((h, w)) < p
    if kind == "stripes": x = np.zeros((h, w), bool); x[:, ::2] = True; return x
    if kind == "checker": return np.indices((h, w)).sum(0) % 2 == 1
    x = np.zeros((h, w), bool)
    if kind == "boxes":
        for y0, x0, y1, x1 in rng.integers(0, max(h, w), (int(p * 10) + 1, 4)): x[y0:y1 + 1, x0:x1 + 1] = True
    return x

def _strategies(st):
    "The strategies (hypothesis is imported only when they are needed)"
    side = st.one_of(st.integers(1, 40), st.sampled_from([1, 2, 3, 8, 63, 64, 65, 200, 280]))
    bitmaps = st.builds(bitmap, side, side, st.sampled_from(["random"] * 4 + ["boxes", "stripes", "checker", "blank"]),
                        st.sampled_from([0, 0.01, 0.02, 0.1, 0.5, 0.9, 0.98, 1]), st.integers(0, 2**32 - 1)).filter(
                        lambda x: x.size <= 280 * 280 and (x.size <= 4096 or x.mean() <= 0.1 or x.size <= 16384))
    squares = bitmaps.map(lambda x: x[:min(x.shape), :min(x.shape)])

    @st.composite
    def mutated(draw, seed, alphabet:str):
        "A copy of `seed` (str or bytes) truncated, with characters changed, spliced, duplicated or removed"
        s, text = seed, isinstance(seed, str)
        chars = st.text(alphabet + ODD, max_size=12) if text else st.binary(max_size=12)
        for _ in range(draw(st.integers(1, 4))):
            op, i = draw(st.sampled_from(["cut", "flip", "flip", "splice", "dup", "drop"])), draw(st.integers(0, max(len(s) - 1, 0)))
            if op == "cut": s = s[:i]
            elif op == "flip" and s:
                s = s[:i] + (draw(st.sampled_from(alphabet + ODD)) if text else bytes([s[i] ^ draw(st.integers(1, 255))])) + s[i + 1:]
            elif op == "splice": s = s[:i] + draw(chars) + s[i + draw(st.integers(0, 12)):]
            elif op == "dup": s = s[:i] + s[i // 2:]
            else: s = s[:i] + s[i + draw(st.integers(1, 8)):]
        return s

    b64, b64url = (lambda b: base64.b64encode(b).decode()), (lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="))
    unb64url = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    codes = bitmaps.map(encode)
    legacies = squares.map(lambda x: (encode_legacy(x), len(x)))
    sizes = st.one_of(st.integers(1, 300), st.integers(-10, 3000), st.integers(), st.sampled_from(
        [0, -1, 2048, 2049, 4096, 2**31, 2**63, -2**63, 10**30, True, False, 28.0, float("nan"), float("inf"), None, "28", b"28",
         [28], 28 + 0j, np.int64(28), np.int32(-5), np.uint8(7), np.uint64(2**64 - 1), np.float64(28), np.bool_(True)]))
    not_str = st.one_of(st.none(), st.binary(max_size=20), st.integers(), st.floats(), st.lists(st.integers(), max_size=3),
                        st.just(np.zeros(4, np.uint8)), st.just(bytearray(b"MEAR")))
    junk = st.one_of(st.text(B64, max_size=80), st.text(B64 + "=", max_size=80), st.text(B64URL, max_size=80),
                     st.text(max_size=60), st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
                     st.binary(max_size=120).map(b64), st.binary(max_size=120).map(b64url))

    @st.composite
    def header(draw):
        "Our code with any version, any declared W-1 and H-1 (12 bits each: 1..4096 sides), then bytes of any kind"
        v = draw(st.sampled_from([1] * 6 + [0, 2, 255]))
        w, h = (draw(st.one_of(st.integers(0, 4095), st.sampled_from([0, 1, 27, 279, 2047, 2048, 4095]))) for _ in "wh")
        body = draw(st.one_of(st.binary(max_size=80), st.tuples(st.binary(min_size=1, max_size=3), st.integers(1, 700)).map(
            lambda t: t[0] * t[1]), st.integers(0, 300).map(lambda k: b"\xff" * k + b"\x80")))   # \xff: eight blank rows
        raw = bytes([v, w >> 4, (w & 15) << 4 | h >> 8, h & 255]) + body
        return raw[:draw(st.sampled_from([len(raw)] * 5 + [0, 1, 2, 3, 4]))]

    return st.one_of(
        codes.flatmap(lambda c: mutated(c, B64URL)).map(lambda s: (decode, (s,))),
        codes.flatmap(lambda c: mutated(unb64url(c), "")).map(lambda b: (decode, (b64url(b),))),  # bytes changed: past the base64url checks
        header().map(lambda b: (decode, (b64url(b),))),
        legacies.flatmap(lambda t: st.tuples(mutated(t[0], B64), st.sampled_from([t[1]] * 4 + [t[1] - 1, t[1] + 1]) | sizes)).map(
            lambda t: (decode_legacy, t)),
        legacies.flatmap(lambda t: st.tuples(mutated(base64.b64decode(t[0]), "").map(b64), st.just(t[1]) | sizes)).map(
            lambda t: (decode_legacy, t)),
        st.tuples(junk, st.integers(1, 64) | sizes).map(lambda t: (decode_legacy, t)),
        st.tuples(not_str, sizes).map(lambda t: (decode_legacy, t)),
        junk.map(lambda s: (decode, (s,))),
        not_str.map(lambda s: (decode, (s,))),
        codes.map(lambda c: (decode_legacy, (c, 64))),                              # each format fed to the other decoder
        legacies.map(lambda t: (decode, (t[0],))))

def fuzz(tally:Tally, n:int, seed:int=None):
    "Decode `n` inputs that hypothesis draws, through `tally`"
    from hypothesis import HealthCheck, given, settings, seed as hseed, strategies as st
    cases, target, rounds = _strategies(st), tally.n + n, 0
    while tally.n < target:   # hypothesis may stop a little short of max_examples: top up
        @settings(max_examples=target - tally.n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(cases)
        def run(case): tally.call(case[0], *case[1])
        (hseed(seed + rounds)(run) if seed is not None else run)(); rounds += 1

# ---- crafted worst cases: the largest codes of the largest canvas, and long junk behind small sizes
def _big(kind:str)->np.ndarray: return bitmap(MAX_SIDE, MAX_SIDE, kind)
def _hdr(w:int, h:int)->bytes: return bytes([1, (w - 1) >> 4, ((w - 1) & 15) << 4 | (h - 1) >> 8, (h - 1) & 255])
def _url(b:bytes)->str: return base64.urlsafe_b64encode(b).decode().rstrip("=")
def _b64(b:bytes)->str: return base64.b64encode(b).decode()

CRAFTED = {   # name -> (decoder, function making its arguments): payloads up to the app's 1 MiB body, and a few beyond
    "decode stripes 2048x2048 (700 KB)": (decode, lambda: (encode(_big("stripes")),)),
    "decode blank 2048x2048": (decode, lambda: (encode(_big("blank")),)),
    "decode 2048x2048 header only": (decode, lambda: (_url(_hdr(2048, 2048)),)),
    "decode 2048x2048 header, 1 MiB of random bytes": (decode, lambda: (_url(_hdr(2048, 2048) + np.random.default_rng(0).bytes(1 << 20)),)),
    "decode 1x1 header, 1 MiB of 0xff": (decode, lambda: (_url(_hdr(1, 1) + b"\xff" * (1 << 20)),)),
    "decode 4 MiB of 'A'": (decode, lambda: ("A" * (4 << 20),)),
    "decode_legacy stripes 2048x2048": (decode_legacy, lambda: (encode_legacy(_big("stripes")), MAX_SIDE)),
    "decode_legacy checker 2048x2048": (decode_legacy, lambda: (encode_legacy(_big("checker")), MAX_SIDE)),
    "decode_legacy blank 2048x2048": (decode_legacy, lambda: ("", MAX_SIDE)),
    "decode_legacy '0,' x 4 Mi (the longest payload)": (decode_legacy, lambda: (_b64(b"\x10" * (4 << 20) + b"\x11"), MAX_SIDE)),
    "decode_legacy '1,' x 1 Mi": (decode_legacy, lambda: (_b64(b"\x20" * (1 << 20) + b"\x11"), MAX_SIDE)),
    "decode_legacy '1,' x 1 Mi at size 1": (decode_legacy, lambda: (_b64(b"\x20" * (1 << 20) + b"\x11"), 1)),
    "decode_legacy 1 MiB of 'ABCD' at size 1": (decode_legacy, lambda: ("ABCD" * (1 << 18), 1)),
    "decode_legacy 1 MiB of 'ABCD' at size 2048": (decode_legacy, lambda: ("ABCD" * (1 << 18), MAX_SIDE))}

def run_crafted(tally:Tally, names=None, max_s:float=10, show:bool=True):
    "Decode the crafted cases (all, or those in `names`) through `tally`, each traced; print a line per case"
    for name, (f, make) in CRAFTED.items():
        if names and name not in names: continue
        args, n0 = make(), len(tally.fails)
        dt = tally.call(f, *args, trace=True, max_s=max_s)
        if show: print(f"  {name:48} {_size(args):>10,} chars {dt*1e3:8.1f} ms {tally.last_peak / 2**20:6.1f} MiB"
                       + ("  FAIL" if len(tally.fails) > n0 else ""))

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
    tally, t0 = Tally(args.trace_every, args.max_mib, args.max_ms, progress=20_000), time.perf_counter()
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
    tally, t0 = Tally(args.trace_every, args.max_mib, args.max_ms, progress=20_000), time.perf_counter()
    fuzz(tally, args.n, args.seed)
    rc = tally.report(f"hypothesis (seed {args.seed})", time.perf_counter() - t0)
    if not args.no_crafted:
        c, t0 = Tally(1, args.max_mib, args.max_ms), time.perf_counter()
        print("crafted worst cases (each traced; allowed 10 s):")
        run_crafted(c)
        rc |= c.report("crafted", time.perf_counter() - t0)
    return rc

if __name__ == "__main__": sys.exit(main())
