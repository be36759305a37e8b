const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A session id from the browser's CSPRNG: `length` characters of [a-z0-9], uniformly drawn
 * (bytes at or above 252 = 7 * 36 are rejected so every character is equally likely).
 */
export function newSessionHash(length = 22): string {
  let out = "";
  const buf = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < 252) out += ALPHABET[b % 36];
      if (out.length === length) break;
    }
  }
  return out;
}
