// What the page's two modes share (draw.js: one digit; number.js: a number): a canvas drawn on with Pointer Events (mouse,
// touch, pen), strokes kept in CSS px and drawn smoothed, and sent to the API while drawing, one request in flight at a time.
// Plain JS, no build step; index.html loads it before draw.js and number.js.
"use strict";
const $ = id => document.querySelector(`[data-testid="${id}"]`);

// A drawing pad on canvas `cv`, sending {strokes, width, height} to `url`. `o`: result (the aria-live element, busy while an
// answer is pending), small (the message for a drawing too small to read), brush(height) (the page's brush, for the eye),
// show(data, body) (the answer, an {error} or null when empty, and the body sent), shown() (whether this mode is on screen),
// and optionally begin() (before a stroke), changed() (after any change) and drawn() (after drawing).
function makePad(cv, url, o) {
  const ctx = cv.getContext("2d"), sheet = cv.parentElement;
  const DEBOUNCE = 150;   // ms without a move before sending while drawing
  const MIN_SIZE = Number(cv.dataset.minSize);   // a drawing whose longer side spans less than this share of the canvas's height is too small to read (mnistify's)
  let W = 0, H = 0, active = null, version = 0, shown = 0, inFlight = false, timer = null;   // active: the drawing pointer
  const pad = { strokes: [], get size() { return [W, H]; }, get settled() { return shown === version && active === null; } };

  // Canvas backed by devicePixelRatio device pixels per CSS px, so strokes stay sharp on high-DPI screens; a hidden one keeps its strokes
  pad.resize = () => {
    const w = cv.clientWidth, h = cv.clientHeight;
    if (!w || !h) return;
    if (W && w !== W) pad.strokes = pad.strokes.map(s => s.map(([x, y]) => [Math.round(x * w / W), Math.min(Math.round(y * w / W), h)]));
    W = w; H = h; cv.width = Math.round(w * (window.devicePixelRatio || 1)); cv.height = Math.round(h * (window.devicePixelRatio || 1));
    ctx.setTransform(cv.width / W, 0, 0, cv.height / H, 0, 0); pad.draw();
  };

  // Every stroke, smoothed by quadratic curves through the midpoints of successive points, round caps and joins; a dot for a tap
  pad.draw = () => {
    ctx.clearRect(0, 0, W, H);
    Object.assign(ctx, { lineWidth: o.brush(H), lineCap: "round", lineJoin: "round", strokeStyle: "#111", fillStyle: "#111" });
    sheet.classList.toggle("empty", !pad.strokes.length);
    for (const s of pad.strokes) {
      ctx.beginPath();
      if (s.length === 1) { ctx.arc(...s[0], ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); continue; }
      ctx.moveTo(...s[0]);
      for (let i = 1; i < s.length - 1; i++) ctx.quadraticCurveTo(...s[i], (s[i][0] + s[i + 1][0]) / 2, (s[i][1] + s[i + 1][1]) / 2);
      ctx.lineTo(...s.at(-1)); ctx.stroke();
    }
    o.drawn?.();
  };

  function point(e) {   // whole CSS pixels inside the canvas
    const r = cv.getBoundingClientRect(), clamp = (v, hi) => Math.round(Math.min(Math.max(v, 0), hi));
    return [clamp(e.clientX - r.left - cv.clientLeft, W), clamp(e.clientY - r.top - cv.clientTop, H)];
  }

  cv.addEventListener("pointerdown", e => {
    if (active !== null || e.button !== 0) return;
    active = e.pointerId; cv.setPointerCapture(e.pointerId);
    o.begin?.(); pad.strokes.push([point(e)]); pad.changed(); pad.draw();
  });
  cv.addEventListener("pointermove", e => {
    if (e.pointerId !== active) return;
    const s = pad.strokes.at(-1);
    for (const c of e.getCoalescedEvents?.() ?? [e]) {   // pens report more points than frames
      const p = point(c), q = s.at(-1);
      if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) >= 2) s.push(p);
    }
    pad.draw(); pad.changed();
    clearTimeout(timer); timer = setTimeout(send, DEBOUNCE);
  });
  for (const t of ["pointerup", "pointercancel"]) cv.addEventListener(t, e => { if (e.pointerId === active) { active = null; send(); } });

  pad.changed = () => { version++; o.result.setAttribute("aria-busy", "true"); o.changed?.(); };
  function tooSmall() {   // the drawing's longer side, against the canvas's height
    const xs = pad.strokes.flat().map(p => p[0]), ys = pad.strokes.flat().map(p => p[1]);
    return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) < MIN_SIZE * H;
  }
  function finish(data, v, body) { shown = v; o.result.setAttribute("aria-busy", String(shown !== version)); o.show(data, body); }

  // One request in flight at a time; when it returns, the newest drawing is sent if it changed meanwhile. An answer older
  // than one already shown, or one for a drawing since cleared, is dropped.
  async function send() {
    clearTimeout(timer); timer = null;
    if (!pad.strokes.length) return finish(null, version);
    if (tooSmall()) return finish({ error: o.small }, version);
    if (inFlight) return;
    const v = version; inFlight = true;
    try {
      const body = JSON.stringify({ strokes: pad.strokes, width: W, height: H });
      const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      const data = await r.json();
      if (v > shown && pad.strokes.length) finish(r.ok ? data : { error: data.error }, v, body);
    } catch (err) { if (v > shown) finish({ error: "Cannot reach the server: is it running?" }, v); }
    inFlight = false;
    if (version !== v && pad.strokes.length) active === null ? send() : (timer = setTimeout(send, DEBOUNCE));
  }

  pad.undo = () => { pad.strokes.pop(); pad.changed(); pad.draw(); send(); };
  pad.clear = () => { pad.strokes = []; pad.changed(); pad.draw(); send(); };
  document.addEventListener("keydown", e => {   // Ctrl/Cmd+Z undoes, Escape clears: on the mode shown only
    if (!o.shown()) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z") { e.preventDefault(); pad.undo(); }
    else if (e.key === "Escape") pad.clear();
  });
  window.addEventListener("resize", pad.resize);
  pad.start = () => { pad.resize(); finish(null, 0); };   // once the caller holds the pad
  return pad;
}
