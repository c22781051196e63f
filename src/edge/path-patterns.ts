// CloudFront path patterns, decided by matching rather than by spelling: `*` matches any run of
// characters (`/` included), `?` exactly one, and every request path starts with `/`. A pattern
// without a leading `/` is read both as written and with one, so that a pattern is judged by the
// widest reading CloudFront may give it (`*?` matches every path as written). Pure.

/** A pattern's readings, each a glob; a path matches the pattern when it matches any of them. */
function readingsOf(pattern: string): string[] {
  return pattern.startsWith('/') ? [pattern] : [pattern, `/${pattern}`];
}

/** A set of positions in a pattern's readings: `reading:position` pairs, after following every `*` that may match nothing. */
type Positions = ReadonlySet<string>;

function closure(readings: readonly string[], seeds: Iterable<[number, number]>): Positions {
  const out = new Set<string>();
  for (const [r, from] of seeds) {
    let at = from;
    out.add(`${r}:${at}`);
    while (readings[r][at] === '*') out.add(`${r}:${++at}`);
  }
  return out;
}

function start(readings: readonly string[]): Positions {
  return closure(readings, readings.map((_, r): [number, number] => [r, 0]));
}

function step(readings: readonly string[], positions: Positions, char: string): Positions {
  const next: [number, number][] = [];
  for (const key of positions) {
    const [r, at] = key.split(':').map(Number);
    const c = readings[r][at];
    if (c === '*') next.push([r, at]);
    else if (c === '?' || c === char) next.push([r, at + 1]);
  }
  return closure(readings, next);
}

function accepts(readings: readonly string[], positions: Positions): boolean {
  return [...positions].some(key => {
    const [r, at] = key.split(':').map(Number);
    return at === readings[r].length;
  });
}

const keyOf = (positions: Positions) => [...positions].sort().join(',');

/**
 * A path that `later` matches and `earlier` does not, or undefined when there is none: every path
 * `later` matches is then matched by `earlier` (a behaviour for `later` placed after `earlier`
 * never serves a request). Explores the product of both patterns' matchers over the characters
 * they name and one they do not, breadth first, so a witness is a shortest one.
 */
export function pathOutside(earlier: string, later: string): string | undefined {
  const a = readingsOf(earlier);
  const b = readingsOf(later);
  const literal = (p: string) => p.replace(/[*?]/g, '');
  // Characters the patterns name, and one they do not (any other behaves the same).
  const alphabet = [...new Set([...literal(earlier + later)])];
  let other = 'x';
  for (let code = 0x61; alphabet.includes(other); code++) other = String.fromCharCode(code);
  alphabet.push(other);

  // Every path starts with "/": begin after it.
  const first: [Positions, Positions, string] = [step(a, start(a), '/'), step(b, start(b), '/'), '/'];
  const seen = new Set<string>();
  const queue = [first];
  while (queue.length > 0) {
    const [inA, inB, path] = queue.shift()!;
    const key = `${keyOf(inA)}|${keyOf(inB)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (accepts(b, inB) && !accepts(a, inA)) return path;
    if (inB.size === 0) continue; // `later` matches nothing from here
    for (const char of alphabet) queue.push([step(a, inA, char), step(b, inB, char), path + char]);
  }
  return undefined;
}

/** True when the pattern matches every request path: `*`, `/*`, `*?` and `/**` among them. */
export function matchesEveryPath(pattern: string): boolean {
  return pathOutside(pattern, '/*') === undefined;
}

/** True when every path `later` matches is matched by `earlier`. */
export function shadows(earlier: string, later: string): boolean {
  return pathOutside(earlier, later) === undefined;
}

/** True when the pattern matches the path, as CloudFront matches them. */
export function matchesPath(pattern: string, path: string): boolean {
  const readings = readingsOf(pattern);
  let positions = start(readings);
  for (const char of path) positions = step(readings, positions, char);
  return accepts(readings, positions);
}
