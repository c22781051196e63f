// "Did you mean": the closest of the known names to a mistyped one, when it is close enough to
// be the likely intent (an edit distance of at most a third of its length, and at least 1).
// Pure, so the CLI and the construct's checks suggest alike.

/** ` (did you mean "x"?)`, or '' when no known name is close. */
export function didYouMean(typed: string, known: readonly string[], quote: (name: string) => string = n => `"${n}"`): string {
  const best = closest(typed, known);
  return best === undefined ? '' : ` (did you mean ${quote(best)}?)`;
}

/** The known name nearest to `typed`, if near enough. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    if (Math.abs(name.length - typed.length) > limit) continue;
    const d = distance(typed.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
