/**
 * A small seeded generator, so SHAP's sampling (and so its scores) is the same on every call: a Weyl
 * sequence passed through MurmurHash3's 32-bit finaliser. Plenty for drawing coalitions; not for secrets.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}
