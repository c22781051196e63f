/**
 * Throws one error listing every problem, so a user fixes their input in one pass.
 * Does nothing when there are none.
 */
export function throwIfProblems(subject: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new Error(`${subject} has ${count}:\n${problems.map(p => `  - ${p}`).join('\n')}`);
}

/** Quotes a value the way it would appear in the user's own input. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // JSON would say null
  return JSON.stringify(value);
}
