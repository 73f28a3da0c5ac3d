import { CLIENT_FRAME_TYPES, type ClientFrame, ClientFrame as ClientFrameSchema } from '@confab/protocol';
import Compile from 'typebox/compile';
import { AppError } from '../errors.js';

const validator = Compile(ClientFrameSchema);
const knownTypes: ReadonlySet<string> = new Set(CLIENT_FRAME_TYPES);

/** A frame that could not be accepted, with the id to answer to when one could be read. */
export class FrameError extends AppError {
  constructor(
    readonly frameId: string | null,
    code: AppError['code'],
    message: string,
    details?: unknown,
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
  const frameId = readFrameId(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(frameId, 'validation_failed', 'A frame is a JSON object with a "type"');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    throw new FrameError(frameId, 'unknown_frame', `Unknown frame type ${JSON.stringify(type ?? null)}`, {
      known: CLIENT_FRAME_TYPES,
    });
  }
  if (!validator.Check(value)) {
    const details = validator.Errors(value).slice(0, 5).map((e) => ({ path: e.instancePath, message: e.message }));
    throw new FrameError(frameId, 'validation_failed', `Invalid ${type} frame`, details);
  }
  return value;
}

function readFrameId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}
