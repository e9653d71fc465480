// A link's settings in layers (sim/network/link-config.ts): global, then per link, then
// per direction; later layers change only the fields they name, and a change reaches
// every later get (the merged settings are kept between changes).
import { expect, it } from "vitest";
import { DEFAULT_LINK, LinkConfigs } from "../../sim/network/link-config.ts";

it("layers global, per-link and per-direction settings, and sees each change at once", () => {
  const links = new LinkConfigs();
  expect(links.get("a", "b")).toEqual(DEFAULT_LINK);
  links.setGlobal({ latencyMsMean: 50 });
  expect(links.get("a", "b").latencyMsMean).toBe(50);
  links.setLink("b", "a", { loss: 0.5 });
  expect(links.get("a", "b")).toEqual({ ...DEFAULT_LINK, latencyMsMean: 50, loss: 0.5 });
  expect(links.get("b", "a").loss).toBe(0.5);
  expect(links.get("a", "c").loss).toBe(0);
  links.setDirection("a", "b", { loss: 0.25, jitterMs: 0 });
  expect(links.get("a", "b")).toEqual({ ...DEFAULT_LINK, latencyMsMean: 50, loss: 0.25, jitterMs: 0 });
  expect(links.get("b", "a")).toEqual({ ...DEFAULT_LINK, latencyMsMean: 50, loss: 0.5 });
  links.setGlobal({ latencyMsMean: 70 });
  expect(links.get("a", "b").latencyMsMean).toBe(70);
  expect(links.get("a", "c").latencyMsMean).toBe(70);
});

it("hands out settings no caller can change for the others", () => {
  const links = new LinkConfigs();
  const config = links.get("a", "b") as { loss: number };
  expect(() => {
    config.loss = 1;
  }).toThrow(TypeError);
  expect(links.get("a", "b").loss).toBe(0);
});
