import * as fc from 'fast-check';
import { cellOrigin, decodeCellNames, decodeCellOrigins, encodeCellNames, knowsCell } from '../../src/control-plane/cell-origins';

const CELLS = { eu: 'eu.origin.example.net', us: 'us.origin.example.net' };

test('a tenant of the default cell, or of none, keeps the distribution\'s own origin; one of a known cell gets that cell\'s', () => {
  expect(cellOrigin(undefined, CELLS)).toBeUndefined();
  expect(cellOrigin('default', CELLS)).toBeUndefined();
  expect(cellOrigin('eu', CELLS)).toBe('eu.origin.example.net');
  // Only the cells given: no name reaches the object's own properties.
  expect(cellOrigin('ap', CELLS)).toBeUndefined();
  expect(cellOrigin('constructor', CELLS)).toBeUndefined();
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
