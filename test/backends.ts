// The two crypto backends every crypto test runs against.
import { nobleCrypto, type CryptoBackend } from "../core/index.ts";
import { nodeCrypto } from "../cli/node-crypto.ts";

export const BACKENDS: readonly CryptoBackend[] = [nobleCrypto, nodeCrypto];
