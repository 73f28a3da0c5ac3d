/**
 * Sending a file while reporting how much of it has gone. `fetch` cannot tell in browsers (and
 * Chromium streams a request body only over HTTP/2), so a browser sends it with XMLHttpRequest,
 * whose `upload.onprogress` can; a platform without XMLHttpRequest (Node) streams the multipart
 * body through fetch and counts the bytes as fetch reads them. Either way the answer comes back
 * as a fetch `Response`, so the transport reads it (and its errors) like any other.
 */

/** Bytes of the request body sent so far, of `total`. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  /** The name to give the file; default the browser `File`'s own, else "file". */
  filename?: string;
  /** The same as `filename` (the spelling); `filename` wins when both are given. */
  name?: string;
  /**
   * The conversation the file is for. When it is end-to-end encrypted, `client.upload` encrypts
   * the bytes here and uploads only the ciphertext, keeping the key to send with
   * `sendMessage(…, { attachmentIds })` (docs/encryption.md); otherwise the upload is as without it.
   */
  conversationId?: string;
  /** Called as the body goes out (often, not once per byte); the last call has `loaded === total`. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting rejects the upload with the signal's reason (an `AbortError` by default). */
  signal?: AbortSignal;
}

/** The request a transfer makes: the transport has already added authorization. */
export interface TransferRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** The transport's fetch, for a platform without XMLHttpRequest. */
  fetch: typeof fetch;
}

/** A way to send one multipart file upload, answering a fetch Response. */
export type Transfer = (request: TransferRequest) => Promise<Response>;

/** The transfer for a file part named `field`: XHR where there is one, else a counted fetch stream. */
export function progressTransfer(field: string, file: Blob, filename: string, onProgress: (p: UploadProgress) => void): Transfer {
  const XHR = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (XHR) {
    return (request) => {
      const form = new FormData();
      form.append(field, file, filename);
      return sendWithXhr(XHR, request, form, onProgress);
    };
  }
  return (request) => sendCountedStream(request, field, file, filename, onProgress);
}

function sendWithXhr(
  XHR: typeof XMLHttpRequest,
  request: TransferRequest,
  form: FormData,
  onProgress: (p: UploadProgress) => void,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) return reject(abortReason(signal));
    const xhr = new XHR();
    xhr.open(request.method, request.url.toString());
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      // A 204 (or 1xx/304) Response may not have a body.
      const body = xhr.status === 204 || xhr.status === 304 ? null : xhr.responseText;
      resolve(new Response(body, { status: xhr.status, statusText: xhr.statusText, headers: parseHeaders(xhr.getAllResponseHeaders()) }));
    };
    xhr.onerror = () => {
      done();
      reject(new TypeError('The upload failed: the connection was lost or refused'));
    };
    xhr.onabort = () => {
      done();
      reject(abortReason(signal));
    };
    xhr.send(form);
  });
}

/** `getAllResponseHeaders()` text ("name: value\r\n" lines) as Headers. */
function parseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * The multipart body framed by hand around the file (a Blob of Blobs: the file is read as it is
 * sent, never copied whole), so its exact length is known before the first byte goes.
 */
function sendCountedStream(
  request: TransferRequest,
  field: string,
  file: Blob,
  filename: string,
  onProgress: (p: UploadProgress) => void,
): Promise<Response> {
  const boundary = `confab-${globalThis.crypto.randomUUID()}`;
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${quoted(field)}"; filename="${quoted(filename)}"\r\n` +
    `Content-Type: ${file.type || 'application/octet-stream'}\r\n\r\n`;
  const whole = new Blob([head, file, `\r\n--${boundary}--\r\n`]);
  const total = whole.size;
  let loaded = 0;
  const counted = whole.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        loaded += chunk.byteLength;
        onProgress({ loaded, total });
      },
    }),
  );
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers: { ...request.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: counted,
    // Required by fetch for a streamed request body.
    duplex: 'half',
    ...(request.signal ? { signal: request.signal } : {}),
  };
  return request.fetch(request.url, init);
}

/** A name inside a quoted header parameter, escaped as browsers do (the HTML form encoding). */
function quoted(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The upload was aborted', 'AbortError');
}
