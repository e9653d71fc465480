// seedrandom's Alea generator on its own: the package's main entry also pulls in an
// auto-seeding path that reaches for platform entropy, which sim/ must never touch.
declare module "seedrandom/lib/alea.js" {
  interface AleaPrng {
    (): number;
    double(): number;
    int32(): number;
    quick(): number;
  }
  const alea: (seed: string) => AleaPrng;
  export default alea;
}
