// Checks the cloud assembly a consumer app wrote through `cdk synth`. The Python, Java and Go apps
// build the same 150-tenant gateway; the TypeScript app is the README's quick start.
//
//   ts-node --project tsconfig.dev.json test/consumers/check-assembly.ts <app dir> [--nag] [--readme-quick-start]
//
// The app dir holds cdk.json and the cdk.out the CLI wrote. --nag: the app ran cdk-nag's
// AwsSolutionsChecks, which must have reported nothing unacknowledged. --readme-quick-start: the
// app is the README's quick start, with its tenants.json in the app dir; it names only a region,
// has no web ACL (so cdk-nag's AwsSolutions-CFR2 warning, which the README leaves visible on
// purpose, is expected) and no outputs of its own.
import * as fs from 'fs';
import * as path from 'path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { flatten, loadTemplate, readAssembly, recordsOf, resourcesOfType } from './assembly';

const [appDir, ...options] = process.argv.slice(2);
if (!appDir || options.some(o => o !== '--nag' && o !== '--readme-quick-start')) {
  console.error('usage: check-assembly.ts <app dir> [--nag] [--readme-quick-start]');
  process.exit(2);
}
const quickStart = options.includes('--readme-quick-start');
const STACK = quickStart ? 'GatewayStack' : 'ConsumerGateway';
const ENVIRONMENT = quickStart ? 'aws://unknown-account/us-east-1' : 'aws://123456789012/us-east-1';
/** The tenant domains the gateway makes records for. */
const DOMAINS: string[] = quickStart
  ? JSON.parse(fs.readFileSync(path.join(appDir, 'tenants.json'), 'utf8')).tenants
    .filter((t: { externalDns?: boolean }) => !t.externalDns).flatMap((t: { domainNames: string[] }) => t.domainNames)
  : Array.from({ length: 150 }, (_, i) => `tenant-${i}.example.com`);
/** The quick start's tenants all sit on shard 0; the 150 tenants fill two shards. */
const DISTRIBUTIONS = quickStart ? 1 : 2;
/** cdk-nag findings the app is expected to show, as the README says. */
const EXPECTED_NAG = quickStart ? ['AwsSolutions-CFR2'] : [];
const problems: string[] = [];
const expect = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };

// cdk.json carries the feature flags `cdk init app` writes for the aws-cdk-lib the project tests
// against (the CLI's init template takes them from aws-cdk-lib's recommended flags).
const cdkJson = JSON.parse(fs.readFileSync(path.join(appDir, 'cdk.json'), 'utf8'));
const flags = Object.fromEntries(Object.entries(cdkJson.context ?? {}).filter(([key]) => key.startsWith('@aws-cdk')));
const stale = Object.keys({ ...flags, ...CURRENTLY_RECOMMENDED_FLAGS })
  .filter(key => JSON.stringify(flags[key]) !== JSON.stringify(CURRENTLY_RECOMMENDED_FLAGS[key]));
expect(stale.length === 0, `${appDir}/cdk.json: its feature flags differ from aws-cdk-lib's recommended ones in ${stale.join(', ')}`);

const outdir = path.join(appDir, cdkJson.output ?? 'cdk.out');
const assembly = readAssembly(outdir);
expect(assembly.missing.length === 0,
  `the app asked for context the CLI would look up with AWS credentials: ${assembly.missing.map(m => `${m.provider} (${m.key})`).join(', ')}`);
expect(assembly.stacks.length === 1 && assembly.stacks[0].id === STACK,
  `expected the one stack ${STACK}, got ${assembly.stacks.map(s => s.id).join(', ') || 'none'}`);
const stack = assembly.stacks.find(s => s.id === STACK);
if (!stack) fail();
expect(stack.environment === ENVIRONMENT, `${STACK} is in ${stack.environment}, expected ${ENVIRONMENT}`);
expect(stack.errors.length === 0, `${STACK} has errors:\n    ${stack.errors.join('\n    ')}`);

const root = loadTemplate(outdir, stack.templateFile);
const templates = flatten(root);

const distributions = templates.flatMap(t => resourcesOfType(t.template, 'AWS::CloudFront::Distribution'));
expect(distributions.length === DISTRIBUTIONS, `expected ${DISTRIBUTIONS} CloudFront distributions, found ${distributions.length}`);

// Every tenant domain gets an A and an AAAA alias record, once, however the records are grouped.
const records = templates.flatMap(t => recordsOf(t.template, t.file));
const expected = DOMAINS.flatMap(name => [`${name} A`, `${name} AAAA`]);
const seen = new Map<string, number>();
for (const r of records) seen.set(`${r.name} ${r.type}`, (seen.get(`${r.name} ${r.type}`) ?? 0) + 1);
const absent = expected.filter(key => !seen.has(key));
const extra = [...seen.keys()].filter(key => !expected.includes(key));
const twice = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
expect(records.length === expected.length, `expected ${expected.length} DNS records, found ${records.length}`);
expect(absent.length + extra.length + twice.length === 0,
  `DNS records: missing ${absent.slice(0, 5).join(', ') || 'none'}; unexpected ${extra.slice(0, 5).join(', ') || 'none'}; duplicated ${twice.slice(0, 5).join(', ') || 'none'}`);
const grouped = templates.reduce((n, t) => n + resourcesOfType(t.template, 'AWS::Route53::RecordSetGroup').length, 0);

// The 150-tenant apps output each of `gateway.distributions`' domain names.
const outputs = Object.keys(root.template.Outputs ?? {}).filter(key => /^Distribution\d+$/.test(key));
const OUTPUTS = quickStart ? 0 : DISTRIBUTIONS;
expect(outputs.length === OUTPUTS, `expected ${OUTPUTS} Distribution<n> outputs (one per gateway.distributions entry), found ${outputs.join(', ') || 'none'}`);

// The recommended flags reached the app: restrictDefaultSecurityGroup adds its custom resource.
expect(resourcesOfType(root.template, 'Custom::VpcRestrictDefaultSG').length === 1,
  'no Custom::VpcRestrictDefaultSG: the recommended feature flags in cdk.json did not take effect');

if (options.includes('--nag')) {
  const expectedFinding = (text: string) => EXPECTED_NAG.some(rule => text.includes(`: ${rule}:`));
  const findings = [...stack.errors, ...stack.warnings].filter(text => /: AwsSolutions-/.test(text) && !expectedFinding(text));
  expect(findings.length === 0, `cdk-nag findings nobody acknowledged:\n    ${findings.join('\n    ')}`);
  const reports = fs.readdirSync(outdir).filter(f => /^AwsSolutions-.*-NagReport\.csv$/.test(f));
  expect(reports.includes(`AwsSolutions-${STACK}-NagReport.csv`), `cdk-nag wrote no report for ${STACK}: did AwsSolutionsChecks run?`);
  const nonCompliant = reports.flatMap(f => fs.readFileSync(path.join(outdir, f), 'utf8').split('\n')
    .filter(line => line.includes('"Non-Compliant"') && !EXPECTED_NAG.some(rule => line.startsWith(`"${rule}"`))).map(line => `${f}: ${line}`));
  expect(nonCompliant.length === 0, `cdk-nag reports non-compliant resources:\n    ${nonCompliant.join('\n    ')}`);
}

if (problems.length > 0) fail();
console.log(`   ${STACK} (${stack.environment}): ${templates.length} templates, ${distributions.length} distributions, ` +
  `${records.length} DNS records (${grouped} record set groups), ${outputs.length} distribution outputs, no missing context` +
  (options.includes('--nag') ? `, no cdk-nag findings${EXPECTED_NAG.length ? ` beyond ${EXPECTED_NAG.join(', ')} (expected)` : ''}` : ''));

function fail(): never {
  console.error(`${appDir}: the cloud assembly is not what the consumer app should make:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
