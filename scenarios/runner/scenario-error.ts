// A malformed JSON scenario: names the source (file), the JSON path and what is wrong.

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${source}: ${path}: ${problem}`);
    this.name = "ScenarioError";
  }
}
