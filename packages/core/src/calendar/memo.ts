/**
 * Memoises a pure function of one key. The calendar answers the same questions again and again
 * (when does this Oslo day start, which holidays has this year) and the honest answers go through
 * `Intl` or build a dozen dates, so each is kept. The cache is dropped whole when it reaches
 * `max` entries: bounded memory, no eviction bookkeeping.
 */
export function memoize<K, V>(fn: (key: K) => V, max: number): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    const value = fn(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
    return value;
  };
}
