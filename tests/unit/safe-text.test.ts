/**
 * Bounded input walks (issue #17 item 0) and text from files (item 7): the scan of a huge array stops
 * after the value limit without walking the rest, the JSON pre-scan reads depth and value count from the
 * text alone, and sanitizeText turns hostile file strings into storable text.
 */
import { describe, expect, it } from "vitest";
import { checkJsonShape, findUnsafeInput, MAX_INPUT_DEPTH, MAX_INPUT_VALUES, MIN_INPUT_MAGNITUDE, sanitizeText, scanInput } from "../../src/contracts/safe-text";

const pad = (n: number) => `{"pad":[${Array(n).fill("0").join(",")}]}`;

describe("scanInput: bounded, iterative", () => {
  it("stops a 500,000-element array after the value limit, visiting at most limit + 1 values", () => {
    const value = { pad: new Array(500_000).fill(0) };
    const { bad, visited } = scanInput(value);
    expect(bad).toEqual({ path: "pad." + String(MAX_INPUT_VALUES - 2), reason: "too_many_values" });
    expect(visited).toBe(MAX_INPUT_VALUES + 1);
    const small = scanInput(value, { maxValues: 1000 });
    expect(small.visited).toBe(1001);
    expect(small.bad?.reason).toBe("too_many_values");
  });

  it("counts every value of a safe input exactly once", () => {
    expect(scanInput({ a: [1, "x", { b: null }], c: true })).toEqual({ bad: null, visited: 7 });
    expect(scanInput("plain")).toEqual({ bad: null, visited: 1 });
  });

  it("finds NUL, lone surrogates and unsafe keys with their path", () => {
    expect(findUnsafeInput({ a: ["ok", "x\u0000y"] })).toEqual({ path: "a.1", reason: "unsafe_text" });
    expect(findUnsafeInput({ a: { b: [{ c: "\uD800" }] } })).toEqual({ path: "a.b.0.c", reason: "unsafe_text" });
    expect(findUnsafeInput({ a: { ["k\u0000"]: 1 } })).toEqual({ path: "a.(key)", reason: "unsafe_text" });
    expect(findUnsafeInput({ ["\uDC00"]: 1 })).toEqual({ path: "(key)", reason: "unsafe_text" });
    expect(findUnsafeInput(["😀", { ok: "fine" }])).toBeNull();
  });

  it("refuses nesting past the depth limit, at the limit exactly", () => {
    const nest = (n: number) => {
      let v: unknown = 1;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(findUnsafeInput(nest(MAX_INPUT_DEPTH))).toBeNull();
    expect(findUnsafeInput(nest(MAX_INPUT_DEPTH + 1))?.reason).toBe("too_deep");
    const deep = scanInput(nest(100_000));
    expect(deep.bad?.reason).toBe("too_deep");
    expect(deep.visited).toBe(MAX_INPUT_DEPTH + 1);
  });
});

describe("checkJsonShape: from the text, before JSON.parse", () => {
  it("refuses the 1 MB {\"pad\":[0,0,…]} body and accepts one just under the limit", () => {
    expect(checkJsonShape(pad(500_000))).toBe("too_many_values");
    expect(checkJsonShape(pad(MAX_INPUT_VALUES - 2))).toBeNull();
    expect(checkJsonShape(pad(MAX_INPUT_VALUES))).toBe("too_many_values");
  });

  it("agrees with the parsed-value walk on depth", () => {
    for (const n of [MAX_INPUT_DEPTH, MAX_INPUT_DEPTH + 1]) {
      const text = "[".repeat(n) + "1" + "]".repeat(n);
      expect(checkJsonShape(text) === "too_deep").toBe(findUnsafeInput(JSON.parse(text))?.reason === "too_deep");
    }
    expect(checkJsonShape("[".repeat(1_000_000))).toBe("too_deep");
  });

  it("ignores brackets and commas inside strings, escaped quotes included", () => {
    const s = JSON.stringify({ note: '[[[[,,,,"\\' + ",".repeat(MAX_INPUT_VALUES * 2) + "[".repeat(100) });
    expect(checkJsonShape(s)).toBeNull();
    expect(checkJsonShape(JSON.stringify({ a: '\\"', b: [1, 2] }))).toBeNull();
  });
});

describe("sanitizeText: strings from files", () => {
  it("removes NUL and control characters, keeps tab and newlines", () => {
    expect(sanitizeText("Canon EOS 5D\u0000\u0000\u0000")).toBe("Canon EOS 5D");
    expect(sanitizeText("a\u0001b\u007fc\u0085d")).toBe("abcd");
    expect(sanitizeText("line1\nline2\tx\r\n")).toBe("line1\nline2\tx");
  });

  it("replaces lone surrogates, keeps pairs, normalises to NFC and clamps without splitting a pair", () => {
    expect(sanitizeText("a\uD800b\uDC00")).toBe("a\uFFFDb\uFFFD");
    expect(sanitizeText("😀")).toBe("😀");
    expect(sanitizeText("e\u0301")).toBe("\u00e9");
    expect(sanitizeText("ab😀", 3)).toBe("ab");
    expect(sanitizeText("x".repeat(50), 10)).toHaveLength(10);
  });
});

describe("numbers: one storability rule for every numeric input", () => {
  it("refuses subnormals, values below the smallest normal float, NaN and ±Infinity, with their path", () => {
    for (const n of [5e-324, -5e-324, 1e-40, 1.1754943508222874e-38, NaN, Infinity, -Infinity]) {
      expect(findUnsafeInput({ pings: [{ accuracy_m: 3 }, { accuracy_m: n }] }), String(n)).toEqual({ path: "pings.1.accuracy_m", reason: "bad_number" });
    }
  });
  it("accepts 0, -0, the smallest normal float and ordinary measurements", () => {
    for (const n of [0, -0, MIN_INPUT_MAGNITUDE, -MIN_INPUT_MAGNITUDE, 1e-7, 12.9716, 1e300]) expect(findUnsafeInput({ x: n }), String(n)).toBeNull();
  });
});
