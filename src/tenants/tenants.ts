import * as fs from 'fs';
import { edgeSettingsProblems } from './edge-settings';
import { TenantGeoRestriction } from './geo-restriction';
import { parseJsonText } from './json-text';
import { EDGE_SHAPES, edgeShapeNamed } from '../edge/shape';
import { moveSourceProblems, TenantMoveSource } from '../moves/move-source';
import { show, throwIfProblems } from '../private/problems';
import { isQuotaKey, Quotas, unknownQuota } from '../quotas/quotas';

/** One tenant: a partner served on its own domain names by the shared app. */
export interface TenantProps {
  /**
   * Stable identifier: lower-case letters, digits and hyphens, 1-63 characters, unique.
   */
  readonly id: string;

  /**
   * The tenant's domain names: lower-case fully qualified names, unique across all tenants.
   * They always share one shard.
   */
  readonly domainNames: string[];

  /**
   * The shard (0-based) this tenant is pinned to: the nested stack holding its records and, with
   * sharded distributions, the distribution carrying its domains. Pinned tenants never move; the
   * onboarding CLI pins every tenant it adds.
   *
   * @default - placed first-fit, in declaration order, after the pinned tenants
   */
  readonly shard?: number;

  /**
   * The tenant's DNS is hosted elsewhere: no record is made in the hosted zone, and the partner
   * points their names at `gateway.dnsTargetOf(id)`.
   *
   * @default false
   */
  readonly externalDns?: boolean;

  /**
   * Free-form settings for the app, looked up by the request's Host.
   *
   * @default - none
   */
  readonly config?: { [key: string]: string };

  /**
   * Where CloudFront finds the HTTP validation token of the tenant's managed certificate
   * (multi-tenant distribution with `TenantCertificate.cloudFrontManaged()` only):
   * "cloudfront" once the tenant's domains resolve to the gateway, or "self-hosted" while they
   * still point at the partner's current server, which serves the token under
   * `/.well-known/pki-validation/`, so the certificate is issued before traffic moves.
   *
   * @default - "self-hosted" for a tenant with `externalDns` (its names cannot point at the gateway before the first deploy), else "cloudfront"
   */
  readonly certificateValidation?: string;

  /**
   * The AWS WAF web ACL for this tenant's requests: the ARN of a WAFv2 web ACL with CloudFront
   * scope, or "none" to serve the tenant without the gateway's `webAclId`. With sharded
   * distributions it is its distribution's web ACL, so the tenant shares a shard only with tenants
   * of the same edge settings; with a multi-tenant distribution it is its distribution tenant's.
   *
   * @default - the gateway's `webAclId`
   */
  readonly webAcl?: string;

  /**
   * The countries the tenant's viewers may, or may not, come from. With sharded distributions it
   * is its distribution's geo restriction, so the tenant shares a shard only with tenants of the
   * same edge settings; with a multi-tenant distribution it is its distribution tenant's.
   *
   * @default - viewers from every country
   */
  readonly geoRestriction?: TenantGeoRestriction;

  /**
   * The cell that serves the tenant: the name of one of the gateway's `cells`, or "default" for
   * the gateway's own load balancer and `fleet`. With sharded distributions the tenant shares a
   * shard only with tenants of the same cell (a shard's distribution has its cell's origin); with
   * a multi-tenant distribution its distribution tenant sets the origin to its cell's.
   *
   * @default "default"
   */
  readonly cell?: string;

  /**
   * Where the tenant's domains were served until their move to its declared home (`shard`, `cell`,
   * edge settings or the gateway's edge mode): the gateway's shard. The gateway moves each domain
   * at deploy time with CloudFront's `UpdateDomainAssociation`, so the domains stay served; remove
   * it once the move is deployed (see "Moving tenants"). The CLI's `move` command writes it.
   *
   * @default - the tenant is not moving
   */
  readonly movedFrom?: TenantMoveSource;

  /**
   * A distribution or distribution tenant the gateway did not make (in the gateway's account) that
   * serves the tenant's domains now: the gateway moves them to itself at deploy time, without
   * downtime. Remove it once the move is deployed. A tenant of the control plane's store names
   * only `distributionTenantId`, with `externalDns`: the store takes that distribution tenant over
   * as the tenant's own (a template tenant handed off, see `handOff`).
   *
   * @default - the tenant's domains are not served elsewhere
   */
  readonly adoptFrom?: TenantMoveSource;

  /**
   * Hands the tenant to the gateway's control plane without downtime (multi-tenant distribution
   * with a `controlPlane` and `TenantCertificate.cloudFrontManaged()` only), in two deploys:
   * "prepare" keeps its distribution tenant when it leaves the template (a `Retain` deletion
   * policy, nothing else changes); "store" takes the distribution tenant out of the template,
   * which keeps it serving, and keeps only the tenant's DNS records. The store then adopts the
   * distribution tenant (`adoptFrom.distributionTenantId`). See "Moving tenants".
   *
   * @default - the tenant stays a template tenant
   */
  readonly handOff?: string;
}

const TENANT_KEYS = new Set(['id', 'domainNames', 'shard', 'externalDns', 'config', 'certificateValidation', 'webAcl', 'geoRestriction', 'cell', 'movedFrom', 'adoptFrom', 'handOff']);
/** The cell of the gateway's own load balancer and fleet, which tenants get unless they name another. */
export const DEFAULT_CELL = 'default';
const CELL_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/** Every problem with a cell's name; `what` says where it was given. */
export function cellNameProblems(name: unknown, what: string): string[] {
  if (typeof name !== 'string' || !CELL_NAME.test(name)) {
    return [`${what} ${show(name)} must be 1-32 lower-case letters, digits or hyphens, starting and ending with a letter or digit`];
  }
  return [];
}
/** The stages of a tenant's `handOff` to the control plane, in the order they are deployed. */
export const HAND_OFF_STAGES = ['prepare', 'store'];

/** The tenant was handed to the control plane: the template keeps only its DNS records. */
export function isHandedOff(tenant: { readonly handOff?: string }): boolean {
  return tenant.handOff === 'store';
}

/** The values of a tenant's `certificateValidation`. */
export const CERTIFICATE_VALIDATIONS = ['cloudfront', 'self-hosted'];
/** Fields that were renamed, so an old file gets told the new name. */
const RENAMED_KEYS: { [key: string]: string } = { distribution: 'shard' };
const ID_PATTERN = /^[a-z0-9-]{1,63}$/;
const LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for a lower-case fully qualified domain name (no trailing dot, no wildcard). */
export function isDomainName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  return labels.length >= 2
    && labels.every(label => LABEL_PATTERN.test(label))
    && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** How a tenant is named in an error: by its id when it has one, else by its position. */
export function tenantLabel(tenant: { id?: unknown }, index: number): string {
  return typeof tenant?.id === 'string' && tenant.id !== '' ? `tenant "${tenant.id}"` : `tenants[${index}]`;
}

/**
 * Every problem with a tenant list: shapes, id and domain rules, and uniqueness. Each line names
 * the tenant, the field, the value and the rule.
 */
export function tenantProblems(tenants: readonly TenantProps[]): string[] {
  const problems: string[] = [];
  const idOwner = new Map<string, number>();
  const domainOwner = new Map<string, string>();

  tenants.forEach((tenant, index) => {
    if (tenant === null || typeof tenant !== 'object' || Array.isArray(tenant)) {
      problems.push(`tenants[${index}] must be an object with \`id\` and \`domainNames\`, got ${show(tenant)}`);
      return;
    }
    const who = tenantLabel(tenant, index);
    for (const key of Object.keys(tenant)) {
      if (RENAMED_KEYS[key]) {
        problems.push(`${who}: \`${key}\` is now called \`${RENAMED_KEYS[key]}\`; rename the field`);
      } else if (!TENANT_KEYS.has(key)) {
        problems.push(`${who}: unknown field \`${key}\` (allowed: ${[...TENANT_KEYS].join(', ')})`);
      }
    }

    const id: unknown = tenant.id;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      problems.push(`${who}: \`id\` ${show(id)} must be 1-63 lower-case letters, digits or hyphens`);
    } else if (idOwner.has(id)) {
      problems.push(`${who}: \`id\` ${show(id)} is also the id of tenants[${idOwner.get(id)}]; ids must be unique`);
    } else {
      idOwner.set(id, index);
    }

    const domains: unknown = tenant.domainNames;
    if (!Array.isArray(domains) || domains.length === 0) {
      problems.push(`${who}: \`domainNames\` must be a non-empty list of domain names, got ${show(domains)}`);
    } else {
      domains.forEach((domain: unknown, d: number) => {
        if (typeof domain !== 'string' || !isDomainName(domain)) {
          problems.push(`${who}: \`domainNames[${d}]\` ${show(domain)} must be a lower-case fully qualified domain name` +
            ' (labels of letters, digits and hyphens, no wildcard, no trailing dot)');
        } else if (domainOwner.has(domain)) {
          problems.push(`${who}: \`domainNames[${d}]\` ${show(domain)} already belongs to ${domainOwner.get(domain)}; ` +
            'a domain can belong to one tenant only');
        } else {
          domainOwner.set(domain, who);
        }
      });
    }

    const pin: unknown = tenant.shard;
    if (pin !== undefined && (typeof pin !== 'number' || !Number.isInteger(pin) || pin < 0)) {
      problems.push(`${who}: \`shard\` ${show(pin)} must be a whole number from 0 (the shard it is pinned to)`);
    }

    const external: unknown = tenant.externalDns;
    if (external !== undefined && typeof external !== 'boolean') {
      problems.push(`${who}: \`externalDns\` ${show(external)} must be true or false`);
    }

    const validation: unknown = tenant.certificateValidation;
    if (validation !== undefined && !CERTIFICATE_VALIDATIONS.includes(validation as string)) {
      problems.push(`${who}: \`certificateValidation\` ${show(validation)} must be one of ${CERTIFICATE_VALIDATIONS.map(v => `"${v}"`).join(', ')}`);
    }

    const config: unknown = tenant.config;
    if (config !== undefined) {
      if (config === null || typeof config !== 'object' || Array.isArray(config)) {
        problems.push(`${who}: \`config\` ${show(config)} must be an object of string values`);
      } else {
        for (const [key, value] of Object.entries(config)) {
          if (typeof value !== 'string') {
            problems.push(`${who}: \`config.${key}\` ${show(value)} must be a string`);
          }
        }
      }
    }
    if (tenant.cell !== undefined) problems.push(...cellNameProblems(tenant.cell, `${who}: \`cell\``));
    problems.push(...edgeSettingsProblems(tenant, who));
    problems.push(...moveSourceProblems(tenant, who));
    problems.push(...handOffProblems(tenant, who));
  });
  return problems;
}

/** Every problem with a tenant's `handOff`: its value, and a move declared beside it. */
function handOffProblems(tenant: TenantProps, who: string): string[] {
  const stage: unknown = tenant.handOff;
  if (stage === undefined) return [];
  const problems: string[] = [];
  if (!HAND_OFF_STAGES.includes(stage as string)) {
    problems.push(`${who}: \`handOff\` ${show(stage)} must be one of ${HAND_OFF_STAGES.map(s => `"${s}"`).join(', ')}`);
  }
  for (const key of ['movedFrom', 'adoptFrom'] as const) {
    if (tenant[key] !== undefined) {
      problems.push(`${who}: \`handOff\` ${show(stage)} and \`${key}\` are both given; a tenant does one thing at a time: ` +
        `finish its move and remove \`${key}\`, then hand it off`);
    }
  }
  return problems;
}

/** A validated list of tenants, from a tenants file, JSON text or a list in code. */
export class Tenants {
  /**
   * Reads a tenants file: `{ "tenants": [ { "id": ..., "domainNames": [...] }, ... ] }`.
   * Errors name the file, and the line and column when the JSON itself is malformed.
   */
  public static fromFile(path: string): Tenants {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read tenants file ${path}: ${(e as Error).message}`);
    }
    return Tenants.fromJson(text, path);
  }

  /**
   * Parses tenants from JSON text: either the tenants file's object or a bare array of tenants.
   *
   * @param json the JSON text
   * @param source what to call the text in errors, e.g. a file name
   */
  public static fromJson(json: string, source: string = 'tenants JSON'): Tenants {
    const document = parseJsonText(json, source);
    const list = Array.isArray(document) ? document : (document as { tenants?: unknown })?.tenants;
    if (!Array.isArray(list)) {
      throw new Error(`${source}: expected an object with a \`tenants\` list (or a bare list of tenants), got ${show(document).slice(0, 80)}`);
    }
    const settings: unknown = Array.isArray(document) ? undefined : (document as { settings?: unknown }).settings;
    throwIfProblems(source, [...settingsProblems(settings), ...tenantProblems(list as TenantProps[])]);
    return new Tenants(list as TenantProps[], source, (settings ?? {}) as TenantsFileSettings);
  }

  /** Tenants given in code. The list is copied: changing it afterwards changes nothing here. */
  public static fromList(tenants: TenantProps[]): Tenants {
    throwIfProblems('Tenant list', tenantProblems(tenants));
    return new Tenants(tenants.map(copyTenant), 'tenant list');
  }

  /** The tenants, in declaration order. */
  public readonly list: TenantProps[];

  /** Where the tenants came from, for error messages: a file name, "tenants JSON" or "tenant list". */
  public readonly source: string;

  /** The file's `settings`: what the gateway and the CLI both plan with. */
  public readonly settings: TenantsFileSettings;

  private constructor(list: TenantProps[], source: string, settings: TenantsFileSettings = {}) {
    this.list = list;
    this.source = source;
    this.settings = settings;
  }
}

/**
 * Settings a tenants file may carry beside its tenants, so that the CLI (`validate`, `plan`,
 * `add`) counts exactly what the gateway will make: the edge mode and the quotas AWS raised.
 * The gateway reads them too, and refuses props that say otherwise.
 */
export interface TenantsFileSettings {
  /**
   * The edge mode: "shardedDistributions" or "multiTenantDistribution". The gateway's `edge`
   * prop, when given, must be of the same mode (its options stay in the props).
   * @default "shardedDistributions"
   */
  readonly edge?: string;

  /**
   * Quotas AWS raised for the account, as in the gateway's `quotas` prop; a quota given in both
   * places must have the same figure.
   * @default - AWS's default quotas
   */
  readonly quotas?: Quotas;

  /**
   * The names of the gateway's `cells` (besides "default"), so that the CLI can check each
   * tenant's `cell`; when given, the gateway's `cells` must have exactly these names.
   * @default - no cells but "default"
   */
  readonly cells?: string[];

  /**
   * The name of the gateway's hosted zone, so that the CLI checks every domain whose DNS the
   * gateway hosts lies inside it, as the gateway does; when given, the gateway's `hostedZone`
   * must have this name (when synth time knows it).
   * @default - the CLI does not check domains against the zone
   */
  readonly zoneName?: string;

  /**
   * The `tenantNamePrefix` the gateway's distribution tenants were created with (multi-tenant
   * edge). A distribution tenant's name cannot change: a new prefix would replace every
   * distribution tenant, and each replacement would claim its domains while the original still
   * holds them. When given, the gateway refuses a `tenantNamePrefix` that differs. Record it at
   * the first deploy and never edit it by hand (docs/safe-changes.md).
   * @default - not recorded: synth cannot tell a changed prefix
   */
  readonly tenantNamePrefix?: string;

  /**
   * The origin access the gateway's load balancer was created for: "vpcOrigin" (internal) or
   * "secretHeader" (internet-facing). A load balancer's scheme cannot change: switching replaces
   * it. When given, the gateway refuses an `originAccess` of the other kind, and says how to
   * switch (docs/safe-changes.md).
   * @default - not recorded: synth cannot tell a changed origin access
   */
  readonly originAccess?: string;
}

/** The values `settings.originAccess` may take, one per kind of `OriginAccess`. */
export const RECORDED_ORIGIN_ACCESS: readonly string[] = ['vpcOrigin', 'secretHeader'];

/** Every problem with a tenants file's `settings`. */
export function settingsProblems(settings: unknown): string[] {
  if (settings === undefined) return [];
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    return [`\`settings\` must be an object with \`edge\`, \`quotas\` and \`cells\`, got ${show(settings)}`];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'edge') {
      if (typeof value !== 'string' || edgeShapeNamed(value) === undefined) {
        problems.push(`\`settings.edge\` ${show(value)} must be one of ${EDGE_SHAPES.map(shape => `"${shape.name}"`).join(', ')}`);
      }
    } else if (key === 'quotas') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`\`settings.quotas\` must be an object of quotas, got ${show(value)}`);
        continue;
      }
      for (const [quota, figure] of Object.entries(value)) {
        if (!isQuotaKey(quota)) {
          problems.push(unknownQuota(`\`settings.quotas.${quota}\``, quota));
        } else if (typeof figure !== 'number' || !Number.isInteger(figure) || figure < 1) {
          problems.push(`\`settings.quotas.${quota}\` must be a positive whole number, got ${show(figure)}`);
        }
      }
    } else if (key === 'cells') {
      problems.push(...cellListProblems(value, '`settings.cells`'));
    } else if (key === 'zoneName') {
      if (typeof value !== 'string' || !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?\.?$/.test(value)) {
        problems.push(`\`settings.zoneName\` must be the hosted zone's lower-case domain name, as "example.com", got ${show(value)}`);
      }
    } else if (key === 'tenantNamePrefix') {
      if (typeof value !== 'string') problems.push(`\`settings.tenantNamePrefix\` must be a string, got ${show(value)}`);
    } else if (key === 'originAccess') {
      if (typeof value !== 'string' || !RECORDED_ORIGIN_ACCESS.includes(value)) {
        problems.push(`\`settings.originAccess\` ${show(value)} must be one of ${RECORDED_ORIGIN_ACCESS.map(a => `"${a}"`).join(', ')}`);
      }
    } else {
      problems.push(`\`settings\` has an unknown field \`${key}\` (allowed: edge, quotas, cells, zoneName, tenantNamePrefix, originAccess)`);
    }
  }
  return problems;
}

/** Every problem with a list of cell names (besides "default"); `what` says where it was given. */
export function cellListProblems(names: unknown, what: string): string[] {
  if (!Array.isArray(names)) return [`${what} must be a list of cell names, got ${show(names)}`];
  const problems: string[] = [];
  names.forEach((name: unknown, i: number) => {
    problems.push(...cellNameProblems(name, `${what}[${i}]`));
    if (name === DEFAULT_CELL) {
      problems.push(`${what}[${i}] "${DEFAULT_CELL}" is the gateway's own load balancer and fleet, always there; name only the other cells`);
    } else if (names.indexOf(name) !== i) {
      problems.push(`${what}[${i}] "${name}" is listed twice; cell names must be unique`);
    }
  });
  return problems;
}

function copyTenant(tenant: TenantProps): TenantProps {
  const geo = tenant.geoRestriction;
  return {
    ...tenant,
    domainNames: [...tenant.domainNames],
    config: tenant.config && { ...tenant.config },
    geoRestriction: geo && { allow: geo.allow && [...geo.allow], deny: geo.deny && [...geo.deny] },
  };
}
