// The dependency rules of the workspace (docs/architecture.md), checked on every import by `npm run lint`.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Packages that tie code to a framework, a driver or a transport: the domain stays free of all of them. */
const FRAMEWORKS = [
  /^@nestjs\//,
  /^typeorm$/,
  /^mongoose$/,
  /^mongodb$/,
  /^ioredis$/,
  /^amqplib$/,
  /^@elastic\//,
  /^pg$/,
  /^@electric-sql\//,
  /^fastify$/,
  /^cache-manager/,
  /^rxjs$/,
  /^@opentelemetry\//,
  /^prom-client$/,
];
/** The drivers an adapter wraps: use cases reach a store only through their ports. */
const DRIVERS = FRAMEWORKS.filter((re) => !/nestjs|rxjs/.test(re.source));

/** The public entries a library offers; anything else inside libs/<lib>/src is private to that library. */
export const ENTRIES = {
  'shared-kernel': ['index'],
  contracts: ['index'],
  platform: ['index', 'tracing'],
  credit: ['index', 'domain/index', 'operations'],
  testing: ['index', 'contracts/index'],
};

const posix = (file) => file.split(path.sep).join('/');

/** Where a file sits: which library (or app, script, test), which layer, which adapter technology. */
export function placeOf(absolute) {
  const rel = posix(path.relative(ROOT, absolute));
  const lib = /^libs\/([^/]+)\/src\/(.*)$/.exec(rel);
  if (!lib) return { rel, lib: null, inner: null, layer: null, adapter: null };
  const [, name, inner] = lib;
  const layer = /^(domain|application|infrastructure)\//.exec(inner)?.[1] ?? null;
  const adapter = layer === 'infrastructure' ? (/^infrastructure\/([^/]+)\//.exec(inner)?.[1] ?? null) : null;
  return { rel, lib: name, inner: inner.replace(/\.ts$/, ''), layer, adapter };
}

/** The in-process adapters a use case's unit test may run it on. */
const isInMemory = (inner) => /^infrastructure\/embedded\//.test(inner) || /\/in-memory-[^/]+$/.test(inner);

const isTest = (rel) => /\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$/.test(rel);

/** What a relative import or an @app alias points at, as a place; null for packages. */
function targetOf(source, importer) {
  const alias = /^@app\/([^/]+)(?:\/(.+))?$/.exec(source);
  if (alias)
    return { ...placeOf(path.join(ROOT, 'libs', alias[1], 'src', `${alias[2] ?? 'index'}.ts`)), viaAlias: true };
  if (!source.startsWith('.')) return null;
  return { ...placeOf(path.resolve(path.dirname(importer), source)), viaAlias: false };
}

function problemOf(source, importer) {
  const from = placeOf(importer);
  const to = targetOf(source, importer);
  const test = isTest(from.rel);
  if (!to) {
    if (from.layer === 'domain' && FRAMEWORKS.some((re) => re.test(source))) {
      return `the domain imports no framework or driver ("${source}"): keep it plain TypeScript`;
    }
    if (from.layer === 'application' && !test && DRIVERS.some((re) => re.test(source))) {
      return `use cases reach stores and brokers through their ports, not "${source}"`;
    }
    return null;
  }
  if (!to.lib) return null;
  if (to.lib !== from.lib) {
    const entry = to.inner;
    if (!(ENTRIES[to.lib] ?? []).includes(entry) && !(ENTRIES[to.lib] ?? []).includes(`${entry}/index`)) {
      const offered = ENTRIES[to.lib].map((e) =>
        e === 'index' ? `@app/${to.lib}` : `@app/${to.lib}/${e.replace(/\/index$/, '')}`,
      );
      return `import ${to.lib} through its public entry (${offered.join(' or ')}), not its file ${to.inner}`;
    }
    if (!to.viaAlias) return `import ${to.lib} by its alias (@app/${to.lib}), not by a relative path into libs/`;
    return null;
  }
  if (from.layer === 'domain' && (to.layer === 'application' || to.layer === 'infrastructure')) {
    return `the domain depends on nothing outward; ${from.inner} imports ${to.inner}`;
  }
  if (from.layer === 'application' && to.layer === 'infrastructure' && !(test && isInMemory(to.inner))) {
    return `use cases depend on ports, not adapters; ${from.inner} imports ${to.inner}`;
  }
  if (from.adapter && to.adapter && from.adapter !== to.adapter && !test) {
    return `adapters do not import each other: ${from.adapter} imports ${to.adapter} (${to.inner}); share through a port`;
  }
  return null;
}

const boundaries = {
  meta: { type: 'problem', docs: { description: 'the workspace dependency rules' }, schema: [] },
  create(context) {
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      const problem = problemOf(node.source.value, context.filename);
      if (problem) context.report({ node: node.source, message: problem });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { rules: { boundaries } };
