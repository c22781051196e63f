import * as fc from 'fast-check';
import { JsonTextError, lineAndColumn, parseJsonText } from '../../src/tenants/json-text';
import { Tenants } from '../../src/tenants/tenants';

/**
 * Whether two parsed values are the same: same types and prototypes, numbers by Object.is (so -0
 * is not 0), object keys in the same order. (Jest's toStrictEqual compares `constructor`, which
 * misleads on a JSON object with its own "constructor" key.)
 */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] &&
    same((a as { [k: string]: unknown })[key], (b as { [k: string]: unknown })[key]));
}

/** The error `parseJsonText` throws for `text`; fails the test when it throws none. */
function errorOf(text: string, source = 'tenants.json'): JsonTextError {
  try {
    parseJsonText(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonTextError);
    return e as JsonTextError;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('malformed JSON: line, column and reason', () => {
  test.each([
    // The examples the tenants and CLI tests use, now with a reason that says what was expected.
    ['{\n  "tenants": [\n    { "id": "a" "domainNames": [] }\n  ]\n}\n', "3:17: malformed JSON: expected ',' or '}' after a property value"],
    ['{ "tenants": [ { "id": "a" "x": 1 } ] }\n', "1:28: malformed JSON: expected ',' or '}' after a property value"],
    ['{\n  "tenants": [\n    "a"\n    "b"\n  ]\n}', "4:5: malformed JSON: expected ',' or ']' after an array element"],
    ['{\r\n  "tenants": [\r\n    "a"\r\n    "b"\r\n  ]\r\n}', "4:5: malformed JSON: expected ',' or ']' after an array element"],
    ['\uFEFF{"tenants": []}', '1:1: malformed JSON: the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM'],
    ['{\n  // partners\n  "tenants": []\n}', "2:3: malformed JSON: JSON has no comments; remove the '//' comment"],
    ['{\n  "tenants": [ /* none yet */ ]\n}', "2:16: malformed JSON: JSON has no comments; remove the '/* */' comment"],
    ['{"tenants": [1, 2,\n]}', "1:18: malformed JSON: trailing comma before ']'; JSON allows none"],
    ['{"tenants": [],\n}', "1:15: malformed JSON: trailing comma before '}'; JSON allows none"],
    ['{"tenants": [{"id": \'a\'}]}', '1:21: malformed JSON: strings take double quotes (") in JSON, not single quotes'],
    ['{tenants: []}', "1:2: malformed JSON: expected a property name in double quotes, found 't'"],
    ['{"tenants": [\n<<<<<<< HEAD\n]}', "2:1: malformed JSON: expected a value, found '<<<<<<<', a merge conflict marker; resolve the conflict"],
    ['{"tenants": []}\n{"tenants": []}\n', "2:1: malformed JSON: unexpected '{' after the JSON value"],
    ['', '1:1: malformed JSON: the text is empty'],
    ['\n\n', '3:1: malformed JSON: the text is empty'],
    ['{"tenants": [', '1:14: malformed JSON: expected a value, found the end of the text'],
    ['{"tenants": [{"id": "a"', "1:24: malformed JSON: expected ',' or '}' after a property value, found the end of the text"],
    ['{"tenants": [{"id": "a', '1:21: malformed JSON: this string has no closing \'"\''],
    ['{"id": "a\nb"}', "1:10: malformed JSON: a line break inside a string (end the string with '\"', or write \\n)"],
    ['{"id": "a\tb"}', '1:10: malformed JSON: a control character (U+0009) inside a string; escape it'],
    ['{"id": "a\\qb"}', "1:10: malformed JSON: unknown escape '\\q' in a string"],
    ['{"id": "\\u12g4"}', '1:9: malformed JSON: malformed \\u escape: it needs four hex digits'],
    ['{"n": 01}', '1:8: malformed JSON: malformed number "01"'],
    ['{"n": 1.}', '1:8: malformed JSON: malformed number "1."'],
    ['{"n": -}', '1:7: malformed JSON: malformed number "-"'],
    ['{"n": 1e}', '1:8: malformed JSON: malformed number "1e"'],
    ['{"n": tru}', "1:7: malformed JSON: expected a value, found 't'"],
    ['{"n" 1}', '1:6: malformed JSON: expected \':\' after the property name "n"'],
  ])('%j -> %s', (text, expected) => {
    expect(errorOf(text).message).toBe(`tenants.json:${expected}`);
  });

  // Each check at its edge: a number's leading zero (with and without a sign, at both ends of the
  // digits), its exponent letter in either case, a conflict marker only as seven of one character
  // at a line's start (after \n, \r, or none), a lone '/' that is no comment, a \r in a string.
  test.each([
    ['[0, -0, 10, 1.5E3, 2e-1]', undefined],
    ['{"n": 00}', '1:8: malformed JSON: malformed number "00"'],
    ['{"n": 09}', '1:8: malformed JSON: malformed number "09"'],
    ['{"n": -01}', '1:9: malformed JSON: malformed number "-01"'],
    ['{"n": 1E}', '1:8: malformed JSON: malformed number "1E"'],
    ['{"n": 1.5E+}', '1:10: malformed JSON: malformed number "1.5E"'],
    ['[0a]', "1:3: malformed JSON: expected ',' or ']' after an array element"],
    ['<', "1:1: malformed JSON: expected a JSON value, found '<'"],
    ['=', "1:1: malformed JSON: expected a JSON value, found '='"],
    ['>', "1:1: malformed JSON: expected a JSON value, found '>'"],
    ['<<<<<<< HEAD\n{}', "1:1: malformed JSON: expected a JSON value, found '<<<<<<<', a merge conflict marker; resolve the conflict"],
    ['{}\r=======\r{}', "2:1: malformed JSON: unexpected '=======', a merge conflict marker; resolve the conflict after the JSON value"],
    ['[1, =======]', "1:5: malformed JSON: expected a value, found '='"],
    ['/', "1:1: malformed JSON: expected a JSON value, found '/'"],
    ['{', '1:2: malformed JSON: expected a property name in double quotes, found the end of the text'],
    ['{"id": "a\rb"}', "1:10: malformed JSON: a line break inside a string (end the string with '\"', or write \\n)"],
  ])('%j -> %s', (text, expected) => {
    if (expected === undefined) expect(parseJsonText(text)).toEqual(JSON.parse(text));
    else expect(errorOf(text).message).toBe(`tenants.json:${expected}`);
  });

  test('space just inside an empty object or array is skipped', () => {
    expect(parseJsonText('[ ]')).toEqual([]);
    expect(parseJsonText('{\n}')).toEqual({});
    expect(parseJsonText('[ {\t} ]')).toEqual([{}]);
  });

  test('the error is a JsonTextError by name too, for code that checks names', () => {
    expect(errorOf('[').name).toBe('JsonTextError');
  });

  test('a duplicate key is refused, naming the key and both lines', () => {
    const text = [
      '{',
      '  "tenants": [',
      '    {',
      '      "id": "acme",',
      '      "domainNames": ["acme.example.com"],',
      '      "id": "globex"',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const error = errorOf(text);
    expect(error.message).toBe('tenants.json:6:7: malformed JSON: duplicate key "id" on lines 4 and 6: a JSON reader silently keeps ' +
      'only the last one, so merge or remove one (a merge conflict often leaves two)');
    expect(error).toMatchObject({ line: 6, column: 7, offset: text.indexOf('"id": "globex"') });
  });

  test('duplicates count per object, at any depth, and escapes are compared decoded', () => {
    expect(parseJsonText('[{"id": 1}, {"id": 2}]')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(errorOf('{"a": {"b": 1, "b": 2}}').message).toMatch(/^tenants\.json:1:16: malformed JSON: duplicate key "b" twice on line 1:/);
    expect(errorOf('{"tenants": [], "t\\u0065nants": []}').message).toMatch(/duplicate key "tenants" twice on line 1/);
    expect(errorOf('{"tenants": [],\n"tenants": [{"id": "b"}]}').message).toMatch(/^tenants\.json:2:1: .*duplicate key "tenants" on lines 1 and 2/);
  });

  test('a key named __proto__ is an own property, as JSON.parse makes it', () => {
    const value = parseJsonText('{"__proto__": {"polluted": true}}') as { [key: string]: unknown };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(same(value, JSON.parse('{"__proto__": {"polluted": true}}'))).toBe(true);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toEqual(Object.getOwnPropertyDescriptor(JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__'));
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toMatchObject({ writable: true, enumerable: true, configurable: true });
  });

  test('deep nesting is read without recursion', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    let value = parseJsonText(text);
    for (let i = 1; i < depth; i++) value = (value as unknown[])[0];
    expect(value).toEqual([]);
    expect(errorOf('['.repeat(depth)).message).toBe(`tenants.json:1:${depth + 1}: malformed JSON: expected a value, found the end of the text`);
  });

  test('lines end at \\n, \\r\\n or a lone \\r; columns count UTF-16 code units', () => {
    expect(lineAndColumn('a\nb\r\nc\rd', 7)).toEqual({ line: 4, column: 1 });
    expect(lineAndColumn('a\r\nb', 2)).toEqual({ line: 1, column: 3 });
    expect(errorOf('["😀" x]').message).toMatch(/^tenants\.json:1:7: /);
  });
});

describe('Tenants.fromJson reports what the reader finds', () => {
  test('the error shape the CLI and the gateway print', () => {
    expect(() => Tenants.fromJson('{"tenants": [{"id": "a",}]}', 'tenants.json'))
      .toThrow("tenants.json:1:24: malformed JSON: trailing comma before '}'; JSON allows none");
    expect(() => Tenants.fromJson('\uFEFF{"tenants": []}', 'tenants.json')).toThrow(/^tenants\.json:1:1: malformed JSON: .*byte-order mark/);
    expect(() => Tenants.fromJson('{"tenants": [\n  {"id": "a", "domainNames": ["a.example.com"]}\n],\n"tenants": []}', 'tenants.json'))
      .toThrow(/^tenants\.json:4:1: malformed JSON: duplicate key "tenants" on lines 1 and 4/);
  });

  test('the default source name', () => {
    expect(() => Tenants.fromJson('{')).toThrow(/^tenants JSON:1:2: malformed JSON: expected a property name/);
  });
});

/** Any JSON text: values laid out with random (valid) whitespace, and numbers and strings written in their various forms. */
const whitespace = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\r\n'), { maxLength: 3 }).map(parts => parts.join(''));
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(n => JSON.stringify(n)),
  fc.tuple(fc.boolean(), fc.nat({ max: 99999 }), fc.option(fc.stringMatching(/^[0-9]{1,20}$/)), fc.option(fc.tuple(
    fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,3}$/))))
    .map(([minus, whole, fraction, exponent]) => `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}` +
      (exponent === null ? '' : exponent.join(''))),
);
const stringText = fc.array(fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4 }).map(s => JSON.stringify(s).slice(1, -1)),
  fc.integer({ min: 0, max: 0xffff }).map(u => `\\u${u.toString(16).padStart(4, '0')}`),
  fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u00E9'),
), { maxLength: 5 }).map(parts => `"${parts.join('')}"`);

const { jsonText } = fc.letrec<{ jsonText: string; container: string }>(tie => ({
  jsonText: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    numberText, stringText, fc.constantFrom('true', 'false', 'null'), tie('container')),
  container: fc.oneof(
    fc.array(fc.tuple(whitespace, tie('jsonText'), whitespace), { maxLength: 4 })
      .map(items => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
    fc.uniqueArray(fc.tuple(fc.oneof(stringText, fc.constantFrom('"__proto__"', '"constructor"', '"toString"')), tie('jsonText'), whitespace),
      { maxLength: 4, selector: ([key]) => JSON.parse(key) as string })
      .map(entries => `{${entries.map(([k, v, w]) => `${w}${k}${w}:${w}${v}${w}`).join(',')}}`),
  ),
}));

describe('properties', () => {
  test('the comparison tells apart what toStrictEqual would not', () => {
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(same([-0], [0])).toBe(false);
    expect(same(Object.create(null), {})).toBe(false);
    expect(same(JSON.parse('{"constructor": {}}'), JSON.parse('{"constructor": {}}'))).toBe(true);
  });

  test('any JSON value reads back as JSON.parse reads it', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      expect(same(parseJsonText(text), JSON.parse(text))).toBe(true);
    }), { numRuns: 500 });
  });

  test('any JSON text, however laid out and escaped, reads as JSON.parse reads it', () => {
    fc.assert(fc.property(whitespace, jsonText, whitespace, (before, text, after) => {
      const whole = before + text + after;
      expect(same(parseJsonText(whole), JSON.parse(whole))).toBe(true);
    }), { numRuns: 1000 });
  });

  test('a truncated or corrupted file throws with a line and column inside the text, or reads as JSON.parse does', () => {
    const tenant = fc.record({
      id: fc.stringMatching(/^[a-z0-9-]{1,10}$/),
      domainNames: fc.array(fc.stringMatching(/^[a-z]{1,8}\.example\.com$/), { minLength: 1, maxLength: 3 }),
      shard: fc.nat({ max: 9 }),
    });
    const file = fc.oneof(
      fc.array(tenant, { maxLength: 6 }).map(tenants => JSON.stringify({ $schema: 'x.json', tenants }, null, 2) + '\n'),
      jsonText,
    );
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        with: fc.constantFrom(',', '"', '{', '}', '[', ']', ':', '//', '/*', '\uFEFF', 'x', '\n', '<<<<<<<',
          '0', '1', '-', '+', '.', 'e', 'E', '\\', 'u', '\t', '\u0000', '\u00a0', 'true', 'null'),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 5 }) }),
    );
    fc.assert(fc.property(file, fc.array(edit, { minLength: 1, maxLength: 3 }), (original, edits) => {
      let text = original;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        if (e.kind === 'truncate') text = text.slice(0, at);
        else if (e.kind === 'replace') text = text.slice(0, at) + e.with + text.slice(at + e.with.length);
        else if (e.kind === 'insert') text = text.slice(0, at) + e.with + text.slice(at);
        else text = text.slice(0, at) + text.slice(at + e.length);
      }
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      let error: JsonTextError | undefined;
      let actual: unknown;
      try {
        actual = parseJsonText(text, 'tenants.json');
      } catch (e) {
        if (!(e instanceof JsonTextError)) throw e;
        error = e;
      }
      if (error === undefined) {
        expect(valid).toBe(true);
        expect(same(actual, expected)).toBe(true);
        return;
      }
      // JSON.parse accepts a duplicate key; this reader refuses it. Anything else JSON.parse refuses too.
      if (valid) expect(error.reason).toMatch(/^duplicate key /);
      const lines = text.split(/\r\n|\n|\r/);
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThanOrEqual(text.length);
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.line).toBeLessThanOrEqual(lines.length);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeLessThanOrEqual(lines[error.line - 1].length + 1);
      expect(error.message).toBe(`tenants.json:${error.line}:${error.column}: malformed JSON: ${error.reason}`);
    }), { numRuns: 3000 });
  });
});
