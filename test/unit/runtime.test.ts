// The tests run on the Node the functions run on: the project's own (the `node` devDependency, pinned), found first
// by npm scripts whatever the machine's is, and the same major as the functions' Lambda runtime.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
  engines: { node: string };
};

describe('the Node the tests run on', () => {
  it('is the pinned devDependency, the major of nodejs24.x', () => {
    expect(pkg.devDependencies.node).toMatch(/^24\.\d+\.\d+$/);
    expect(process.version).toBe(`v${pkg.devDependencies.node}`);
    expect(pkg.engines.node).toBe('>=24');
  });
});
