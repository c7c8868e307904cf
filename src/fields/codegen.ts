/**
 * What the generated field readers (field-path getters, projections) share: whether this runtime
 * compiles code from strings at all, and which keys plain objects inherit.
 */

/** Keys plain objects inherit: reading them must not return Object.prototype members. */
export const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

let allowed: boolean | undefined;

/** False under `--disallow-code-generation-from-strings`: callers then use their general path. */
export function canGenerateCode(): boolean {
  if (allowed === undefined) {
    try {
      allowed = new Function('return 1')() === 1;
    } catch {
      allowed = false;
    }
  }
  return allowed;
}
