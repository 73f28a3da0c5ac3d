import type { TestServer } from '../../server/test/harness.js';

/** Messages stored through the service in-process (no HTTP): `count` of them, `concurrency` at a time (group commit batches them). */
export async function seedMessages(
  server: TestServer,
  conversationId: string,
  senders: string[],
  count: number,
  body: (i: number) => string,
  concurrency = 200,
): Promise<void> {
  const { messages } = server.server.services.messaging;
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => start + k);
    // In order within the conversation: each batch commits before the next is submitted.
    await Promise.all(
      batch.map((i) =>
        messages.send(senders[i % senders.length]!, conversationId, { clientId: `seed-${conversationId}-${i}`, body: body(i) }),
      ),
    );
  }
}
