/**
 * The topics whose SUBSCRIBE is on its way, each with the call that carries it: a second
 * listener of such a topic waits for that same call instead of assuming it is done (the topic
 * registry and the hub both keep one).
 */
export class SubscriptionsInFlight {
  private readonly calls = new Map<string, Promise<void>>();

  /** The call a topic's SUBSCRIBE is in, while it is on its way. */
  of(topic: string): Promise<void> | undefined {
    return this.calls.get(topic);
  }

  /** Starts one call for `topics` and remembers it for each until it settles (or fails: the caller hears it). */
  start(topics: readonly string[], subscribe: () => Promise<void>): Promise<void> {
    const call = subscribe();
    for (const topic of topics) this.calls.set(topic, call);
    void call
      .catch(() => {})
      .finally(() => {
        for (const topic of topics) if (this.calls.get(topic) === call) this.calls.delete(topic);
      });
    return call;
  }
}
