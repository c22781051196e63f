import * as fs from 'fs';
import { cliFolder } from './cli-harness';

// The command line as node:util's parseArgs splits it, with the CLI's own words for mistakes.
// cli.test.ts covers the usage errors and help; these pin the finer points of the syntax.

const folder = cliFolder('tenants-cli-args-');
const run = folder.run;
beforeEach(() => {
  fs.writeFileSync(folder.file('tenants.json'), '{\n  "tenants": []\n}\n');
});

function tenants(name = 'tenants.json'): unknown[] {
  return JSON.parse(fs.readFileSync(folder.file(name), 'utf8')).tenants;
}

test.each([
  [['validate', '-x'], 'unknown option "-x"'],
  [['validate', '-hx'], 'unknown option "-hx"'],
  [['validate', '-h=1'], 'unknown option "-h=1"'],
  [['validate', '--verbose=3'], 'unknown option "--verbose=3"'],
  [['add', 'a', 'a.example.com', '--no-external-dns'], 'unknown option "--no-external-dns" (did you mean "--external-dns"?)'],
  [['add', 'a', 'a.example.com', '--extrenal-dns'], 'unknown option "--extrenal-dns" (did you mean "--external-dns"?)'],
  [['validate', '--fiel', 'x.json'], 'unknown option "--fiel" (did you mean "--file"?)'],
  [['validate', '--config', 'a=b'], 'unknown option "--config" (the command does not take --config)'],
  [['validate', '--file', 'a.json', '--file=b.json'], 'option "--file" is given twice ("a.json" and "b.json"); give it once'],
  [['add', 'a', 'a.example.com', '--cell', 'eu', '--cell', 'us'], 'option "--cell" is given twice ("eu" and "us"); give it once'],
  [['add', 'a', 'a.example.com', '--config', 'k=1', '--config', 'k=2'], '`--config k` is given twice; give each key once'],
  [['add', 'a', 'a.example.com', '--config', '__proto__=x'], '`--config __proto__` cannot be kept in the file; choose another key'],
  [['validate', '--help=yes'], 'option "--help" takes no value'],
  [['add', 'a', 'a.example.com', '--external-dns='], 'option "--external-dns" takes no value'],
  [['validate', '--file'], 'option "--file" needs a value'],
  [['add', 'a', 'a.example.com', '--config'], 'option "--config" needs a value'],
])('%j: %s, exit 2', (argv, message) => {
  const result = run(...argv);
  expect(result.code).toBe(2);
  expect(result.err).toBe(`cdk-multi-tenant-gateway: ${message}\nRun "cdk-multi-tenant-gateway ${argv[0]} --help" for usage.`);
  expect(result.out).toBe('');
});

test('the first mistake is the one reported, even before --help', () => {
  expect(run('validate', '--bogus', '--help').err).toMatch(/^cdk-multi-tenant-gateway: unknown option "--bogus"/);
  expect(run('validate', '--help', '--bogus').err).toMatch(/^cdk-multi-tenant-gateway: unknown option "--bogus"/);
});

test('options go anywhere among the arguments, with the value inline or next', () => {
  expect(run('add', '--external-dns', 'a', '--config=plan=gold', 'a.example.com', '--config', 'seats=5').code).toBe(0);
  expect(tenants()).toEqual([{ id: 'a', domainNames: ['a.example.com'], shard: 0, externalDns: true, config: { plan: 'gold', seats: '5' } }]);
});

test('a value may start with a dash', () => {
  fs.writeFileSync(folder.file('-dash.json'), '{\n  "tenants": []\n}\n');
  expect(run('add', 'a', 'a.example.com', '--file', '-dash.json').code).toBe(0);
  expect(tenants('-dash.json')).toEqual([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }]);
});

test('repeated --quota: each applies, and the last of one name wins', () => {
  fs.writeFileSync(folder.file('tenants.json'), JSON.stringify({
    tenants: [{ id: 'a', domainNames: ['a.example.com', 'b.example.com'], shard: 0 }],
  }));
  expect(run('validate', '--quota', 'domainsPerDistribution=1', '--quota=domainsPerDistribution=2').code).toBe(0);
  expect(run('validate', '--quota=domainsPerDistribution=2', '--quota', 'domainsPerDistribution=1').code).toBe(1);
});

test('after --, everything is an argument; a lone - always is', () => {
  const result = run('add', 'a', '--', '--external-dns');
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/`domainNames\[0\]` "--external-dns" must be a lower-case fully qualified domain name/);
  expect(run('validate', '-').err).toMatch(/`validate` takes no arguments, got "-"/);
  expect(run('validate', '--', '--help').err).toMatch(/`validate` takes no arguments, got "--help"/);
});

test('-h and --help print the command help wherever they are', () => {
  for (const argv of [['remove', '-h'], ['remove', '--help', 'a', 'b'], ['remove', 'a', 'b', '-h']]) {
    expect(run(...argv)).toMatchObject({ code: 0, err: '', out: expect.stringMatching(/^Usage: cdk-multi-tenant-gateway remove <id>/) });
  }
});
