import { describe, expect, it } from 'vitest';
import { collect, describeBusConformance, testEvent, topic } from './bus.conformance.js';
import { MemoryBus } from './memory-bus.js';

describeBusConformance('MemoryBus', async () => new MemoryBus());

describe('MemoryBus', () => {
  it('delivers synchronously and never asks for a resync', async () => {
    const bus = new MemoryBus();
    let resyncs = 0;
    bus.onResync(() => (resyncs += 1));
    const t = topic();
    const got = collect();
    await bus.subscribe(t, got.handler);
    void bus.publish([t], testEvent(1));
    expect(got.messages).toHaveLength(1);
    await bus.close();
    expect(resyncs).toBe(0);
  });
});
