// Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof <dir>`): where the timed part of
// a case spent its time, by package and by function, so a regression points at code, not a hunch.
import * as fs from 'fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}

interface Profile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Which part of the world a frame belongs to: this library, a package (with its submodule), or V8/Node. */
function areaOf(url: string, root: string): string {
  if (url === '') return '(V8 / GC / native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    if (scope === 'aws-cdk-lib') return `aws-cdk-lib/${name === 'core' || name.startsWith('aws-') ? name : 'other'}`;
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.startsWith('node:')) return '(node internals)';
  return url.replace(`file://${root}/`, '').replace(`${root}/`, '').replace(/\/[^/]*$/, '/');
}

function frameName(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/node_modules\//, '').replace(`file://${root}/`, '').replace(`${root}/`, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/**
 * Self time by area, the functions with the most self time, and the functions with the most
 * inclusive time, counting only samples inside [fromUs, toUs] of the profile's clock.
 */
export function summarizeProfile(file: string, root: string, window?: { fromUs: number; toUs: number }, top = 15): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByArea = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const totalByFrame = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => { m.set(k, (m.get(k) ?? 0) + v); };
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] ?? 0; // time until the next sample is spent here
    if (window && (t < window.fromUs || t > window.toUs)) return;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    total += dt;
    add(selfByArea, areaOf(node.callFrame.url, root), dt);
    add(selfByFrame, frameName(node, root), dt);
    // Inclusive: once per distinct frame on the stack, so recursion is not counted twice.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      // Library and CDK frames only: the loader and ts-node wrappers are on every stack.
      if (!/\/node_modules\/(aws-cdk-lib|constructs)\/|\/src\//.test(n.callFrame.url)) continue;
      const name = frameName(n, root);
      if (!seen.has(name)) {
        seen.add(name);
        add(totalByFrame, name, dt);
      }
    }
  });

  const list = (m: Map<string, number>, title: string): string => [title, ...[...m]
    .sort(([, a], [, b]) => b - a).slice(0, top)
    .map(([k, v]) => `  ${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)].join('\n');
  return [
    `sampled ${(total / 1e6).toFixed(2)} s`,
    list(selfByArea, 'self time by area:'),
    list(selfByFrame, 'self time by function:'),
    list(totalByFrame, 'inclusive time by function (aws-cdk-lib, constructs, src/):'),
  ].join('\n');
}
