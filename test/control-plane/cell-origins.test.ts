import * as fc from 'fast-check';
import {
  cellOrigin, cellOriginsProblems, cellRoomProblems, decodeCellNames, decodeCellOrigins, encodeCellNames, knowsCell, MAX_ENCODED_CELLS,
} from '../../src/control-plane/cell-origins';

const CELLS = { eu: 'eu.origin.example.net', us: 'us.origin.example.net' };

test('a tenant of the default cell, or of none, keeps the distribution\'s own origin; one of a known cell gets that cell\'s', () => {
  expect(cellOrigin(undefined, CELLS)).toBeUndefined();
  expect(cellOrigin('default', CELLS)).toBeUndefined();
  expect(cellOrigin('eu', CELLS)).toBe('eu.origin.example.net');
  // Only the cells given: no name reaches the object's own properties.
  expect(cellOrigin('ap', CELLS)).toBeUndefined();
  expect(cellOrigin('constructor', CELLS)).toBeUndefined();
  // A "default" key (the construct refuses one; an environment edited by hand may hold it) never moves the default cell.
  expect(cellOrigin('default', { ...CELLS, default: 'elsewhere.example.net' })).toBeUndefined();
  expect(cellOrigin(undefined, { ...CELLS, undefined: 'elsewhere.example.net' })).toBeUndefined();
});

test('the cells given to the control plane: named as the tenants file names cells, not "default", each key checked', () => {
  expect(cellOriginsProblems(CELLS)).toEqual([]);
  expect(cellOriginsProblems({})).toEqual([]);
  expect(cellOriginsProblems({ EU: 'x', default: 'y', us: 'z' })).toEqual([
    expect.stringMatching(/^`cellOrigins` key "EU" must be 1-32 lower-case letters/),
    expect.stringMatching(/^`cellOrigins` "default": the default cell's origin is the distribution's own/),
  ]);
});

// Lambda holds at most 4 KB of environment variables ("Lambda quotas", AWS Lambda Developer Guide,
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): the cells get 1 KB of it.
test('cells fit the reconciler\'s environment while each name and 100 characters for its origin stay within its room', () => {
  const names = (count: number, length: number) => Array.from({ length: count }, (_, i) => `c${i}`.padEnd(length, 'x'));
  // 2 for the braces, 6 for a cell's quotes, colon and comma, 100 for its origin.
  const fits = (ns: string[]) => ns.reduce((n, name) => n + name.length + 6 + 100, 2) <= MAX_ENCODED_CELLS;
  fc.assert(fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 2, max: 32 }), (count, length) => {
    const ns = names(count, length);
    expect(cellRoomProblems(ns, '`cells`')).toEqual(fits(ns) ? [] : [expect.stringMatching(new RegExp(`^\`cells\` has ${count} cells, more than`))]);
  }));
  // At the edge: 9 cells of 8 characters take 2 + 9 * 114 = 1,028 characters, 8 take 914.
  expect(cellRoomProblems(names(8, 8), 'x')).toEqual([]);
  expect(cellRoomProblems(names(9, 8), 'x')).toHaveLength(1);
  expect(cellRoomProblems(names(9, 7), 'x')).toEqual([]); // 2 + 9 * 113 = 1,019
  expect(cellRoomProblems(['x'.repeat(MAX_ENCODED_CELLS - 108)], 'x')).toEqual([]); // exactly the room
  expect(cellRoomProblems(['x'.repeat(MAX_ENCODED_CELLS - 107)], 'x')).toHaveLength(1);
  expect(cellOriginsProblems(Object.fromEntries(names(9, 8).map(n => [n, 'o'])))).toEqual([expect.stringMatching(/^`cellOrigins` has 9 cells/)]);
});

test('the default cell and no cell are always known; another cell only when listed', () => {
  expect(knowsCell(undefined, [])).toBe(true);
  expect(knowsCell('default', [])).toBe(true);
  expect(knowsCell('eu', [])).toBe(false);
  expect(knowsCell('eu', ['eu'])).toBe(true);
});

test('the environment variable and the stack output read back what was written; absent, no cells', () => {
  expect(decodeCellOrigins(JSON.stringify(CELLS))).toEqual(CELLS);
  expect(decodeCellOrigins(undefined)).toEqual({});
  expect(decodeCellOrigins('')).toEqual({});
  expect(decodeCellNames(undefined)).toEqual([]);
  fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/), { maxLength: 8 }), names => {
    expect(decodeCellNames(encodeCellNames(names))).toEqual(names);
  }));
});
