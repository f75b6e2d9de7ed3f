// Number mode of the drawing page: a wide canvas, strokes out to /api/read (pad.js draws and sends them), the number and each
// digit shown. Plain JS, no build step. The page is in number mode while its URL ends in #number.
"use strict";
(() => {
  const TITLES = { digit: [document.title, document.querySelector("h1").textContent], number: ["Write a number", "Write a number"] };
  const numberMode = () => document.body.classList.contains("number-mode");

  const pad = makePad($("number-canvas"), "/api/read", {
    result: document.querySelector(".read"), small: "Too small to read: write the number bigger", show, shown: numberMode,
    brush: h => Math.max(4, h * 0.04),
  });

  function setMode() {   // from the URL's hash, so the mode survives a reload and can be linked to
    const number = location.hash === "#number", t = TITLES[number ? "number" : "digit"];
    document.body.classList.toggle("number-mode", number);
    document.title = t[0]; document.querySelector("h1").textContent = t[1];
    window.dispatchEvent(new Event("resize"));   // each canvas sized when shown
  }

  function show(data) {   // the reading, or the empty state when `data` is null
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

  $("number-undo").addEventListener("click", pad.undo);
  $("number-clear").addEventListener("click", pad.clear);
  window.addEventListener("hashchange", setMode);
  setMode(); pad.start();
})();
