// AWS Batch (restJson1) and AWS App Runner (awsJson1_0), driven by @aws-sdk/client-batch and @aws-sdk/client-apprunner.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AppRunnerClient, AppRunnerServiceException, DescribeServiceCommand, InvalidRequestException, ResourceNotFoundException,
} from '@aws-sdk/client-apprunner';
import { BatchClient, ClientException, DescribeJobDefinitionsCommand, paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';
import { ACCOUNT, awsConfig, CREDENTIALS, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const REPO = `${ACCOUNT}.dkr.ecr.eu-west-2.amazonaws.com/api`;
const JOB = `arn:aws:batch:eu-west-2:${ACCOUNT}:job-definition`;
const SERVICE = `arn:aws:apprunner:eu-west-2:${ACCOUNT}:service`;
const defaultId = (name) => createHash('sha256').update(name).digest('hex').slice(0, 32);

describe('Batch and App Runner', () => {
  let sandbox;
  let batch;
  let appRunner;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('workloads.json'));
    batch = new BatchClient(awsConfig(sandbox, { maxAttempts: 1 }));
    appRunner = new AppRunnerClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => {
    batch?.destroy();
    appRunner?.destroy();
    await sandbox?.stop();
  });

  const jobs = async (input = {}) => (await batch.send(new DescribeJobDefinitionsCommand(input))).jobDefinitions;
  const names = (list) => list.map((j) => `${j.jobDefinitionName}:${j.revision}`);
  const describe_ = (name, id = defaultId(name)) => appRunner.send(new DescribeServiceCommand({ ServiceArn: `${SERVICE}/${name}/${id}` }));

  describe('Batch DescribeJobDefinitions', () => {
    test('without filters: every job definition, ACTIVE and INACTIVE, with ARN, revision, status and type', async () => {
      const all = await jobs();
      assert.deepEqual(names(all), ['nightly:1', 'nightly:2', 'nightly:3', 'on-ecs:1', 'on-eks:1', 'mpi:1']);
      const [first, , inactive] = all;
      assert.equal(first.jobDefinitionArn, `${JOB}/nightly:1`);
      assert.equal(first.status, 'ACTIVE');
      assert.equal(first.type, 'container');
      assert.equal(first.containerProperties.image, `${REPO}:v6`);
      assert.equal(first.containerOrchestrationType, 'ECS');
      assert.equal(inactive.status, 'INACTIVE');
    });

    test('ecsProperties, eksProperties and nodeProperties name their images where Batch puts them', async () => {
      const [onEcs, onEks, mpi] = await jobs({ jobDefinitions: ['on-ecs:1', 'on-eks:1', 'mpi:1'] });
      assert.equal(onEcs.containerProperties, undefined);
      assert.deepEqual(onEcs.ecsProperties.taskProperties[0].containers.map((c) => [c.name, c.image]),
        [['main', `${REPO}:v7`], ['sidecar', 'public.ecr.aws/aws-observability/aws-otel-collector:latest']]);
      assert.equal(onEks.containerOrchestrationType, 'EKS');
      assert.deepEqual(onEks.eksProperties.podProperties.containers.map((c) => c.image), [`${REPO}:latest`]);
      assert.deepEqual(onEks.eksProperties.podProperties.initContainers.map((c) => c.image), [`${REPO}:v6`]);
      assert.equal(mpi.type, 'multinode');
      assert.equal(mpi.nodeProperties.numNodes, 4);
      assert.equal(mpi.nodeProperties.mainNode, 0);
      const [main, workers] = mpi.nodeProperties.nodeRangeProperties;
      assert.deepEqual([main.targetNodes, main.container.image], ['0', `${REPO}:v7`]);
      assert.deepEqual([workers.targetNodes, workers.ecsProperties.taskProperties[0].containers[0].image], ['1:3', `${REPO}:v6`]);
    });

    test('jobDefinitions: ARNs, name:revision or a name (every revision); ones Batch does not have are not returned', async () => {
      const found = await jobs({ jobDefinitions: [`${JOB}/on-eks:1`, 'nightly:2', 'mpi', 'ghost:1', `${JOB}/nightly:9`, 'on-ecs:x'] });
      assert.deepEqual(names(found), ['nightly:2', 'on-eks:1', 'mpi:1']);
      assert.deepEqual(await jobs({ jobDefinitions: ['nightly'] }).then(names), ['nightly:1', 'nightly:2', 'nightly:3']);
      assert.deepEqual(await jobs({ jobDefinitions: [`arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/nightly:1`] }), []);
    });

    test('jobDefinitionName and status filters', async () => {
      assert.deepEqual(names(await jobs({ jobDefinitionName: 'nightly', status: 'ACTIVE' })), ['nightly:1', 'nightly:2']);
      assert.deepEqual(names(await jobs({ status: 'INACTIVE' })), ['nightly:3']);
      assert.deepEqual(await jobs({ jobDefinitionName: 'ghost' }), []);
    });

    test('pages by nextToken with maxResults (and the paginator)', async () => {
      const first = await batch.send(new DescribeJobDefinitionsCommand({ maxResults: 4 }));
      assert.equal(first.jobDefinitions.length, 4);
      assert.ok(first.nextToken);
      const rest = await batch.send(new DescribeJobDefinitionsCommand({ maxResults: 4, nextToken: first.nextToken }));
      assert.deepEqual(names(rest.jobDefinitions), ['on-eks:1', 'mpi:1']);
      assert.equal(rest.nextToken, undefined);
      let pages = 0;
      const seen = [];
      for await (const page of paginateDescribeJobDefinitions({ client: batch, pageSize: 2 }, {})) {
        pages += 1;
        seen.push(...names(page.jobDefinitions));
      }
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 6);
      await assert.rejects(batch.send(new DescribeJobDefinitionsCommand({ status: 'ACTIVE', nextToken: first.nextToken })), ClientException);
    });

    test('bad input is ClientException (400)', async () => {
      for (const input of [{ maxResults: 0 }, { maxResults: 101 }, { status: 'DELETED' },
        { jobDefinitions: Array.from({ length: 101 }, (_, i) => `j:${i + 1}`) }]) {
        await assert.rejects(batch.send(new DescribeJobDefinitionsCommand(input)), (e) => {
          assert.ok(e instanceof ClientException);
          assert.equal(e.$fault, 'client');
          assert.equal(e.$metadata.httpStatusCode, 400);
          return true;
        });
      }
    });
  });

  describe('App Runner DescribeService', () => {
    test('an ECR image service: its image, repository type, URL and status', async () => {
      const { Service: s } = await describe_('web-frontend');
      assert.equal(s.ServiceName, 'web-frontend');
      assert.equal(s.ServiceId, defaultId('web-frontend'));
      assert.equal(s.ServiceArn, `${SERVICE}/web-frontend/${defaultId('web-frontend')}`);
      assert.match(s.ServiceUrl, /^[a-z0-9]{10}\.eu-west-2\.awsapprunner\.com$/);
      assert.equal(s.Status, 'RUNNING');
      assert.ok(s.CreatedAt instanceof Date && s.UpdatedAt instanceof Date);
      assert.deepEqual(
        [s.SourceConfiguration.ImageRepository.ImageIdentifier, s.SourceConfiguration.ImageRepository.ImageRepositoryType],
        [`${REPO}:latest`, 'ECR'],
      );
      assert.match(s.SourceConfiguration.AuthenticationConfiguration.AccessRoleArn, /^arn:aws:iam::123456789012:role\//);
    });

    test('an ECR Public image service, and a source code service (no image)', async () => {
      const { Service: site } = await describe_('public-site');
      assert.equal(site.Status, 'PAUSED');
      assert.equal(site.SourceConfiguration.ImageRepository.ImageRepositoryType, 'ECR_PUBLIC');
      assert.equal(site.SourceConfiguration.AuthenticationConfiguration, undefined);
      const { Service: code } = await describe_('from-source', '0123456789abcdef0123456789abcdef');
      assert.equal(code.SourceConfiguration.ImageRepository, undefined);
      assert.equal(code.SourceConfiguration.CodeRepository.RepositoryUrl, 'https://github.com/djinilabs/helpmaton');
    });

    test('an ARN App Runner does not have is ResourceNotFoundException (400); a malformed one InvalidRequestException', async () => {
      for (const [name, id] of [['ghost-service', defaultId('ghost-service')], ['web-frontend', '0'.repeat(32)]]) {
        await assert.rejects(describe_(name, id), (e) => {
          assert.ok(e instanceof ResourceNotFoundException);
          assert.ok(e instanceof AppRunnerServiceException);
          assert.equal(e.$fault, 'client');
          assert.equal(e.$metadata.httpStatusCode, 400);
          assert.match(e.message, new RegExp(`${SERVICE}/${name}/${id}`));
          return true;
        });
      }
      await assert.rejects(appRunner.send(new DescribeServiceCommand({ ServiceArn: 'web-frontend' })),
        (e) => e instanceof InvalidRequestException && e.$metadata.httpStatusCode === 400);
    });

    test('SigV4: the wrong secret is InvalidSignatureException (400)', async () => {
      const wrong = new AppRunnerClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, secretAccessKey: 'nope' } }));
      try {
        await assert.rejects(wrong.send(new DescribeServiceCommand({ ServiceArn: `${SERVICE}/web-frontend/${defaultId('web-frontend')}` })),
          (e) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 400);
      } finally {
        wrong.destroy();
      }
    });
  });

  describe('faults, rate limits and call counts', () => {
    beforeEach(() => sandbox.loadScenarioFile('workloads.json'));

    test('error faults: match is the job definition name (Batch) or the service name (App Runner)', async () => {
      await sandbox.addFaults([
        { service: 'batch', operation: 'DescribeJobDefinitions', match: 'mpi', error: 'AccessDeniedException' },
        { service: 'batch', match: 'nightly', error: 'TooManyRequestsException' },
        { service: 'apprunner', operation: 'DescribeService', match: 'public-site', error: 'InternalServiceErrorException' },
      ]);
      assert.equal((await jobs({ jobDefinitions: ['on-ecs:1'] })).length, 1);
      await assert.rejects(jobs({ jobDefinitions: [`${JOB}/mpi:1`] }),
        (e) => e.name === 'AccessDeniedException' && e.$metadata.httpStatusCode === 403);
      await assert.rejects(jobs({ jobDefinitionName: 'nightly' }),
        (e) => e.name === 'TooManyRequestsException' && e.$metadata.httpStatusCode === 429 && e.message === 'Too Many Requests');
      await describe_('web-frontend');
      await assert.rejects(describe_('public-site'), (e) => {
        assert.equal(e.name, 'InternalServiceErrorException');
        assert.equal(e.$fault, 'server');
        assert.equal(e.$metadata.httpStatusCode, 500);
        return true;
      });
      const calls = await sandbox.calls();
      assert.equal(calls['batch:DescribeJobDefinitions'], 3);
      assert.equal(calls['apprunner:DescribeService'], 2);
    });

    test('malformed: drop:image and drop:ImageIdentifier strip the images; emptyJson gives an empty output', async () => {
      await sandbox.addFaults([
        { service: 'batch', malformed: 'drop:image' },
        { service: 'apprunner', malformed: 'drop:ImageIdentifier' },
        { service: 'apprunner', malformed: 'emptyJson' },
      ]);
      const stripped = await jobs({ jobDefinitions: ['nightly:1', 'on-ecs:1'] });
      assert.equal(stripped[0].containerProperties.image, undefined);
      assert.deepEqual(stripped[1].ecsProperties.taskProperties[0].containers.map((c) => [c.name, c.image]), [['main', undefined], ['sidecar', undefined]]);
      const { Service: s } = await describe_('web-frontend');
      assert.equal(s.SourceConfiguration.ImageRepository.ImageIdentifier, undefined);
      assert.equal(s.SourceConfiguration.ImageRepository.ImageRepositoryType, 'ECR');
      const empty = await describe_('web-frontend');
      assert.equal(empty.$metadata.httpStatusCode, 200);
      assert.equal(empty.Service, undefined);
    });

    test('rateLimits: Batch answers TooManyRequestsException (429), App Runner ThrottlingException (400)', async () => {
      const limited = await startSandbox({
        repositories: [],
        rateLimits: { 'batch:DescribeJobDefinitions': 2, 'apprunner:*': 2 },
        appRunner: { services: [{ name: 'web-frontend', imageIdentifier: `${REPO}:latest` }] },
      });
      const b = new BatchClient(awsConfig(limited, { maxAttempts: 1 }));
      const a = new AppRunnerClient(awsConfig(limited, { maxAttempts: 1 }));
      try {
        const batchResults = await Promise.allSettled(Array.from({ length: 6 }, () => b.send(new DescribeJobDefinitionsCommand({}))));
        const batchThrottled = batchResults.filter((r) => r.status === 'rejected');
        assert.ok(batchThrottled.length >= 3, `expected throttling, got ${batchThrottled.length}`);
        assert.ok(batchThrottled.every((r) => r.reason.name === 'TooManyRequestsException' && r.reason.$metadata.httpStatusCode === 429));
        const arn = `${SERVICE}/web-frontend/${defaultId('web-frontend')}`;
        const arResults = await Promise.allSettled(Array.from({ length: 6 }, () => a.send(new DescribeServiceCommand({ ServiceArn: arn }))));
        const arThrottled = arResults.filter((r) => r.status === 'rejected');
        assert.ok(arThrottled.length >= 3, `expected throttling, got ${arThrottled.length}`);
        assert.ok(arThrottled.every((r) => r.reason.name === 'ThrottlingException' && r.reason.$metadata.httpStatusCode === 400
          && r.reason.message === 'Rate exceeded'));
        const calls = await limited.calls();
        assert.equal(calls['batch:DescribeJobDefinitions'], 6);
        assert.equal(calls['apprunner:DescribeService'], 6);
      } finally {
        b.destroy();
        a.destroy();
        await limited.stop();
      }
    });
  });

  test('validation: each problem named by its JSON path', async () => {
    const image = `${REPO}:v7`;
    const cases = [
      [{ batch: { jobDefinitions: [{ name: 'j', image, ecsContainers: [{ name: 'a', image }] }] } }, '$.batch.jobDefinitions[0].ecsContainers'],
      [{ batch: { jobDefinitions: [{ name: 'j' }] } }, '$.batch.jobDefinitions[0].image'],
      [{ batch: { jobDefinitions: [{ name: 'j', image }, { name: 'j', revision: 1, image }] } }, '$.batch.jobDefinitions[1].revision'],
      [{ batch: { jobDefinitions: [{ name: 'j', type: 'multinode', image }] } }, '$.batch.jobDefinitions[0].nodeRanges'],
      [{ batch: { jobDefinitions: [{ name: 'j', nodeRanges: [{ targetNodes: 'all', image }] }] } }, '$.batch.jobDefinitions[0].nodeRanges[0].targetNodes'],
      [{ batch: { jobDefinitions: [{ name: 'j', eksInitContainers: [{ name: 'i', image }], image }] } }, '$.batch.jobDefinitions[0].eksInitContainers'],
      [{ batch: { jobDefinitions: [{ name: 'j', status: 'DELETED', image }] } }, '$.batch.jobDefinitions[0].status'],
      [{ appRunner: { services: [{ name: 'web', imageIdentifier: image }] } }, '$.appRunner.services[0].name'],
      [{ appRunner: { services: [{ name: 'web-app', imageIdentifier: image, codeRepository: 'https://github.com/a/b' }] } }, '$.appRunner.services[0].imageIdentifier'],
      [{ appRunner: { services: [{ name: 'web-app', imageIdentifier: 'nginx:latest' }] } }, '$.appRunner.services[0].imageIdentifier'],
      [{ appRunner: { services: [{ name: 'web-app', imageIdentifier: image, imageRepositoryType: 'ECR_PUBLIC' }] } }, '$.appRunner.services[0].imageRepositoryType'],
      [{ appRunner: { services: [{ name: 'web-app', id: 'xyz', imageIdentifier: image }] } }, '$.appRunner.services[0].id'],
      [{ appRunner: { services: [{ name: 'web-app', imageIdentifier: image }, { name: 'web-app', id: '1'.repeat(32), imageIdentifier: image }] } }, '$.appRunner.services[1].name'],
    ];
    for (const [section, path] of cases) {
      await assert.rejects(sandbox.loadScenario({ repositories: [], ...section }),
        (e) => e.status === 400 && e.body.path === path, `expected a validation error at ${path}`);
    }
    // A DELETED service may share its name with a live one.
    await sandbox.loadScenario({
      repositories: [],
      appRunner: { services: [{ name: 'web-app', imageIdentifier: image, status: 'DELETED' }, { name: 'web-app', id: '1'.repeat(32), imageIdentifier: image }] },
    });
    await assert.rejects(sandbox.addFaults([{ service: 'batch', operation: 'SubmitJob', error: 'ClientException' }]),
      (e) => e.status === 400 && e.body.path === '$[0].operation');
    await sandbox.loadScenarioFile('workloads.json');
  });
});
