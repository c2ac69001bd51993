import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export type FileChange = { rel: string; change: 'modified' | 'onlyLocal' | 'onlyDeployed' };

/** Files that differ between the local folder and the deployed code (by content), sorted by path. */
export function diffFileSets(local: ReadonlyMap<string, string>, deployed: ReadonlyMap<string, string>): FileChange[] {
  const changes: FileChange[] = [];
  for (const [rel, hash] of local) {
    const other = deployed.get(rel);
    if (other === undefined) changes.push({ rel, change: 'onlyLocal' });
    else if (other !== hash) changes.push({ rel, change: 'modified' });
  }
  for (const rel of deployed.keys()) if (!local.has(rel)) changes.push({ rel, change: 'onlyDeployed' });
  return changes.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Content hashes of the given files under `root`. */
export async function hashFiles(root: string, rels: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of rels) {
    const data = await fs.readFile(path.join(root, ...rel.split('/')));
    out.set(rel, createHash('sha256').update(data).digest('hex'));
  }
  return out;
}
