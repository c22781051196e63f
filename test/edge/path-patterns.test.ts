// CloudFront path patterns: `*` matches zero or more characters (`/` included), `?` exactly one,
// the path is the request's and starts with `/`, and the leading `/` of a pattern is optional.
// Source: "Cache behavior settings: Path pattern", Amazon CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern
import * as fc from 'fast-check';
import { matchesEveryPath, matchesPath, pathOutside, shadows } from '../../src/edge/path-patterns';

/** An independent matcher: the pattern as a regular expression, read as written and with a leading `/`. */
function regexMatches(pattern: string, path: string): boolean {
  const readings = pattern.startsWith('/') ? [pattern] : [pattern, `/${pattern}`];
  return readings.some(reading => {
    const source = reading.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    return new RegExp(`^${source}$`, 's').test(path);
  });
}

// Small alphabets, so that random patterns often overlap and the interesting cases come up.
const pattern = fc.array(fc.constantFrom('/', 'a', 'b', '*', '?'), { minLength: 1, maxLength: 7 }).map(cs => cs.join(''));
const path = fc.array(fc.constantFrom('/', 'a', 'b', 'c'), { maxLength: 8 }).map(cs => `/${cs.join('')}`);

describe('path patterns, decided by matching', () => {
  test.each(['*', '/*', '*/*', '/**', '*?', '**', '?*', '*?*', '**/**'])('%s matches every path', p => {
    expect(matchesEveryPath(p)).toBe(true);
  });

  test.each(['/?*', '/*?*', '/a*', '*a', '/*/*', '??', '*.js', 'assets/*', '*/'])('%s does not match every path', p => {
    expect(matchesEveryPath(p)).toBe(false);
  });

  test('the matcher agrees with regular expressions', () => {
    fc.assert(fc.property(pattern, path, (p, x) => matchesPath(p, x) === regexMatches(p, x)), { numRuns: 2000 });
  });

  test('a pattern not shadowed by another has a witness: a path the later matches and the earlier does not', () => {
    fc.assert(fc.property(pattern, pattern, (earlier, later) => {
      const witness = pathOutside(earlier, later);
      if (witness === undefined) return;
      expect(witness.startsWith('/')).toBe(true);
      expect(regexMatches(later, witness)).toBe(true);
      expect(regexMatches(earlier, witness)).toBe(false);
    }), { numRuns: 2000 });
  });

  test('a pattern shadowed by another has no path outside it', () => {
    fc.assert(fc.property(pattern, pattern, fc.array(path, { minLength: 20, maxLength: 20 }), (earlier, later, paths) => {
      fc.pre(shadows(earlier, later));
      for (const x of paths) expect(!regexMatches(later, x) || regexMatches(earlier, x)).toBe(true);
    }), { numRuns: 300 });
  });

  test('a pattern said to match every path matches every sampled path', () => {
    fc.assert(fc.property(pattern, path, (p, x) => {
      fc.pre(matchesEveryPath(p));
      expect(regexMatches(p, x)).toBe(true);
    }), { numRuns: 200 });
  });

  test('patterns of 255 characters are decided; a search past its budget says "not shadowed" (no warning), never a wrong "shadowed"', () => {
    const long = `/*a${'?'.repeat(252)}`;
    expect(matchesEveryPath(long)).toBe(false);
    expect(matchesEveryPath(`${'*'.repeat(254)}?`)).toBe(true);
    // Truly shadowed (a, then 251 characters and "b", is a, then 252 characters), but too many states to visit.
    expect(shadows(long, `/*a${'?'.repeat(251)}b`)).toBe(false);
    expect(shadows(`*${'a*'.repeat(127)}`, `/${'a'.repeat(254)}`)).toBe(true);
  });

  test('examples of shadowing', () => {
    expect(shadows('/assets/*', '/assets/img/*.png')).toBe(true);
    expect(shadows('/*.js', '/static/*.js')).toBe(true);
    expect(shadows('/assets/*', '/assets')).toBe(false);
    expect(pathOutside('/assets/*', '/assets*')).toBe('/assets');
    expect(shadows('/a?c', '/abc')).toBe(true);
    expect(shadows('/abc', '/a?c')).toBe(false);
  });
});
