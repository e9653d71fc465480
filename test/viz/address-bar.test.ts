// The address bar's permalink (viz/app/address-bar.ts): kept in step with a run at rest,
// and never written over a link the page has not opened yet.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { permalinkToWrite, type AddressBar } from "../../viz/app/address-bar.ts";

const OLD = "#scenario=three-servers&seed=4";
const NEW = "#scenario=held-then-released&seed=4&json=eyJ9";

const bar = (over: Partial<AddressBar> = {}): AddressBar => ({
  hash: OLD,
  written: OLD,
  busy: false,
  permalink: () => "#scenario=three-servers&seed=4&step=12",
  ...over,
});

describe("permalinkToWrite", () => {
  it("writes the run's permalink when it has moved on from the hash the page wrote", () => {
    expect(permalinkToWrite(bar())).toBe("#scenario=three-servers&seed=4&step=12");
  });

  it("leaves a hash set a moment ago (a JSON file opened) for its hashchange to open, whatever the run's permalink", () => {
    // The file's link is in the address bar; the page's handler has not run yet, so the
    // run and `written` are still the old scenario's.
    expect(permalinkToWrite(bar({ hash: NEW, permalink: () => OLD }))).toBeUndefined();
    expect(permalinkToWrite(bar({ hash: NEW }))).toBeUndefined();
  });

  it("writes nothing while the run moves or is a trace file's, nor an empty or unchanged link", () => {
    expect(permalinkToWrite(bar({ busy: true }))).toBeUndefined();
    expect(permalinkToWrite(bar({ permalink: () => "#" }))).toBeUndefined();
    expect(permalinkToWrite(bar({ permalink: () => OLD }))).toBeUndefined();
  });

  it("asks for the permalink only when it may write it", () => {
    let asked = 0;
    const permalink = () => (asked++, OLD);
    permalinkToWrite(bar({ busy: true, permalink }));
    permalinkToWrite(bar({ hash: NEW, permalink }));
    expect(asked).toBe(0);
    permalinkToWrite(bar({ permalink }));
    expect(asked).toBe(1);
  });

  it("never writes over a hash other than the one the page wrote", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.boolean(), (hash, written, link, busy) => {
        fc.pre(hash !== written);
        expect(permalinkToWrite({ hash, written, busy, permalink: () => link })).toBeUndefined();
      }),
    );
  });
});
