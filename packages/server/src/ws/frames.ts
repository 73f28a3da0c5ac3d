import { CLIENT_FRAME_TYPES, type ClientFrame, ClientFrame as ClientFrameSchema, type ErrorDetailItem, FrameId } from '@confab/protocol';
import type { ValidateFunction } from 'ajv';
import { AppError, detail } from '../errors.js';
import { jsonValidator, toDetails } from '../schema-validator.js';

// One validator per frame type, picked by `type`, so a frame's errors are those of its own schema.
const validators: ReadonlyMap<string, ValidateFunction<ClientFrame>> = new Map(
  ClientFrameSchema.anyOf.map((schema) => [schema.properties.type.const, jsonValidator.compile<ClientFrame>(schema)]),
);
const isFrameId = jsonValidator.compile<string>(FrameId);

/** A frame that could not be accepted, with the id to answer to when one could be read. */
export class FrameError extends AppError {
  constructor(
    readonly frameId: string | null,
    code: AppError['code'],
    message: string,
    details?: ErrorDetailItem[],
  ) {
    super(code, message, details);
  }
}

/** Parses and validates one text frame from a client. Throws FrameError. */
export function parseClientFrame(text: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameError(null, 'malformed_json', 'The frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(null, 'validation_failed', 'A frame is a JSON object with a "type"', [
      detail('', 'must be object', { type: 'object' }),
    ]);
  }
  const type = (value as { type?: unknown }).type;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (validate === undefined) {
    const known = CLIENT_FRAME_TYPES.join(', ');
    throw new FrameError(readFrameId(value), 'unknown_frame', `Unknown frame type: the types are ${known}`, [
      detail('/type', `must be one of ${known}`, { allowedValues: CLIENT_FRAME_TYPES }),
    ]);
  }
  if (!validate(value)) {
    const details = toDetails(validate.errors ?? [], '');
    throw new FrameError(
      readFrameId(value),
      'validation_failed',
      `Invalid ${type} frame: ${details[0]?.path || 'the frame'} ${details[0]?.message ?? ''}`.trim(),
      details,
    );
  }
  return value;
}

/** The frame's `id` when it is a valid one: an invalid id is not echoed back (it may not even be well-formed text). */
function readFrameId(value: object): string | null {
  const id = (value as { id?: unknown }).id;
  return isFrameId(id) ? id : null;
}
