/** What the in-editor test entry (test/integration/index.ts) writes when its suite ends. */
export interface TestFailure {
  title: string;
  error: string;
}

export interface TestResult {
  passed: number;
  failed: number;
  pending: number;
  failures: TestFailure[];
  durationMs: number;
}

/** Environment variables through which a runner tells the extension host where to report. */
export const RESULT_FILE_ENV = 'LW_TEST_RESULT_FILE';
export const LOG_FILE_ENV = 'LW_TEST_LOG_FILE';

export function isTestResult(value: unknown): value is TestResult {
  const v = value as Partial<TestResult> | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.passed === 'number' && typeof v.failed === 'number' && Array.isArray(v.failures)
  );
}
