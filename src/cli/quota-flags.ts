// The command line's `--quota` against the tenants file's `settings.quotas`: the gateway refuses
// props that contradict the file, so the CLI refuses a flag that does, before it reads or writes.
import { parseRegistry } from './registry-file';
import { Quotas, quotaConflicts } from '../quotas/quotas';

/**
 * Every `--quota` whose figure differs from the file's `settings.quotas`, worded as the gateway
 * words its `quotas` prop. A file that does not parse has none: the command reports it.
 */
export function quotaFlagConflicts(text: string, source: string, overrides: Quotas): string[] {
  if (Object.keys(overrides).length === 0) return [];
  let fileQuotas: Quotas | undefined;
  try {
    fileQuotas = parseRegistry(text, source).settings?.quotas;
  } catch {
    return [];
  }
  return quotaConflicts(overrides, fileQuotas, source, key => `\`--quota ${key}\``);
}
