// Renders media/icon.svg to the 128×128 media/icon.png with headless Chromium.
// Chromium doesn't paint windows that small reliably, so the page is rendered in a larger
// window and the top-left 128×128 pixels are cut out of the screenshot.
// Usage: node media/render-icon.mjs [path-to-chromium]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync, crc32 } from 'node:zlib';

const SIZE = 128;
const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.argv[2] ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'icon-'));
try {
  const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
  const html = join(work, 'icon.html');
  const shot = join(work, 'shot.png');
  writeFileSync(html, `<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  execFileSync(chromium, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
    `--user-data-dir=${join(work, 'profile')}`,
    '--default-background-color=00000000', '--window-size=400,400',
    `--screenshot=${shot}`, `file://${html}`,
  ], { stdio: 'ignore', timeout: 60_000 });
  writeFileSync(join(here, 'icon.png'), cropRgbaPng(readFileSync(shot), SIZE, SIZE));
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Cuts the top-left w×h pixels out of an 8-bit RGBA, non-interlaced PNG. */
function cropRgbaPng(png, w, h) {
  let width = 0, height = 0;
  const idat = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0) throw new Error('expected 8-bit RGBA, non-interlaced');
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rows = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < Math.min(h, height); y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? line[x - 4] : 0, b = prev[x], c = x >= 4 ? prev[x - 4] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[x] = (line[x] + predictor) & 0xff;
    }
    rows.push(Buffer.concat([Buffer.from([0]), line.subarray(0, w * 4)]));
    prev = line;
  }
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
