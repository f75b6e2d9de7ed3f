// Number mode of the drawing page: a wide canvas, strokes out to /api/read, the number and each digit shown.
// Plain JS, no build step; the single-digit mode (draw.js) is untouched. The page is in number mode while its URL ends in #number.
"use strict";
(() => {
  const $ = id => document.querySelector(`[data-testid="${id}"]`);
  const cv = $("number-canvas"), ctx = cv.getContext("2d"), sheet = cv.parentElement, result = document.querySelector(".read");
  const DEBOUNCE = 150, MIN_SIZE = 0.15;   // ms without a move before reading; a drawing under this share of the height is too small
  const TITLES = { digit: [document.title, $("canvas").closest("main").querySelector("h1").textContent], number: ["Write a number", "Write a number"] };
  let W = 0, H = 0, strokes = [], active = null, version = 0, shown = 0, inFlight = false, timer = null;

  function setMode() {   // from the URL's hash, so the mode survives a reload and can be linked to
    const number = location.hash === "#number", t = TITLES[number ? "number" : "digit"];
    document.body.classList.toggle("number-mode", number);
    document.title = t[0]; document.querySelector("h1").textContent = t[1];
    if (number) resize(); else window.dispatchEvent(new Event("resize"));   // each canvas sized when shown
  }

  function resize() {   // the backing store follows the CSS size and devicePixelRatio; strokes scale with the width
    const w = cv.clientWidth, h = cv.clientHeight, dpr = window.devicePixelRatio || 1;
    if (!w || !h) return;
    if (W && w !== W) strokes = strokes.map(s => s.map(([x, y]) => [Math.round(x * w / W), Math.min(Math.round(y * w / W), h)]));
    W = w; H = h; cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); draw();
  }

  function draw() {   // as draw.js draws: quadratic curves through the midpoints, round caps and joins
    ctx.clearRect(0, 0, W, H);
    Object.assign(ctx, { lineWidth: Math.max(4, H * 0.04), lineCap: "round", lineJoin: "round", strokeStyle: "#111", fillStyle: "#111" });
    sheet.classList.toggle("empty", !strokes.length);
    for (const s of strokes) {
      ctx.beginPath();
      if (s.length === 1) { ctx.arc(...s[0], ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); continue; }
      ctx.moveTo(...s[0]);
      for (let i = 1; i < s.length - 1; i++) ctx.quadraticCurveTo(...s[i], (s[i][0] + s[i + 1][0]) / 2, (s[i][1] + s[i + 1][1]) / 2);
      ctx.lineTo(...s.at(-1)); ctx.stroke();
    }
  }

  function point(e) {   // whole CSS pixels inside the canvas
    const r = cv.getBoundingClientRect(), clamp = (v, hi) => Math.round(Math.min(Math.max(v, 0), hi));
    return [clamp(e.clientX - r.left - cv.clientLeft, W), clamp(e.clientY - r.top - cv.clientTop, H)];
  }

  cv.addEventListener("pointerdown", e => {
    if (active !== null || e.button !== 0) return;
    active = e.pointerId; cv.setPointerCapture(e.pointerId);
    strokes.push([point(e)]); changed(); draw();
  });
  cv.addEventListener("pointermove", e => {
    if (e.pointerId !== active) return;
    const s = strokes.at(-1);
    for (const c of e.getCoalescedEvents?.() ?? [e]) {
      const p = point(c), q = s.at(-1);
      if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) >= 2) s.push(p);
    }
    draw(); changed(); clearTimeout(timer); timer = setTimeout(send, DEBOUNCE);
  });
  for (const t of ["pointerup", "pointercancel"]) cv.addEventListener(t, e => { if (e.pointerId === active) { active = null; send(); } });

  function changed() { version++; result.setAttribute("aria-busy", "true"); }
  function tooSmall() {
    const ys = strokes.flat().map(p => p[1]), xs = strokes.flat().map(p => p[0]);
    return Math.max(Math.max(...ys) - Math.min(...ys), Math.max(...xs) - Math.min(...xs)) < MIN_SIZE * H;
  }

  // One request in flight; when it returns, the newest drawing is sent if it changed meanwhile
  async function send() {
    clearTimeout(timer); timer = null;
    if (!strokes.length) return show(null, version);
    if (tooSmall()) return show({ error: "Too small to read: write the number bigger" }, version);
    if (inFlight) return;
    const v = version; inFlight = true;
    try {
      const r = await fetch("/api/read", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ strokes, width: W, height: H }) });
      const data = await r.json();
      if (v > shown && strokes.length) show(r.ok ? data : { error: data.error }, v);
    } catch (err) { if (v > shown) show({ error: "Cannot reach the server: is it running?" }, v); }
    inFlight = false;
    if (version !== v && strokes.length) active === null ? send() : (timer = setTimeout(send, DEBOUNCE));
  }

  function show(data, v) {   // the reading, or the empty state when `data` is null
    shown = v; result.setAttribute("aria-busy", String(shown !== version));
    const ok = data && data.number !== undefined;
    $("number-message").textContent = !data ? "Write a number" : data.error ?? (data.is_number ? "" : "Some marks are not digits");
    $("number").textContent = ok ? data.number : "";
    $("number-digits").replaceChildren(...(ok ? data.digits : []).map((d, i) => {
      const li = document.createElement("li"), img = new Image(56, 56), pct = `${(d.confidence * 100).toFixed(1)}%`;
      img.src = d.mnist; img.alt = `Digit ${i + 1} as the model saw it, 28×28`;
      li.append(Object.assign(document.createElement("b"), { textContent: d.digit }),
                Object.assign(document.createElement("small"), { textContent: pct }), img);
      li.setAttribute("aria-label", `digit ${i + 1}: ${d.digit}, ${pct} sure`);
      return li;
    }));
  }

  function undo() { strokes.pop(); changed(); draw(); send(); }
  function clear() { strokes = []; changed(); draw(); send(); }
  $("number-undo").addEventListener("click", undo);
  $("number-clear").addEventListener("click", clear);
  document.addEventListener("keydown", e => {   // draw.js handles the keys of the single-digit mode
    if (!document.body.classList.contains("number-mode")) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); }
    else if (e.key === "Escape") clear();
  });
  window.addEventListener("resize", () => { if (document.body.classList.contains("number-mode")) resize(); });
  window.addEventListener("hashchange", setMode);
  setMode(); show(null, 0);
})();
