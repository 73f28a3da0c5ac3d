import type { AuthResponse, ErrorResponse } from '@confab/protocol';
import { ApiError } from './errors.js';
import type { Transfer } from './upload-transfer.js';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface HttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  tokens?: Tokens;
  /** Called whenever the tokens change (sign-in, refresh, sign-out), e.g. to persist them. */
  onTokens?: (tokens: Tokens | null) => void;
}

type Query = Record<string, string | number | boolean | undefined>;
/** `body` is sent as JSON, `form` as multipart/form-data; `transfer` sends instead of fetch (an upload reporting progress). */
type RequestOptions = {
  body?: unknown;
  form?: FormData;
  query?: Query;
  headers?: Record<string, string> | undefined;
  transfer?: Transfer;
  signal?: AbortSignal | undefined;
};

/** Typed JSON over fetch, with the access token attached and refreshed once on expiry. */
export class HttpTransport {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private tokens: Tokens | null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.tokens = options.tokens ?? null;
  }

  get currentTokens(): Tokens | null {
    return this.tokens;
  }

  setTokens(tokens: Tokens | null): void {
    this.tokens = tokens;
    this.options.onTokens?.(tokens);
  }

  adopt(response: AuthResponse): AuthResponse {
    this.setTokens({ accessToken: response.accessToken, refreshToken: response.refreshToken });
    return response;
  }

  async request<T>(method: string, path: string, options: RequestOptions & { auth?: boolean } = {}): Promise<T> {
    const auth = options.auth ?? true;
    const response = await this.send(method, path, options, auth);
    if (response.status === 401 && auth && this.tokens) {
      const error = await readError(response);
      if (error.code !== 'token_expired') throw error;
      await this.refreshTokens();
      return this.parse<T>(await this.send(method, path, options, auth));
    }
    return this.parse<T>(response);
  }

  /** An authenticated request whose answer is not JSON (a file): the Response, once it is a success; an error answer throws ApiError. */
  async fetchRaw(method: string, path: string, headers?: Record<string, string>): Promise<Response> {
    let response = await this.send(method, path, { headers }, true);
    if (response.status === 401 && this.tokens) {
      const error = await readError(response);
      if (error.code !== 'token_expired') throw error;
      await this.refreshTokens();
      response = await this.send(method, path, { headers }, true);
    }
    if (!response.ok) throw await readError(response);
    return response;
  }

  /** Trades the refresh token for a new pair; concurrent callers share one refresh. */
  refreshTokens(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.tokens?.refreshToken;
        if (!refreshToken) throw new ApiError(401, 'unauthenticated', 'Not signed in');
        const response = await this.send('POST', '/api/v1/auth/refresh', { body: { refreshToken } }, false);
        this.adopt(await this.parse<AuthResponse>(response));
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async send(method: string, path: string, options: RequestOptions, auth: boolean): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    // A form sets its own multipart Content-Type, boundary included.
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.tokens) headers['authorization'] = `Bearer ${this.tokens.accessToken}`;
    const { signal } = options;
    try {
      if (options.transfer) return await options.transfer({ url, method, headers, signal, fetch: this.fetchImpl });
      return await this.fetchImpl(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.form === undefined ? {} : { body: options.form }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      // Aborting is the caller's choice, not a network failure: it gets its own reason back.
      if (signal?.aborted) throw signal.reason;
      throw new ApiError(0, 'network_error', `Could not reach ${this.baseUrl}: ${(error as Error).message}`);
    }
  }

  private async parse<T>(response: Response): Promise<T> {
    if (!response.ok) throw await readError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

async function readError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as ErrorResponse;
    const retryAfter = Number(response.headers.get('retry-after'));
    const retryAfterMs = body.error.retryAfterMs ?? (retryAfter > 0 ? retryAfter * 1000 : undefined);
    return new ApiError(
      response.status,
      body.error.code,
      body.error.message,
      body.error.details,
      retryAfterMs,
      body.error.draft,
      body.error.epoch,
    );
  } catch {
    return new ApiError(response.status, 'internal', `HTTP ${response.status}`);
  }
}
