#!/usr/bin/env node
// The onboarding CLI: `cdk-multi-tenant-gateway init|add|remove|pin|move|hand-off|validate|plan|dns|status`. It
// edits and checks the tenants file without loading aws-cdk-lib or the AWS SDK, so it starts fast in
// a PR check or on a laptop; the commands that ask AWS (`status`, `dns --stack-name`, `sync`,
// `export`, and `add`/`remove`/`suspend`/`resume`/`status`/`hand-off` against the control plane's store with `--store`) load the
// SDK when they run.
import { promises as dnsPromises } from 'dns';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import type * as AwsCloudFormation from './aws/cloudformation';
import type * as AwsCloudFront from './aws/cloudfront';
import {
  addTenant, EditResult, formatPlan, initRegistry, NextStep, pinTenants, planData, problemList, removeTenant, requestedTenant, summarize,
  validateRegistry,
} from './commands';
import { exportStore, StoreLocation, syncFile } from './control-plane';
import { dnsInstructions, formatInstructions, OutputsSource } from './dns';
import { handOffTenant, handOffToStore } from './hand-off';
import { moveTenant } from './move';
import { quotaFlagConflicts } from './quota-flags';
import { schemaFor } from './registry-file';
import { withFileLock, writeFileAtomic } from './safe-write';
import { domainStatuses, EdgeLookup, formatStatuses, Resolver } from './status';
import { addToStore, formatStoreStatuses, removeFromStore, setSuspended, settled, storeStatuses } from './store-tenants';
import { findControlPlane } from '../control-plane/outputs';
import { edgeShapeNamed } from '../edge/shape';
import { closest, didYouMean } from '../private/suggest';
import { closestQuota, Quotas, QUOTA_SPECS, resolveQuotas } from '../quotas/quotas';
import { TenantGeoRestriction } from '../tenants/geo-restriction';
import { parseJsonText } from '../tenants/json-text';

const BIN = 'cdk-multi-tenant-gateway';
const DEFAULT_FILE = 'tenants.json';

/** Where the CLI reads and writes besides the tenants file; tests pass their own. */
export interface CliIo {
  /** The directory `--file` is relative to. */
  readonly cwd: string;
  /** What `status` and `dns --stack-name` ask AWS and DNS; tests pass stubs. @default the AWS SDK and node's resolver */
  readonly aws?: AwsIo;
  out(text: string): void;
  err(text: string): void;
}

/** The AWS and DNS lookups of `status` and `dns --stack-name`. */
export interface AwsIo {
  readonly resolver: Resolver;
  stackOutputs(stackName: string, command: string, region: string | undefined): Promise<unknown>;
  edge(command: string): EdgeLookup & { close(): void };
}

/** A mistake in the command line itself: exit code 2. */
class UsageError extends Error {}

type FlagKind = 'boolean' | 'value' | 'list';

const FLAGS: { [name: string]: { kind: FlagKind; help: string } } = {
  'file': { kind: 'value', help: `--file <path>           the tenants file (default: ${DEFAULT_FILE})` },
  'quota': { kind: 'list', help: '--quota <name>=<value>  override a quota (repeatable); names are below' },
  'external-dns': { kind: 'boolean', help: '--external-dns          the partner hosts its DNS: no records are made for it' },
  'config': { kind: 'list', help: '--config <key>=<value>  a setting for the app (repeatable)' },
  'outputs': { kind: 'value', help: '--outputs <path>        the gateway\'s stack outputs: from cdk deploy --outputs-file, or aws cloudformation describe-stacks' },
  'stack-name': { kind: 'value', help: '--stack-name <name>     read the gateway\'s stack outputs from CloudFormation, with your AWS credentials' },
  'region': { kind: 'value', help: '--region <region>       the stack\'s region for --stack-name (default: the AWS SDK\'s, as AWS_REGION)' },
  'zone-name': { kind: 'value', help: '--zone-name <name>      the hosted zone\'s name: domains the gateway hosts must lie inside it' },
  'stack': { kind: 'value', help: '--stack <name>          the stack whose outputs to read, when the file has several gateways' },
  'gateway': { kind: 'value', help: '--gateway <id>          the gateway (its path in its stack, alphanumerics only) whose outputs to read, when a stack has several' },
  'json': { kind: 'boolean', help: '--json                  print JSON instead of text' },
  'web-acl': { kind: 'value', help: '--web-acl <arn|none>    the tenant\'s WAF web ACL (CloudFront scope), or none to turn the gateway\'s off' },
  'certificate-validation': {
    kind: 'value',
    help: '--certificate-validation <cloudfront|self-hosted>  where CloudFront finds the token of the\n' +
    '                          tenant\'s managed certificate: self-hosted while its domains still point at the partner\'s server',
  },
  'geo-allow': { kind: 'list', help: '--geo-allow <CC,...>    serve only viewers in these countries (ISO 3166-1 alpha-2 codes)' },
  'cell': { kind: 'value', help: '--cell <name>           the cell that serves the tenant (one of the file\'s settings.cells; default: "default")' },
  'geo-deny': { kind: 'list', help: '--geo-deny <CC,...>     refuse viewers in these countries' },
  'shard': { kind: 'value', help: '--shard <n>             the shard to move the tenant to (default: the first with room of its settings)' },
  'table': { kind: 'value', help: '--table <name>          the control plane\'s tenant store (a DynamoDB table), from the stack\'s outputs' },
  'queue-url': { kind: 'value', help: '--queue-url <url>       the control plane\'s reconciler queue, from the stack\'s outputs' },
  'store': {
    kind: 'boolean',
    help: '--store                 work on the control plane\'s tenant store, found by --stack-name <stack> (its outputs) or\n' +
    '                          --table <name> --queue-url <url>, instead of the tenants file (needs AWS credentials)',
  },
  'release': {
    kind: 'boolean',
    help: '--release               with remove --store: forget the tenant, leaving its distribution tenant and records serving,\n' +
    '                          no longer the store\'s (to undo a hand-off before the template lets the tenant go)',
  },
  'help': { kind: 'boolean', help: '-h, --help              show this help' },
};

/** The flags of `add` and `remove` against the control plane's store. */
const STORE_FLAGS = ['store', 'stack-name', 'table', 'queue-url', 'region', 'gateway'];

interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly details: string;
  readonly flags: string[];
  /** Checks the positional arguments; throws UsageError. */
  checkArgs(args: string[]): void;
  run(context: Context): number | Promise<number>;
}

interface Context {
  /** The command's name. */
  readonly command: string;
  readonly args: string[];
  readonly lists: Map<string, string[]>;
  readonly booleans: Set<string>;
  readonly config?: { [key: string]: string };
  readonly file: string;
  readonly source: string;
  /** `--quota` overrides, over the file's `settings.quotas`. */
  readonly quotas: Quotas;
  readonly io: CliIo;
}

const COMMANDS: { [name: string]: Command } = {
  'init': {
    usage: 'init [--zone-name <zone>]',
    summary: 'create the tenants file, empty; the other commands refuse a file that does not exist',
    details: 'Refuses a file that exists. With --zone-name, `validate` and `add` check that the domains whose DNS the gateway\n' +
      'hosts lie in that hosted zone, as the gateway does at synth time.',
    flags: ['file', 'zone-name', 'help'],
    checkArgs: noArgs('init'),
    run: context => withFileLock(context.file, lock => {
      if (fs.existsSync(lock.target)) throw new Error(`${context.source} exists already; \`init\` creates a new file only`);
      const result = initRegistry(schemaFor(path.dirname(lock.target)), context.lists.get('zone-name')?.[0]);
      writeFileAtomic(lock.target, result.text, { beforeRename: lock.assertHeld });
      return report(context, result);
    }, lockOptions(context)),
  },
  'add': {
    usage: 'add <id> <domain...> [--external-dns] [--config <key>=<value> ...] [--web-acl <arn|none>] [--geo-allow|--geo-deny <CC,...>]\n' +
      '    [--certificate-validation cloudfront|self-hosted] [--cell <name>]\n' +
      '    [--store (--stack-name <stack> | --table <name> --queue-url <url>) [--region <region>]]',
    summary: 'append a tenant, pinned to the first distribution with room for all its domains',
    details: 'Nobody else moves. Refuses a duplicate or invalid id or domain, a domain outside the file\'s `settings.zoneName`,\n' +
      'and a tenant no distribution has room for within `distributionsPerAccount`.\n' +
      'With sharded distributions, a tenant with its own edge settings or cell goes to a distribution of those settings.\n' +
      'With --store: writes the tenant to the control plane\'s store instead (checked by the same tenant rules; refused when the\n' +
      'store has its id) and queues it for the reconciler; `status <id> --store` follows it.',
    flags: ['file', 'quota', 'external-dns', 'config', 'web-acl', 'geo-allow', 'geo-deny', 'certificate-validation', 'cell', ...STORE_FLAGS, 'help'],
    checkArgs: args => {
      if (args.length < 2) throw new UsageError('`add` needs a tenant id and at least one domain name');
    },
    run: context => {
      const request = {
        id: context.args[0],
        domainNames: context.args.slice(1),
        externalDns: context.booleans.has('external-dns'),
        config: context.config,
        webAcl: context.lists.get('web-acl')?.[0],
        geoRestriction: parseGeoRestriction(context.lists),
        certificateValidation: context.lists.get('certificate-validation')?.[0],
        cell: context.lists.get('cell')?.[0],
      };
      if (!onStore(context)) return editLocked(context, text => addTenant(text, context.source, request, context.quotas));
      // The store holds the tenant as the file would (fields left unset are left out), without a shard.
      const tenant = JSON.parse(JSON.stringify(requestedTenant(request)));
      return storeLocation(context).then(async where => {
        await addToStore(tenant, context.quotas, where);
        context.io.out(`Added tenant "${tenant.id}" to the store ${where.table} and queued it for the reconciler.`);
        printNext(context, [{ why: 'Follow it until it is active', cli: `status ${tenant.id} --store ${storeArgs(context)}` }]);
        return 0;
      });
    },
  },
  'remove': {
    usage: 'remove <id> [--store (--stack-name <stack> | --table <name> --queue-url <url>) [--region <region>] [--release]]',
    summary: 'remove a tenant; no other tenant moves',
    details: 'Refuses when the removal would move an unpinned tenant to another distribution (run `pin` first).\n' +
      'With --store: marks the tenant removed in the control plane\'s store and queues it; the reconciler disables and deletes\n' +
      'its distribution tenant and records; with --release it forgets the tenant and leaves them serving, no longer managed.',
    flags: ['file', 'quota', ...STORE_FLAGS, 'release', 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`remove` needs exactly one tenant id');
    },
    run: context => {
      const release = context.booleans.has('release');
      if (!onStore(context)) {
        if (release) throw new UsageError('`--release` goes with `remove --store`: a template tenant leaves with the deploy');
        return editLocked(context, text => removeTenant(text, context.source, context.args[0], context.quotas));
      }
      return storeLocation(context).then(async where => {
        await removeFromStore(context.args[0], where, release);
        context.io.out(release
          ? `Released tenant "${context.args[0]}" from the store ${where.table}; its distribution tenant and records keep serving, no longer the store's.`
          : `Removed tenant "${context.args[0]}" from the store ${where.table}; the reconciler deletes its distribution tenant and records.`);
        return 0;
      });
    },
  },
  'suspend': suspendCommand(true),
  'resume': suspendCommand(false),
  'pin': {
    usage: 'pin',
    summary: 'pin every unpinned tenant to the shard it is on now, so that no later edit can move it',
    details: 'Writes `"shard": n` into each unpinned tenant, n being where the gateway places it today; nobody moves.',
    flags: ['file', 'quota', 'help'],
    checkArgs: noArgs('pin'),
    run: context => editLocked(context, text => pinTenants(text, context.source, context.quotas)),
  },
  'move': {
    usage: 'move <id> [--shard <n>]',
    summary: 'move a tenant to another shard without downtime: declare it (prepare), then run it again (move); one deploy each',
    details: 'Pins the tenant to its new shard and records `"movedFrom": { "shard": <old>, "stage": "prepare" }`; run again after\n' +
      'the deploy to go to the "move" stage. The deploy moves each domain with UpdateDomainAssociation (see "Moving tenants").',
    flags: ['file', 'quota', 'shard', 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`move` needs exactly one tenant id');
    },
    run: context => {
      const shard = context.lists.get('shard')?.at(-1);
      if (shard !== undefined && !/^[0-9]+$/.test(shard)) throw new Error(`\`--shard\` "${shard}" must be a whole number from 0`);
      return editLocked(context, text => moveTenant(text, context.source, {
        id: context.args[0],
        shard: shard === undefined ? undefined : Number(shard),
      }, context.quotas));
    },
  },
  'hand-off': {
    usage: 'hand-off <id> [--store (--stack-name <stack> | --table <name> --queue-url <url>) [--region <region>]]',
    summary: 'hand a template tenant to the control plane\'s store without downtime: prepare, adopt in the store (--store), hand off',
    details: 'Multi-tenant distribution with a control plane. Without --store it edits the file: a tenant without `handOff` gets\n' +
      '"handOff": "prepare" (deploy: its distribution tenant is kept when it leaves the template); run again after that deploy,\n' +
      'it gets "store" (deploy: the distribution tenant leaves the template and keeps serving; the template keeps its records).\n' +
      'With --store (needs AWS credentials), at "prepare" or "store": finds the distribution tenant serving the tenant\'s first\n' +
      'domain, refuses one not named as the gateway names the tenant\'s, and adds the tenant to the store as in the file (no\n' +
      '`shard`, no `handOff`) with "externalDns": true and "adoptFrom": { "distributionTenantId": <its ID> }, checked and queued\n' +
      'as `add --store`. A later `sync` from a file without the tenant marks it removed, and the reconciler deletes the adopted\n' +
      'distribution tenant: if you sync from a file, add the tenant to it first. See "Between the template path and the control plane".',
    flags: ['file', 'quota', ...STORE_FLAGS, 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`hand-off` needs exactly one tenant id');
    },
    run: context => {
      const id = context.args[0];
      if (!onStore(context)) return editLocked(context, text => handOffTenant(text, context.source, id, context.quotas));
      const text = readFile(context);
      const edge = (context.io.aws ?? defaultAws()).edge('hand-off');
      return handOffToStore(text, context.source, id, context.quotas, edge, () => storeLocation(context)).then(({ adopted, stage, table }) => {
        context.io.out(`Added tenant "${id}" to the store ${table} and queued it for the reconciler, which adopts its distribution tenant ` +
          `${adopted.name} (${adopted.id}) as it stands.`);
        context.io.out(`Warning: a \`sync\` from a file without tenant "${id}" marks it removed, and the reconciler then deletes its ` +
          'distribution tenant, taking its domains offline: if you sync the store from a file, add the tenant to it as the store holds it (`export` writes it).');
        printNext(context, [
          { why: 'Follow it until it is active', cli: `status ${id} --store ${storeArgs(context)}` },
          ...(stage === 'prepare' ? [{ why: 'Then let the template go of it, and deploy', cli: `hand-off ${id}` }] : []),
        ]);
        return 0;
      }).finally(() => edge.close());
    },
  },
  'validate': {
    usage: 'validate [--json]',
    summary: 'check the file: tenant rules, the hosted zone, placement and quotas, listing every problem',
    details: 'The same checks the gateway makes at synth time that the tenants file alone decides.\n' +
      'With --json: { "valid", "source", "tenants", "domains", "shards", "problems", "notes" }; the exit code is the same.',
    flags: ['file', 'quota', 'json', 'help'],
    checkArgs: noArgs('validate'),
    run: context => {
      const { file, assessment, problems } = validateRegistry(readFile(context), context.source, context.quotas);
      // As the gateway does; `add` still accepts an empty file, to onboard the first tenant.
      if (file.tenants.length === 0) problems.push('it has no tenants; a gateway needs at least one');
      const notes = file.settings?.zoneName === undefined
        ? ['`settings.zoneName` is not set, so domains were not checked against the hosted zone; set it to the zone\'s name, as "settings": { "zoneName": "example.com" }']
        : [];
      if (context.booleans.has('json')) {
        const domains = file.tenants.reduce((n, t) => n + t.domainNames.length, 0);
        context.io.out(JSON.stringify({
          valid: problems.length === 0,
          source: context.source,
          tenants: file.tenants.length,
          domains,
          shards: assessment.shards.length,
          problems,
          notes,
        }, null, 2));
        return problems.length > 0 ? 1 : 0;
      }
      if (problems.length > 0) {
        context.io.err(problemList(context.source, problems));
        return 1;
      }
      context.io.out(`${context.source} is valid: ${summarize(file.tenants, assessment)}.`);
      notes.forEach(note => context.io.out(`Note: ${note}`));
      return 0;
    },
  },
  'plan': {
    usage: 'plan [--json]',
    summary: 'show the shards (runs of alike shards on one line) and each quota\'s use',
    details: 'Exits 1 after the report when a quota is exceeded or the file has another problem.',
    flags: ['file', 'quota', 'json', 'help'],
    checkArgs: noArgs('plan'),
    run: context => {
      const data = planData(readFile(context), context.source, context.quotas);
      if (context.booleans.has('json')) {
        context.io.out(JSON.stringify(data, null, 2));
      } else {
        formatPlan(data, edgeShapeNamed(data.edge)!.oneDistribution).forEach(line => context.io.out(line));
        if (data.problems.length > 0) context.io.err(problemList(context.source, data.problems));
      }
      return data.problems.length > 0 ? 1 : 0;
    },
  },
  'dns': {
    usage: 'dns <id> [--stack-name <stack> [--region <region>] | --outputs <path>] [--stack <name>] [--gateway <id>] [--json]',
    summary: 'print the DNS records a partner with external DNS creates for a tenant',
    details: 'Type, name and value of each record, from the tenant\'s shard (placed as the gateway places it) and that shard\'s\n' +
      'DNS target in the gateway\'s stack outputs: asked of CloudFormation (--stack-name), or read from a file of\n' +
      '`cdk deploy --outputs-file` or `aws cloudformation describe-stacks` (--outputs). What to do at a zone apex, where no\n' +
      'CNAME may be. For a tenant whose DNS the gateway hosts, it says that nothing is needed (and reads no outputs).',
    flags: ['file', 'outputs', 'stack-name', 'region', 'stack', 'gateway', 'json', 'quota', 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`dns` needs exactly one tenant id');
    },
    run: context => {
      const print = (outputs: OutputsSource | undefined) => {
        const instructions = dnsInstructions(readFile(context), context.source, context.args[0], context.quotas, outputs,
          { stack: context.lists.get('stack')?.[0], gateway: context.lists.get('gateway')?.[0] });
        if (context.booleans.has('json')) {
          context.io.out(JSON.stringify(instructions, null, 2));
        } else {
          formatInstructions(instructions).forEach(line => context.io.out(line));
          if (instructions.externalDns) {
            printNext(context, [{ why: 'Once the partner has created them, check that the domains are live', cli: `status ${context.args[0]} ${outputsArgs(context)}` }]);
          }
        }
        return 0;
      };
      // Only --stack-name asks AWS; a file is read at once, so the command stays synchronous.
      const file = context.lists.get('outputs')?.[0];
      return context.lists.has('stack-name')
        ? stackOutputs(context).then(outputs => print({ source: outputs.source, read: () => outputs.document }))
        : print(file === undefined ? undefined : { source: file, read: () => outputsFile(context, true)!.document });
    },
  },
  'sync': {
    usage: 'sync (--stack-name <stack> | --table <name> --queue-url <url>) [--region <region>]',
    summary: 'send the tenants file to the control plane\'s tenant store and queue the changed tenants (needs AWS credentials)',
    details: 'Checks the file by the same rules as `validate`, writes each new or changed tenant to the store, marks the tenants\n' +
      'the file no longer has as removed, and queues them for the reconciler in pages of 100. Run it on merge, after\n' +
      '`validate` on the pull request. `status` of each tenant is in the store and in its EventBridge events.',
    flags: ['file', 'stack-name', 'gateway', 'table', 'queue-url', 'region', 'help'],
    checkArgs: noArgs('sync'),
    run: async context => {
      const plan = await syncFile(context.file, context.source, await storeLocation(context));
      context.io.out(`${context.source}: ${plan.writes.length} tenants written, ${plan.removals.length} removed, ${plan.pages.length} pages queued` +
        (plan.requeued.length > 0 ? ` (${plan.requeued.length} tenants queued again: the queue had dropped their pages, older than 14 days)` : ''));
      return 0;
    },
  },
  'export': {
    usage: 'export (--stack-name <stack> | --table <name>) [--region <region>]',
    summary: 'write the control plane\'s tenant store back as the tenants file (needs AWS credentials)',
    details: 'Replaces the file atomically with the store\'s tenants in id order, after checking them by the file\'s rules.',
    flags: ['file', 'stack-name', 'gateway', 'table', 'region', 'help'],
    checkArgs: noArgs('export'),
    run: async context => {
      const count = await exportStore(context.file, context.source, await storeLocation(context));
      context.io.out(`${context.source}: ${count} tenants exported`);
      return 0;
    },
  },
  'status': {
    usage: 'status [<id>] (--stack-name <stack> [--region <region>] | --outputs <path>) [--stack <name>] [--gateway <id>] [--json]\n' +
      '  status [<id>] --store (--stack-name <stack> | --table <name>) [--region <region>] [--gateway <id>] [--json]',
    summary: 'ask CloudFront and public DNS whether each domain is live on the gateway (needs AWS credentials)',
    details: 'For each domain of the tenant (or of every tenant): which distribution or distribution tenant it is associated\n' +
      'with, its certificate, whether the change is deployed, and whether public DNS points at the gateway. Exits 1 when a\n' +
      'domain is not ready. With --json: a list of { tenant, domain, shard, target, association, certificate, deployed, dns, ready }.\n' +
      'With --store: each tenant\'s status in the control plane\'s store, as the reconciler last wrote it (queued, pending-dns,\n' +
      'validating, active, suspended, failed with its reason, removing); exits 1 unless every one is active or suspended.\n' +
      'With --json: a list of { tenant, domains, status, reason, suspended }.',
    flags: ['file', 'outputs', 'stack-name', 'region', 'stack', 'gateway', 'json', 'quota', 'store', 'table', 'help'],
    checkArgs: args => {
      if (args.length > 1) throw new UsageError('`status` takes at most one tenant id');
    },
    run: async context => {
      if (context.booleans.has('store')) {
        const statuses = await storeStatuses(context.args[0], await storeLocation(context));
        if (context.booleans.has('json')) context.io.out(JSON.stringify(statuses, null, 2));
        else formatStoreStatuses(statuses).forEach(line => context.io.out(line));
        return statuses.every(settled) ? 0 : 1;
      }
      if (context.lists.has('table')) throw new Error('`status --table` reads the control plane\'s store: add --store');
      const text = readFile(context);
      const outputs = context.lists.has('stack-name') ? await stackOutputs(context) : outputsFile(context, true)!;
      const aws = context.io.aws ?? defaultAws();
      const edge = aws.edge('status');
      let statuses;
      try {
        statuses = await domainStatuses({
          text,
          source: context.source,
          tenant: context.args[0],
          overrides: context.quotas,
          outputs,
          select: { stack: context.lists.get('stack')?.[0], gateway: context.lists.get('gateway')?.[0] },
        }, edge, aws.resolver);
      } finally {
        edge.close();
      }
      if (context.booleans.has('json')) {
        context.io.out(JSON.stringify(statuses, null, 2));
      } else {
        formatStatuses(statuses).forEach(line => context.io.out(line));
      }
      return statuses.every(s => s.ready) ? 0 : 1;
    },
  },
};

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code:
 * 0 ok, 1 invalid file or a rule broken, 2 usage error. Commands that ask AWS (`status`, `dns
 * --stack-name`, `sync`, `export`, and `add`/`remove`/`hand-off` with `--store`) return a promise of it; every
 * other command runs synchronously.
 */
export function main(argv: string[], io: CliIo = processIo()): number | Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(generalHelp());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) return usageError(io, `unknown command "${topic}"${didYouMean(topic, Object.keys(COMMANDS))}`);
    io.out(topic === undefined ? generalHelp() : commandHelp(topic));
    return 0;
  }
  if (!isCommand(name)) return usageError(io, `unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}`);
  const command = COMMANDS[name];

  let context: Context;
  try {
    const parsed = parseCommandLine(rest, command.flags);
    if (parsed.booleans.has('help')) {
      io.out(commandHelp(name));
      return 0;
    }
    command.checkArgs(parsed.args);
    const source = parsed.lists.get('file')?.[0] ?? DEFAULT_FILE;
    const quotas = parseQuotas(parsed.lists.get('quota'));
    context = { ...parsed, command: name, config: parseConfig(parsed.lists.get('config')), source, file: path.resolve(io.cwd, source), quotas, io };
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, name);
    throw e;
  }

  const fail = (e: unknown) => {
    io.err((e as Error).message);
    return 1;
  };
  try {
    const code = command.run(context);
    return typeof code === 'number' ? code : code.catch(fail);
  } catch (e) {
    return fail(e);
  }
}

/**
 * Splits the command line with `parseArgs`, which handles `--name value`, `--name=value`, `-h`,
 * grouped short options and `--`. It runs non-strict so that this function words every mistake,
 * naming the argument as typed: an option the command does not take (with the nearest it does), a
 * value missing or given to a flag, and an option of one value given twice, which would otherwise
 * leave one of them unused without a word. A value may start with a dash (`--file -x.json`).
 */
function parseCommandLine(argv: string[], allowed: string[]): { args: string[]; lists: Map<string, string[]>; booleans: Set<string> } {
  const options: { [name: string]: { type: 'boolean' | 'string'; multiple?: boolean; short?: string } } = {};
  for (const flag of allowed) {
    const kind = FLAGS[flag].kind;
    options[flag] = { type: kind === 'boolean' ? 'boolean' : 'string', multiple: true, ...(flag === 'help' ? { short: 'h' } : {}) };
  }
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });

  const args: string[] = [];
  const lists = new Map<string, string[]>();
  const booleans = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      args.push(token.value);
    } else if (token.kind === 'option') {
      const flag = token.name;
      if (!allowed.includes(flag)) {
        throw new UsageError(`unknown option "${argv[token.index]}"${didYouMean(flag, allowed, n => `"--${n}"`)}` +
          (flag in FLAGS ? ` (the command does not take --${flag})` : ''));
      }
      if (FLAGS[flag].kind === 'boolean') {
        if (token.value !== undefined) throw new UsageError(`option "--${flag}" takes no value`);
        booleans.add(flag);
      } else {
        if (token.value === undefined) throw new UsageError(`option "--${flag}" needs a value`);
        const previous = lists.get(flag) ?? [];
        if (FLAGS[flag].kind === 'value' && previous.length > 0) {
          throw new UsageError(`option "--${flag}" is given twice ("${previous[0]}" and "${token.value}"); give it once`);
        }
        lists.set(flag, [...previous, token.value]);
      }
    }
  }
  return { args, lists, booleans };
}

function parseQuotas(values: string[] = []): Quotas {
  const quotas: { [key: string]: number } = {};
  for (const value of values) {
    const [name, figure] = splitOnce(value, '=');
    if (!(name in QUOTA_SPECS)) {
      const near = closestQuota(name);
      throw new UsageError(`unknown quota "${name}" ${near !== undefined ? `(did you mean "${near}"?)` : `(known: ${Object.keys(QUOTA_SPECS).join(', ')})`}`);
    }
    if (figure === undefined || !/^\d+$/.test(figure)) {
      throw new UsageError(`\`--quota ${name}\` needs a whole number, as in --quota ${name}=${QUOTA_SPECS[name as keyof Quotas].defaultValue}`);
    }
    quotas[name] = Number(figure);
  }
  const resolved = resolveQuotas(quotas as Quotas);
  if (resolved.problems.length > 0) throw new UsageError(resolved.problems.join('; '));
  return quotas as Quotas;
}

function parseConfig(values: string[] = []): { [key: string]: string } | undefined {
  if (values.length === 0) return undefined;
  const config: { [key: string]: string } = {};
  for (const value of values) {
    const [key, setting] = splitOnce(value, '=');
    if (key === '' || setting === undefined) throw new UsageError(`\`--config ${value}\` must be <key>=<value>`);
    if (key === '__proto__') throw new UsageError('`--config __proto__` cannot be kept in the file; choose another key');
    if (Object.prototype.hasOwnProperty.call(config, key)) throw new UsageError(`\`--config ${key}\` is given twice; give each key once`);
    config[key] = setting;
  }
  return config;
}

/** `--geo-allow` / `--geo-deny` codes, comma-separated or repeated; the tenant rules judge the result. */
function parseGeoRestriction(lists: Map<string, string[]>): TenantGeoRestriction | undefined {
  const codes = (flag: string) => lists.get(flag)?.flatMap(value => value.split(',')).map(code => code.trim()).filter(code => code !== '');
  const allow = codes('geo-allow');
  const deny = codes('geo-deny');
  return allow === undefined && deny === undefined ? undefined : { allow, deny };
}

/** The tenants file's text. A file that does not exist is refused: only `init` creates one. */
function readFile(context: Context): string {
  let text: string;
  try {
    text = fs.readFileSync(context.file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read tenants file ${context.source}: ${(e as Error).message}`);
    throw new Error(`Tenants file ${context.source} does not exist${nearbyFile(context)}. ` +
      `To start a new one on purpose, run:\n  ${cli(context, 'init --zone-name <your hosted zone>')}`);
  }
  // The gateway refuses `quotas` that contradict the file: so does every command, before it writes.
  const conflicts = quotaFlagConflicts(text, context.source, context.quotas);
  if (conflicts.length > 0) throw new Error(problemList(`${context.source} with --quota`, conflicts));
  return text;
}

/** ` (did you mean "tenant.json"?)` for a JSON file in the same folder with a name close to the one given. */
function nearbyFile(context: Context): string {
  const folder = path.dirname(context.file);
  let names: string[] = [];
  try {
    names = fs.readdirSync(folder).filter(n => n.endsWith('.json'));
  } catch {
    return '';
  }
  const near = closest(path.basename(context.file), names);
  return near === undefined ? '' : ` (did you mean "${path.join(path.dirname(context.source), near)}"?)`;
}

/** The gateway's stack outputs, parsed, and what to call them. */
interface Outputs {
  readonly source: string;
  readonly document: unknown;
}

/** The outputs of `--stack-name`, from CloudFormation. */
async function stackOutputs(context: Context): Promise<Outputs> {
  if (context.lists.has('outputs')) throw new Error('Give the outputs one way: --stack-name or --outputs, not both');
  const stackName = context.lists.get('stack-name')![0];
  const aws = context.io.aws ?? defaultAws();
  return { source: `stack ${stackName}`, document: await aws.stackOutputs(stackName, context.command, context.lists.get('region')?.[0]) };
}

/** `suspend` and `resume`: the store's `suspended` flag, which the reconciler applies (a template tenant has none). */
function suspendCommand(suspended: boolean): Command {
  const name = suspended ? 'suspend' : 'resume';
  return {
    usage: `${name} <id> --store (--stack-name <stack> | --table <name> --queue-url <url>) [--region <region>]`,
    summary: suspended
      ? 'disable a control-plane tenant\'s distribution tenant, keeping its domains, records and certificate (needs AWS credentials)'
      : 'enable a suspended control-plane tenant again (needs AWS credentials)',
    details: `Sets the tenant's \`suspended\` flag to ${suspended} in the control plane's store and queues it; the reconciler\n` +
      `${suspended ? 'disables' : 'enables'} its distribution tenant. \`status <id> --store\` follows it. Works on the store only.`,
    flags: [...STORE_FLAGS, 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError(`\`${name}\` needs exactly one tenant id`);
    },
    run: async context => {
      if (!context.booleans.has('store')) throw new UsageError(`\`${name}\` works on the control plane's store: add --store`);
      const where = await storeLocation(context);
      await setSuspended(context.args[0], suspended, where);
      context.io.out(`${suspended ? 'Suspended' : 'Resumed'} tenant "${context.args[0]}" in the store ${where.table} and queued it for the reconciler.`);
      printNext(context, [{ why: 'Follow it', cli: `status ${context.args[0]} --store ${storeArgs(context)}` }]);
      return 0;
    },
  };
}

/** Whether the command works on the control plane's store (`--store`); store flags without it are refused. */
function onStore(context: Context): boolean {
  if (context.booleans.has('store')) return true;
  const given = ['stack-name', 'table', 'queue-url'].filter(flag => context.lists.has(flag));
  if (given.length > 0) throw new UsageError(`--${given[0]} names the control plane's store: add --store to work on it, or leave it out to edit ${context.source}`);
  return false;
}

/** The control plane's store: named by --table (and --queue-url), or found in the outputs of --stack-name. */
async function storeLocation(context: Context): Promise<StoreLocation> {
  const table = context.lists.get('table')?.[0];
  const region = context.lists.get('region')?.[0];
  if (table !== undefined) {
    if (context.lists.has('stack-name')) throw new Error('Name the store one way: --stack-name or --table, not both');
    return { table, queueUrl: context.lists.get('queue-url')?.[0], region };
  }
  if (!context.lists.has('stack-name')) {
    const command = context.booleans.has('store') ? `${context.command} --store` : context.command;
    throw new Error(`\`${command}\` needs --stack-name <stack> (the gateway's stack, whose outputs name the store) or --table <name>`);
  }
  const outputs = await stackOutputs(context);
  const found = findControlPlane(outputs.document, outputs.source, { gateway: context.lists.get('gateway')?.[0] });
  return { table: found.table, queueUrl: found.queueUrl, region, loadBalancerNames: found.loadBalancerNames, cells: found.cells };
}

/** How the command line named the store, to repeat it in a next step. */
function storeArgs(context: Context): string {
  const region = context.lists.get('region')?.[0];
  const where = context.lists.has('table') ? `--table ${context.lists.get('table')![0]}` : `--stack-name ${context.lists.get('stack-name')![0]}`;
  return `${where}${region === undefined ? '' : ` --region ${region}`}`;
}

/**
 * The outputs file of `--outputs`, of either kind (`cdk deploy --outputs-file`, `aws cloudformation
 * describe-stacks`); undefined when none was given and `required` is false.
 */
function outputsFile(context: Context, required: boolean): Outputs | undefined {
  const file = context.lists.get('outputs')?.[0];
  if (file === undefined) {
    if (!required) return undefined;
    throw new Error(`\`${context.command}\` compares with the gateway's stack outputs: give --stack-name <stack> (asks CloudFormation) or ` +
      '--outputs <file> (from `cdk deploy --outputs-file <file>` or `aws cloudformation describe-stacks`)');
  }
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(context.io.cwd, file), 'utf8');
  } catch (e) {
    throw new Error(`Cannot read outputs file ${file}: ${(e as Error).message}`);
  }
  return { source: file, document: parseJsonText(text, file) };
}

/** How the command line named the outputs, to repeat it in a next step. */
function outputsArgs(context: Context): string {
  const stackName = context.lists.get('stack-name')?.[0];
  const region = context.lists.get('region')?.[0];
  return stackName !== undefined ? `--stack-name ${stackName}${region === undefined ? '' : ` --region ${region}`}`
    : `--outputs ${context.lists.get('outputs')?.[0] ?? 'cdk-outputs.json'}`;
}

/**
 * Reads, edits and writes the tenants file holding its lock, so parallel edits queue up instead
 * of losing each other's tenants, then tells the user what changed and what to run next. The new
 * text replaces the file in one step (safe-write.ts), so a run killed at any point leaves a whole file.
 */
function editLocked(context: Context, edit: (text: string) => EditResult): number {
  return withFileLock(context.file, lock => {
    const original = readFile(context);
    const result = edit(original);
    if (result.text !== original) writeFileAtomic(lock.target, result.text, { beforeRename: lock.assertHeld });
    return report(context, result);
  }, lockOptions(context));
}

function lockOptions(context: Context) {
  const tell = (message: string) => context.io.err(message);
  return { name: context.source, onWait: tell, onBreak: tell };
}

function report(context: Context, result: EditResult): number {
  result.messages.forEach(m => context.io.out(m));
  printNext(context, result.next);
  return 0;
}

/** `Next: why:` and the exact command, for each step. */
function printNext(context: Context, steps: readonly NextStep[]): void {
  for (const step of steps) {
    context.io.out(`Next, ${step.why.charAt(0).toLowerCase()}${step.why.slice(1)}:`);
    context.io.out(`  ${step.cli !== undefined ? cli(context, step.cli) : step.shell}`);
  }
}

/** This CLI's command line for `args`, with `--file` when the file is not the default. */
function cli(context: Context, args: string): string {
  const file = context.source === DEFAULT_FILE ? '' : ` --file ${/^[\w./-]+$/.test(context.source) ? context.source : JSON.stringify(context.source)}`;
  return `npx ${BIN} ${args}${file}`;
}

/** The AWS SDK and node's resolver; the modules that use the SDK are required only when a command asks AWS. */
function defaultAws(): AwsIo {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    stackOutputs: (stackName, command, region) =>
      (require('./aws/cloudformation') as typeof AwsCloudFormation).describeStackOutputs(stackName, command, { region }),
    edge: command => (require('./aws/cloudfront') as typeof AwsCloudFront).cloudFrontLookup(command),
    resolver: dnsPromises,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function isCommand(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

function noArgs(name: string): (args: string[]) => void {
  return args => {
    if (args.length > 0) throw new UsageError(`\`${name}\` takes no arguments, got "${args.join(' ')}"`);
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function usageError(io: CliIo, message: string, command?: string): number {
  io.err(`${BIN}: ${message}`);
  io.err(`Run "${BIN} ${command === undefined ? '' : `${command} `}--help" for usage.`);
  return 2;
}

function generalHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map(n => n.length));
  return [
    `Usage: ${BIN} <command> [options]`,
    '',
    `Onboards tenants by editing the gateway's tenants file (default: ${DEFAULT_FILE} in the current directory).`,
    'Every edit is deterministic, so a pull request shows only the tenant it adds or removes.',
    '',
    'Commands:',
    ...names.map(n => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    `  ${'help'.padEnd(width)}  show help, or a command's help: help <command>`,
    '',
    'Options:',
    ...['file', 'quota', 'help'].map(f => `  ${FLAGS[f].help}`),
    '',
    ...quotaHelp(),
    '',
    'Exit codes: 0 ok, 1 invalid file or a rule broken, 2 usage error.',
  ].join('\n');
}

function commandHelp(name: string): string {
  const command = COMMANDS[name];
  const lines = [`Usage: ${BIN} ${command.usage} [options]`, '', `${capitalize(command.summary)}.`, command.details, '', 'Options:',
    ...command.flags.map(f => `  ${FLAGS[f].help}`)];
  if (command.flags.includes('quota')) lines.push('', ...quotaHelp());
  return lines.join('\n');
}

function quotaHelp(): string[] {
  const keys = Object.keys(QUOTA_SPECS) as (keyof Quotas)[];
  const width = Math.max(...keys.map(k => k.length));
  return ['Quotas (AWS defaults; set one only after AWS has raised it for your account):',
    ...keys.map(k => `  ${k.padEnd(width)}  ${String(QUOTA_SPECS[k].defaultValue).padStart(5)}  ${QUOTA_SPECS[k].awsName}`)];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    out: text => process.stdout.write(text + '\n'),
    err: text => process.stderr.write(text + '\n'),
  };
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then(code => {
    process.exitCode = code;
  });
}
