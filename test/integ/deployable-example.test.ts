// examples/deployable, the app the integration tests deploy, synthesized as a user runs it: the
// aws-cdk CLI's `cdk synth` in its directory, with no AWS credentials of any kind.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'deployable');

/** `cdk synth` of the example into a fresh directory, with the given context and variables. */
function synth(context: Record<string, string>, variables: Record<string, string> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deployable-'));
  const empty = path.join(outdir, 'empty');
  fs.writeFileSync(empty, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('GATEWAY_')));
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), [
    'synth', '--quiet', '--no-notices', '--output', outdir,
    ...Object.entries(context).flatMap(([key, value]) => ['--context', `${key}=${value}`]),
  ], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    env: {
      ...env,
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      ...variables,
    },
  });
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
  const templates = () => fs.readdirSync(outdir).filter(file => file.endsWith('.template.json')).map(read);
  return { result, outdir, read, templates };
}

describe('the deployable example, synthesized by the CLI with no credentials', () => {
  const { result, read, templates } = synth({ hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'dev.example.org' });

  test('synthesizes with no error and no warning', () => {
    expect(result.stderr).not.toMatch(/Error|\[Warning/);
    expect(result.status).toBe(0);
    const manifest = read('manifest.json');
    const entries = Object.values(manifest.artifacts as Record<string, any>)
      .flatMap(artifact => Object.values(artifact.metadata ?? {}).flat() as any[])
      .filter(entry => entry.type === 'aws:cdk:warning' || entry.type === 'aws:cdk:error');
    expect(entries).toEqual([]);
  });

  test('puts every tenant of its tenants.json in the given zone, in the region it defaults to', () => {
    const names = templates().flatMap(t => Object.values(t.Resources as Record<string, any>))
      .filter(r => r.Type === 'AWS::Route53::RecordSetGroup')
      .flatMap(r => r.Properties.RecordSets.map((set: any) => `${set.Type} ${set.Name}`));
    expect(new Set(names)).toEqual(new Set(['acme', 'globex', 'initech'].flatMap(id => [`A ${id}.dev.example.org.`, `AAAA ${id}.dev.example.org.`])));
    expect(read('manifest.json').artifacts.DeployableGateway.environment).toBe('aws://unknown-account/us-east-1');
  });

  test('runs the placeholder app, which shows each tenant its Host', () => {
    const main = read('DeployableGateway.template.json');
    const [launchTemplate] = Object.values(main.Resources as Record<string, any>).filter(r => r.Type === 'AWS::EC2::LaunchTemplate');
    expect(launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']).toContain('systemctl enable --now gateway-placeholder.service');
  });
});

test('the deployable example takes its settings from environment variables too', () => {
  const { result, read } = synth({}, {
    GATEWAY_HOSTED_ZONE_ID: 'Z0123456789EXAMPLE',
    GATEWAY_ZONE_NAME: 'example.net',
    GATEWAY_REGION: 'eu-west-1',
    GATEWAY_AVAILABILITY_ZONES: 'eu-west-1b,eu-west-1c',
  });
  expect(result.status).toBe(0);
  expect(read('manifest.json').artifacts.DeployableGateway.environment).toBe('aws://unknown-account/eu-west-1');
  const subnets = Object.values(read('DeployableGateway.template.json').Resources as Record<string, any>)
    .filter(r => r.Type === 'AWS::EC2::Subnet').map(r => r.Properties.AvailabilityZone);
  expect(new Set(subnets)).toEqual(new Set(['eu-west-1b', 'eu-west-1c']));
});

test('the deployable example says what it needs when the hosted zone is not given', () => {
  const { result } = synth({});
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('The deployable example needs the hosted zone id (`GATEWAY_HOSTED_ZONE_ID` or `-c hostedZoneId=...`) ' +
    'and the hosted zone name (`GATEWAY_ZONE_NAME` or `-c zoneName=...`).');
});
