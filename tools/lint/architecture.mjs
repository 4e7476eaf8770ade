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

/**
 * The libraries of the workspace, named by their folder under libs/ (the alias is `@app/<name>`), with the layer each
 * one is and the public entries it offers; anything else inside libs/<name>/src is private to that library.
 * docs/architecture.md draws this table; tools/sizes.mjs counts its lines.
 */
export const LIBRARIES = {
  'shared-kernel': { layer: 'kernel', entries: ['index'] },
  contracts: { layer: 'kernel', entries: ['index'] },
  platform: { layer: 'platform', entries: ['index', 'tracing'] },
  testing: { layer: 'testing', entries: ['index', 'contracts/index'] },
  'credit-domain': { layer: 'domain', entries: ['index'] },
  'credit-application': { layer: 'application', entries: ['index'] },
  'adapters/postgres': { layer: 'adapter', entries: ['index'] },
  'adapters/mongodb': { layer: 'adapter', entries: ['index'] },
  'adapters/elasticsearch': { layer: 'adapter', entries: ['index'] },
  'adapters/redis': { layer: 'adapter', entries: ['index'] },
  'adapters/rabbitmq': { layer: 'adapter', entries: ['index'] },
  'adapters/embedded': { layer: 'adapter', entries: ['index'] },
  credit: { layer: 'composition', entries: ['index'] },
};
/** Longest name first, so that `adapters/redis` is not taken for a library `adapters`. */
const NAMES = Object.keys(LIBRARIES).sort((a, b) => b.length - a.length);

const posix = (file) => file.split(path.sep).join('/');

/** Where a file sits: which library (or app, script, test), which layer, which adapter technology. */
export function placeOf(absolute) {
  const rel = posix(path.relative(ROOT, absolute));
  const name = NAMES.find((n) => rel.startsWith(`libs/${n}/src/`));
  if (!name) return { rel, lib: null, inner: null, layer: null, adapter: null };
  const inner = rel.slice(`libs/${name}/src/`.length).replace(/\.ts$/, '');
  const layer = LIBRARIES[name].layer;
  return { rel, lib: name, inner, layer, adapter: layer === 'adapter' ? name : null };
}

/** The in-process adapters a use case's unit test may run it on. */
const isInMemory = (to) => to.lib === 'adapters/embedded' || /(^|\/)in-memory-[^/]+$/.test(to.inner);

const isTest = (rel) => /\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$/.test(rel);

/** What a relative import or an @app alias points at, as a place; null for packages. */
function targetOf(source, importer) {
  if (source.startsWith('@app/')) {
    const name = NAMES.find((n) => source === `@app/${n}` || source.startsWith(`@app/${n}/`));
    if (name) {
      const entry = source.slice(`@app/${name}/`.length) || 'index';
      return { ...placeOf(path.join(ROOT, 'libs', name, 'src', `${entry}.ts`)), viaAlias: true };
    }
  }
  if (!source.startsWith('.')) return null;
  return { ...placeOf(path.resolve(path.dirname(importer), source)), viaAlias: false };
}

/** Which layers a layer may import, besides itself and the kernel. */
const OUTWARD = {
  domain: ['application', 'adapter', 'composition', 'platform'],
  application: ['adapter', 'composition'],
};

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
    const entries = LIBRARIES[to.lib].entries;
    if (!entries.includes(to.inner) && !entries.includes(`${to.inner}/index`)) {
      const offered = entries.map((e) =>
        e === 'index' ? `@app/${to.lib}` : `@app/${to.lib}/${e.replace(/\/index$/, '')}`,
      );
      return `import ${to.lib} through its public entry (${offered.join(' or ')}), not its file ${to.inner}`;
    }
    if (!to.viaAlias) return `import ${to.lib} by its alias (@app/${to.lib}), not by a relative path into libs/`;
  }
  if (from.layer === 'domain' && OUTWARD.domain.includes(to.layer)) {
    return `the domain depends on nothing outward; ${from.rel} imports ${to.lib}`;
  }
  if (from.layer === 'application' && OUTWARD.application.includes(to.layer) && !(test && isInMemory(to))) {
    return `use cases depend on ports, not adapters; ${from.rel} imports ${to.lib}`;
  }
  if (from.adapter && to.layer === 'composition') {
    return `adapters do not know the composition root; ${from.rel} imports ${to.lib}`;
  }
  if (from.adapter && to.adapter && from.adapter !== to.adapter && !test) {
    return `adapters do not import each other: ${from.adapter} imports ${to.adapter}; share through a port`;
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
