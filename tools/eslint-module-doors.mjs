// The module doors (DESIGN.md, Layout): a file of src/modules/<m>/ imports
// another module only through that module's index.ts, and nothing below the
// modules (src/kernel/, src/platform/) imports a module at all. Tests may
// reach inside the module they test; they are not checked here.
import path from 'node:path';

const MODULES = `${path.sep}src${path.sep}modules${path.sep}`;

/** The module a file belongs to, its path inside it, and where src/ is; null outside src/modules/<m>/. */
function placeOf(file) {
  const i = file.lastIndexOf(MODULES);
  if (i < 0) return null;
  const rest = file.slice(i + MODULES.length).split(path.sep);
  if (rest.length < 2) return { module: null, inner: rest.join('/') }; // src/modules/index.ts: the list
  return { module: rest[0], inner: rest.slice(1).join('/') };
}

function below(file) {
  return file.includes(`${path.sep}src${path.sep}kernel${path.sep}`) || file.includes(`${path.sep}src${path.sep}platform${path.sep}`);
}

export const moduleDoors = {
  meta: {
    type: 'problem',
    docs: { description: "import another module only through its index.ts; kernel and platform import no module" },
    schema: [],
    messages: {
      door: "'{{spec}}' reaches inside module {{target}}: import its index.ts (the module's one door), or ask it for a service or a hook",
      below: "'{{spec}}' imports module {{target}} from below the modules: the kernel and the platform know no module",
    },
  },
  create(context) {
    const file = context.filename;
    if (/\.test(-helper)?\.ts$/.test(file) || /\.test\.tsx?$/.test(file)) return {};
    const from = placeOf(file);
    const isBelow = below(file);
    if (!from && !isBelow) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = placeOf(path.resolve(path.dirname(file), spec));
      if (!target || target.module === null) return;
      if (isBelow) {
        context.report({ node, messageId: 'below', data: { spec, target: target.module } });
        return;
      }
      if (from.module === target.module || from.module === null) return;
      if (target.inner !== 'index.js' && target.inner !== 'index.ts') {
        context.report({ node, messageId: 'door', data: { spec, target: target.module } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
