// Types of cli/prebuilt.js (plain JavaScript: it runs before TypeScript can be compiled).
export declare const OUT_DIR: string;
export declare function isFresh(): boolean;
export declare function build(): Promise<void>;
export declare function freshBundle(): Promise<string>;
