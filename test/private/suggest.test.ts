// "Did you mean": the one helper behind the CLI's and the construct's suggestions.
import * as fc from 'fast-check';
import { closest, didYouMean } from '../../src/private/suggest';

const KNOWN = ['validate', 'plan', 'add', 'remove', 'domainsPerDistribution', 'distributionsPerAccount'];

test('a name one edit away (a letter dropped, doubled, changed, or two swapped) is taken for the known one', () => {
  const typo = fc.tuple(fc.constantFrom(...KNOWN), fc.nat(), fc.constantFrom('drop', 'double', 'change', 'swap')).map(([name, at, kind]) => {
    const i = at % (name.length - 1);
    const edited = kind === 'drop' ? name.slice(0, i) + name.slice(i + 1)
      : kind === 'double' ? name.slice(0, i) + name[i] + name.slice(i)
        : kind === 'change' ? name.slice(0, i) + (name[i] === 'x' ? 'y' : 'x') + name.slice(i + 1)
          : name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
    return { name, edited };
  });
  fc.assert(fc.property(typo, ({ name, edited }) => {
    expect(closest(edited, KNOWN)).toBe(name);
  }), { numRuns: 300 });
});

test('case aside; nothing is suggested when no name is near', () => {
  expect(closest('Validate', KNOWN)).toBe('validate');
  expect(closest('shards', KNOWN)).toBeUndefined();
  expect(closest('x', [])).toBeUndefined();
});

test('didYouMean quotes the suggestion as asked, or says nothing', () => {
  expect(didYouMean('pln', KNOWN)).toBe(' (did you mean "plan"?)');
  expect(didYouMean('ad', KNOWN, n => `\`${n}\``)).toBe(' (did you mean `add`?)');
  expect(didYouMean('deploy', KNOWN)).toBe('');
});
