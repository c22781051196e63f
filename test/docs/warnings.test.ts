// docs/warnings.md lists every warning id the library emits, and the way it shows to acknowledge
// one works on a gateway. aws-cdk-lib tags a warning made with addWarningV2 as `[ack: <id>]`.
import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { Annotations as Found, Match } from 'aws-cdk-lib/assertions';
import { build, tenants } from '../gateway-fixture';

const ROOT = path.join(__dirname, '..', '..');
const ID = /cdk-multi-tenant-gateway:[a-z0-9-]+/g;

/** The ids in the first column of docs/warnings.md's table. */
function documentedIds(): string[] {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'warnings.md'), 'utf8');
  return page.split('\n').filter(line => line.startsWith('| `cdk-multi-tenant-gateway:'))
    .map(line => line.match(ID)![0]);
}

/** The ids the library's source passes to addWarningV2. */
function emittedIds(): string[] {
  const ids = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        for (const call of fs.readFileSync(file, 'utf8').matchAll(/addWarningV2\(\s*'(cdk-multi-tenant-gateway:[a-z0-9-]+)'/g)) ids.add(call[1]);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return [...ids].sort();
}

test('docs/warnings.md lists exactly the warning ids the library emits, once each', () => {
  const documented = documentedIds();
  expect(emittedIds().length).toBeGreaterThan(0);
  expect([...documented].sort()).toEqual(emittedIds());
  expect(new Set(documented).size).toBe(documented.length);
});

test('Annotations.of(gateway).acknowledgeWarning, as the page shows, silences a warning after the gateway is made', () => {
  // In eu-west-1 with certificates imported by ARN: the coverage and CloudFront-alarm warnings.
  const { stack, gateway } = build(tenants(2));
  const tagged = (id: string) => Match.stringLikeRegexp(`\\[ack: ${id}\\]`);
  Found.fromStack(stack).hasWarning('*', tagged('cdk-multi-tenant-gateway:certificate-coverage-unchecked'));

  Annotations.of(gateway).acknowledgeWarning('cdk-multi-tenant-gateway:certificate-coverage-unchecked', 'checked by hand');

  Found.fromStack(stack).hasNoWarning('*', tagged('cdk-multi-tenant-gateway:certificate-coverage-unchecked'));
  Found.fromStack(stack).hasWarning('*', tagged('cdk-multi-tenant-gateway:cloudfront-alarms-region'));
});
