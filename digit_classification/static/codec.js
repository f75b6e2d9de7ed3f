// DigitCodec: a drawing's ink as compact URL-safe text (format version 2, described in nbs/02_codec.ipynb).
// Browser: <script src="codec.js"></script> then DigitCodec.encode(ctx.getImageData(0, 0, w, h).data, w, h).
// Node: const DigitCodec = require("./codec.js").
var DigitCodec = (function () {
  "use strict";
  const VERSION = 2, MAX_SIDE = 2048, DMAX = 9;   // DMAX: the longest step of a chain from one row to the next

  // Columns 0..w where the colour differs from the pixel to the left (non-ink beyond the edges)
  function rowChanges(ink, y, w) {
    const out = [];
    for (let x = 0, before = 0; x <= w; x++) {
      const c = x < w ? ink[y * w + x] : 0;
      if (c !== before) { out.push(x); before = c; }
    }
    return out;
  }

  // The chains of changes down the rows, [first row, first column, steps], by version 1's rules (delete, insert, vertical)
  function chains(ink, w, h) {
    const out = []; let ref = [], owner = [];
    for (let y = 0; y < h; y++) {
      const cur = rowChanges(ink, y, w), next = [];
      let i = 0, j = 0;
      while (i < cur.length || j < ref.length) {
        if (j + 1 < ref.length && (i === cur.length || ref[j + 1] < cur[i])) j += 2;
        else if (i + 1 < cur.length && (j === ref.length || cur[i + 1] < ref[j])) {
          next.push(out.length, out.length + 1); out.push([y, cur[i], []], [y, cur[i + 1], []]); i += 2;
        } else {
          const d = cur[i] - ref[j];
          if (Math.abs(d) <= DMAX) { out[owner[j]][2].push(d); next.push(owner[j]); }
          else { next.push(out.length); out.push([y, cur[i], []]); }
          i += 1; j += 1;
        }
      }
      ref = cur; owner = next;
    }
    return out;
  }

  const leb128 = n => { const b = []; do { b.push((n & 127) | (n > 127 ? 128 : 0)); n = Math.floor(n / 128); } while (n); return b; };
  // Bytes of numbers below 2**bits (2 or 4), 8 / bits to a byte, the first in the high bits, zero-padded
  function small(v, bits) {
    const k = 8 / bits, out = new Array(Math.ceil(v.length / k)).fill(0);
    v.forEach((x, i) => { out[Math.floor(i / k)] |= x << (8 - bits * (i % k + 1)); });
    return out;
  }

  // `data`: RGBA bytes (ink where alpha > 0) or one 0/1 (or boolean) per pixel, row by row
  function encode(data, width, height) {
    const ok = n => Number.isInteger(n) && n >= 1 && n <= MAX_SIDE;
    if (!ok(width) || !ok(height)) throw new RangeError(`width and height must be integers in 1..${MAX_SIDE}`);
    const n = width * height, step = data.length === 4 * n ? 4 : data.length === n ? 1 : 0;
    if (!step) throw new RangeError(`expected ${n} or ${4 * n} values for a ${width}×${height} canvas, got ${data.length}`);
    const ink = new Uint8Array(n);
    for (let p = 0; p < n; p++) ink[p] = data[p * step + step - 1] > 0 ? 1 : 0;
    const ch = chains(ink, width, height), table = [], codes = [], esc = [];
    for (const [y, x, steps] of ch) {
      table.push(y, x, steps.length); codes.push(0);
      for (const d of steps) {
        codes.push(d === 0 ? 0 : d === 1 ? 1 : d === -1 ? 2 : 3);
        if (Math.abs(d) > 1) esc.push(2 * (Math.abs(d) - 2) + (d < 0 ? 1 : 0));
      }
    }
    const w1 = width - 1, h1 = height - 1;
    const bytes = [VERSION, w1 >> 4, ((w1 & 15) << 4) | (h1 >> 8), h1 & 255, ...leb128(ch.length), ...leb128(esc.length),
      ...table.map(t => t & 255), ...small(table.map(t => t >> 8), 4), ...small(codes, 2), ...small(esc, 4)];
    let s = "";
    for (let k = 0; k < bytes.length; k += 8192) s += String.fromCharCode(...bytes.slice(k, k + 8192));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  return { VERSION, MAX_SIDE, encode };
})();
if (typeof module !== "undefined") module.exports = DigitCodec;
