// DigitCodec: a drawing's ink as compact URL-safe text (format version 1, described in nbs/02_codec.ipynb).
// Browser: <script src="codec.js"></script> then DigitCodec.encode(ctx.getImageData(0, 0, w, h).data, w, h).
// Node: const DigitCodec = require("./codec.js").
var DigitCodec = (function () {
  "use strict";
  const VERSION = 1, MAX_SIDE = 2048;

  const bin = (n, width) => n.toString(2).padStart(width, "0");
  const ue = n => { const b = (n + 1).toString(2); return "0".repeat(b.length - 1) + b; };  // Exp-Golomb

  // Columns 0..w where the colour differs from the pixel to the left (non-ink beyond the edges)
  function rowChanges(ink, y, w) {
    const out = [];
    for (let x = 0, before = 0; x <= w; x++) {
      const c = x < w ? ink[y * w + x] : 0;
      if (c !== before) { out.push(x); before = c; }
    }
    return out;
  }

  // Bits of the row with changes `cur`, coded against the changes `ref` of the row above
  function rowCode(ref, cur) {
    let i = 0, j = 0, last = -1, out = "";
    while (i < cur.length || j < ref.length) {
      if (j + 1 < ref.length && (i === cur.length || ref[j + 1] < cur[i])) { out += "00001"; j += 2; }
      else if (i + 1 < cur.length && (j === ref.length || cur[i + 1] < ref[j])) {
        out += (j < ref.length ? "000001" : "01") + ue(cur[i] - last - 1) + ue(cur[i + 1] - cur[i] - 1);
        last = cur[i + 1]; i += 2;
      } else {
        const d = cur[i] - ref[j], a = Math.abs(d), s = d < 0 ? "1" : "0";
        out += d === 0 ? "1" : a < 3 ? "0".repeat(a) + "1" + s : "0001" + s + ue(a - 3);
        last = cur[i]; i += 1; j += 1;
      }
    }
    return out + "1";
  }

  // `data`: RGBA bytes (ink where alpha > 0) or one 0/1 (or boolean) per pixel, row by row
  function encode(data, width, height) {
    const ok = n => Number.isInteger(n) && n >= 1 && n <= MAX_SIDE;
    if (!ok(width) || !ok(height)) throw new RangeError(`width and height must be integers in 1..${MAX_SIDE}`);
    const n = width * height, step = data.length === 4 * n ? 4 : data.length === n ? 1 : 0;
    if (!step) throw new RangeError(`expected ${n} or ${4 * n} values for a ${width}×${height} canvas, got ${data.length}`);
    const ink = new Uint8Array(n);
    for (let p = 0; p < n; p++) ink[p] = data[p * step + step - 1] > 0 ? 1 : 0;
    let bits = bin(VERSION, 8) + bin(width - 1, 12) + bin(height - 1, 12), ref = [];
    for (let y = 0; y < height; y++) { const cur = rowChanges(ink, y, width); bits += rowCode(ref, cur); ref = cur; }
    bits += "0".repeat((8 - bits.length % 8) % 8);
    let bytes = "";
    for (let k = 0; k < bits.length; k += 8) bytes += String.fromCharCode(parseInt(bits.slice(k, k + 8), 2));
    return btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  return { VERSION, MAX_SIDE, encode };
})();
if (typeof module !== "undefined") module.exports = DigitCodec;
