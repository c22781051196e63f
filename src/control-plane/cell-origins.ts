// Cells for store tenants. With cells, the multi-tenant distribution's origin domain is a parameter
// (`{{originDomain}}`), the default cell's unless a distribution tenant sets it; a store tenant of
// another cell gets its distribution tenant's parameter set to that cell's origin domain by the
// reconciler, as the template path sets it on `AWS::CloudFront::DistributionTenant`. The gateway
// hands the reconciler the cells' origin domains (an environment variable, JSON) and the CLI their
// names (a stack output). Pure: shared by the construct, the CLI and the reconciler.
import { cellNameProblems, DEFAULT_CELL } from '../tenants/tenants';

/** The reconciler's environment variables: the cells' origin domains (JSON) and the parameter's name. */
export const CELL_ORIGINS_VARIABLE = 'CELL_ORIGINS';
export const ORIGIN_PARAMETER_VARIABLE = 'ORIGIN_PARAMETER';

/** The parameter a cell's distribution tenant sets, unless told otherwise (the gateway's). */
export const DEFAULT_ORIGIN_PARAMETER = 'originDomain';

/**
 * Room for the cells in the reconciler's environment: Lambda holds 4 KB of environment variables
 * in all ("Lambda quotas", AWS Lambda Developer Guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); the load balancer's
 * names take up to 2 KB (load-balancer-names.ts) and the ids the rest. An origin domain is a
 * deploy-time value (a load balancer's DNS name, up to about 100 characters), so a cell is counted
 * as its name and 100 characters.
 */
export const MAX_ENCODED_CELLS = 1_024;
const ORIGIN_ALLOWANCE = 100;

/** Every problem with the cells given to the control plane. */
export function cellOriginsProblems(cells: { readonly [cell: string]: string }): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(cells)) {
    problems.push(...cellNameProblems(name, '`cellOrigins` key'));
    if (name === DEFAULT_CELL) {
      problems.push(`\`cellOrigins\` "${DEFAULT_CELL}": the default cell's origin is the distribution's own (the parameter's default value); list the other cells only`);
    }
  }
  return [...problems, ...cellRoomProblems(Object.keys(cells), '`cellOrigins`')];
}

/** Whether cells of these names leave the reconciler's environment room; `what` names the prop in the message. */
export function cellRoomProblems(names: readonly string[], what: string): string[] {
  const size = names.reduce((n, name) => n + name.length + 6 + ORIGIN_ALLOWANCE, 2);
  return size <= MAX_ENCODED_CELLS ? [] : [`${what} has ${names.length} cells, more than the control plane's reconciler has room for in its ` +
    `environment (about ${MAX_ENCODED_CELLS} characters, a cell counted as its name and ${ORIGIN_ALLOWANCE} for its origin domain; Lambda takes 4 KB of environment variables)`];
}

/** The cells' origin domains from the environment variable's value; none when absent. */
export function decodeCellOrigins(value: string | undefined): { [cell: string]: string } {
  return value === undefined || value === '' ? {} : JSON.parse(value) as { [cell: string]: string };
}

/**
 * The origin domain a tenant of `cell` is served from: undefined for the default cell (the
 * distribution's default value applies) and for a cell the control plane does not know.
 */
export function cellOrigin(cell: string | undefined, cells: { readonly [cell: string]: string }): string | undefined {
  return cell === undefined || cell === DEFAULT_CELL || !Object.prototype.hasOwnProperty.call(cells, cell) ? undefined : cells[cell];
}

/** Whether a tenant's cell is one the control plane can serve it from. */
export function knowsCell(cell: string | undefined, cells: readonly string[]): boolean {
  return cell === undefined || cell === DEFAULT_CELL || cells.includes(cell);
}

/** Why a tenant's cell is refused, in the user's terms. */
export function unknownCellProblem(cell: string, cells: readonly string[]): string {
  return `\`cell\` "${cell}" is not one of the gateway's cells (${[DEFAULT_CELL, ...cells].map(c => `"${c}"`).join(', ')}); ` +
    'name one of them, or add the cell to the gateway\'s `cells` and deploy first';
}

/** The names as a stack output's value (comma-separated; a cell's name holds no comma). */
export function encodeCellNames(cells: readonly string[]): string {
  return cells.join(',');
}

/** The names from a stack output's value; none when absent (the gateway writes the output only when it has cells). */
export function decodeCellNames(value: string | undefined): string[] {
  return (value ?? '').split(',').filter(name => name !== '');
}
