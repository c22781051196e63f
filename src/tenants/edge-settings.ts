// A tenant's own edge settings (`webAcl`, `geoRestriction`): their rules, and what they mean for a
// distribution. Pure, so the CLI checks them as the gateway does.
import { COUNTRY_CODE_HINTS, COUNTRY_CODES } from './country-codes';
import { TenantGeoRestriction } from './geo-restriction';
import { isWebAclArn, WEB_ACL_ARN_SHAPE } from '../edge/web-acl-arn';
import { show } from '../private/problems';

/** The tenant fields that are a distribution's settings in the sharded mode. */
export interface TenantEdgeSettings {
  /** The tenant's cell: its shard's origin in the sharded mode. */
  readonly cell?: string;
  readonly webAcl?: string;
  readonly geoRestriction?: TenantGeoRestriction;
}

/** `webAcl` value that turns the gateway's web ACL off for a tenant. */
export const NO_WEB_ACL = 'none';

const GEO_KEYS = ['allow', 'deny'] as const;

/** Every problem with a tenant's `webAcl` and `geoRestriction`; `who` names the tenant. */
export function edgeSettingsProblems(tenant: TenantEdgeSettings, who: string): string[] {
  const problems: string[] = [];
  const acl: unknown = tenant.webAcl;
  if (acl !== undefined && !(typeof acl === 'string' && (acl === NO_WEB_ACL || isWebAclArn(acl) || isToken(acl)))) {
    const hint = typeof acl === 'string' && acl.trim().toLowerCase() === NO_WEB_ACL ? ` (to turn the gateway's web ACL off, write "${NO_WEB_ACL}" exactly)` : '';
    problems.push(`${who}: \`webAcl\` ${show(acl)} must be "${NO_WEB_ACL}" or ${WEB_ACL_ARN_SHAPE}${hint}`);
  }

  const geo: unknown = tenant.geoRestriction;
  if (geo === undefined) return problems;
  if (geo === null || typeof geo !== 'object' || Array.isArray(geo)) {
    problems.push(`${who}: \`geoRestriction\` ${show(geo)} must be an object with one of \`allow\` or \`deny\`, e.g. {"allow": ["DE", "FR"]}`);
    return problems;
  }
  // A key given as undefined (a struct field left out in another language) is absent.
  const given = Object.entries(geo).filter(([, value]) => value !== undefined).map(([key]) => key);
  for (const key of given.filter(k => !(GEO_KEYS as readonly string[]).includes(k))) {
    problems.push(`${who}: \`geoRestriction\` has an unknown field \`${key}\` (allowed: allow, deny)`);
  }
  const lists = GEO_KEYS.filter(key => given.includes(key));
  if (lists.length !== 1) {
    problems.push(`${who}: \`geoRestriction\` must have exactly one of \`allow\` (serve only these countries) or \`deny\` ` +
      `(refuse these countries), got ${lists.length === 0 ? 'neither' : 'both'}`);
  }
  for (const key of lists) {
    const codes: unknown = (geo as { [key: string]: unknown })[key];
    if (!Array.isArray(codes) || codes.length === 0) {
      problems.push(`${who}: \`geoRestriction.${key}\` must be a non-empty list of country codes, got ${show(codes)}`);
      continue;
    }
    const seen = new Set<unknown>();
    codes.forEach((code: unknown, c: number) => {
      if (typeof code !== 'string' || !COUNTRY_CODES.has(code)) {
        problems.push(`${who}: \`geoRestriction.${key}[${c}]\` ${show(code)} must be an ISO 3166-1 alpha-2 country code in upper case, ` +
          `e.g. "DE"${countryCodeHint(code)}`);
      } else if (seen.has(code)) {
        problems.push(`${who}: \`geoRestriction.${key}[${c}]\` "${code}" is listed twice`);
      }
      seen.add(code);
    });
  }
  return problems;
}

/**
 * The tenants with a `webAcl` equal to the gateway's `webAclId` written as the default (no
 * `webAcl`): the same web ACL either way, so such a tenant shares the gateway's partition (and a
 * distribution) instead of taking one of its own. Other tenants are returned as they are.
 */
export function withGatewayWebAcl<T extends TenantEdgeSettings>(tenants: readonly T[], gatewayWebAclId: string | undefined): readonly T[] {
  if (gatewayWebAclId === undefined) return tenants;
  return tenants.map(tenant => {
    if (tenant.webAcl !== gatewayWebAclId) return tenant;
    const { webAcl: _same, ...rest } = tenant;
    return rest as T;
  });
}

/** What to write instead of a country code that is not one, if that can be told. */
function countryCodeHint(code: unknown): string {
  if (typeof code !== 'string') return '';
  const upper = code.trim().toUpperCase();
  if (COUNTRY_CODES.has(upper)) return `; write "${upper}"`;
  const hint = COUNTRY_CODE_HINTS[upper];
  return hint === undefined ? '' : `; ${hint}`;
}

/**
 * The web ACL a distribution of these settings uses: the tenant's, else the gateway's, or none
 * when the tenant says "none".
 */
export function webAclIdOf(settings: TenantEdgeSettings, gatewayWebAclId: string | undefined): string | undefined {
  if (settings.webAcl === NO_WEB_ACL) return undefined;
  return settings.webAcl ?? gatewayWebAclId;
}

/**
 * A value aws-cdk-lib resolves at deploy time (a token, such as a web ACL made in the same app):
 * it cannot be checked here. Matched by its marker, so that the CLI never loads aws-cdk-lib.
 */
function isToken(value: string): boolean {
  return value.includes('${Token[');
}
