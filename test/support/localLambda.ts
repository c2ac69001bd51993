import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import { Emitter } from '../../src/shared/events';
import type { LocalLambdaSource, LocalLambdaState } from '../../src/workbench/localLambda/host';
import type { LocalLambdaInfo } from '../../src/workbench/localLambda/process';

/**
 * The extension's view of the Local Lambda (state, start) over a server running in this
 * process, so unit tests reach it over HTTP with the real SDK without a child process.
 */
export class InProcessLocalLambda implements LocalLambdaSource {
  state: LocalLambdaState = 'stopped';
  info: LocalLambdaInfo | undefined;
  error: string | undefined;
  startCalls = 0;
  private readonly changed = new Emitter<LocalLambdaState>();
  readonly onDidChangeState = this.changed.event;

  constructor(private readonly server: LocalLambda) {}

  async ensureStarted(): Promise<LocalLambdaInfo> {
    this.startCalls++;
    if (this.state === 'running' && this.info) return this.info;
    const { endpoint, region, accountId, credentials } = this.server;
    this.info = { endpoint, region, accountId, credentials };
    this.state = 'running';
    this.changed.fire('running');
    return this.info;
  }

  /** As when the process ends: the connection's lifetime ends with it. */
  stop(): void {
    this.state = 'stopped';
    this.info = undefined;
    this.changed.fire('stopped');
  }

  resetFailure(): void {}
}

export interface TestLocalLambda {
  server: LocalLambda;
  /** The folder it serves (functions of a template there are created at start). */
  dir: string;
  close(): Promise<void>;
}

/** Starts a Local Lambda in this process on a free port, with its data in a temporary folder. */
export async function startTestLocalLambda(dir?: string): Promise<TestLocalLambda> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-unit-local-'));
  const served = dir ?? path.join(scratch, 'workspace');
  fs.mkdirSync(served, { recursive: true });
  const server = await startLocalLambda({ dir: served, dataDir: path.join(scratch, 'data'), port: 0 });
  return {
    server,
    dir: served,
    async close() {
      await server.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
