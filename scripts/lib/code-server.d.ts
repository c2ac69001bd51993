import type { Browser } from 'playwright-core';

export interface LaunchOptions {
  /** Folder opened by default; examples/ when omitted. */
  workspace?: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Extra environment for code-server and, through it, the extension host. */
  env?: Record<string, string>;
  /** Folder for user data and extensions; a temporary one (removed by stop()) when omitted. */
  stateDir?: string;
  /** Print code-server's own output as it arrives. */
  verbose?: boolean;
  /** Workspace Trust on, the folder untrusted (Restricted Mode); default off, as for a trusted folder. */
  workspaceTrust?: boolean;
  /** Kill code-server and exit on SIGINT/SIGTERM (default true); turn off to handle signals yourself. */
  exitOnSignal?: boolean;
}

export interface WorkbenchUrlOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

export interface CodeServer {
  port: number;
  baseUrl: string;
  userDataDir: string;
  /** code-server's stdout and stderr lines so far. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  workbenchUrl(options?: WorkbenchUrlOptions): string;
  /** Ends code-server's whole process group and removes its temporary state. */
  stop(): Promise<void>;
}

export const HOST: string;
/** The path handed to the workbench for an extension under development (a link in `stateDir` when the built-in themes lie below it). */
export function developmentPath(stateDir: string, extensionPath: string): string;
export function freePort(): Promise<number>;
export function isPortFree(port: number): Promise<boolean>;
export function launchCodeServer(options?: LaunchOptions): Promise<CodeServer>;
export function launchChromium(): Promise<Browser>;
export function remoteUri(port: number, absPath: string): string;
export function sleep(ms: number): Promise<void>;
