/**
 * The shape every module keeps (DESIGN.md, Layout; docs/architecture.md):
 * no import loops anywhere in src/, and every table named in SQL by the one
 * module that owns it. The doors between modules are a lint rule
 * (tools/eslint-module-doors.mjs); these two need the whole tree at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../src/modules/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = path.join(ROOT, 'src');

/** Tables of the mechanisms under src/platform/ (audit chain, jobs, mail, keys, idempotency). */
const PLATFORM_TABLES = [
  'audit_events',
  'audit_chain_heads',
  'jobs',
  'mail_outbox',
  'idempotency_keys',
  'workspace_keys',
  'subject_keys',
  'forgotten_subjects',
];
/**
 * The tenancy root: the key store checks that a workspace exists before it
 * makes its key. The workspaces module owns the table; this is the one
 * platform read of it.
 */
const PLATFORM_MAY_NAME = new Set(['workspaces']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !/\.test(-helper)?\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Comments out: a table named in prose is not a query. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

// ---- import loops -------------------------------------------------------------------

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"](\.[^'"]+)['"]/g;
const DYNAMIC_RE = /import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = code(fs.readFileSync(file, 'utf8'));
  const specs = [...text.matchAll(IMPORT_RE), ...text.matchAll(DYNAMIC_RE)].map((m) => m[1]!);
  return specs
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'))
    .map((target) => (fs.existsSync(target) ? target : target.replace(/\.ts$/, '.tsx')))
    .filter((target) => fs.existsSync(target) && target.startsWith(SRC));
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.map((f) => path.relative(ROOT, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

// ---- table ownership ----------------------------------------------------------------

function migrationTables(): string[] {
  const dir = path.join(SRC, 'migrations');
  const tables = new Set<string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?(?:public\.)?"?(\w+)"?/gi)) tables.add(m[1]!.toLowerCase());
  }
  return [...tables].sort();
}

/** Tables a file names in SQL: raw SQL keywords, Kysely's builders, sql.table and resealing helpers. */
function tablesNamedIn(file: string, known: ReadonlySet<string>): Set<string> {
  const text = code(fs.readFileSync(file, 'utf8'));
  const named = new Set<string>();
  const patterns = [
    /\b(?:from|join|into|update|table|references)\s+"?(\w+)"?/gi,
    /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto)\(\s*'(\w+)/g,
    /\bsql\.table\(\s*'(\w+)'/g,
    /\btable:\s*'(\w+)'/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) if (known.has(m[1]!.toLowerCase())) named.add(m[1]!.toLowerCase());
  return named;
}

describe('the shape of src/', () => {
  it('has no import loop (type-only imports count: a loop of types is a loop of knowledge)', () => {
    const graph = new Map<string, string[]>();
    for (const f of sourceFiles(SRC)) graph.set(f, importsOf(f));
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a loop when there is one', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    const c = path.join(SRC, 'c.ts');
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
    expect(cycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
  });

  it('gives every table one owner: a module (its definition lists it) or the platform', () => {
    const owners = new Map<string, string[]>();
    for (const m of MODULES) for (const t of m.tables ?? []) owners.set(t, [...(owners.get(t) ?? []), m.name]);
    for (const t of PLATFORM_TABLES) owners.set(t, [...(owners.get(t) ?? []), 'platform']);
    const tables = migrationTables();
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((t) => (owners.get(t) ?? []).length !== 1).map((t) => `${t}: ${(owners.get(t) ?? ['nobody']).join(', ')}`)).toEqual([]);
    expect([...owners.keys()].filter((t) => !tables.includes(t))).toEqual([]);
  });

  it('names a table in SQL only in the module that owns it', () => {
    const known = new Set(migrationTables());
    const ownerOf = new Map<string, string>();
    for (const m of MODULES) for (const t of m.tables ?? []) ownerOf.set(t, m.name);
    for (const t of PLATFORM_TABLES) ownerOf.set(t, 'platform');
    const crossings: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = path.relative(SRC, file).split(path.sep);
      const place = rel[0] === 'modules' && rel.length > 2 ? rel[1]! : rel[0] === 'platform' ? 'platform' : null;
      if (place === null) continue;
      for (const t of tablesNamedIn(file, known)) {
        const owner = ownerOf.get(t);
        if (owner === place || (place === 'platform' && PLATFORM_MAY_NAME.has(t))) continue;
        crossings.push(`${path.relative(ROOT, file)} names ${t} (owned by ${owner ?? 'nobody'})`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('reads a table name out of raw SQL, Kysely and the resealing helper', () => {
    const known = new Set(['contacts', 'notes', 'deals', 'users']);
    const tmp = path.join(fs.mkdtempSync(path.join(ROOT, 'node_modules', '.arch-')), 'probe.ts');
    fs.writeFileSync(tmp, [
      "sql`select * from contacts c join users u on u.id = c.owner_id`;",
      "trx.selectFrom('deals');",
      "// from notes: only a comment",
      "resealRows(trx, vault, { table: 'notes' });",
    ].join('\n'));
    try {
      expect([...tablesNamedIn(tmp, known)].sort()).toEqual(['contacts', 'deals', 'notes', 'users']);
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
  });
});
