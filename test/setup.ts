// Matchers every test file has: `toThrowCode` asserts an error's code from tradio's catalogue
// (src/core/errors.ts), so tests do not pin the wording of messages written for people.
import { expect } from "vitest";

interface CodeMatchers<R = unknown> {
  /** The function throws (or, after `rejects`, the promise rejects with) an error with this code; a RegExp also checks the message. */
  toThrowCode(code: string, message?: RegExp): R;
}

declare module "vitest" {
  interface Assertion<T = any> extends CodeMatchers<T> {}
  interface AsymmetricMatchersContaining extends CodeMatchers {}
}

expect.extend({
  toThrowCode(received: unknown, code: string, message?: RegExp) {
    let error: unknown = received;
    if (typeof received === "function") {
      try {
        received();
        return { pass: false, message: () => `expected the function to throw an error with code ${code}, but it did not throw` };
      } catch (err) {
        error = err;
      }
    }
    const got = (error as { code?: unknown } | null)?.code;
    const text = error instanceof Error ? error.message : String(error);
    const pass = got === code && (message === undefined || message.test(text));
    return {
      pass,
      message: () =>
        pass
          ? `expected no error with code ${code}${message ? ` and message ${message}` : ""}`
          : `expected an error with code ${code}${message ? ` and message matching ${message}` : ""}, got code ${String(got)}: ${text}`,
    };
  },
});
