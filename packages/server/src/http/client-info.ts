import type { FastifyRequest } from 'fastify';
import { sessionClient } from '../services/accounts/session-service.js';
import type { SessionClient } from '../store/store.js';

/** Where a request comes from, as a session records it: its User-Agent and its address (Fastify's `request.ip`). */
export const clientOf = (request: FastifyRequest): SessionClient => sessionClient(request.headers['user-agent'], request.ip);
