// Lambda over restJson1, driven by the official @aws-sdk/client-lambda.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetFunctionCommand, LambdaClient, ListAliasesCommand, ListFunctionsCommand, ListVersionsByFunctionCommand,
  ResourceNotFoundException, TooManyRequestsException, paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { ACCOUNT, awsConfig, CREDENTIALS, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const API = 'HelpmatonProduction-ApiFunction-1A2B';
const REPO_URI = `${ACCOUNT}.dkr.ecr.eu-west-2.amazonaws.com/helpmaton-lambda-images`;
const d = (c) => `sha256:${c.repeat(64)}`;

describe('Lambda', () => {
  let sandbox;
  let lambda;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('services.json'));
    lambda = new LambdaClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => { lambda?.destroy(); await sandbox?.stop(); });

  test('GetFunction: $LATEST runs the digest its tag pointed to at load', async () => {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: API }));
    assert.equal(out.Configuration.FunctionName, API);
    assert.equal(out.Configuration.FunctionArn, `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${API}`);
    assert.equal(out.Configuration.PackageType, 'Image');
    assert.equal(out.Configuration.Version, '$LATEST');
    assert.equal(out.Configuration.CodeSha256, '1'.repeat(64));
    assert.deepEqual(out.Code, {
      RepositoryType: 'ECR',
      ImageUri: `${REPO_URI}:lancedb-3f2a9c1`,
      ResolvedImageUri: `${REPO_URI}@${d('1')}`,
    });
  });

  test('GetFunction with a Qualifier: a version, an alias, $LATEST; by ARN too', async () => {
    const seven = await lambda.send(new GetFunctionCommand({ FunctionName: API, Qualifier: '7' }));
    assert.equal(seven.Configuration.Version, '7');
    assert.equal(seven.Code.ResolvedImageUri, `${REPO_URI}@${d('b')}`);
    const live = await lambda.send(new GetFunctionCommand({ FunctionName: API, Qualifier: 'live' }));
    assert.equal(live.Configuration.Version, '7');
    assert.equal(live.Configuration.FunctionArn, `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${API}:live`);
    const latest = await lambda.send(new GetFunctionCommand({ FunctionName: API, Qualifier: '$LATEST' }));
    assert.equal(latest.Configuration.Version, '$LATEST');
    const byArn = await lambda.send(new GetFunctionCommand({ FunctionName: `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${API}`, Qualifier: '6' }));
    assert.equal(byArn.Code.ImageUri, `${REPO_URI}:v6`);
    const qualifiedName = await lambda.send(new GetFunctionCommand({ FunctionName: `${API}:6` }));
    assert.equal(qualifiedName.Configuration.Version, '6');
    const worker = await lambda.send(new GetFunctionCommand({ FunctionName: 'HelpmatonProduction-Workers-9Z-WorkerFunction-77' }));
    assert.equal(worker.Code.ResolvedImageUri, `${REPO_URI}@${d('a')}`);
  });

  test('a Zip function has S3 code and no image', async () => {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: 'LegacyZip' }));
    assert.equal(out.Configuration.PackageType, 'Zip');
    assert.equal(out.Code.RepositoryType, 'S3');
    assert.equal(out.Code.ImageUri, undefined);
  });

  test('a missing function, version or alias is ResourceNotFoundException (404)', async () => {
    for (const [FunctionName, Qualifier] of [['NoSuchFunction', undefined], [API, '99'], [API, 'no-such-alias']]) {
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName, Qualifier })), (e) => {
        assert.ok(e instanceof ResourceNotFoundException);
        assert.equal(e.$metadata.httpStatusCode, 404);
        assert.equal(e.Type, 'User');
        assert.equal(e.message, `Function not found: arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${FunctionName}${Qualifier ? `:${Qualifier}` : ''}`);
        return true;
      });
    }
  });

  test('ListVersionsByFunction and ListAliases with RoutingConfig', async () => {
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: API }));
    assert.deepEqual(versions.Versions.map((v) => v.Version), ['$LATEST', '6', '7']);
    assert.equal(versions.Versions[1].FunctionArn, `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${API}:6`);
    const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: API }));
    assert.equal(aliases.Aliases.length, 1);
    const [live] = aliases.Aliases;
    assert.equal(live.Name, 'live');
    assert.equal(live.FunctionVersion, '7');
    assert.equal(live.AliasArn, `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:${API}:live`);
    assert.deepEqual(live.RoutingConfig, { AdditionalVersionWeights: { 6: 0.1 } });
    await assert.rejects(lambda.send(new ListAliasesCommand({ FunctionName: 'NoSuchFunction' })), ResourceNotFoundException);
  });

  test('ListFunctions: $LATEST only, or every version with FunctionVersion=ALL', async () => {
    const latest = await lambda.send(new ListFunctionsCommand({}));
    assert.equal(latest.Functions.length, 3);
    assert.ok(latest.Functions.every((f) => f.Version === '$LATEST'));
    const all = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    assert.deepEqual(all.Functions.map((f) => `${f.FunctionName}:${f.Version}`), [
      `${API}:$LATEST`, `${API}:6`, `${API}:7`,
      'HelpmatonProduction-Workers-9Z-WorkerFunction-77:$LATEST', 'LegacyZip:$LATEST', 'LegacyZip:1',
    ]);
  });

  describe('many functions', () => {
    let big;
    let bigLambda;
    before(async () => {
      const functions = Array.from({ length: 40 }, (_, i) => ({
        name: `Api${i}`,
        imageUri: `${REPO_URI}:latest`,
        resolvedDigest: d('c'),
        versions: [{ version: '1' }, { version: '2' }],
      }));
      big = await startSandbox({ repositories: [], functions });
      bigLambda = new LambdaClient(awsConfig(big, { maxAttempts: 1 }));
    });
    after(async () => { bigLambda?.destroy(); await big?.stop(); });

    test('ListFunctions pages hold 50 at most, linked by NextMarker', async () => {
      const first = await bigLambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 1000 }));
      assert.equal(first.Functions.length, 50);
      assert.ok(first.NextMarker);
      let pages = 0;
      const seen = new Set();
      for await (const page of paginateListFunctions({ client: bigLambda }, { FunctionVersion: 'ALL' })) {
        pages += 1;
        page.Functions.forEach((f) => seen.add(f.FunctionArn));
      }
      assert.equal(pages, 3);
      assert.equal(seen.size, 120);
      const small = await bigLambda.send(new ListFunctionsCommand({ MaxItems: 7 }));
      assert.equal(small.Functions.length, 7);
    });
  });

  test('SigV4: a wrong secret is InvalidSignatureException (403), an unknown key UnrecognizedClientException', async () => {
    const wrong = new LambdaClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, secretAccessKey: 'nope' } }));
    const unknown = new LambdaClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, accessKeyId: 'AKIDOTHER' } }));
    try {
      await assert.rejects(wrong.send(new GetFunctionCommand({ FunctionName: API })),
        (e) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403);
      await assert.rejects(unknown.send(new GetFunctionCommand({ FunctionName: API })),
        (e) => e.name === 'UnrecognizedClientException' && e.$metadata.httpStatusCode === 403);
    } finally {
      wrong.destroy();
      unknown.destroy();
    }
  });

  test('TooManyRequestsException: 429 with Retry-After, typed, and retried away by default', async () => {
    await sandbox.loadScenarioFile('services.json');
    await sandbox.addFaults([{ service: 'lambda', operation: 'GetFunction', match: 'ApiFunction', error: 'TooManyRequestsException', times: 1 }]);
    await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: API })), (e) => {
      assert.ok(e instanceof TooManyRequestsException);
      assert.equal(e.$metadata.httpStatusCode, 429);
      assert.equal(e.retryAfterSeconds, '1');
      assert.equal(e.Reason, 'CallerRateLimitExceeded');
      return true;
    });
    await sandbox.addFaults([{ service: 'lambda', operation: 'GetFunction', error: 'TooManyRequestsException', times: 1 }]);
    const retrying = new LambdaClient(awsConfig(sandbox));
    try {
      const out = await retrying.send(new GetFunctionCommand({ FunctionName: API }));
      assert.equal(out.$metadata.attempts, 2);
    } finally {
      retrying.destroy();
    }
  });

  test("rateLimits: Lambda's quotas, an operation's own entry kept out of lambda:*", async () => {
    const limited = await startSandbox({
      repositories: [],
      rateLimits: { 'lambda:GetFunction': 100, 'lambda:*': 5 },
      functions: [{ name: 'Api', packageType: 'Zip' }],
    });
    const c = new LambdaClient(awsConfig(limited, { maxAttempts: 1 }));
    try {
      const gets = await Promise.allSettled(Array.from({ length: 30 }, () => c.send(new GetFunctionCommand({ FunctionName: 'Api' }))));
      assert.ok(gets.every((r) => r.status === 'fulfilled'), 'GetFunction has its own bucket of 100');
      const lists = await Promise.allSettled(Array.from({ length: 12 }, () => c.send(new ListVersionsByFunctionCommand({ FunctionName: 'Api' }))));
      const throttled = lists.filter((r) => r.status === 'rejected');
      assert.ok(throttled.length >= 5, `expected the lambda:* bucket of 5 to throttle, got ${throttled.length}`);
      assert.ok(throttled.every((r) => r.reason instanceof TooManyRequestsException && r.reason.$metadata.httpStatusCode === 429));
      const calls = await limited.calls();
      assert.equal(calls['lambda:GetFunction'], 30);
      assert.equal(calls['lambda:ListVersionsByFunction'], 12);
    } finally {
      c.destroy();
      await limited.stop();
    }
  });
});
