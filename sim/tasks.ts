// Work that waits on the network, written as generators: a task yields the federation
// request it needs and is resumed with the outcome. No Promises (their microtasks would
// run outside the scheduler's order); each resumption is an ordinary scheduled step.
// It lives in sim/, not homeserver/: a homeserver's queries to its application services
// are tasks too, and sim/appservice/ does not import sim/homeserver/.

import type { RpcOutcome, RpcRequest } from "./network/rpc.ts";

export interface RpcNeed {
  to: string;
  request: RpcRequest;
}

export type Task<T> = Generator<RpcNeed, T, RpcOutcome>;

export type RpcCaller = (to: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void) => void;

/** Run a task to completion, issuing its requests one at a time. */
export function runTask<T>(
  task: Task<T>,
  call: RpcCaller,
  onDone: (result: T) => void,
  onError: (error: unknown) => void,
): void {
  const advance = (input: RpcOutcome | undefined) => {
    let step: IteratorResult<RpcNeed, T>;
    try {
      step = input === undefined ? task.next() : task.next(input);
    } catch (e) {
      onError(e);
      return;
    }
    if (step.done) onDone(step.value);
    else call(step.value.to, step.value.request, advance);
  };
  advance(undefined);
}

/** Inside a task: make one request and get its outcome. */
export function* rpc(to: string, request: RpcRequest): Task<RpcOutcome> {
  return yield { to, request };
}
