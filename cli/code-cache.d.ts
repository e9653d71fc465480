// Types of cli/code-cache.js (plain JavaScript: it runs before TypeScript can be compiled).
export type CacheStatus = "none" | "used" | "rejected";
export declare function cachePath(file: string, bytes: Uint8Array): string;
export declare function loadBundle(file: string): {
  exports: Record<string, unknown>;
  finished: () => void;
  cache: CacheStatus;
};
export declare function shouldSave(status: CacheStatus, madeInMs: number, ranMs: number): boolean;
