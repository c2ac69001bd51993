import type { Schema } from '../../workbench/panel/validate';
import type { AliasesOp } from './protocol';

const name = { type: 'string', minLength: 1, maxLength: 128 } as const;
const version = { type: 'string', minLength: 1, maxLength: 32 } as const;
const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
const description = { type: 'string', maxLength: 1024 } as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
const revisionId = { type: 'string', maxLength: 128 } as const;

const op = (value: string) => ({ type: 'string', const: value }) as const;

const change = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      properties: { kind: op('shift'), alias: name, version, percent },
      required: ['kind', 'alias', 'version', 'percent'],
      additionalProperties: false,
    },
    { type: 'object', properties: { kind: op('promote'), alias: name }, required: ['kind', 'alias'], additionalProperties: false },
    { type: 'object', properties: { kind: op('rollBack'), alias: name }, required: ['kind', 'alias'], additionalProperties: false },
    ...(['create', 'edit'] as const).map((kind) => ({
      type: 'object',
      properties: { kind: op(kind), alias: name, primary: version, extraVersion: version, percent, description },
      required: ['kind', 'alias', 'primary'],
      additionalProperties: false,
    })),
  ],
  required: ['kind'],
} as const;

const rollout = {
  type: 'object',
  properties: {
    alias: name,
    toVersion: version,
    plan: { type: 'string', enum: ['preset', 'linear', 'custom'] },
    percents: { type: 'array', items: percent, maxItems: 100 },
    linearSteps: { type: 'integer', minimum: 1, maximum: 100 },
    intervalMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 1440 },
    maxErrorPercent: { type: 'number', minimum: 0, maximum: 100 },
    minInvocations: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    testInvocations: { type: 'integer', minimum: 0, maximum: 20 },
  },
  required: ['alias', 'toVersion', 'plan', 'intervalMinutes', 'maxErrorPercent', 'minInvocations', 'testInvocations'],
  additionalProperties: false,
} as const;

/** Every action the webview may ask for; anything else is rejected before it is acted on. */
export const aliasesOpSchema = {
  type: 'object',
  oneOf: [
    { type: 'object', properties: { op: op('refresh') }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: op('preview'), change }, required: ['op', 'change'], additionalProperties: false },
    { type: 'object', properties: { op: op('apply'), change, revisionId }, required: ['op', 'change'], additionalProperties: false },
    { type: 'object', properties: { op: op('publish'), description: { type: 'string', maxLength: 256 } }, required: ['op', 'description'], additionalProperties: false },
    { type: 'object', properties: { op: op('deleteAlias'), alias: name, revisionId }, required: ['op', 'alias'], additionalProperties: false },
    { type: 'object', properties: { op: op('previewRollout'), rollout }, required: ['op', 'rollout'], additionalProperties: false },
    { type: 'object', properties: { op: op('startRollout'), rollout }, required: ['op', 'rollout'], additionalProperties: false },
    { type: 'object', properties: { op: op('pauseRollout'), id }, required: ['op', 'id'], additionalProperties: false },
    { type: 'object', properties: { op: op('resumeRollout'), id }, required: ['op', 'id'], additionalProperties: false },
    { type: 'object', properties: { op: op('stopRollout'), id, mode: { type: 'string', enum: ['keep', 'rollBack'] } }, required: ['op', 'id', 'mode'], additionalProperties: false },
  ],
  required: ['op'],
} as unknown as Schema<AliasesOp>;
