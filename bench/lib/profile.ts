import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a frame's code comes from: an npm package, a part of this repo, Node itself, or V8's own buckets (GC, idle).
 */
function categoryOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: V8/native, not JS)';
    return `(native) ${functionName || 'anonymous'}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return `node:${m?.[1] ?? url}`;
  }
  const repo = /\/dist\/((?:apps|libs)\/.+?)\.js$/.exec(url);
  if (repo)
    return `app ${repo[1]!.replace(/\/src\//, '/').replace(/\/(application|infrastructure|domain)\/[^/]+\//, '/$1/')}`;
  return url.replace(/^file:\/\//, '');
}

const isOwner = (category: string) => !category.startsWith('(') && !category.startsWith('node:');

/**
 * Self time per origin from a .cpuprofile. Node internals and native frames (socket writes, Buffer work, JSON) are
 * charged to the nearest npm package or app file up the stack that called them, so "ioredis" includes the socket
 * writes ioredis makes; what has no such caller (GC, the event loop's own work) keeps its own name.
 */
export function summarizeProfile(
  file: string,
  top = 18,
): { totalMs: number; busyMs: number; categories: [string, number][]; functions: [string, number][] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const onStack = (id: number, test: (f: ProfileNode['callFrame']) => boolean): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (test(byId.get(at)!.callFrame)) return true;
    return false;
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const own = categoryOf(node.callFrame.url, node.callFrame.functionName);
    totalMs += ms;
    if (own === '(idle)' || onStack(id, (f) => f.url.endsWith('cpu-profile-hook.js'))) {
      // The profiler's own start-up (inside the hook's signal handler) is not the server's work.
      idleMs += ms;
      continue;
    }
    let charged = own;
    if (!isOwner(own) && own !== '(garbage collector)') {
      for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
        const frame = byId.get(up)!.callFrame;
        const category = categoryOf(frame.url, frame.functionName);
        if (isOwner(category)) {
          charged = category;
          break;
        }
      }
    }
    categories.set(charged, (categories.get(charged) ?? 0) + ms);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${own}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs, busyMs: totalMs - idleMs, categories: sorted(categories), functions: sorted(functions) };
}

/**
 * Share of busy CPU whose synchronous stack passes through any frame matching a stage's patterns (function name + url).
 * Stages overlap (the access guard contains the rate limiter). Lower bounds: work resumed later from a socket or timer
 * callback (parsing a Redis reply, finishing a PostgreSQL query) is not on its caller's stack and is not counted.
 */
export function stageShares(file: string, stages: [string, string[]][]): [string, number][] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  let busy = 0;
  const shares = new Map<string, number>();
  for (const [id, ms] of self) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      frames.push(`${f.functionName} ${f.url}`);
    }
    if (frames.some((f) => f.includes('cpu-profile-hook'))) continue;
    busy += ms;
    for (const [stage, patterns] of stages)
      if (frames.some((f) => patterns.some((p) => f.includes(p)))) shares.set(stage, (shares.get(stage) ?? 0) + ms);
  }
  return stages.map(([stage]) => [stage, ((shares.get(stage) ?? 0) / Math.max(1, busy)) * 100]);
}

interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/**
 * Sampled bytes per allocation site (function, file and line; packages and our compiled files shortened), largest
 * first.
 */
export function summarizeHeapProfile(file: string, top = 10): { totalMb: number; sites: [string, number][] } {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapProfileNode };
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*\/(node_modules\/(?:@[^/]+\/)?[^/]+|dist)\//, '$1/');
    const site = `${functionName || '(anonymous)'} ${where || '(native)'}${url ? `:${lineNumber + 1}` : ''}`;
    total += node.selfSize;
    if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(head);
  const sites = [...bySite]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([site, bytes]): [string, number] => [site, bytes / 1e6]);
  return { totalMb: total / 1e6, sites };
}
