import type { Server } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { AuthService } from '../services/auth-service.js';
import type { ConversationService } from '../services/conversation-service.js';
import type { MessageService } from '../services/message-service.js';
import type { TokenService } from '../services/token-service.js';
import type { UserService } from '../services/user-service.js';
import type { Store } from '../store/store.js';

/** What routes get: the services (never the store directly, except for health). */
export interface Services {
  config: Config;
  store: Store;
  tokens: TokenService;
  auth: AuthService;
  users: UserService;
  conversations: ConversationService;
  messages: MessageService;
}

export type RoutePlugin = FastifyPluginAsync<Services, Server, TypeBoxTypeProvider>;
