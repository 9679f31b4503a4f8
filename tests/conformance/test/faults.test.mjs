// The faults that are not errors: `malformed` answers (HTTP 200 with a body that is not the operation's answer)
// and ECR per-item failures (`itemFailure`), shown with what the official clients make of them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, ECRClient, ImageNotFoundException,
} from '@aws-sdk/client-ecr';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Octokit } from '@octokit/rest';
import { awsConfig, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const REPO = 'helpmaton-lambda-images';
const API = 'HelpmatonProduction-ApiFunction-1A2B';
const owner = 'djinilabs';
const repo = 'helpmaton';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const d = (c) => `sha256:${c.repeat(64)}`;

/** The SDKs' answer to a 200 whose body they cannot parse: a deserialization error carrying the 200. */
const deserializationError = (pattern) => (e) => {
  assert.match(e.message, /Deserialization error/);
  assert.match(e.message, pattern);
  assert.equal(e.$metadata.httpStatusCode, 200);
  assert.equal(e.$fault, undefined, 'not a service error: nothing names a fault');
  return true;
};

describe('malformed answers', () => {
  let sandbox;
  let ecr;
  let cfn;
  let lambda;
  let octokit;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('services.json'));
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
    cfn = new CloudFormationClient(awsConfig(sandbox, { maxAttempts: 1 }));
    lambda = new LambdaClient(awsConfig(sandbox, { maxAttempts: 1 }));
    octokit = new Octokit({ auth: 'ghp_sandbox', baseUrl: sandbox.url, log: quiet });
  });
  after(async () => {
    ecr?.destroy();
    cfn?.destroy();
    lambda?.destroy();
    await sandbox?.stop();
  });
  beforeEach(() => sandbox.loadScenarioFile('services.json'));

  const getImage = (tag = 'v6') => ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: tag }] }));
  const describeStack = (name = 'HelpmatonProduction') => cfn.send(new DescribeStacksCommand({ StackName: name }));

  describe('truncate: the real body cut in half', () => {
    test('ECR (awsJson) and Lambda (restJson): a JSON deserialization error', async () => {
      await sandbox.addFaults([
        { service: 'ecr', operation: 'BatchGetImage', malformed: 'truncate' },
        { service: 'lambda', operation: 'GetFunction', malformed: 'truncate' },
      ]);
      await assert.rejects(getImage(), deserializationError(/Unterminated string in JSON|Unexpected end of JSON/));
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: API })),
        deserializationError(/Unterminated string in JSON|Unexpected end of JSON/));
      const again = await getImage();
      assert.equal(again.images.length, 1, 'times defaults to 1: the next request is answered');
    });

    test('CloudFormation (awsQuery): an XML parse error', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'DescribeStacks', malformed: 'truncate' }]);
      await assert.rejects(describeStack(), deserializationError(/XML parse error/));
    });

    test('GitHub: Octokit hands back the half body as a string', async () => {
      await sandbox.addFaults([{ service: 'github', operation: 'pulls.list', malformed: 'truncate' }]);
      const { status, data } = await octokit.rest.pulls.list({ owner, repo, state: 'all' });
      assert.equal(status, 200);
      assert.equal(typeof data, 'string');
      assert.ok(data.startsWith('[{"url":'));
      const whole = await octokit.rest.pulls.list({ owner, repo, state: 'all' });
      assert.ok(Array.isArray(whole.data));
      assert.equal(data.length, Math.floor(Buffer.byteLength(JSON.stringify(whole.data)) / 2));
    });
  });

  describe('empty: no body at all', () => {
    test('the AWS clients return an output with nothing in it, without complaint', async () => {
      await sandbox.addFaults([
        { service: 'ecr', operation: 'BatchGetImage', malformed: 'empty' },
        { service: 'cloudformation', operation: 'DescribeStacks', malformed: 'empty' },
        { service: 'lambda', operation: 'GetFunction', malformed: 'empty' },
      ]);
      const image = await getImage();
      assert.equal(image.$metadata.httpStatusCode, 200);
      assert.equal(image.images, undefined);
      assert.equal(image.failures, undefined);
      assert.equal((await describeStack()).Stacks, undefined);
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: API }));
      assert.equal(fn.Configuration, undefined);
      assert.equal(fn.Code, undefined);
    });

    test('GitHub: Octokit gives an empty string', async () => {
      await sandbox.addFaults([{ service: 'github', operation: 'pulls', malformed: 'empty' }]);
      const { status, data, headers } = await octokit.rest.pulls.list({ owner, repo });
      assert.equal(status, 200);
      assert.equal(data, '');
      assert.equal(headers['content-length'], '0');
    });
  });

  describe('emptyJson: the body {}', () => {
    test('ECR and Lambda: an output with no fields; GitHub: an object where a list belongs', async () => {
      await sandbox.addFaults([
        { service: 'ecr', operation: 'BatchGetImage', malformed: 'emptyJson' },
        { service: 'lambda', operation: 'GetFunction', malformed: 'emptyJson' },
        { service: 'github', operation: 'pulls.list', malformed: 'emptyJson' },
      ]);
      const image = await getImage();
      assert.equal(image.images, undefined);
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: API }));
      assert.equal(fn.Configuration, undefined);
      const { data } = await octokit.rest.pulls.list({ owner, repo });
      assert.deepEqual(data, {});
    });

    test('CloudFormation: not XML, an XML parse error', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'DescribeStacks', malformed: 'emptyJson' }]);
      await assert.rejects(describeStack(), deserializationError(/XML parse error/));
    });
  });

  describe('html: an HTML page (text/html), as a captive portal or proxy sends', () => {
    test('ECR: a JSON deserialization error at the first <', async () => {
      await sandbox.addFaults([{ service: 'ecr', malformed: 'html' }]);
      await assert.rejects(getImage(), deserializationError(/Unexpected token '<'/));
    });

    test('CloudFormation: an XML parse error (HTML is not well-formed XML)', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'DescribeStacks', malformed: 'html' }]);
      await assert.rejects(describeStack(), deserializationError(/XML parse error/));
    });

    test('GitHub: Octokit hands back the page as a string, with its content type', async () => {
      await sandbox.addFaults([{ service: 'github', operation: 'repos.get', malformed: 'html' }]);
      const { status, data, headers } = await octokit.rest.repos.get({ owner, repo });
      assert.equal(status, 200);
      assert.match(headers['content-type'], /^text\/html/);
      assert.match(data, /^<!DOCTYPE html>/);
    });
  });

  describe('otherXml: a well-formed XML document of another kind', () => {
    test('CloudFormation: parsed without complaint into an output with no stacks', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'DescribeStacks', malformed: 'otherXml' }]);
      const out = await describeStack();
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.Stacks, undefined);
    });

    test('ECR and Lambda: a JSON deserialization error', async () => {
      await sandbox.addFaults([
        { service: 'ecr', operation: 'BatchGetImage', malformed: 'otherXml' },
        { service: 'lambda', operation: 'GetFunction', malformed: 'otherXml' },
      ]);
      await assert.rejects(getImage(), deserializationError(/Unexpected token '<'/));
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: API })), deserializationError(/Unexpected token '<'/));
    });
  });

  describe('drop:<name>: the real body without every field or element of that name', () => {
    test('ECR: BatchGetImage returns the image without imageManifest', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', malformed: 'drop:imageManifest' }]);
      const out = await getImage();
      assert.equal(out.images.length, 1);
      const [image] = out.images;
      assert.equal(image.imageManifest, undefined);
      assert.deepEqual(image.imageId, { imageDigest: d('a'), imageTag: 'v6' });
      assert.equal(image.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.deepEqual(out.failures, []);
    });

    test('at any depth: drop:imageTag strips images[].imageId and failures[].imageId alike', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', malformed: 'drop:imageTag' }]);
      const out = await ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v6' }, { imageTag: 'nope' }] }));
      assert.deepEqual(out.images.map((i) => i.imageId), [{ imageDigest: d('a') }]);
      assert.deepEqual(out.failures, [{ imageId: {}, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
    });

    test('CloudFormation: XML elements, at any depth (drop:StackName, drop:Value)', async () => {
      await sandbox.addFaults([
        { service: 'cloudformation', operation: 'DescribeStacks', malformed: 'drop:StackName' },
        { service: 'cloudformation', operation: 'DescribeStacks', malformed: 'drop:Value' },
      ]);
      const [stack] = (await describeStack()).Stacks;
      assert.equal(stack.StackName, undefined);
      assert.equal(stack.StackStatus, 'UPDATE_COMPLETE');
      assert.ok(stack.CreationTime instanceof Date);
      const [tagged] = (await describeStack()).Stacks;
      assert.equal(tagged.StackName, 'HelpmatonProduction');
      assert.deepEqual(tagged.Tags.map((t) => t.Value), [undefined, undefined]);
      assert.deepEqual(tagged.Tags.map((t) => t.Key).sort(), ['CommitSha', 'Environment']);
    });

    test('Lambda: GetFunction without Code', async () => {
      await sandbox.addFaults([{ service: 'lambda', operation: 'GetFunction', malformed: 'drop:Code' }]);
      const out = await lambda.send(new GetFunctionCommand({ FunctionName: API }));
      assert.equal(out.Code, undefined);
      assert.equal(out.Configuration.FunctionName, API);
      assert.equal(out.Configuration.CodeSha256, '1'.repeat(64));
    });

    test('GitHub: pull requests without number', async () => {
      await sandbox.addFaults([{ service: 'github', operation: 'pulls.list', malformed: 'drop:number' }]);
      const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'all' });
      assert.ok(data.length > 0);
      assert.ok(data.every((p) => p.number === undefined && p.head.sha.length === 40));
    });
  });

  describe('delayMs:<n>: the real answer after n ms', () => {
    test('answered in full, n ms late', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', malformed: 'delayMs:400' }]);
      const start = performance.now();
      const out = await getImage();
      assert.ok(performance.now() - start >= 395, 'no sooner than the delay');
      assert.equal(out.images[0].imageId.imageTag, 'v6');
      assert.ok(out.images[0].imageManifest);
    });

    test('a client whose request timeout is shorter gives up with TimeoutError', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'ListStacks', malformed: 'delayMs:3000' }]);
      const impatient = new CloudFormationClient(awsConfig(sandbox, {
        maxAttempts: 1, requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
      }));
      try {
        await assert.rejects(impatient.send(new ListStacksCommand({})), (e) => e.name === 'TimeoutError');
        const out = await impatient.send(new ListStacksCommand({}));
        assert.ok(out.StackSummaries.length > 0);
      } finally {
        impatient.destroy();
      }
    });
  });

  describe('matching and counting', () => {
    test('match is tested against the request target, times counts requests, and every request is counted', async () => {
      await sandbox.addFaults([{ service: 'cloudformation', operation: 'DescribeStacks', match: 'PR12', malformed: 'html', times: 2 }]);
      assert.equal((await describeStack()).Stacks[0].StackName, 'HelpmatonProduction');
      await assert.rejects(describeStack('PR12'), deserializationError(/XML parse error/));
      await assert.rejects(describeStack('PR12'), deserializationError(/XML parse error/));
      assert.equal((await describeStack('PR12')).Stacks[0].StackStatus, 'CREATE_COMPLETE');
      assert.equal((await sandbox.calls())['cloudformation:DescribeStacks'], 4);
      assert.deepEqual(await sandbox.admin('GET', 'faults'), []);
    });

    test('-1 malforms every matching request; GET /_sandbox/faults lists it', async () => {
      await sandbox.addFaults([{ service: 'lambda', operation: 'GetFunction', malformed: 'drop:Code', times: -1 }]);
      for (let i = 0; i < 3; i++) {
        assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: API }))).Code, undefined);
      }
      assert.deepEqual(await sandbox.admin('GET', 'faults'),
        [{ service: 'lambda', operation: 'GetFunction', malformed: 'drop:Code', times: -1 }]);
    });

    test('the operation runs before its answer is spoiled: a BatchDeleteImage whose answer is lost still deleted', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'BatchDeleteImage', malformed: 'html' }]);
      await assert.rejects(ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v6' }] })),
        deserializationError(/Unexpected token '<'/));
      await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: d('a') }] })),
        ImageNotFoundException);
    });

    test('an operation that fails is malformed too: its error becomes a 200', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'DescribeImages', malformed: 'emptyJson' }]);
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: 'no-such-repository' }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.imageDetails, undefined);
    });

    test('validation: one kind per fault, a known malformation, names the JSON path', async () => {
      await assert.rejects(sandbox.addFaults([{ service: 'ecr', malformed: 'garbage' }]),
        (e) => e.status === 400 && e.body.path === '$[0].malformed' && /unknown kind 'garbage'/.test(e.body.message));
      await assert.rejects(sandbox.addFaults([{ service: 'ecr', malformed: 'delayMs:soon' }]),
        (e) => e.status === 400 && e.body.path === '$[0].malformed');
      await assert.rejects(sandbox.addFaults([{ service: 'ecr', malformed: 'drop:' }]),
        (e) => e.status === 400 && e.body.path === '$[0].malformed');
      await assert.rejects(sandbox.addFaults([{ service: 'ecr', error: 'ThrottlingException', malformed: 'html' }]),
        (e) => e.status === 400 && e.body.path === '$[0].malformed');
      await assert.rejects(sandbox.addFaults([{ service: 'ecr', operation: 'ListImages' }]),
        (e) => e.status === 400 && e.body.path === '$[0].error');
      assert.deepEqual(await sandbox.admin('GET', 'faults'), []);
    });
  });
});

describe('ECR item failures', () => {
  const PLAIN = d('1');
  const OLD = d('2');
  const UNTAGGED = d('3');
  let sandbox;
  let ecr;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('ecr-basic.json'));
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => { ecr?.destroy(); await sandbox?.stop(); });
  beforeEach(() => sandbox.loadScenarioFile('ecr-basic.json'));

  const get = (imageIds) => ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds }));
  const del = (imageIds) => ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds }));
  const exists = async (digest) => {
    try {
      await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: digest }] }));
      return true;
    } catch (e) {
      if (e instanceof ImageNotFoundException) return false;
      throw e;
    }
  };

  test('BatchGetImage: the matching image goes into failures with the code, the others into images', async () => {
    await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', match: 'sha256:1111', itemFailure: 'KmsError', times: -1 }]);
    // Asked by tag: match is tested against the digest the tag names too.
    const out = await get([{ imageTag: 'latest' }, { imageDigest: OLD }]);
    assert.deepEqual(out.images.map((i) => i.imageId), [{ imageDigest: OLD }]);
    assert.equal(out.failures.length, 1);
    const [failure] = out.failures;
    assert.deepEqual(failure.imageId, { imageTag: 'latest' });
    assert.equal(failure.failureCode, 'KmsError');
    assert.match(failure.failureReason, /KMS/);
    const again = await get([{ imageDigest: PLAIN }]);
    assert.deepEqual(again.images, []);
    assert.deepEqual(again.failures.map((f) => [f.imageId.imageDigest, f.failureCode]), [[PLAIN, 'KmsError']]);
    assert.ok(await exists(PLAIN), 'a read changes nothing');
  });

  test('BatchDeleteImage: the matching image fails with the code and stays; once the fault is spent it goes', async () => {
    await sandbox.addFaults([{ service: 'ecr', operation: 'BatchDeleteImage', match: 'old-1', itemFailure: 'ImageReferencedByManifestList' }]);
    const out = await del([{ imageTag: 'old-1' }, { imageDigest: UNTAGGED }]);
    assert.deepEqual(out.imageIds, [{ imageDigest: UNTAGGED }]);
    assert.deepEqual(out.failures.map((f) => ({ imageId: f.imageId, failureCode: f.failureCode })),
      [{ imageId: { imageTag: 'old-1' }, failureCode: 'ImageReferencedByManifestList' }]);
    assert.match(out.failures[0].failureReason, /^Requested image referenced by manifest list/);
    assert.ok(await exists(OLD), 'the failed image is not deleted');
    assert.ok(!(await exists(UNTAGGED)));
    const state = await sandbox.state();
    assert.deepEqual(state.repositories[0].images.find((i) => i.digest === OLD).tags, ['old-1']);
    const second = await del([{ imageTag: 'old-1' }]);
    assert.deepEqual(second.imageIds, [{ imageDigest: OLD, imageTag: 'old-1' }]);
    assert.deepEqual(second.failures, []);
  });

  test('times counts items, not requests; without match every item matches; message is the failureReason', async () => {
    await sandbox.addFaults([{ service: 'ecr', operation: 'BatchDeleteImage', itemFailure: 'UpstreamUnavailable', times: 2, message: 'try later' }]);
    const out = await del([{ imageDigest: PLAIN }, { imageTag: 'old-1' }, { imageDigest: UNTAGGED }]);
    assert.deepEqual(out.failures, [
      { imageId: { imageDigest: PLAIN }, failureCode: 'UpstreamUnavailable', failureReason: 'try later' },
      { imageId: { imageTag: 'old-1' }, failureCode: 'UpstreamUnavailable', failureReason: 'try later' },
    ]);
    assert.deepEqual(out.imageIds, [{ imageDigest: UNTAGGED }]);
    assert.ok(await exists(PLAIN) && await exists(OLD));
    assert.deepEqual(await sandbox.admin('GET', 'faults'), []);
  });

  test('a real failure keeps its own code and does not use the fault up', async () => {
    await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', itemFailure: 'KmsError' }]);
    const out = await get([{ imageDigest: d('9') }, { imageDigest: OLD }]);
    assert.deepEqual(out.failures.map((f) => f.failureCode), ['ImageNotFound', 'KmsError']);
    assert.deepEqual(out.images, []);
  });

  test('an item fault for one batch call leaves the other alone', async () => {
    await sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', itemFailure: 'KmsError', times: -1 }]);
    const out = await del([{ imageDigest: UNTAGGED }, { imageTag: 'old-1' }]);
    assert.deepEqual(out.imageIds, [{ imageDigest: UNTAGGED }, { imageDigest: OLD, imageTag: 'old-1' }]);
    assert.deepEqual(out.failures, []);
    assert.deepEqual(await sandbox.admin('GET', 'faults'),
      [{ service: 'ecr', operation: 'BatchGetImage', itemFailure: 'KmsError', times: -1 }]);
  });

  test('validation: an ECR batch call, a failure code ECR has', async () => {
    await assert.rejects(sandbox.addFaults([{ service: 'ecr', operation: 'BatchGetImage', itemFailure: 'Kaboom' }]),
      (e) => e.status === 400 && e.body.path === '$[0].itemFailure' && /KmsError/.test(e.body.message));
    await assert.rejects(sandbox.addFaults([{ service: 'ecr', operation: 'DescribeImages', itemFailure: 'KmsError' }]),
      (e) => e.status === 400 && e.body.path === '$[0].operation');
    await assert.rejects(sandbox.addFaults([{ service: 'lambda', itemFailure: 'KmsError' }]),
      (e) => e.status === 400 && e.body.path === '$[0].itemFailure');
    await assert.rejects(sandbox.addFaults([{ service: 'ecr', itemFailure: 'KmsError', error: 'ThrottlingException' }]),
      (e) => e.status === 400 && e.body.path === '$[0].itemFailure');
    const armed = await sandbox.addFaults([{ service: 'ecr', itemFailure: 'ImageInaccessible', match: 'latest' }]);
    assert.equal(armed.armed, 1);
    assert.deepEqual(await sandbox.admin('GET', 'faults'), [{ service: 'ecr', match: 'latest', itemFailure: 'ImageInaccessible', times: 1 }]);
  });
});
