// The drawing page: Pointer Events (mouse, touch, pen) in, strokes out to /api/classify, the model's answer shown.
// Plain JS, no framework, no build step. The server renders the strokes with the brush the model likes best (mnistify.BRUSH, measured in 04_classify).
"use strict";
const $ = id => document.querySelector(`[data-testid="${id}"]`);
const cv = $("canvas"), ctx = cv.getContext("2d"), result = document.querySelector(".result"), sheet = cv.parentElement;
const DEBOUNCE = 150;   // ms without a move before classifying while drawing
const MIN_SIZE = Number(cv.dataset.minSize);   // a drawing smaller than this share of the canvas is too small to read (mnistify's)
const NEXT_AFTER = 1500;   // ms after an answer: the drawing fades, and the next stroke starts a new one (unless "keep")
const HINT = "Draw one digit here, 0 to 9", NEXT = "Draw the next digit: it starts a new drawing";
const NOT_A_DIGIT = "That doesn't look like a digit";
let side = 0, strokes = [], active = null;               // strokes: lists of [x, y] in CSS px; active: the drawing pointer
let version = 0, shown = 0, inFlight = false, timer = null, fade = null, sent = null;   // sent: the body of the last request

for (let d = 0; d < 10; d++) $("probabilities").insertAdjacentHTML("beforeend", `<li><b>${d}</b><span><i></i></span><small>0%</small></li>`);

// Canvas backed by devicePixelRatio device pixels per CSS px, so strokes stay sharp on high-DPI screens
function resize() {
  const old = side; side = cv.clientWidth;
  if (old && side !== old) strokes = strokes.map(s => s.map(([x, y]) => [Math.round(x * side / old), Math.round(y * side / old)]));
  cv.width = cv.height = Math.round(side * (window.devicePixelRatio || 1));
  ctx.setTransform(cv.width / side, 0, 0, cv.width / side, 0, 0);
  draw();
}

// Every stroke, smoothed by quadratic curves through the midpoints of successive points, round caps and joins
function draw() {
  ctx.clearRect(0, 0, side, side);
  Object.assign(ctx, { lineWidth: Math.max(6, side * 0.045), lineCap: "round", lineJoin: "round", strokeStyle: "#111" });
  sheet.classList.toggle("empty", !strokes.length); $("hint").textContent = strokes.length ? NEXT : HINT;
  for (const s of strokes) {
    ctx.beginPath();
    if (s.length === 1) { ctx.arc(...s[0], ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fillStyle = ctx.strokeStyle; ctx.fill(); continue; }   // a dot
    ctx.moveTo(...s[0]);
    for (let i = 1; i < s.length - 1; i++) ctx.quadraticCurveTo(...s[i], (s[i][0] + s[i + 1][0]) / 2, (s[i][1] + s[i + 1][1]) / 2);
    ctx.lineTo(...s.at(-1)); ctx.stroke();
  }
}

function point(e) {   // whole CSS pixels inside the canvas
  const r = cv.getBoundingClientRect(), clamp = v => Math.round(Math.min(Math.max(v, 0), side));
  return [clamp(e.clientX - r.left - cv.clientLeft), clamp(e.clientY - r.top - cv.clientTop)];
}

cv.addEventListener("pointerdown", e => {
  if (active !== null || e.button !== 0) return;
  active = e.pointerId; cv.setPointerCapture(e.pointerId);
  if (sheet.classList.contains("done") && !$("keep").checked) strokes = [];   // answered: a new digit
  strokes.push([point(e)]); changed(); draw();
});
cv.addEventListener("pointermove", e => {
  if (e.pointerId !== active) return;
  const s = strokes.at(-1);
  for (const c of e.getCoalescedEvents?.() ?? [e]) {   // pens report more points than frames
    const p = point(c), q = s.at(-1);
    if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) >= 2) s.push(p);
  }
  draw(); changed();
  clearTimeout(timer); timer = setTimeout(send, DEBOUNCE);
});
for (const t of ["pointerup", "pointercancel"]) cv.addEventListener(t, e => { if (e.pointerId === active) { active = null; send(); } });

function changed() { version++; result.setAttribute("aria-busy", "true"); clearTimeout(fade); sheet.classList.remove("done"); }
function tooSmall() {   // the drawing's longer side, against the canvas's
  const xs = strokes.flat().map(p => p[0]), ys = strokes.flat().map(p => p[1]);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) < MIN_SIZE * side;
}

// One request in flight at a time; when it returns, the newest drawing is sent if it changed meanwhile
async function send() {
  clearTimeout(timer); timer = null;
  if (!strokes.length) return show(null, version);
  if (tooSmall()) return show({ error: "Too small to read: draw the digit bigger" }, version);
  if (inFlight) return;
  const v = version; inFlight = true;
  try {
    sent = JSON.stringify({ strokes, width: side, height: side });
    const r = await fetch("/api/classify", { method: "POST", headers: { "Content-Type": "application/json" }, body: sent });
    const data = await r.json();
    if (v > shown && strokes.length) show(r.ok ? data : { error: data.error }, v);
  } catch (err) { if (v > shown) show({ error: "Cannot reach the server: is it running?" }, v); }
  inFlight = false;
  if (version !== v && strokes.length) active === null ? send() : (timer = setTimeout(send, DEBOUNCE));
}

// The answer, or the empty state when `data` is null
function show(data, v) {
  shown = v; result.setAttribute("aria-busy", String(shown !== version));
  const ok = data && data.digit !== undefined, digit = ok && data.is_digit !== false;   // is_digit false: say so, not a digit
  $("message").textContent = !data ? "Draw a digit" : ok && !digit ? NOT_A_DIGIT : data.error ?? "";
  $("prediction").textContent = digit ? data.digit : "";
  $("confidence").textContent = digit ? `${(data.confidence * 100).toFixed(1)}% sure` : "";
  [...$("probabilities").children].forEach((li, d) => {
    const p = ok ? data.probabilities[d] : 0;
    li.querySelector("i").style.width = `${(p * 100).toFixed(1)}%`;
    li.querySelector("small").textContent = `${Math.round(p * 100)}%`;
    li.classList.toggle("top", digit && d === data.digit);
    li.setAttribute("aria-label", `${d}: ${Math.round(p * 100)} percent`);
  });
  if (ok) $("preview").src = data.mnist; else $("preview").removeAttribute("src");
  document.dispatchEvent(new CustomEvent("answer", { detail: ok ? { digit: data.digit, body: sent } : null }));   // feedback.js
  clearTimeout(fade);
  if (ok && shown === version && active === null && !$("keep").checked) fade = setTimeout(() => sheet.classList.add("done"), NEXT_AFTER);
}

function undo() { strokes.pop(); changed(); draw(); send(); }
function clear() { strokes = []; changed(); draw(); send(); }
$("undo").addEventListener("click", undo);
$("clear").addEventListener("click", clear);
$("keep").addEventListener("change", () => { clearTimeout(fade); sheet.classList.remove("done"); });
document.addEventListener("keydown", e => {   // the keys act on the mode shown: number.js has its own in number mode
  if (document.body.classList.contains("number-mode")) return;
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); }
  else if (e.key === "Escape") clear();
});
window.addEventListener("resize", resize);
resize(); show(null, 0);
