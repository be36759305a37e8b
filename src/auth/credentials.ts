import { createHash, timingSafeEqual } from "node:crypto";
import { OptionError } from "../core/errors.js";

/** `launch({ auth })`: a [user, pass] pair, a list of them, or a check function. */
export type AuthSpec = [string, string] | [string, string][] | ((username: string, password: string) => boolean | Promise<boolean>);

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Compares in constant time whatever the lengths (both sides are hashed to 32 bytes first). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function isPair(v: unknown): v is [string, string] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string";
}

/** Turns the `auth` option into one check, validating its shape (an Error names the option). */
export function credentialCheck(auth: unknown): (username: string, password: string) => Promise<boolean> {
  if (typeof auth === "function") {
    return async (u, p) => (await (auth as (u: string, p: string) => unknown)(u, p)) === true;
  }
  const pairs = isPair(auth) ? [auth] : Array.isArray(auth) && auth.length > 0 && auth.every(isPair) ? (auth as [string, string][]) : null;
  if (!pairs) throw new OptionError("TR_ERR_OPTION_INVALID", 'launch: option "auth" must be [user, pass], a list of [user, pass] pairs, or a function (user, pass) => boolean');
  for (const [u, p] of pairs) {
    if (!u || !p) throw new OptionError("TR_ERR_OPTION_INVALID", 'launch: option "auth": usernames and passwords must not be empty');
  }
  return async (username, password) => {
    // Every pair is compared, so the time taken does not tell which username exists.
    let ok = false;
    for (const [u, p] of pairs) ok = (safeEqual(u, username) && safeEqual(p, password)) || ok;
    return ok;
  };
}
