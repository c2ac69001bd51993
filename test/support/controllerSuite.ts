/**
 * The lifecycle every tab controller suite shares: one in-process Local Lambda and an SDK client
 * on it for the suite, a fresh FakeWorkbench per test, and the test's controllers and workbench
 * disposed after it. Call inside describe(); a suite's own hooks run after these.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { IDisposable } from '../../src/shared/lifecycle';
import { FakeWorkbench } from './fakeTabHost';
import { startTestLocalLambda, type TestLocalLambda } from './localLambda';

export interface ControllerSuite {
  readonly local: TestLocalLambda;
  readonly client: LambdaClient;
  readonly workbench: FakeWorkbench;
  /** Keeps `controller` to be disposed after the test; returns it. */
  track<T extends IDisposable>(controller: T): T;
}

export function useControllerSuite(): ControllerSuite {
  let local: TestLocalLambda | undefined;
  let client: LambdaClient | undefined;
  let workbench: FakeWorkbench | undefined;
  const controllers: IDisposable[] = [];
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only there inside the suite's tests`);
    return value;
  };

  before(async () => {
    local = await startTestLocalLambda();
    client = new LambdaClient({ endpoint: local.server.endpoint, region: local.server.region, credentials: local.server.credentials });
  });
  beforeEach(() => {
    workbench = new FakeWorkbench(ready(local, 'The Local Lambda').server);
  });
  afterEach(() => {
    for (const c of controllers.splice(0)) c.dispose();
    workbench?.dispose();
  });
  after(async () => {
    client?.destroy();
    await local?.close();
  });

  return {
    get local() { return ready(local, 'The Local Lambda'); },
    get client() { return ready(client, 'The client'); },
    get workbench() { return ready(workbench, 'The workbench'); },
    track(controller) {
      controllers.push(controller);
      return controller;
    },
  };
}
