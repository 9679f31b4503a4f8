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
