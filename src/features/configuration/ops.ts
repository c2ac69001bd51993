import type { Schema } from '../../workbench/panel/validate';
import { SETTING_FIELD_IDS, type ConfigurationOp } from './protocol';

/** `.env` text (pasted or imported) larger than this is not an environment file. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

const rowId = { type: 'integer', minimum: 0 } as const;
/** Every edit the webview may ask for; anything else is rejected before it is acted on. */
export const opSchema: Schema<ConfigurationOp> = {
  type: 'object',
  oneOf: [
    { type: 'object', properties: { op: { type: 'string', const: 'addRow' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'removeRow' }, id: rowId }, required: ['op', 'id'], additionalProperties: false },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'setKey' }, id: rowId, key: { type: 'string', maxLength: 4096 } },
      required: ['op', 'id', 'key'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'setValue' }, id: rowId, value: { type: 'string', maxLength: 65536 } },
      required: ['op', 'id', 'value'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'moveRow' }, id: rowId, to: { type: 'integer', minimum: 0 } },
      required: ['op', 'id', 'to'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'reveal' }, id: rowId, revealed: { type: 'boolean' } },
      required: ['op', 'id', 'revealed'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'paste' }, text: { type: 'string', maxLength: MAX_IMPORT_BYTES } },
      required: ['op', 'text'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'importFile' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'exportFile' } }, required: ['op'], additionalProperties: false },
    {
      type: 'object',
      properties: {
        op: { type: 'string', const: 'setSetting' },
        field: { type: 'string', enum: [...SETTING_FIELD_IDS] },
        value: { type: 'string', maxLength: 4096 },
      },
      required: ['op', 'field', 'value'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'save' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'merge' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'reload' } }, required: ['op'], additionalProperties: false },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'takeRemote' }, item: { type: 'string', maxLength: 300 } },
      required: ['op', 'item'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'copy' }, item: { type: 'string', maxLength: 100 } },
      required: ['op', 'item'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'editLatest' } }, required: ['op'], additionalProperties: false },
  ],
  required: ['op'],
} as Schema<ConfigurationOp>;

