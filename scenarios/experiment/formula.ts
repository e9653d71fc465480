// Formulas of an experiment file (`expect` and plot overlays): arithmetic over a cell's
// parameters, e.g. "servers * p / (1 - (1 - p) ^ servers)". A small recursive-descent
// parser, so that no string from a file is ever evaluated as JavaScript.
//
//   expr   := term (("+" | "-") term)*
//   term   := unary (("*" | "/") unary)*
//   unary  := "-" unary | power
//   power  := atom ("^" unary)?          (right-associative: 2^3^2 = 2^9)
//   atom   := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"

export type Formula = (vars: Readonly<Record<string, number>>) => number;

const FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  abs: Math.abs,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  floor: Math.floor,
  ceil: Math.ceil,
};

/** Parse a formula; `names` are the variables it may use (an unknown one is an error now, not at run time). */
export function parseFormula(text: string, names: readonly string[]): Formula {
  const tokens = text.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_]\w*|[-+*/^(),]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want))
      throw new Error(`formula ${JSON.stringify(text)}: expected ${want ?? "more"}, got ${t ?? "the end"}`);
    return t;
  };
  const expr = (): Formula => {
    let left = term();
    while (peek() === "+" || peek() === "-") {
      const op = take();
      const [a, b] = [left, term()];
      left = op === "+" ? (v) => a(v) + b(v) : (v) => a(v) - b(v);
    }
    return left;
  };
  const term = (): Formula => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = take();
      const [a, b] = [left, unary()];
      left = op === "*" ? (v) => a(v) * b(v) : (v) => a(v) / b(v);
    }
    return left;
  };
  const unary = (): Formula => {
    if (peek() === "-") {
      take();
      const a = unary();
      return (v) => -a(v);
    }
    return power();
  };
  const power = (): Formula => {
    const base = atom();
    if (peek() !== "^") return base;
    take();
    const exponent = unary();
    return (v) => Math.pow(base(v), exponent(v));
  };
  const atom = (): Formula => {
    const t = take();
    if (t === "(") {
      const inner = expr();
      take(")");
      return inner;
    }
    if (/^\d/.test(t)) {
      const x = Number(t);
      return () => x;
    }
    if (!/^[A-Za-z_]/.test(t)) throw new Error(`formula ${JSON.stringify(text)}: unexpected ${t}`);
    if (peek() === "(") {
      const f = FUNCTIONS[t];
      if (!f) throw new Error(`formula ${JSON.stringify(text)}: unknown function ${t}`);
      take("(");
      const args = [expr()];
      while (peek() === ",") {
        take();
        args.push(expr());
      }
      take(")");
      return (v) => f(...args.map((a) => a(v)));
    }
    if (!names.includes(t))
      throw new Error(`formula ${JSON.stringify(text)}: unknown name ${t} (known: ${names.join(", ") || "none"})`);
    return (v) => {
      const x = v[t];
      if (x === undefined) throw new Error(`formula ${JSON.stringify(text)}: ${t} has no numeric value here`);
      return x;
    };
  };
  const f = expr();
  if (i !== tokens.length) throw new Error(`formula ${JSON.stringify(text)}: unexpected ${tokens[i]}`);
  return f;
}
