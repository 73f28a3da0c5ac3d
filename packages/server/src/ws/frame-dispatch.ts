import type { RawData } from 'ws';
import { heldView } from '../services/views.js';
import { CLOSE_CODES, type ClientFrame } from '@confab/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { AppError, detail, toErrorBody } from '../errors.js';
import type { MessageLifecycle } from '../services/messaging/message-lifecycle.js';
import type { MessageService } from '../services/messaging/message-service.js';
import { RateLimited, type RateLimitService } from '../services/rate-limits.js';
import type { TypingService } from '../services/messaging/typing-service.js';
import type { Connection } from './connection.js';
import { FrameError, parseClientFrame } from './frames.js';

export interface FrameDispatchDeps {
  config: Config;
  messages: MessageService;
  lifecycle: MessageLifecycle;
  typing: TypingService;
  rateLimits: RateLimitService;
  logger: Logger;
  metrics: Pick<Metrics, 'sendAckSeconds'>;
}

/**
 * Client frames: each is parsed and validated, then turned into the same service call as its
 * REST twin (same permission checks, same errors), and answered with `ack` or `error`.
 */
export class FrameDispatch {
  constructor(private readonly deps: FrameDispatchDeps) {}

  async handle(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let frame: ClientFrame;
    try {
      // Counted before anything else, so a flood of malformed or oversized frames is limited too.
      await this.deps.rateLimits.consume('wsFrameSocket', connection.id, { userId: connection.userId });
    } catch (error) {
      return this.refuse(connection, data, isBinary, error);
    }
    try {
      if (isBinary) throw new FrameError(null, 'validation_failed', 'Send JSON text frames');
      const limit = this.deps.config.wsMaxFrameBytes;
      if (rawSize(data) > limit) {
        throw new FrameError(null, 'payload_too_large', `Frames are limited to ${limit} bytes`, [
          detail('', `must be at most ${limit} bytes`, { limit }),
        ]);
      }
      frame = parseClientFrame(rawText(data));
    } catch (error) {
      return sendError(connection, error instanceof FrameError ? error.frameId : null, error);
    }
    try {
      await this.run(connection, frame);
      connection.limitedInARow = 0;
    } catch (error) {
      if (!(error instanceof AppError)) this.deps.logger.error({ err: error }, 'frame handler failed');
      if (error instanceof RateLimited) this.countRefusal(connection);
      sendError(connection, 'id' in frame && frame.id !== undefined ? frame.id : null, error);
    }
  }

  /** The socket's frame limit refused this one: an error frame (with its id when it has a valid one), or 1008 for a flood. */
  private refuse(connection: Connection, data: RawData, isBinary: boolean, error: unknown): void {
    if (!(error instanceof RateLimited)) {
      this.deps.logger.error({ err: error }, 'frame limit failed');
      return sendError(connection, null, error);
    }
    if (this.countRefusal(connection)) return;
    let id: string | null = null;
    try {
      const frame = isBinary || rawSize(data) > this.deps.config.wsMaxFrameBytes ? undefined : parseClientFrame(rawText(data));
      if (frame && 'id' in frame && frame.id !== undefined) id = frame.id;
    } catch {
      // Not a valid frame: the error goes without an id.
    }
    sendError(connection, id, error);
  }

  /** One more refusal in a row; true when the socket was closed for flooding (1008). */
  private countRefusal(connection: Connection): boolean {
    connection.limitedInARow += 1;
    if (connection.limitedInARow <= this.deps.config.rateLimits.wsFloodCloseAfter) return false;
    connection.socket.close(CLOSE_CODES.policyViolation, 'rate_limited');
    return true;
  }

  private async run(connection: Connection, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'message.send': {
        const acked = this.deps.metrics.sendAckSeconds.startTimer();
        const { type: _type, id: _id, conversationId, ...input } = frame;
        const sent = await this.deps.messages.sendOrHold(connection.userId, conversationId, input);
        connection.send(
          'held' in sent ? { type: 'ack', id: frame.id, held: heldView(sent.held) } : { type: 'ack', id: frame.id, message: sent.message },
        );
        acked();
        return;
      }
      case 'message.edit': {
        const { message } = await this.deps.lifecycle.edit(connection.userId, frame.messageId, frame.body);
        connection.send({ type: 'ack', id: frame.id, message });
        return;
      }
      case 'message.delete': {
        const message = await this.deps.lifecycle.delete(connection.userId, frame.messageId);
        connection.send({ type: 'ack', id: frame.id, message });
        return;
      }
      case 'reaction.add':
      case 'reaction.remove': {
        const { message } = await this.deps.lifecycle.react(connection.userId, frame.messageId, frame.emoji, frame.type === 'reaction.add');
        connection.send({ type: 'ack', id: frame.id, message });
        return;
      }
      case 'ping':
        connection.send(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id });
        return;
      case 'typing':
        await this.deps.typing.setTyping(connection.userId, frame.conversationId, frame.typing);
        if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id });
        return;
      case 'delivered':
        await this.deps.messages.markDelivered(connection.userId, frame.conversationId, frame.seq);
        if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id });
        return;
      case 'read': {
        const marker = await this.deps.messages.markRead(connection.userId, frame.conversationId, frame.seq);
        if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id, readSeq: marker.readSeq });
        return;
      }
    }
  }
}

function sendError(connection: Connection, id: string | null, error: unknown): void {
  connection.send({ type: 'error', id, error: toErrorBody(error).body });
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as Buffer).toString('utf8');
}
