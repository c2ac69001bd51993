import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A tiny npm registry on 127.0.0.1 for tests that must not need the network: it serves a
 * packument and a tarball for each package folder it is given (the tarball is made here, in
 * memory, from the folder), answers 404 for any other package, and records what was asked.
 */

export interface TestRegistry {
  url: string;
  /** Paths requested, in order (decoded). */
  requests: string[];
  /** Packages whose tarball was downloaded. */
  downloads: string[];
  close(): Promise<void>;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header block for a regular file. */
function tarHeader(name: string, size: number, mode: number): Buffer {
  const header = Buffer.alloc(512, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  header.write(base, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii');
  header.write(octal(0, 8), 116, 8, 'ascii');
  header.write(octal(size, 12), 124, 12, 'ascii');
  header.write(octal(1_000_000_000, 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return header;
}

function filesBelow(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesBelow(dir, r) : [r];
  });
}

/** A gzipped tarball of a package folder, entries under `package/` as npm packs them. */
export function packFolder(dir: string): Buffer {
  const blocks: Buffer[] = [];
  for (const rel of filesBelow(dir)) {
    const file = path.join(dir, rel);
    const data = fs.readFileSync(file);
    const executable = (fs.statSync(file).mode & 0o111) !== 0;
    blocks.push(tarHeader(`package/${rel}`, data.length, executable ? 0o755 : 0o644), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
}

/** Serves the package folders in `packageDirs` (each with a package.json). */
export async function startTestRegistry(packageDirs: string[]): Promise<TestRegistry> {
  const packages = new Map<string, Published>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Published['manifest'];
    packages.set(manifest.name, { manifest, tarball: packFolder(dir) });
  }
  const requests: string[] = [];
  const downloads: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(urlPath);
    const tarballMatch = /^\/(.+)\/-\/[^/]+\.tgz$/.exec(urlPath);
    if (tarballMatch) {
      const pkg = packages.get(tarballMatch[1]);
      if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      downloads.push(pkg.manifest.name);
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': pkg.tarball.length }).end(pkg.tarball);
    }
    const name = urlPath.slice(1);
    const pkg = packages.get(name);
    if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    const { manifest, tarball } = pkg;
    const file = `${name.split('/').pop()}-${manifest.version}.tgz`;
    const version = {
      ...manifest,
      _id: `${name}@${manifest.version}`,
      dist: {
        tarball: `${base}/${name}/-/${file}`,
        shasum: createHash('sha1').update(tarball).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      },
    };
    const packument = {
      _id: name,
      name,
      'dist-tags': { latest: manifest.version },
      versions: { [manifest.version]: version },
      time: { [manifest.version]: '2024-01-01T00:00:00.000Z' },
    };
    const body = JSON.stringify(packument);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requests,
    downloads,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * An environment that points npm at `registry` only: a fresh HOME (with its own .npmrc), a fresh
 * npm cache and a fresh LAMBDA_WORKBENCH_CACHE, none of the caller's npm settings.
 */
export function npmTestEnv(registry: string, root: string): NodeJS.ProcessEnv {
  const home = path.join(root, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, '.npmrc'), `registry=${registry}\nfund=false\naudit=false\nupdate-notifier=false\n`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== 'LAMBDA_WORKBENCH_CACHE' && k !== 'XDG_CACHE_HOME') env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    npm_config_registry: registry,
    npm_config_cache: path.join(root, 'npm-cache'),
    npm_config_userconfig: path.join(home, '.npmrc'),
    npm_config_prefer_online: 'true',
    npm_config_fetch_retries: '0',
    LAMBDA_WORKBENCH_CACHE: path.join(root, 'lw-cache'),
  };
}
