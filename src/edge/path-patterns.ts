// CloudFront path patterns, decided by matching rather than by spelling: `*` matches any run of
// characters (`/` included), `?` exactly one, and every request path starts with `/`. A pattern
// without a leading `/` is read both as written and with one, so that a pattern is judged by the
// widest reading CloudFront may give it (`*?` matches every path as written). Pure.

/** A pattern's readings, each a glob; a path matches the pattern when it matches any of them. */
function readingsOf(pattern: string): string[] {
  return pattern.startsWith('/') ? [pattern] : [pattern, `/${pattern}`];
}

/**
 * A set of positions in a pattern's readings, each `reading * STRIDE + position`, after following
 * every `*` that may match nothing; sorted, so that equal sets have equal keys.
 */
type Positions = readonly number[];
const STRIDE = 1024; // more than a pattern's length (255) plus its leading "/"

function closure(readings: readonly string[], seeds: Iterable<number>): Positions {
  const out = new Set<number>();
  for (const seed of seeds) {
    const r = Math.floor(seed / STRIDE);
    let at = seed % STRIDE;
    out.add(r * STRIDE + at);
    while (readings[r][at] === '*') out.add(r * STRIDE + ++at);
  }
  return [...out].sort((x, y) => x - y);
}

function start(readings: readonly string[]): Positions {
  return closure(readings, readings.map((_, r) => r * STRIDE));
}

function step(readings: readonly string[], positions: Positions, char: string): Positions {
  const next: number[] = [];
  for (const position of positions) {
    const c = readings[Math.floor(position / STRIDE)][position % STRIDE];
    if (c === '*') next.push(position);
    else if (c === '?' || c === char) next.push(position + 1);
  }
  return closure(readings, next);
}

function accepts(readings: readonly string[], positions: Positions): boolean {
  return positions.some(position => position % STRIDE === readings[Math.floor(position / STRIDE)].length);
}

const keyOf = (positions: Positions) => positions.join(',');

/**
 * How many pairs of position sets one comparison may visit. Patterns of up to 255 characters can
 * make exponentially many (`*a??????...` remembers the last characters read), so the search is
 * bounded to keep synth quick; past it, no answer is given.
 */
const SEARCH_BUDGET = 5_000;

interface Search {
  /** A shortest path `later` matches and `earlier` does not, when one was found. */
  readonly witness?: string;
  /** The budget ran out before every pair was visited (and none was found). */
  readonly exhausted: boolean;
}

/**
 * Explores the product of both patterns' matchers, breadth first, over the characters they name
 * and one they do not (any other character behaves the same), from the "/" every path starts with.
 */
function search(earlier: string, later: string): Search {
  const a = readingsOf(earlier);
  const b = readingsOf(later);
  const alphabet = [...new Set([...(earlier + later).replace(/[*?]/g, '')])];
  let other = 'x';
  for (let code = 0x61; alphabet.includes(other); code++) other = String.fromCharCode(code);
  alphabet.push(other);

  const seen = new Set<string>();
  const queue: [Positions, Positions, string][] = [];
  const visit = (inA: Positions, inB: Positions, path: string) => {
    const key = `${keyOf(inA)}|${keyOf(inB)}`;
    if (!seen.has(key)) {
      seen.add(key);
      queue.push([inA, inB, path]);
    }
  };
  visit(step(a, start(a), '/'), step(b, start(b), '/'), '/');
  for (let next = 0; next < queue.length; next++) {
    const [inA, inB, path] = queue[next];
    if (accepts(b, inB) && !accepts(a, inA)) return { witness: path, exhausted: false };
    if (inB.length === 0) continue; // `later` matches nothing from here
    if (seen.size > SEARCH_BUDGET) return { exhausted: true };
    for (const char of alphabet) visit(step(a, inA, char), step(b, inB, char), path + char);
  }
  return { exhausted: false };
}

/**
 * A shortest path that `later` matches and `earlier` does not, or undefined when none was found
 * (see `shadows` for whether there is none).
 */
export function pathOutside(earlier: string, later: string): string | undefined {
  return search(earlier, later).witness;
}

/**
 * True when every path `later` matches is matched by `earlier`, so that a behaviour for `later`
 * placed after `earlier` never serves a request; false when a path tells them apart, or when the
 * search is past its budget (the patterns are then taken to differ).
 */
export function shadows(earlier: string, later: string): boolean {
  const found = search(earlier, later);
  return found.witness === undefined && !found.exhausted;
}

/**
 * True when the pattern matches every request path: `*`, `/*`, `*?` and `/**` among them. A
 * pattern with two characters besides `*` cannot match the path "/", so only patterns of at most
 * one such character are searched, and their search is small.
 */
export function matchesEveryPath(pattern: string): boolean {
  if (pattern.replace(/\*/g, '').length > 1) return false;
  return shadows(pattern, '/*');
}

/** True when the pattern matches the path, as CloudFront matches them. */
export function matchesPath(pattern: string, path: string): boolean {
  const readings = readingsOf(pattern);
  let positions = start(readings);
  for (const char of path) positions = step(readings, positions, char);
  return accepts(readings, positions);
}
