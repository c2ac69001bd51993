import type { CanaryPort } from './deployer';

/** The traffic operations a canary is made of (the traffic tab's commands in the extension). */
export interface TrafficOps {
  publish(functionName: string, description: string): Promise<string>;
  /** The alias's main version, or undefined when there is no such alias. */
  aliasPrimary(functionName: string, alias: string): Promise<string | undefined>;
  /** Published version numbers. */
  versions(functionName: string): Promise<string[]>;
  shift(functionName: string, alias: string, version: string, percent: number): Promise<void>;
  createAlias(functionName: string, alias: string, primary: string, extra?: { version: string; percent: number }): Promise<void>;
  startRollout?(functionName: string, alias: string, version: string): Promise<void>;
}

/**
 * A canary over the traffic operations: an existing alias keeps its main version and sends
 * `percent` to the new one; a new alias starts on the newest earlier version with the same split,
 * or, when there is no earlier version, on the new version alone (and says so).
 */
export function canaryPort(ops: TrafficOps): CanaryPort {
  return {
    publish: (fn, description) => ops.publish(fn, description),
    async route(fn, alias, version, percent) {
      const primary = await ops.aliasPrimary(fn, alias);
      if (primary !== undefined && primary !== version) {
        await ops.shift(fn, alias, version, percent);
        return `${alias}: ${100 - percent} % version ${primary}, ${percent} % version ${version}`;
      }
      if (primary === version) return `${alias} already points to version ${version}`;
      const earlier = (await ops.versions(fn)).filter((v) => /^[0-9]+$/.test(v) && Number(v) < Number(version)).sort((a, b) => Number(b) - Number(a))[0];
      if (earlier && percent > 0 && percent < 100) {
        await ops.createAlias(fn, alias, earlier, { version, percent });
        return `new alias ${alias}: ${100 - percent} % version ${earlier}, ${percent} % version ${version}`;
      }
      await ops.createAlias(fn, alias, version);
      return `new alias ${alias}: 100 % version ${version} (there is no earlier version to keep the rest of the traffic on)`;
    },
    startRollout: ops.startRollout
      ? async (fn, alias, version) => {
          await ops.startRollout!(fn, alias, version);
          return `gradual rollout of ${alias} to version ${version} started`;
        }
      : undefined,
  };
}
