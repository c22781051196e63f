// `--quota` against the tenants file's `settings.quotas`: the gateway refuses a `quotas` prop that
// contradicts the file, so every command refuses such a flag, before it writes anything.
import * as fs from 'fs';
import { cliFolder } from './cli-harness';
import { Tenants } from '../../src';
import { errorOf } from '../errors';
import { build } from '../gateway-fixture';

const folder = cliFolder('tenants-quota-');
const run = folder.run;

/** Two tenants filling shard 0 of a file whose distributions hold two domains. */
const FILE = JSON.stringify({
  tenants: [
    { id: 't0', domainNames: ['t0.example.com'], shard: 0 },
    { id: 't1', domainNames: ['t1.example.com'], shard: 0 },
  ],
  settings: { quotas: { domainsPerDistribution: 2 } },
}, null, 2) + '\n';

const CONTRADICTION = '`--quota domainsPerDistribution` is 3, but tenants.json says `settings.quotas.domainsPerDistribution` 2; give it in one place';

beforeEach(() => fs.writeFileSync(folder.file('tenants.json'), FILE));

test('an edit with a --quota that contradicts the file is refused, and the file is left as it was', () => {
  for (const argv of [['add', 't2', 't2.example.com'], ['remove', 't1']]) {
    const result = run(...argv, '--quota', 'domainsPerDistribution=3');
    expect(result.code).toBe(1);
    expect(result.err).toContain(CONTRADICTION);
    expect(fs.readFileSync(folder.file('tenants.json'), 'utf8')).toBe(FILE);
  }
});

test('validate and plan give the same verdict on the same flag', () => {
  for (const command of ['validate', 'plan']) {
    const result = run(command, '--quota', 'domainsPerDistribution=3');
    expect(result.code).toBe(1);
    expect(result.err).toContain(CONTRADICTION);
  }
});

test('the gateway refuses the same figure in its `quotas` prop, for the same reason', () => {
  const tenants = Tenants.fromFile(folder.file('tenants.json'));
  const message = errorOf(() => build([], { tenants, quotas: { domainsPerDistribution: 3 } }));
  expect(message).toContain('is 3, but');
  expect(message).toContain('says `settings.quotas.domainsPerDistribution` 2; give it in one place');
});

test('a flag that agrees with the file, or names a quota the file leaves out, is no contradiction', () => {
  expect(run('validate', '--quota', 'domainsPerDistribution=2').err).not.toContain('give it in one place');
  expect(run('validate', '--quota', 'distributionsPerAccount=600').err).not.toContain('give it in one place');
});

test('a --quota name that is not a quota: the one meant when it is near', () => {
  expect(run('validate', '--quota', 'domainsPerDistributon=3')).toMatchObject({
    code: 2, err: expect.stringContaining('unknown quota "domainsPerDistributon" (did you mean "domainsPerDistribution"?)'),
  });
});
