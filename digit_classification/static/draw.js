// The drawing page's single-digit mode: strokes out to /api/classify (pad.js draws and sends them), the model's answer shown.
// Plain JS, no framework, no build step. The server renders the strokes with the brush the model likes best (mnistify.BRUSH, measured in 04_classify).
"use strict";
const result = document.querySelector(".result"), sheet = $("canvas").parentElement;
const NEXT_AFTER = 1500;   // ms after an answer: the drawing fades, and the next stroke starts a new one (unless "keep")
const HINT = "Draw one digit here, 0 to 9", NEXT = "Draw the next digit: it starts a new drawing";
const NOT_A_DIGIT = "That doesn't look like a digit";
let fade = null;

for (let d = 0; d < 10; d++) $("probabilities").insertAdjacentHTML("beforeend", `<li><b>${d}</b><span><i></i></span><small>0%</small></li>`);

const digitPad = makePad($("canvas"), "/api/classify", {
  result, small: "Too small to read: draw the digit bigger", show,
  brush: side => Math.max(6, side * 0.045),
  shown: () => !document.body.classList.contains("number-mode"),   // number.js has the keys in number mode
  begin: () => { if (sheet.classList.contains("done") && !$("keep").checked) digitPad.strokes = []; },   // answered: a new digit
  changed: () => { clearTimeout(fade); sheet.classList.remove("done"); },
  drawn: () => { $("hint").textContent = digitPad.strokes.length ? NEXT : HINT; },
});

// The answer, or the empty state when `data` is null; `body` is the request that got it
function show(data, body) {
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
  document.dispatchEvent(new CustomEvent("answer", { detail: ok ? { digit: data.digit, body } : null }));   // feedback.js
  clearTimeout(fade);
  if (ok && digitPad.settled && !$("keep").checked) fade = setTimeout(() => sheet.classList.add("done"), NEXT_AFTER);
}

$("undo").addEventListener("click", digitPad.undo);
$("clear").addEventListener("click", digitPad.clear);
$("keep").addEventListener("change", () => { clearTimeout(fade); sheet.classList.remove("done"); });
digitPad.start();
