// SigV4: the sandbox refuses what AWS refuses, with AWS's error codes, as the SDK sees them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { awsConfig, CREDENTIALS, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

describe('SigV4 on ECR', () => {
  let sandbox;
  const clients = [];
  const client = (overrides) => {
    const c = new ECRClient(awsConfig(sandbox, { maxAttempts: 1, ...overrides }));
    clients.push(c);
    return c;
  };
  before(async () => { sandbox = await startSandbox(scenarioPath('ecr-basic.json')); });
  after(async () => { clients.forEach((c) => c.destroy()); await sandbox?.stop(); });

  test('the right credentials pass', async () => {
    const out = await client().send(new DescribeRepositoriesCommand({}));
    assert.equal(out.repositories.length, 2);
  });

  test('a wrong secret is InvalidSignatureException', async () => {
    const c = client({ credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } });
    await assert.rejects(c.send(new DescribeRepositoriesCommand({})), (e) => {
      assert.equal(e.name, 'InvalidSignatureException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /^The request signature we calculated does not match the signature you provided/);
      return true;
    });
  });

  test('an unknown access key is UnrecognizedClientException', async () => {
    const c = client({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'sandbox-secret' } });
    await assert.rejects(c.send(new DescribeRepositoriesCommand({})), (e) => {
      assert.equal(e.name, 'UnrecognizedClientException');
      assert.equal(e.message, 'The security token included in the request is invalid.');
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  test('a signature for another region is refused', async () => {
    const c = client({ region: 'us-east-1' });
    await assert.rejects(c.send(new DescribeRepositoriesCommand({})),
      (e) => e.name === 'InvalidSignatureException' && /scoped to a valid region, not 'us-east-1'/.test(e.message));
  });

  test('no Authorization header is MissingAuthenticationTokenException', async () => {
    const c = client();
    c.middlewareStack.add((next) => (args) => {
      delete args.request.headers.authorization;
      return next(args);
    }, { step: 'deserialize', name: 'dropAuthorization' });
    await assert.rejects(c.send(new DescribeRepositoriesCommand({})),
      (e) => e.name === 'MissingAuthenticationTokenException' && e.$metadata.httpStatusCode === 400);
  });

  test('a clock 20 minutes off: Signature expired, which the SDK corrects from the Date header when it may retry', async () => {
    const skewed = client({ systemClockOffset: -20 * 60 * 1000 });
    await assert.rejects(skewed.send(new DescribeRepositoriesCommand({})),
      (e) => e.name === 'InvalidSignatureException' && /^Signature expired: \d{8}T\d{6}Z is now earlier than/.test(e.message));
    const retrying = client({ systemClockOffset: -20 * 60 * 1000, maxAttempts: 3 });
    const out = await retrying.send(new DescribeRepositoriesCommand({}));
    assert.equal(out.repositories.length, 2);
  });

  test('the tampered body fails the signature', async () => {
    const c = client();
    c.middlewareStack.add((next) => (args) => {
      const body = typeof args.request.body === 'string' ? args.request.body : Buffer.from(args.request.body).toString('utf8');
      args.request.body = body.replace('{}', '{ }');
      args.request.headers['content-length'] = String(Buffer.byteLength(args.request.body));
      return next(args);
    }, { step: 'deserialize', name: 'tamper' });
    await assert.rejects(c.send(new DescribeRepositoriesCommand({})), (e) => e.name === 'InvalidSignatureException');
  });
});
