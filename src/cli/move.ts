// The CLI's `move` command, pure over the tenants file's text: it declares a tenant's move (its new
// shard and `movedFrom`), then advances it a stage at a time, each stage one deploy. main.ts does
// the I/O. See "Moving tenants" in the docs.
import { assess, planSettings } from './commands';
import { formatRegistry, lineEnding, parseRegistry } from './registry-file';
import { placeGatewayTenants } from '../gateway/plan';
import { moveStage } from '../moves/move-source';
import { Quotas } from '../quotas/quotas';
import { TenantProps } from '../tenants/tenants';

/** What `move` is asked. */
export interface MoveRequest {
  readonly id: string;
  /** The shard to move to; by default the first with room among those of the tenant's settings. */
  readonly shard?: number;
}

/** The file's new text, what to tell the user, and what to run next. */
export interface MoveResult {
  readonly text: string;
  readonly messages: string[];
  readonly next: { readonly why: string; readonly cli?: string; readonly shell?: string }[];
}

/**
 * `move <id> [--shard n]`: a tenant not moving yet gets its new shard and
 * `"movedFrom": { "shard": <old>, "stage": "prepare" }`; a tenant in stage "prepare" goes to
 * "move". Every other tenant keeps its line. Refuses what the plan refuses.
 */
export function moveTenant(text: string, source: string, request: MoveRequest, overrides: Quotas): MoveResult {
  const file = parseRegistry(text, source);
  const index = file.tenants.findIndex(t => t.id === request.id);
  if (index < 0) throw new Error(`${source} has no tenant "${request.id}"`);
  const tenant = file.tenants[index];
  const settings = planSettings(file, overrides);
  let moved: TenantProps;
  let messages: string[];

  if (tenant.adoptFrom !== undefined || tenant.movedFrom !== undefined) {
    const declared = (tenant.movedFrom ?? tenant.adoptFrom)!;
    if (moveStage(declared) === 'move') {
      throw new Error(`tenant "${request.id}" is in the "move" stage already: deploy it; its \`movedFrom\` stays, as its records stay in the ` +
        'source shard\'s record groups (see "Moving tenants")');
    }
    const { stage, ...rest } = declared;
    void stage;
    moved = { ...tenant, ...(tenant.movedFrom ? { movedFrom: rest } : { adoptFrom: rest }) };
    messages = [`Tenant "${request.id}" moves at the next deploy: each of its domains goes to its new home with UpdateDomainAssociation.`];
  } else {
    const from = shardNow(file.tenants, index, settings);
    // Unpinned and last, it takes the shard placement gives a new tenant of its settings.
    const others = file.tenants.filter((_, i) => i !== index);
    const to = request.shard
      ?? placeGatewayTenants([...others, { ...tenant, shard: undefined }], settings.quotas, settings.edge).placements.at(-1)!.shard;
    if (to === from) throw new Error(`tenant "${request.id}" is on shard ${from} already; name another with --shard`);
    moved = { ...tenant, shard: to, movedFrom: { shard: from, stage: 'prepare' } };
    messages = [`Tenant "${request.id}" will move from shard ${from} to shard ${to}. Deploy once to prepare (shard ${to}'s distribution is made ` +
      `or updated with a certificate covering its domains; shard ${from} keeps serving them), then run \`move ${request.id}\` again and deploy to move them.`];
  }

  const tenants = file.tenants.map((t, i) => (i === index ? moved : t));
  const plan = assess(tenants, settings);
  if (plan.problems.length > 0) {
    throw new Error(`Cannot move tenant "${request.id}":\n${plan.problems.map(p => `  - ${p}`).join('\n')}`);
  }
  return {
    text: formatRegistry({ ...file, tenants }, lineEnding(text)),
    messages,
    next: [{ why: 'Check the file, commit it, then deploy', cli: 'validate' }],
  };
}

/** The shard the tenant is on now: its pin, else where placement puts it. */
function shardNow(tenants: readonly TenantProps[], index: number, settings: ReturnType<typeof planSettings>): number {
  return tenants[index].shard ?? placeGatewayTenants(tenants, settings.quotas, settings.edge).placements[index].shard;
}
