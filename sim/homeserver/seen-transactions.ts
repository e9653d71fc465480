// The answers a server gave to incoming transactions, kept to answer a retry the same
// way without processing it again (spec: a transaction id is unique per origin). Bounded:
// past `max` answers the oldest go first. Looked up by origin, then transaction id, so
// that no key is built by joining the two on every delivery.

import type { RpcResponse } from "../network/rpc.ts";

export class SeenTransactions {
  private readonly byOrigin = new Map<string, Map<string, RpcResponse>>();
  /** Every answer kept, oldest first, from `oldest` on (a queue without shifting). */
  private readonly order: Array<{ origin: string; txnId: string }> = [];
  private oldest = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.order.length - this.oldest;
  }

  get(origin: string, txnId: string): RpcResponse | undefined {
    return this.byOrigin.get(origin)?.get(txnId);
  }

  /** As a Map would: at the bound the oldest goes first, and an answer given again keeps its place. */
  remember(origin: string, txnId: string, response: RpcResponse): void {
    if (this.size >= this.max) this.forgetOldest();
    let answers = this.byOrigin.get(origin);
    if (!answers) {
      answers = new Map();
      this.byOrigin.set(origin, answers);
    }
    if (!answers.has(txnId)) this.order.push({ origin, txnId });
    answers.set(txnId, response);
  }

  private forgetOldest(): void {
    const { origin, txnId } = this.order[this.oldest++]!;
    this.byOrigin.get(origin)?.delete(txnId);
    // Drop the forgotten head now and then: the queue's array stays within twice the bound.
    if (this.oldest >= this.max) {
      this.order.splice(0, this.oldest);
      this.oldest = 0;
    }
  }
}
