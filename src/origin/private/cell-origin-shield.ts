import { Token } from 'aws-cdk-lib';
import { nearestOriginShieldRegion, originShieldRegionProblem } from '../../edge/origin-shield-regions';
import { OriginShieldBinding } from '../../edge/private/origin-shield-binding';

/**
 * A cell's Origin Shield region: the one it asks for (the stack's region for `inStackRegion`);
 * else, when the gateway has Origin Shield, the region AWS recommends for the cell's origin
 * region when that is known, else the gateway's; none when neither asks for it.
 */
export function cellOriginShieldRegion(own: OriginShieldBinding | undefined, originRegion: string | undefined,
  gatewayRegion: string | undefined, stackRegion: string): string | undefined {
  if (own) return own.region ?? stackRegion;
  if (gatewayRegion === undefined) return undefined;
  return nearestOriginShieldRegion(originRegion) ?? gatewayRegion;
}

/** The problems with the Origin Shield region a cell names itself (one CloudFront offers it in). */
export function cellOriginShieldProblems(cell: string, own: OriginShieldBinding | undefined): string[] {
  const region = own?.region;
  if (region === undefined || Token.isUnresolved(region)) return [];
  const problem = originShieldRegionProblem(`cell "${cell}": \`originShield\``, region);
  return problem === undefined ? [] : [problem];
}
