// The account's distribution quota, filled: its own file, as it takes a minute or more.
import { expectDeployable, kinds, synth, tenants } from './scale-helpers';

test('50,000 tenants: 500 distributions, the account\'s quota, in 10 blocks of 50 shards, every template deployable', () => {
  const templates = synth(tenants(50_000));
  expect(kinds(templates).shards).toHaveLength(500);
  expect(kinds(templates).blocks).toHaveLength(10);
  expect(kinds(templates).parent).toHaveLength(1);
  expectDeployable(templates);
}, 900_000);
