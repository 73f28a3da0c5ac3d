import { Socket } from 'node:net';
import { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, helmetHeaders } from './surface.js';

describe('helmetHeaders', () => {
  it('is exactly what helmet itself sets on a real response', () => {
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    response.setHeader('x-powered-by', 'something');
    let called = false;
    helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } })(
      request,
      response,
      () => (called = true),
    );
    expect(called).toBe(true);
    const recorded = Object.fromEntries(helmetHeaders().map(([name, value]) => [name.toLowerCase(), value]));
    expect(recorded).toEqual(response.getHeaders());
    expect(Object.keys(recorded).length).toBeGreaterThanOrEqual(10);
    expect(recorded['content-security-policy']).toContain("frame-ancestors 'none'");
    // Sent as helmet spells them.
    expect(helmetHeaders().map(([name]) => name)).toContain('Content-Security-Policy');
  });
});
