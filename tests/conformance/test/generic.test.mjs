// What every service shares: latency, rate limits, unknown operations, admin validation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeRepositoriesCommand, ECRClient, ListImagesCommand } from '@aws-sdk/client-ecr';
import { awsConfig, startSandbox } from '../lib/sandbox.mjs';

describe('generic behaviour', () => {
  let sandbox;
  let ecr;
  before(async () => {
    sandbox = await startSandbox({
      latencyMs: 150,
      rateLimits: { 'ecr:ListImages': 3 },
      repositories: [{ name: 'app', images: [{ tags: ['v1'] }] }],
    });
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => { ecr?.destroy(); await sandbox?.stop(); });

  test('latencyMs is added before every reply', async () => {
    const start = performance.now();
    await ecr.send(new DescribeRepositoriesCommand({}));
    assert.ok(performance.now() - start >= 145, 'a reply comes no sooner than latencyMs');
  });

  test('rateLimits: past the bucket, ECR answers ThrottlingException', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => ecr.send(new ListImagesCommand({ repositoryName: 'app' }))));
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.ok(results.filter((r) => r.status === 'fulfilled').length >= 3);
    assert.ok(rejected.length >= 4, `expected throttling past 3 requests, got ${rejected.length} rejections`);
    assert.ok(rejected.every((r) => r.reason.name === 'ThrottlingException' && r.reason.$metadata.httpStatusCode === 400));
    assert.equal((await sandbox.calls())['ecr:ListImages'], 8);
  });

  test('an operation ECR does not have is UnknownOperationException', async () => {
    const c = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
    c.middlewareStack.add((next) => (args) => {
      args.request.headers['x-amz-target'] = 'AmazonEC2ContainerRegistry_V20150921.NoSuchOperation';
      return next(args);
    }, { step: 'build', name: 'retarget' });
    try {
      await assert.rejects(c.send(new DescribeRepositoriesCommand({})), (e) => e.name === 'UnknownOperationException' && e.$metadata.httpStatusCode === 400);
    } finally {
      c.destroy();
    }
  });

  test('admin: faults are validated like the scenario, naming the JSON path', async () => {
    await assert.rejects(sandbox.addFaults([{ service: 'ecr', operation: 'DescribeImages', error: 'ThrottlingException' }, { service: 's3', error: 'X' }]),
      (e) => e.status === 400 && e.body.path === '$[1].service');
    await assert.rejects(sandbox.addFaults([{ service: 'github', operation: 'pulls', error: 'teapot' }]),
      (e) => e.status === 400 && e.body.path === '$[0].error');
    const armed = await sandbox.admin('GET', 'faults');
    assert.deepEqual(armed, []);
    await assert.rejects(sandbox.admin('GET', 'nothing-here'), (e) => e.status === 404);
  });
});
