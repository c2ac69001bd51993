/**
 * The lines the Local Lambda writes into a function's log stream for asynchronous (Event)
 * invocations: which attempt a run is, just after its START line, and which destination got
 * the invocation record. Written by the Local Lambda, read by the log views.
 *
 *   ASYNC RequestId: <id> Attempt: 2 of 3
 *   DESTINATION RequestId: <id> OnFailure: <arn> Condition: RetriesExhausted
 */

export type DestinationKind = 'OnSuccess' | 'OnFailure';
export type AsyncCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface AsyncAttemptLine {
  kind: 'attempt';
  requestId: string;
  /** 1 for the first run, 2 and 3 for the retries. */
  attempt: number;
  /** Runs allowed: 1 + MaximumRetryAttempts. */
  of: number;
}

export interface DestinationLine {
  kind: 'destination';
  requestId: string;
  destinationKind: DestinationKind;
  destination: string;
  condition: AsyncCondition;
}

export function asyncAttemptLine(requestId: string, attempt: number, of: number): string {
  return `ASYNC RequestId: ${requestId} Attempt: ${attempt} of ${of}`;
}

export function destinationLine(requestId: string, kind: DestinationKind, destination: string, condition: AsyncCondition): string {
  return `DESTINATION RequestId: ${requestId} ${kind}: ${destination} Condition: ${condition}`;
}

/** Longest line either form can make (an ARN is at most 350 characters); longer text is not one of them. */
const MAX_LINE = 600;
const ATTEMPT = /^ASYNC RequestId: (\S{1,128}) Attempt: (\d{1,2}) of (\d{1,2})$/;
const DESTINATION = /^DESTINATION RequestId: (\S{1,128}) (OnSuccess|OnFailure): (\S{1,400}) Condition: (Success|RetriesExhausted|EventAgeExceeded)$/;

/** One of the two lines, read back; undefined for any other line. */
export function parseAsyncLogLine(line: string): AsyncAttemptLine | DestinationLine | undefined {
  const text = line.trimEnd();
  if (text.length > MAX_LINE) return undefined;
  if (text.startsWith('ASYNC ')) {
    const m = ATTEMPT.exec(text);
    return m ? { kind: 'attempt', requestId: m[1], attempt: Number(m[2]), of: Number(m[3]) } : undefined;
  }
  if (text.startsWith('DESTINATION ')) {
    const m = DESTINATION.exec(text);
    return m ? { kind: 'destination', requestId: m[1], destinationKind: m[2] as DestinationKind, destination: m[3], condition: m[4] as AsyncCondition } : undefined;
  }
  return undefined;
}
