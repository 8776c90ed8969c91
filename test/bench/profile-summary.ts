/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF): self time by function, inclusive time of
 * our functions, and self time by area (our lib/ folders, kafkajs, Nest, Node, GC, idle).
 * Usage: node dist/test/bench/profile-summary.js <file.cpuprofile> [top=30] [fromUs-toUs]
 * The window (monotonic µs, printed by consume workers as notes.profileWindowUs) keeps only the
 * samples taken while the backlog drained, leaving out module loading, Nest boot and shutdown.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(frame: CallFrame): string {
  const url = frame.url;
  if (!url) {
    if (frame.functionName === '(garbage collector)') return 'GC';
    if (frame.functionName === '(idle)') return 'idle';
    if (frame.functionName === '(program)') return 'program (native/V8)';
    return 'native';
  }
  const lib = /\/dist\/lib\/([^/]+)\//.exec(url);
  if (lib) return `ours: lib/${lib[1]}`;
  if (url.includes('/dist/test/bench/')) return 'bench harness';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node core';
  return 'other';
}

function where(frame: CallFrame): string {
  const url = frame.url
    .replace(/^file:\/\/.*?\/dist\//, 'dist/')
    .replace(/^file:\/\/.*?\/node_modules\//, '');
  return url ? `${url}:${frame.lineNumber + 1}` : '';
}

function main(): void {
  const [file, topText, windowText] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]');
  const top = Number(topText ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const [from, to] = windowText ? windowText.split('-').map(Number) : [0, Infinity];
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i]!;
    if (at < from! || at > to!) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const busy =
    total -
    [...selfUs]
      .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
      .reduce((a, [, us]) => a + us, 0);

  const key = (frame: CallFrame) => `${frame.functionName || '(anonymous)'}  ${where(frame)}`;
  const selfByFunction = new Map<string, { us: number; area: string }>();
  const inclusiveByFunction = new Map<string, { us: number; area: string }>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const k = key(frame);
    const entry = selfByFunction.get(k) ?? { us: 0, area: area(frame) };
    entry.us += us;
    selfByFunction.set(k, entry);
    byArea.set(area(frame), (byArea.get(area(frame)) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const fk = key(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      const inc = inclusiveByFunction.get(fk) ?? { us: 0, area: area(f) };
      inc.us += us;
      inclusiveByFunction.set(fk, inc);
    }
  }

  const pct = (us: number, of = busy) => `${((us / of) * 100).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(
    `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (not idle); % of busy time\n`,
  );
  console.log('Self time by area');
  for (const [name, us] of [...byArea].sort((a, b) => b[1] - a[1]))
    console.log(`  ${pct(us)} ${ms(us)}  ${name}`);
  console.log(`\nTop ${top} functions by self time`);
  for (const [name, { us, area: a }] of [...selfByFunction]
    .sort((x, y) => y[1].us - x[1].us)
    .slice(0, top)) {
    console.log(`  ${pct(us)} ${ms(us)}  [${a}] ${name}`);
  }
  console.log('\nOur code (dist/lib) by self time');
  for (const [name, { us }] of [...selfByFunction]
    .filter(([, e]) => e.area.startsWith('ours'))
    .sort((x, y) => y[1].us - x[1].us)
    .slice(0, top)) {
    console.log(`  ${pct(us)} ${ms(us)}  ${name}`);
  }
  console.log('\nOur code (dist/lib) by inclusive time');
  for (const [name, { us }] of [...inclusiveByFunction]
    .filter(([, e]) => e.area.startsWith('ours'))
    .sort((x, y) => y[1].us - x[1].us)
    .slice(0, top)) {
    console.log(`  ${pct(us)} ${ms(us)}  ${name}`);
  }
}

main();
