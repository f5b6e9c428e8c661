import { expect, it } from "vitest";
import { assertFixturesInCi } from "../support/global-setup";

it("a missing fixtures folder fails the run with CI=true, and only warns-and-skips otherwise", () => {
  expect(() => assertFixturesInCi({ CI: "true" }, "/nonexistent/fixtures")).toThrow(/fixtures folder .* is missing/);
  expect(() => assertFixturesInCi({}, "/nonexistent/fixtures")).not.toThrow();
  expect(() => assertFixturesInCi({ CI: "true" }, "/")).not.toThrow();
});
