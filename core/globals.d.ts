// core/ compiles without DOM or Node typings so that neither can leak in. The two
// text codecs below exist with identical behaviour in Node and every browser, so we
// declare just the parts we use.
declare class TextEncoder {
  encode(input: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input: Uint8Array): string;
}
