import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = path.join(ROOT, 'web');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(full);
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

/** Relative specifiers of static and dynamic imports and re-exports. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]*)['"]/g)) out.push(m[1]!);
  return out;
}

describe('the web UI speaks HTTP only', () => {
  it('imports nothing from outside web/ (no server source; API types come from web/src/api-types.ts)', () => {
    const escapes: string[] = [];
    for (const file of sources(WEB)) {
      for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(WEB + path.sep)) escapes.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(escapes).toEqual([]);
  });
});
