// The example gateway: every tenant in examples/tenants.json behind one shared app.
// Run it with `npm run example`; it synthesizes into examples/cdk.out and prints what it built.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Fleet, MultiTenantGateway, Tenants } from '../../src';

const outdir = path.join(__dirname, '..', 'cdk.out');
const app = new App({ outdir });
const stack = new Stack(app, 'ExampleGateway', { env: { account: '123456789012', region: 'us-east-1' } });

const userData = ec2.UserData.forLinux();
userData.addCommands(
  // A stand-in app that answers with the Host it was asked for.
  'dnf install -y python3',
  'cat > /opt/app.py <<\'PY\'',
  'from http.server import BaseHTTPRequestHandler, HTTPServer',
  'class Handler(BaseHTTPRequestHandler):',
  '    def do_GET(self):',
  '        body = f"Hello from {self.headers.get(\'Host\')}\\n".encode()',
  '        self.send_response(200); self.send_header("Cache-Control", "max-age=300"); self.end_headers(); self.wfile.write(body)',
  'HTTPServer(("", 80), Handler).serve_forever()',
  'PY',
  'nohup python3 /opt/app.py &',
);

const gateway = new MultiTenantGateway(stack, 'Gateway', {
  tenants: Tenants.fromFile(path.join(__dirname, '..', 'tenants.json')),
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  }),
  distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
  loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'OriginCertificate',
    'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000')],
  fleet: Fleet.autoScaling({ userData, minCapacity: 2, maxCapacity: 6 }),
});

const assembly = app.synth();

// What was built: shards, their tenants, and every template's size.
const byShard = new Map<number, string[]>();
for (const p of gateway.placements) byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), ...p.domainNames]);
console.log(`Synthesized ${gateway.placements.length} tenants into ${gateway.distributions.length} CloudFront distributions:`);
for (const [shard, domains] of [...byShard].sort(([a], [b]) => a - b)) {
  console.log(`  shard ${shard}: ${domains.length} domains (${domains.slice(0, 3).join(', ')}${domains.length > 3 ? ', ...' : ''})`);
}
console.log('Templates:');
for (const file of fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json')).sort()) {
  const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
  const resources = Object.keys(JSON.parse(text).Resources ?? {}).length;
  console.log(`  ${file}: ${resources} resources, ${text.length} bytes`);
}
console.log(`Cache policies: ${gateway.cachePolicies.length} (Host in the key, min TTL 180 s); VPC origins: ${gateway.vpcOrigins.length}`);
console.log(`Written to ${path.relative(process.cwd(), assembly.directory)}`);
