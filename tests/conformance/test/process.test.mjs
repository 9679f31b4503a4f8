// The sandbox as a process: its first line, start-up validation, and how it stops.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { runSandbox, scenarioPath, startSandbox, writeScenario } from '../lib/sandbox.mjs';

describe('sandbox process', () => {
  test('a scenario that does not validate exits 2 naming the JSON path', async () => {
    const file = writeScenario({ repositories: [{ name: 'repo', images: [{}, {}, {}, { digest: 'sha256:xyz' }] }] });
    const { code, stdout, stderr } = await runSandbox(['--scenario', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /\$\.repositories\[0\]\.images\[3\]\.digest: /);
  });

  test('jsonc: comments and trailing commas are allowed; a misspelt property is not', async () => {
    const ok = await startSandbox(scenarioPath('ecr-basic.json'));
    assert.equal(await ok.stop(), 0);
    const file = writeScenario({ repositories: [{ name: 'repo', images: [{ agehours: 3 }] }] });
    const { code, stderr } = await runSandbox(['--scenario', file]);
    assert.equal(code, 2);
    assert.match(stderr, /\$\.repositories\[0\]\.images\[0\]\.agehours: unknown property/);
  });

  test('a missing repositories array is refused', async () => {
    const { code, stderr } = await runSandbox(['--scenario', writeScenario({ region: 'eu-west-1' })]);
    assert.equal(code, 2);
    assert.match(stderr, /\$\.repositories: required/);
  });

  test('the contract\'s example of a stack resource type error', async () => {
    const file = writeScenario({ repositories: [], stacks: [{}, {}, {}, { name: 'S', resources: [{ logicalId: 'R', type: 'X' }] }].map((s, i) => ({ name: `S${i}`, ...s })) });
    const { code, stderr } = await runSandbox(['--scenario', file]);
    assert.equal(code, 2);
    assert.match(stderr, /\$\.stacks\[3\]\.resources\[0\]\.type: unknown resource type 'X'/);
  });

  test('an index whose child is not in the repository, and a function tag it cannot resolve', async () => {
    const child = `sha256:${'9'.repeat(64)}`;
    let r = await runSandbox(['--scenario', writeScenario({ repositories: [{ name: 'r1', images: [{ children: [child] }] }] })]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\$\.repositories\[0\]\.images\[0\]\.children\[0\]: no image with digest/);
    r = await runSandbox(['--scenario', writeScenario({
      repositories: [{ name: 'r1', images: [] }],
      functions: [{ name: 'F', imageUri: '123456789012.dkr.ecr.eu-west-2.amazonaws.com/r1:missing' }],
    })]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\$\.functions\[0\]\.resolvedDigest: required/);
  });

  test('SIGTERM stops it with exit code 0', async () => {
    const sandbox = await startSandbox(scenarioPath('ecr-basic.json'));
    const exited = once(sandbox.proc, 'exit');
    sandbox.proc.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
  });

  test('closing stdin stops it with exit code 0', async () => {
    const sandbox = await startSandbox(scenarioPath('ecr-basic.json'));
    assert.equal(await sandbox.stop(), 0);
  });
});
