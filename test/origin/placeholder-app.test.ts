// The default fleet's placeholder app: the user data is behaviour, so these tests take the server
// and its systemd unit out of the synthesized launch template and run the server here, on a free
// port, asking it for the path the target group's health check requests.
//
// The AWS rules these tests rely on:
// - a target is healthy when it answers the target group's health-check path with a success code
//   ("Health checks for Application Load Balancer target groups",
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html);
// - Amazon Linux 2023 ships Python 3 as /usr/bin/python3 ("Python in AL2023",
//   https://docs.aws.amazon.com/linux/al2023/ug/python.html), so the app needs no download;
// - with HTTPS targets the load balancer does not validate the target's certificate, so a
//   self-signed one serves ("Target groups for your Application Load Balancers", routing configuration,
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Annotations as CdkAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Fleet, MultiTenantGatewayProps } from '../../src';
import { PLACEHOLDER_APP_WARNING } from '../../src/origin/private/placeholder-app';
import { gatewayStack } from '../security-helpers';

/** The user data of the one launch template, and the target group's port and health-check path. */
function fleetOf(props: Partial<MultiTenantGatewayProps>) {
  const { stack } = gatewayStack(props);
  const t = Template.fromStack(stack);
  const [template] = Object.values(t.findResources('AWS::EC2::LaunchTemplate'));
  const userData = template.Properties.LaunchTemplateData.UserData?.['Fn::Base64'] as string | undefined;
  const [group] = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
  return { stack, userData, port: group.Properties.Port as number, healthCheckPath: group.Properties.HealthCheckPath as string };
}

/** The text of a here-document of the user data, by its delimiter. */
function hereDocument(userData: string, delimiter: string): string {
  const match = new RegExp(`<<'${delimiter}'\\n([\\s\\S]*?)\\n${delimiter}\\n`).exec(userData);
  if (!match) throw new Error(`no here-document ${delimiter} in the user data`);
  return match[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the unit's ExecStart as written, but with the server file extracted here and a free port
 * in place of the fleet's, and resolves once the server says it listens.
 */
async function startServer(userData: string, fleetPort: number): Promise<{ port: number; server: ChildProcess }> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'placeholder-'));
  const serverFile = path.join(directory, 'server.py');
  fs.writeFileSync(serverFile, hereDocument(userData, 'PLACEHOLDER_SERVER'));
  const execStart = /^ExecStart=(.*)$/m.exec(hereDocument(userData, 'PLACEHOLDER_UNIT'))![1].split(' ');
  const port = await freePort();
  const args = execStart.slice(2).map(arg => (arg === String(fleetPort) ? String(port) : arg));
  const server = spawn('python3', [serverFile, ...args], { env: { ...process.env, STATE_DIRECTORY: directory } });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    server.stderr!.on('data', chunk => { stderr += chunk; });
    server.stdout!.on('data', chunk => { if (String(chunk).includes('listening on')) resolve(); });
    server.on('exit', code => reject(new Error(`the placeholder server exited with ${code}: ${stderr}`)));
  });
  return { port, server };
}

async function get(tls: boolean, port: number, requestPath: string, host: string): Promise<{ status: number; body: string }> {
  const client = tls ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request({
      host: '127.0.0.1', port, path: requestPath, headers: { Host: host }, rejectUnauthorized: false,
    }, response => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', chunk => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe.each([
  { name: 'the default fleet', fleet: undefined, tls: false },
  { name: 'a fleet on port 8080 with its own health-check path', fleet: Fleet.autoScaling({ port: 8080, healthCheckPath: '/healthz' }), tls: false },
  { name: 'an HTTPS fleet', fleet: Fleet.autoScaling({ protocol: elbv2.ApplicationProtocol.HTTPS, healthCheckPath: '/ping' }), tls: true },
])('$name runs the placeholder app', ({ fleet, tls }) => {
  const { userData, port, healthCheckPath } = fleetOf(fleet ? { fleet } : {});
  let running: { port: number; server: ChildProcess };
  beforeAll(async () => { running = await startServer(userData!, port); });
  afterAll(() => { running?.server.kill(); });

  test('as a systemd service on the target group\'s port and protocol', () => {
    const unit = hereDocument(userData!, 'PLACEHOLDER_UNIT');
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/python3 \\S+ --port ${port}${tls ? ' --tls' : ''}$`, 'm'));
    expect(userData).toContain('systemctl enable --now gateway-placeholder.service');
  });

  test('that answers the target group\'s health-check path with 200 and the Host it was asked for', async () => {
    const answer = await get(tls, running.port, healthCheckPath, 'acme.example.com');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Host: acme.example.com');
  });

  test('that echoes each tenant\'s Host, escaped, on any path', async () => {
    const answer = await get(tls, running.port, '/some/page?x=1', 'globex.example.com');
    expect(answer.body).toContain('Host: globex.example.com');
    expect((await get(tls, running.port, '/', '<script>x</script>')).body).toContain('Host: &lt;script&gt;x&lt;/script&gt;');
  });
});

describe('the placeholder warning', () => {
  const warning = Match.stringLikeRegexp(`placeholder app.*${PLACEHOLDER_APP_WARNING}`);

  test('says the fleet runs a placeholder and how to give the app', () => {
    const { stack } = fleetOf({});
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Fleet.autoScaling\\(\\{ userData \\}\\)'));
    Annotations.fromStack(stack).hasWarning('*', warning);
  });

  test('is gone once acknowledged on the gateway, or on the stack before the gateway is made', () => {
    const { stack, gateway } = gatewayStack({});
    CdkAnnotations.of(gateway).acknowledgeWarning(PLACEHOLDER_APP_WARNING);
    Annotations.fromStack(stack).hasNoWarning('*', warning);
    const early = gatewayStack(scope => {
      CdkAnnotations.of(scope).acknowledgeWarning(PLACEHOLDER_APP_WARNING);
      return {};
    });
    Annotations.fromStack(early.stack).hasNoWarning('*', warning);
  });
});

describe('a fleet given its app runs no placeholder and gets no warning', () => {
  test('with user data of the user\'s, it is the launch template\'s user data as given', () => {
    const userData = ec2.UserData.forLinux();
    userData.addCommands('systemctl start my-app');
    const { stack, userData: synthesized } = fleetOf({ fleet: Fleet.autoScaling({ userData }) });
    expect(synthesized).toBe('#!/bin/bash\nsystemctl start my-app');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PLACEHOLDER_APP_WARNING));
  });

  test('with a machine image of the user\'s, the image starts the app', () => {
    const machineImage = (stack: Stack) => ec2.MachineImage.genericLinux({ [stack.region]: 'ami-0123456789abcdef0' });
    const { stack } = gatewayStack(scope => ({ fleet: Fleet.autoScaling({ machineImage: machineImage(scope as Stack) }) }));
    const [template] = Object.values(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate'));
    expect(template.Properties.LaunchTemplateData.UserData).toBeUndefined();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PLACEHOLDER_APP_WARNING));
  });

  test('with a group of the user\'s, the group is left as it is', () => {
    const { stack } = gatewayStack(scope => {
      const vpc = new ec2.Vpc(scope, 'AppVpc');
      return {
        vpc,
        fleet: Fleet.autoScaling({
          autoScalingGroup: new autoscaling.AutoScalingGroup(scope, 'Mine', {
            vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
          }),
        }),
      };
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PLACEHOLDER_APP_WARNING));
  });
});
