"""Property-based fuzzing of the web API with the Flask test client: no 5xx, every 4xx a JSON `{"error": "..."}`.

Usage: python bench/fuzz_api.py [N]   (N generated requests in total, default 10,000, then schemathesis: N/20 per operation and mode)
`nbs/12_reliability.ipynb` imports the strategies and checks from here. Our strategies aim at what we know is fragile (images,
codes, strokes); schemathesis generates from the API's own OpenAPI description, positive (valid by the schema) and negative."""
import base64, io, json, math, struct, sys, time, zlib
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image
from digit_classification.app import create_app
from digit_classification.codec import encode, encode_legacy, png_data_url
from digit_classification.data import load_pendigits, fit_strokes
from digit_classification.mnistify import strokes_to_canvas

ROUTES = ("/api/classify", "/classify", "/guess")

# ---- valid payloads of a real pen digit: the seeds that the mutations start from
_strokes = [s.round(1).tolist() for s in fit_strokes(load_pendigits()[0].strokes)]
_canvas = strokes_to_canvas(fit_strokes(load_pendigits()[0].strokes))
PNG_URL = png_data_url(_canvas)
PNG = base64.b64decode(PNG_URL.partition(",")[2])
_jpg = io.BytesIO(); Image.fromarray(255 - _canvas[..., 3]).save(_jpg, "JPEG"); JPEG = _jpg.getvalue()
CODE, LEGACY = encode(_canvas), encode_legacy(_canvas)
VALID = {"/api/classify": [dict(json={"image": PNG_URL}), dict(json={"drawing": CODE}),
                           dict(json={"legacy": LEGACY, "size": 280}),
                           dict(json={"strokes": _strokes, "width": 280, "height": 280})],
         "/classify": [dict(data={"size": "280", "pixelData": LEGACY})],
         "/guess": [dict(data={"imgURL": PNG_URL})]}

# ---- the check every answer must pass
def problem(r, route:str):
    "What is wrong with response `r` of `route`, or None"
    if r.status_code >= 500: return f"{r.status_code}: {r.get_data()[:200]!r}"
    body = r.get_json(silent=True)
    if 400 <= r.status_code < 500:
        if not (isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]):
            return f"{r.status_code} without a JSON error: {r.content_type} {r.get_data()[:200]!r}"
    elif r.status_code == 200:
        if route == "/classify":
            if not (r.mimetype == "text/plain" and r.get_data(as_text=True) in "0123456789"): return f"bad 200: {r.get_data()[:80]!r}"
        elif not isinstance(body, dict): return f"200 without JSON: {r.get_data()[:200]!r}"
    else: return f"unexpected status {r.status_code}"

class Tally:
    "Requests made through a test client, and the bad answers among them"
    def __init__(self, client):
        self.client, self.n, self.n5xx, self.nbad4xx, self.fails = client, 0, 0, 0, []
    def post(self, route, **kw):
        r = self.client.post(route, **kw); self.n += 1
        p = problem(r, route)
        if p:
            self.n5xx += r.status_code >= 500; self.nbad4xx += 400 <= r.status_code < 500
            if len(self.fails) < 20: self.fails.append((route, {k: repr(v)[:300] for k, v in kw.items()}, p))
        return r

# ---- strategies: each draws (route, keyword arguments for client.post)
_num = st.one_of(st.integers(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
                 st.sampled_from([0, -1, 1, 2048, 2049, 10**30, 1e308, -0.0, True, False]))
_scalar = st.one_of(st.none(), st.booleans(), _num, st.text(max_size=30))
junk = st.recursive(_scalar, lambda c: st.lists(c, max_size=6) | st.dictionaries(st.text(max_size=8), c, max_size=6),
                    max_leaves=25)
_FIELDS = ["image", "drawing", "legacy", "size", "strokes", "width", "height", "brush"]

def _as_json(kw):
    "Send `json=` as raw text, so NaN and Infinity go over the wire as Python's json writes them"
    return dict(data=json.dumps(kw["json"]), content_type="application/json") if "json" in kw else kw

json_bodies = st.one_of(junk, st.dictionaries(st.sampled_from(_FIELDS) | st.text(max_size=8), junk, max_size=5)).map(
    lambda b: ("/api/classify", _as_json(dict(json=b))))

_CTYPES = [None, "application/json", "text/plain", "application/x-www-form-urlencoded",
           "multipart/form-data; boundary=xyz", "multipart/form-data", "application/json; charset=utf-32", "image/png"]
raw_bodies = st.tuples(st.sampled_from(ROUTES), st.binary(max_size=2000), st.sampled_from(_CTYPES)).map(
    lambda t: (t[0], dict(data=t[1], content_type=t[2]) if t[2] else dict(data=t[1])))

form_junk = st.tuples(st.sampled_from(ROUTES[1:]), st.dictionaries(
    st.sampled_from(["size", "pixelData", "imgURL"]) | st.text(max_size=8), st.text(max_size=60), max_size=4)).map(
    lambda t: (t[0], dict(data=t[1])))

@st.composite
def mutated(draw, seed):
    "A truncated, corrupted or spliced copy of `seed` (bytes or str)"
    b = seed.encode() if isinstance(seed, str) else seed
    b = bytearray(b)
    for _ in range(draw(st.integers(1, 3))):
        op, i = draw(st.sampled_from(["cut", "flip", "splice", "dup"])), draw(st.integers(0, max(len(b) - 1, 0)))
        if op == "cut": b = b[:i]
        elif op == "flip" and b: b[i] ^= draw(st.integers(1, 255))
        elif op == "splice": b[i:i + draw(st.integers(0, 50))] = draw(st.binary(max_size=50))
        else: b = b[:i] + b[i // 2:]
    return b.decode("latin-1") if isinstance(seed, str) else bytes(b)

def _b64(b:bytes, head:str="data:image/png;base64,")->str: return head + base64.b64encode(b).decode()

corrupt_images = st.one_of(mutated(PNG), mutated(JPEG)).flatmap(
    lambda b: st.tuples(st.sampled_from(["data:image/png;base64,", "data:image/jpeg;base64,", ""]), st.just(b))).flatmap(
    lambda t: st.sampled_from([("/api/classify", dict(json={"image": _b64(t[1], t[0])})),
                               ("/guess", dict(data={"imgURL": _b64(t[1], t[0])}))]))
corrupt_texts = st.one_of(
    mutated(PNG_URL).map(lambda s: ("/api/classify", dict(json={"image": s}))),
    mutated(PNG_URL).map(lambda s: ("/guess", dict(data={"imgURL": s}))),
    mutated(CODE).map(lambda s: ("/api/classify", dict(json={"drawing": s}))),
    st.tuples(mutated(LEGACY), st.integers(-5, 3000)).map(lambda t: ("/api/classify", dict(json={"legacy": t[0], "size": t[1]}))),
    st.tuples(mutated(LEGACY), st.text("0123456789", min_size=1, max_size=6)).map(
        lambda t: ("/classify", dict(data={"size": t[1], "pixelData": t[0]}))))

_coord = st.one_of(st.floats(-1e6, 1e6), st.floats(allow_nan=False), st.integers(-10**6, 10**6))
@st.composite
def wild_strokes(draw):
    "The real digit's strokes stretched, shifted, made long, or with points far outside the canvas"
    k, dx = draw(st.floats(1e-6, 1e6)), draw(_coord)
    strokes = [[[x * k + dx, y * k] for x, y in s] for s in _strokes]
    n = draw(st.sampled_from([0, 1, 100, 5_000, 9_999, 10_001, 20_000]))
    if n: strokes.append(draw(st.lists(st.tuples(_coord, _coord), min_size=1, max_size=3)) * n)
    if draw(st.booleans()): strokes.append([[draw(_coord), draw(_coord)]])
    body = {"strokes": strokes, "width": draw(st.sampled_from([1, 280, 2048, 2049])), "height": draw(st.sampled_from([1, 280]))}
    if draw(st.booleans()): body["brush"] = draw(st.one_of(_num, st.floats(0.001, 2048)))
    return ("/api/classify", _as_json(dict(json=body)))

STRATEGIES = dict(json_bodies=json_bodies, raw_bodies=raw_bodies, form_junk=form_junk, corrupt_images=corrupt_images,
                  corrupt_texts=corrupt_texts, wild_strokes=wild_strokes())

def fuzz(tally:Tally, strategy, n:int):
    "Send `n` requests drawn from `strategy` through `tally`"
    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(req): tally.post(req[0], **req[1])
    run()

# ---- crafted images
def chunk(kind:bytes, data:bytes)->bytes:
    "A PNG chunk with its length and CRC"
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def png_header(w:int, h:int)->bytes:
    "A PNG that declares `w`×`h` 8-bit grey pixels, with a tiny IDAT (a few rows at most)"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))

def _save(img, fmt="PNG", **kw)->bytes:
    b = io.BytesIO(); img.save(b, fmt, **kw); return b.getvalue()

def crafted()->dict:
    "Odd but legal (or hostile) images, by name"
    grey = Image.fromarray(255 - _canvas[..., 3])
    frames = [grey, grey.rotate(90)]
    return {"50000x50000 header": png_header(50_000, 50_000), "3000x1 header": png_header(3000, 1),
            "1x1": _save(Image.new("RGBA", (1, 1), (0, 0, 0, 255))), "1x1 empty": _save(Image.new("L", (1, 1), 255)),
            "16-bit grey": _save(Image.fromarray((255 - _canvas[..., 3]).astype(np.uint16) * 257)),
            "palette": _save(grey.convert("P")), "palette+transparency": _save(Image.fromarray(_canvas).convert("P")),
            "RGB no alpha": _save(grey.convert("RGB")), "grey+alpha": _save(Image.fromarray(_canvas).convert("LA")),
            "APNG 2 frames": _save(frames[0], save_all=True, append_images=frames[1:]),
            "GIF 2 frames": _save(frames[0], "GIF", save_all=True, append_images=frames[1:]),
            "JPEG": JPEG, "CMYK JPEG": _save(grey.convert("CMYK"), "JPEG"), "empty": b""}

def schemathesis_fuzz(app, n:int)->dict:
    "Requests generated by schemathesis from the app's /api/openapi.json, `n` per operation and mode; counts and failures"
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema, out = schemathesis.openapi.from_wsgi("/api/openapi.json", app), dict(n=0, n5xx=0, fails=[])
    for op in (r.ok() for r in schema.get_all_operations()):
        for mode in [schemathesis.GenerationMode.POSITIVE] + [schemathesis.GenerationMode.NEGATIVE] * (op.method != "get"):
            @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            @given(op.as_strategy(mode))
            def check(case):
                r = case.call(); out["n"] += 1; out["n5xx"] += r.status_code >= 500
                try: case.validate_response(r, checks=checks)
                except Exception as e:   # every failed check: a 5xx, an undocumented status, a body unlike its schema
                    if len(out["fails"]) < 20: out["fails"].append((op.label, mode.value, r.status_code, str(e)[:500]))
            check()
    return out

def main(n:int=10_000):
    tally = Tally(create_app({"TESTING": True}).test_client())
    t0 = time.perf_counter()
    while tally.n < n:
        per = math.ceil((n - tally.n) / len(STRATEGIES))
        for s in STRATEGIES.values(): fuzz(tally, s, per)
    for name, b in crafted().items():
        for head in ("data:image/png;base64,", "data:image/jpeg;base64,", ""): tally.post("/api/classify", json={"image": _b64(b, head)})
    dt = time.perf_counter() - t0
    print(f"requests tried: {tally.n:,}\n5xx seen: {tally.n5xx}\n4xx without a JSON error seen: {tally.nbad4xx}\nelapsed: {dt:.1f} s")
    for f in tally.fails: print("FAIL", *f)
    t0 = time.perf_counter(); st_ = schemathesis_fuzz(create_app({"TESTING": True}), max(n // 20, 50))
    print(f"schemathesis requests: {st_['n']:,}\n5xx seen: {st_['n5xx']}\nfailed checks: {len(st_['fails'])}\nelapsed: {time.perf_counter() - t0:.1f} s")
    for f in st_["fails"]: print("FAIL", *f)
    return int(bool(tally.fails or st_["fails"]))

if __name__ == "__main__": sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
