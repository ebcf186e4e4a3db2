import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `tsx bench/profile-top.ts <file.cpuprofile> [N]`: the top N functions of a V8 CPU profile by self
 * time and by inclusive time (each function counted once per stack, so recursion is not doubled),
 * as percentages of the samples that were not idle.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, countText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile-top.ts <file.cpuprofile> [N]\n');
  process.exit(2);
}
const top = Number(countText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let busy = 0;
for (const id of profile.samples) {
  const node = byId.get(id);
  if (!node) continue;
  const name = node.callFrame.functionName;
  if (name === '(idle)') continue;
  busy++;
  self.set(label(node), (self.get(label(node)) ?? 0) + 1);
  if (IDLE.has(name)) continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at);
    if (!frame) break;
    const key = label(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
  }
}

const print = (title: string, counts: Map<string, number>): void => {
  process.stdout.write(`${title} (of ${busy} non-idle samples)\n`);
  for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${((100 * count) / busy).toFixed(1).padStart(6)}%  ${key}\n`);
};
print('self', self);
print('inclusive', inclusive);

function shorten(url: string): string {
  const text = url.replace(/^file:\/\//, '');
  const modules = text.lastIndexOf('node_modules/');
  if (modules >= 0) return text.slice(modules + 'node_modules/'.length);
  return path.relative(process.cwd(), text);
}
