#!/usr/bin/env node
// The onboarding CLI: `cdk-multi-tenant-gateway add|remove|validate|plan|dns`. It edits and checks
// the tenants file without loading aws-cdk-lib, so it starts fast in a PR check or on a laptop.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { addTenant, EditResult, planReport, problemList, removeTenant, summarize, validateRegistry } from './commands';
import { dnsInstructions, formatInstructions } from './dns';
import { quotaFlagConflicts } from './quota-flags';
import { withFileLock, writeFileAtomic } from './safe-write';
import { closestQuota, Quotas, QUOTA_SPECS, resolveQuotas } from '../quotas/quotas';
import { TenantGeoRestriction } from '../tenants/geo-restriction';

const BIN = 'cdk-multi-tenant-gateway';
const DEFAULT_FILE = 'tenants.json';

/** Where the CLI reads and writes besides the tenants file; tests pass their own. */
export interface CliIo {
  /** The directory `--file` is relative to. */
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

/** A mistake in the command line itself: exit code 2. */
class UsageError extends Error {}

type FlagKind = 'boolean' | 'value' | 'list';

const FLAGS: { [name: string]: { kind: FlagKind; help: string } } = {
  'file': { kind: 'value', help: `--file <path>           the tenants file (default: ${DEFAULT_FILE})` },
  'quota': { kind: 'list', help: '--quota <name>=<value>  override a quota (repeatable); names are below' },
  'external-dns': { kind: 'boolean', help: '--external-dns          the partner hosts its DNS: no records are made for it' },
  'config': { kind: 'list', help: '--config <key>=<value>  a setting for the app (repeatable)' },
  'outputs': { kind: 'value', help: '--outputs <path>        the gateway\'s deploy outputs, from cdk deploy --outputs-file' },
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
  'help': { kind: 'boolean', help: '-h, --help              show this help' },
};

interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly details: string;
  readonly flags: string[];
  /** Checks the positional arguments; throws UsageError. */
  checkArgs(args: string[]): void;
  run(context: Context): number;
}

interface Context {
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
  add: {
    usage: 'add <id> <domain...> [--external-dns] [--config <key>=<value> ...] [--web-acl <arn|none>] [--geo-allow|--geo-deny <CC,...>]\n' +
      '    [--certificate-validation cloudfront|self-hosted] [--cell <name>]',
    summary: 'append a tenant, pinned to the first distribution with room for all its domains',
    details: 'Nobody else moves. Refuses a duplicate or invalid id or domain, and a tenant no distribution\n' +
      'has room for within `distributionsPerAccount`. Creates the file when it does not exist.\n' +
      'With sharded distributions, a tenant with its own edge settings or cell goes to a distribution of those settings.',
    flags: ['file', 'quota', 'external-dns', 'config', 'web-acl', 'geo-allow', 'geo-deny', 'certificate-validation', 'cell', 'help'],
    checkArgs: args => {
      if (args.length < 2) throw new UsageError('`add` needs a tenant id and at least one domain name');
    },
    run: context => editLocked(context, true, text => addTenant(text, context.source, {
      id: context.args[0],
      domainNames: context.args.slice(1),
      externalDns: context.booleans.has('external-dns'),
      config: context.config,
      webAcl: context.lists.get('web-acl')?.at(-1),
      geoRestriction: parseGeoRestriction(context.lists),
      certificateValidation: context.lists.get('certificate-validation')?.at(-1),
      cell: context.lists.get('cell')?.at(-1),
    }, context.quotas)),
  },
  remove: {
    usage: 'remove <id>',
    summary: 'remove a tenant; no other tenant moves',
    details: 'Refuses when the removal would move an unpinned tenant to another distribution.',
    flags: ['file', 'quota', 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`remove` needs exactly one tenant id');
    },
    run: context => editLocked(context, false, text => removeTenant(text!, context.source, context.args[0], context.quotas)),
  },
  validate: {
    usage: 'validate',
    summary: 'check the file: tenant rules, placement and quotas, listing every problem',
    details: 'The same checks the gateway makes at synth time that the tenants file alone decides.',
    flags: ['file', 'quota', 'help'],
    checkArgs: noArgs('validate'),
    run: context => {
      const { file, assessment } = validateRegistry(readFile(context, false)!, context.source, context.quotas);
      const problems = [...assessment.problems];
      // As the gateway does; `add` still accepts an empty file, to onboard the first tenant.
      if (file.tenants.length === 0) problems.push('it has no tenants; a gateway needs at least one');
      if (problems.length > 0) {
        context.io.err(problemList(context.source, problems));
        return 1;
      }
      context.io.out(`${context.source} is valid: ${summarize(file.tenants, assessment)}.`);
      return 0;
    },
  },
  plan: {
    usage: 'plan',
    summary: 'show domains per distribution and the headroom on every quota',
    details: 'Exits 1 after the report when a quota is exceeded.',
    flags: ['file', 'quota', 'help'],
    checkArgs: noArgs('plan'),
    run: context => {
      const report = planReport(readFile(context, false)!, context.source, context.quotas);
      report.lines.forEach(line => context.io.out(line));
      if (report.problems.length > 0) {
        context.io.err(problemList(context.source, report.problems));
        return 1;
      }
      return 0;
    },
  },
  dns: {
    usage: 'dns <id> --outputs <path> [--stack <name>] [--gateway <id>] [--json]',
    summary: 'print the DNS records a partner with external DNS creates for a tenant',
    details: 'Type, name and value of each record, from the tenant\'s shard (placed as the gateway places it) and that shard\'s\n' +
      'DNS target in the gateway\'s stack outputs; what to do at a zone apex, where no CNAME may be. For a tenant\n' +
      'whose DNS the gateway hosts, it says that nothing is needed (and reads no outputs).',
    flags: ['file', 'outputs', 'stack', 'gateway', 'json', 'quota', 'help'],
    checkArgs: args => {
      if (args.length !== 1) throw new UsageError('`dns` needs exactly one tenant id');
    },
    run: context => {
      const outputs = context.lists.get('outputs')?.at(-1);
      const instructions = dnsInstructions(readFile(context, false)!, context.source, context.args[0], context.quotas,
        outputs === undefined ? undefined : { source: outputs, read: () => readOutputs(context, outputs) },
        { stack: context.lists.get('stack')?.at(-1), gateway: context.lists.get('gateway')?.at(-1) });
      if (context.booleans.has('json')) {
        context.io.out(JSON.stringify(instructions, null, 2));
      } else {
        formatInstructions(instructions).forEach(line => context.io.out(line));
      }
      return 0;
    },
  },
};

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code:
 * 0 ok, 1 invalid file or a rule broken, 2 usage error.
 */
export function main(argv: string[], io: CliIo = processIo()): number {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(generalHelp());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) return usageError(io, `unknown command "${topic}"`);
    io.out(topic === undefined ? generalHelp() : commandHelp(topic));
    return 0;
  }
  if (!isCommand(name)) return usageError(io, `unknown command "${name}"`);
  const command = COMMANDS[name];

  let context: Context;
  try {
    const parsed = parseCommandLine(rest, command.flags);
    if (parsed.booleans.has('help')) {
      io.out(commandHelp(name));
      return 0;
    }
    command.checkArgs(parsed.args);
    const source = parsed.lists.get('file')?.at(-1) ?? DEFAULT_FILE;
    const quotas = parseQuotas(parsed.lists.get('quota'));
    context = { ...parsed, config: parseConfig(parsed.lists.get('config')), source, file: path.resolve(io.cwd, source), quotas, io };
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, name);
    throw e;
  }

  try {
    return command.run(context);
  } catch (e) {
    io.err((e as Error).message);
    return 1;
  }
}

/**
 * Splits the command line with `parseArgs`, which handles `--name value`, `--name=value`, `-h`,
 * grouped short options and `--`. It runs non-strict so that this function words every mistake,
 * naming the argument as typed: an option the command does not take, a value missing or given
 * to a flag. A value may start with a dash (`--file -x.json`), as before.
 */
function parseCommandLine(argv: string[], allowed: string[]): { args: string[]; lists: Map<string, string[]>; booleans: Set<string> } {
  const options: { [name: string]: { type: 'boolean' | 'string'; multiple?: boolean; short?: string } } = {};
  for (const flag of allowed) {
    const kind = FLAGS[flag].kind;
    options[flag] = { type: kind === 'boolean' ? 'boolean' : 'string', multiple: kind === 'list', ...(flag === 'help' ? { short: 'h' } : {}) };
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
      if (!allowed.includes(flag)) throw new UsageError(`unknown option "${argv[token.index]}"`);
      if (FLAGS[flag].kind === 'boolean') {
        if (token.value !== undefined) throw new UsageError(`option "--${flag}" takes no value`);
        booleans.add(flag);
      } else {
        if (token.value === undefined) throw new UsageError(`option "--${flag}" needs a value`);
        lists.set(flag, [...(lists.get(flag) ?? []), token.value]);
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

/** The file's text, or undefined when it does not exist and `mayBeMissing`. */
function readFile(context: Context, mayBeMissing: boolean): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(context.file, 'utf8');
  } catch (e) {
    if (mayBeMissing && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read tenants file ${context.source}: ${(e as Error).message}`);
  }
  // The gateway refuses `quotas` that contradict the file: so does every command, before it writes.
  const conflicts = quotaFlagConflicts(text, context.source, context.quotas);
  if (conflicts.length > 0) throw new Error(problemList(`${context.source} with --quota`, conflicts));
  return text;
}

/** A `cdk deploy --outputs-file` document's text; `source` is relative to the working directory. */
function readOutputs(context: Context, source: string): string {
  try {
    return fs.readFileSync(path.resolve(context.io.cwd, source), 'utf8');
  } catch (e) {
    throw new Error(`Cannot read outputs file ${source}: ${(e as Error).message}`);
  }
}

/**
 * Reads, edits and writes the tenants file holding its lock, so parallel edits queue up instead
 * of losing each other's tenants, then tells the user what changed. The new text replaces the
 * file in one step (safe-write.ts), so a run killed at any point leaves a whole file.
 */
function editLocked(context: Context, mayBeMissing: boolean, edit: (text: string | undefined) => EditResult): number {
  const tell = (message: string) => context.io.err(message);
  return withFileLock(context.file, lock => {
    const result = edit(readFile(context, mayBeMissing));
    writeFileAtomic(lock.target, result.text, { beforeRename: lock.assertHeld });
    result.messages.forEach(m => context.io.out(m));
    return 0;
  }, { name: context.source, onWait: tell, onBreak: tell });
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
  process.exitCode = main(process.argv.slice(2));
}
