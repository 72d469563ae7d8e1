// Parses Mermaid blocks with Mermaid's own parser (the `mermaid` package under jsdom, in a child
// Node process: mermaid's ESM bundle expects a browser's globals, which jsdom provides there).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Mermaid blocks of a Markdown text, without their fences. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/** For each block, the diagram type Mermaid parsed it as, or the parse error. */
export function parseMermaid(
  blocks: readonly string[],
): Promise<({ type: string } | { error: string })[]> {
  const script = `
    import { JSDOM } from 'jsdom';
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    globalThis.window = dom.window;
    globalThis.document = dom.window.document;
    const { default: mermaid } = await import('mermaid');
    const blocks = JSON.parse(await new Promise((done) => {
      let text = '';
      process.stdin.on('data', (c) => (text += c)).on('end', () => done(text));
    }));
    const results = [];
    for (const block of blocks) {
      try {
        const parsed = await mermaid.parse(block);
        results.push({ type: parsed.diagramType });
      } catch (error) {
        results.push({ error: String(error?.message ?? error).slice(0, 500) });
      }
    }
    process.stdout.write(JSON.stringify(results));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`mermaid parser exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ({ type: string } | { error: string })[]);
    });
    child.stdin.end(JSON.stringify(blocks));
  });
}
