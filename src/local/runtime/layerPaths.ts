import * as path from 'path';

/**
 * Where a function's layers are found, as Lambda lays them out: each layer is unpacked into
 * /opt, and the runtime searches `/opt/nodejs/node<major>/node_modules` and
 * `/opt/nodejs/node_modules` (NODE_PATH), `/opt/python/lib/python3.<minor>/site-packages` and
 * `/opt/python` (Python's path), `/opt/bin` (PATH, after the system's folders) and `/opt/lib`
 * (LD_LIBRARY_PATH, last). Here each layer stays in its own folder, so every one of these
 * becomes one entry per layer; a later layer's files overwrite an earlier one's in /opt, so
 * later layers come first. Pure: paths in, paths out, no file access.
 */

export interface LayerPathEntries {
  NODE_PATH: string[];
  PYTHONPATH: string[];
  /** Appended to PATH. */
  PATH: string[];
  /** Appended to LD_LIBRARY_PATH. */
  LD_LIBRARY_PATH: string[];
}

/** The search paths for `layers` (folders, in the function's order) under `runtime`. */
export function layerPaths(layers: readonly string[], runtime: string): LayerPathEntries {
  const newestFirst = [...layers].reverse();
  const under = (...parts: string[]) => newestFirst.map((layer) => path.join(layer, ...parts));
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  const python = /^python(3\.\d+)$/.exec(runtime);
  return {
    NODE_PATH: node ? [...under('nodejs', `node${node[1]}`, 'node_modules'), ...under('nodejs', 'node_modules')] : [],
    PYTHONPATH: python ? [...under('python', 'lib', `python${python[1]}`, 'site-packages'), ...under('python')] : [],
    PATH: under('bin'),
    LD_LIBRARY_PATH: under('lib'),
  };
}

/**
 * The environment with the layers' paths added. A NODE_PATH or PYTHONPATH the function sets
 * itself replaces the runtime's, as on Lambda, and is left as it is.
 */
export function withLayerPaths(env: NodeJS.ProcessEnv, layers: readonly string[] | undefined, runtime: string): NodeJS.ProcessEnv {
  if (!layers || layers.length === 0) return env;
  const entries = layerPaths(layers, runtime);
  const out: NodeJS.ProcessEnv = { ...env };
  const join = (list: Array<string | undefined>) => list.filter((p): p is string => !!p).join(path.delimiter);
  if (entries.NODE_PATH.length && env.NODE_PATH === undefined) out.NODE_PATH = join(entries.NODE_PATH);
  if (entries.PYTHONPATH.length && env.PYTHONPATH === undefined) out.PYTHONPATH = join(entries.PYTHONPATH);
  out.PATH = join([env.PATH, ...entries.PATH]);
  out.LD_LIBRARY_PATH = join([env.LD_LIBRARY_PATH, ...entries.LD_LIBRARY_PATH]);
  return out;
}
