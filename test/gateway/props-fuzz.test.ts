// Random gateway props, valid and invalid mixed: the gateway either synthesizes, or throws one error
// that names every bad prop and its value. Each field's pool says which of its values are bad, so
// the property knows which props the error must name (and that none is named when all are good).
import { Duration } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { build, tenants } from '../gateway-fixture'; // a stack in eu-west-1

interface Choice {
  /** The prop's path as the error names it. */
  readonly key: string;
  readonly value: unknown;
  /** How the error shows the value, for a bad one. */
  readonly shown?: string;
}

const good = (key: string, value: unknown): Choice => ({ key, value });
const bad = (key: string, value: unknown, shown: string): Choice => ({ key, value, shown });
const numbers = (key: string, goods: number[], bads: number[]) =>
  [...goods.map(v => good(key, v)), ...bads.map(v => bad(key, v, String(v)))];

const FIELDS: Choice[][] = [
  numbers('quotas.domainsPerDistribution', [1, 2, 100], [0, -1, 1.5, NaN, Infinity]),
  numbers('quotas.distributionsPerAccount', [10, 500], [0, -500, 2.5, NaN]),
  numbers('quotas.distributionsPerCachePolicy', [1, 100], [0, NaN]),
  numbers('quotas.recordsPerHostedZone', [100, 10_000], [-1, 0.1]),
  numbers('maxConcurrentEdgeChanges', [1, 50, 100], [0, -3, 2.5, 101, NaN]),
  numbers('natGateways', [1, 2], [0, -1, 1.5, 3]),
  numbers('observability.alarmThresholds.distribution5xxErrorRate', [0, 5, 100], [-1, 101, NaN]),
  numbers('observability.alarmThresholds.unhealthyHosts', [1, 3], [0, 1.5]),
  [good('tenantConfigPath', '/apps/shop/tenants'), good('tenantConfigPath', '/a.b_c-d'),
    bad('tenantConfigPath', 'apps/tenants', '"apps/tenants"'), bad('tenantConfigPath', '/aws/tenants', '"/aws/tenants"'),
    bad('tenantConfigPath', '/tenants/', '"/tenants/"'), bad('tenantConfigPath', '/' + 'a/'.repeat(15) + 'b', '16 levels')],
  [good('webAclId', 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1a2b'),
    bad('webAclId', 'edge-acl', '"edge-acl"'),
    bad('webAclId', 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b', 'regional/webacl')],
  [good('availabilityZones', ['eu-west-1a', 'eu-west-1b']), bad('availabilityZones', ['eu-west-1a'], '["eu-west-1a"]'),
    bad('availabilityZones', ['us-east-1a', 'us-east-1b'], '["us-east-1a","us-east-1b"]')],
  [good('logRetention', Duration.days(30)), bad('logRetention', Duration.hours(36), '1 day 12 hours')],
];

/** Props from chosen fields: `a.b.c` paths become nested objects. */
function propsOf(choices: readonly Choice[]): Record<string, any> {
  const props: Record<string, any> = {};
  for (const { key, value } of choices) {
    const path = key.split('.');
    let at = props;
    for (const part of path.slice(0, -1)) at = at[part] ??= {};
    at[path[path.length - 1]] = value;
  }
  return props;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('gateway props, fuzzed', () => {
  test('every input synthesizes, or throws one error naming each bad prop and its value', () => {
    const picks = fc.tuple(...FIELDS.map(pool => fc.option(fc.constantFrom(...pool), { nil: undefined })))
      .map(picked => picked.filter((c): c is Choice => c !== undefined));
    // Half the inputs keep only good values, so that building is tried as often as refusing.
    const choices = fc.oneof(picks, picks.map(picked => picked.filter(c => c.shown === undefined)));
    let built = 0;
    fc.assert(fc.property(choices, fc.integer({ min: 1, max: 6 }), (picked, count) => {
      const bads = picked.filter(c => c.shown !== undefined);
      const attempt = () => build(tenants(count), propsOf(picked));
      if (bads.length === 0) {
        expect(() => attempt().app.synth()).not.toThrow();
        built++;
        return;
      }
      let message = '';
      try {
        attempt();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^MultiTenantGateway "Stack\/Gateway" has \d+ problems?:\n {2}- /);
      for (const { key, shown } of bads) {
        expect(message).toMatch(new RegExp(`\`${escape(key)}\`[^\\n]*${escape(shown!)}`));
      }
    }), { numRuns: 60 });
    expect(built).toBeGreaterThan(10);
  });
});
