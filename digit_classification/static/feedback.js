// "Wrong? Tap the right digit": after each answer, ten buttons send the drawing the model answered, with the right digit, to
// /api/feedback. draw.js announces each answer with an "answer" event: detail {digit, body} (the JSON it sent), or null.
"use strict";
(() => {
  const panel = document.querySelector('[data-testid="feedback"]'), digits = panel.querySelector(".digits");
  const thanks = panel.querySelector('[data-testid="thanks"]');
  let answer = null;   // the answer the buttons correct; answer.sent once a correction of it went out

  for (let d = 0; d < 10; d++)
    digits.insertAdjacentHTML("beforeend", `<button type="button" data-testid="fix-${d}" aria-label="It is a ${d}">${d}</button>`);

  function ready(on) { for (const b of digits.children) b.setAttribute("aria-disabled", String(!on)); }

  document.addEventListener("answer", e => { answer = e.detail; panel.hidden = !answer; thanks.textContent = ""; ready(true); });
  digits.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (b && answer && !answer.sent) correct(answer, Number(b.textContent));
  });

  async function correct(a, label) {
    a.sent = true; ready(false); thanks.textContent = "Sending…";
    let text;
    try {
      const r = await fetch("/api/feedback", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...JSON.parse(a.body), label, predicted: a.digit }) });
      const data = await r.json();
      text = r.ok ? `Thank you! Noted: it is a ${label}.` : r.status === 404 ? "This server does not take corrections." : data.error;
      if (!r.ok && r.status !== 404) a.sent = false;   // may be tried again
    } catch (err) { text = "Cannot reach the server: is it running?"; a.sent = false; }
    if (a === answer) { thanks.textContent = text; ready(!a.sent); }
  }
})();
