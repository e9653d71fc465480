// What matrix-js-sdk 43 and matrix-bot-sdk 0.8 need of Node 22 that Node 20 lacks, and
// nothing else (both declare "node": ">=22"; this machine, CI and Debian run Node 20).
// Loaded by the tests that drive the SDKs and by `netsplit serve`'s own bot helpers;
// moving to Node 22 is deleting this file and its imports.
//
// 1. Promise.withResolvers (ES2024, Node 22): the only newer API a real session of
//    either SDK touched (matrix-js-sdk's client, sync loop, scheduler, interactive auth).
// 2. @matrix-org/matrix-sdk-crypto-nodejs: matrix-bot-sdk requires it at load time for
//    end-to-end encryption, but its native binary is fetched by a postinstall script that
//    `npm ci` here does not run (and cannot: no network). Unencrypted rooms never call
//    it, so a stub whose every export is an inert class stands in when the real module
//    cannot be loaded. A bot that turns encryption on fails loudly on first use.

import { createRequire } from "node:module";

type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (v: T | PromiseLike<T>) => void;
  reject: (e?: unknown) => void;
};

const PromiseWith = Promise as PromiseConstructor & { withResolvers?: WithResolvers };
if (typeof PromiseWith.withResolvers !== "function") {
  PromiseWith.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e?: unknown) => void;
    const promise = new Promise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
}

const CRYPTO_MODULES = new Set(["@matrix-org/matrix-sdk-crypto-nodejs", "@turt2live/matrix-sdk-crypto-nodejs"]);

/** An inert export: constructing or calling it says that encryption is not available. */
function unavailable(name: string): unknown {
  const fail = () => {
    throw new Error(`${name}: end-to-end encryption is not available (the native crypto module is not installed)`);
  };
  return new Proxy(function stub() {}, {
    construct: fail,
    apply: fail,
    get: (_target, key) => (key === "prototype" ? {} : typeof key === "string" ? key : undefined),
  });
}

const require = createRequire(import.meta.url);
const Module = require("node:module") as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!CRYPTO_MODULES.has(request)) return load.call(this, request, parent, isMain);
  try {
    return load.call(this, request, parent, isMain);
  } catch {
    return new Proxy({}, { get: (_t, key) => (key === "__esModule" ? false : unavailable(String(key))) });
  }
};
