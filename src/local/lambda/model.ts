/** Persisted shapes of the Local Lambda's functions, versions and aliases. */

import { LOCAL_ACCOUNT_ID as ACCOUNT_ID, LOCAL_REGION as REGION, lambdaFunctionArn } from '../../shared/lambda/arn';
import type { FunctionBuild } from '../types';

export { ACCOUNT_ID, REGION };

/** The part of a function's configuration that a version freezes. */
export interface FunctionSettings {
  runtime: string;
  handler: string;
  role: string;
  memorySize: number;
  timeout: number;
  ephemeralStorage: number;
  description: string;
  environment: Record<string, string>;
  architectures: string[];
  layers: string[];
}

export interface CodeRef {
  /** Absolute folder when `live` (a workspace folder), else relative to the data dir. */
  dir: string;
  live: boolean;
  /** Zip relative to the data dir; absent for live folders (zipped on demand). */
  zip?: string;
  sha256: string;
  size: number;
}

export interface VersionRecord {
  version: string;
  settings: FunctionSettings;
  code: CodeRef;
  /** PublishVersion's description (versions) — $LATEST uses settings.description. */
  versionDescription?: string;
  lastModified: string;
  revisionId: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  weights: Record<string, number>;
  revisionId: string;
}

/** How one qualifier of a function handles asynchronous invocations (PutFunctionEventInvokeConfig). */
export interface EventInvokeConfigRecord {
  /** `$LATEST`, a version number or an alias name. */
  qualifier: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  /** Epoch milliseconds. */
  lastModified: number;
  /** Set when a template gave it; such configs are replaced at every template load. */
  fromTemplate?: boolean;
}

export interface FunctionRecord {
  name: string;
  source: 'upload' | 'template';
  templateFile?: string;
  /** Hash of the settings the template gave at the last load; a change re-applies them. */
  templateHash?: string;
  /** CodeSha256 of the template's code at the last load: code deployed here survives restarts while it stays the same. */
  templateCodeSha256?: string;
  latest: VersionRecord;
  versions: VersionRecord[];
  aliases: AliasRecord[];
  nextVersion: number;
  reservedConcurrency?: number;
  tags: Record<string, string>;
  /** What a user should know about how a template function runs here (layers, image, runtime), from the last load. */
  warnings?: string[];
  /** For a template function: how `sam build` would build it. */
  build?: FunctionBuild;
  /** Asynchronous invocation settings, one per qualifier at most. */
  eventInvokeConfigs?: EventInvokeConfigRecord[];
}

export interface StateFile {
  formatVersion: 1;
  functions: Record<string, FunctionRecord>;
  /** `<template file>#<logical id>` of Version/Alias resources already applied → version or alias name. */
  appliedTemplateResources: Record<string, string>;
}

export function functionArn(name: string, qualifier?: string): string {
  return lambdaFunctionArn({ region: REGION, accountId: ACCOUNT_ID }, name, qualifier);
}

/** `2024-01-01T12:00:00.000+0000`, the form Lambda uses. */
export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
