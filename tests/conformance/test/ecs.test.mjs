// Amazon ECS over awsJson1_1, driven by the official @aws-sdk/client-ecs.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AccessDeniedException, ClientException, ClusterNotFoundException, DescribeServicesCommand, DescribeTaskDefinitionCommand,
  DescribeTasksCommand, ECSClient, ECSServiceException, InvalidParameterException, ListClustersCommand, ListServicesCommand,
  ListTaskDefinitionsCommand, ListTasksCommand, ServiceNotFoundException, paginateListClusters, paginateListServices,
  paginateListTaskDefinitions, paginateListTasks,
} from '@aws-sdk/client-ecs';
import { ACCOUNT, awsConfig, CREDENTIALS, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const ECS = `arn:aws:ecs:eu-west-2:${ACCOUNT}`;
const REPO = `${ACCOUNT}.dkr.ecr.eu-west-2.amazonaws.com/api`;
const d = (c) => `sha256:${c.repeat(64)}`;
const taskDef = (ref) => `${ECS}:task-definition/${ref}`;
const TASK_ARN = new RegExp(`^${ECS}:task/production/[0-9a-f]{32}$`);

/** Every page a paginator yields, flattened by `field`, and the number of pages. */
async function collect(pages, field) {
  const items = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    items.push(...page[field]);
  }
  return { items, pages: count };
}

describe('ECS', () => {
  let sandbox;
  let ecs;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('workloads.json'));
    ecs = new ECSClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => { ecs?.destroy(); await sandbox?.stop(); });

  const describeTasks = async (cluster = 'production', filter = {}) => {
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster, ...filter }));
    return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }))).tasks;
  };

  test('ListClusters: every cluster ARN; paged with maxResults', async () => {
    const out = await ecs.send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns, [`${ECS}:cluster/production`, `${ECS}:cluster/default`, `${ECS}:cluster/empty`]);
    assert.equal(out.nextToken, undefined);
    const paged = await collect(paginateListClusters({ client: ecs, pageSize: 1 }, {}), 'clusterArns');
    assert.deepEqual(paged, { items: out.clusterArns, pages: 3 });
  });

  test('ListServices: ACTIVE and DRAINING services, not INACTIVE; cluster by name or ARN, "default" when omitted', async () => {
    const out = await ecs.send(new ListServicesCommand({ cluster: 'production' }));
    assert.deepEqual(out.serviceArns, ['api', 'worker', 'canary', 'draining'].map((s) => `${ECS}:service/production/${s}`));
    const byArn = await ecs.send(new ListServicesCommand({ cluster: `${ECS}:cluster/production`, launchType: 'FARGATE' }));
    assert.deepEqual(byArn.serviceArns, [`${ECS}:service/production/api`]);
    const byDefault = await ecs.send(new ListServicesCommand({}));
    assert.deepEqual(byDefault.serviceArns, [`${ECS}:service/default/hello`]);
    assert.deepEqual((await ecs.send(new ListServicesCommand({ cluster: 'empty' }))).serviceArns, []);
  });

  test('an unknown cluster (or one of another account) is ClusterNotFoundException', async () => {
    for (const cluster of ['nope', `arn:aws:ecs:eu-west-2:999999999999:cluster/production`]) {
      await assert.rejects(ecs.send(new ListServicesCommand({ cluster })), (e) => {
        assert.ok(e instanceof ClusterNotFoundException);
        assert.ok(e instanceof ECSServiceException);
        assert.equal(e.name, 'ClusterNotFoundException');
        assert.equal(e.$fault, 'client');
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.equal(e.message, 'Cluster not found.');
        return true;
      });
    }
    await assert.rejects(ecs.send(new DescribeTasksCommand({ cluster: 'nope', tasks: ['x'] })), ClusterNotFoundException);
    await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'nope' })), ClusterNotFoundException);
  });

  test('DescribeServices: a service mid-deployment, its deployments and counts from its tasks', async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api'] }));
    assert.deepEqual(out.failures, []);
    const [api] = out.services;
    assert.equal(api.serviceArn, `${ECS}:service/production/api`);
    assert.equal(api.serviceName, 'api');
    assert.equal(api.clusterArn, `${ECS}:cluster/production`);
    assert.equal(api.status, 'ACTIVE');
    assert.equal(api.launchType, 'FARGATE');
    assert.equal(api.taskDefinition, taskDef('api:7'));
    assert.deepEqual([api.desiredCount, api.runningCount, api.pendingCount], [2, 2, 1]);
    assert.ok(api.createdAt instanceof Date);
    assert.equal(api.deploymentController.type, 'ECS');
    const [primary, active] = api.deployments;
    assert.match(primary.id, /^ecs-svc\/\d{19}$/);
    assert.deepEqual(
      api.deployments.map((x) => [x.status, x.taskDefinition, x.rolloutState, x.desiredCount, x.runningCount, x.pendingCount]),
      [['PRIMARY', taskDef('api:7'), 'IN_PROGRESS', 2, 1, 1], ['ACTIVE', taskDef('api:6'), 'COMPLETED', 0, 1, 0]],
    );
    assert.ok(primary.createdAt instanceof Date && primary.updatedAt instanceof Date);
    assert.ok(primary.createdAt > active.createdAt, 'the PRIMARY deployment is the newer');
    assert.equal(api.taskSets, undefined);
  });

  test('DescribeServices: default deployment, task sets, DRAINING and INACTIVE services, by ARN; unknown ones are MISSING failures', async () => {
    const out = await ecs.send(new DescribeServicesCommand({
      cluster: 'production',
      services: ['worker', `${ECS}:service/production/canary`, 'draining', 'retired', 'ghost', `${ECS}:service/production/gone`],
      include: ['TAGS'],
    }));
    const [worker, canary, draining, retired] = out.services;
    assert.deepEqual([draining.status, draining.desiredCount], ['DRAINING', 0]);
    assert.deepEqual(worker.deployments.map((x) => [x.status, x.taskDefinition, x.rolloutState]), [['PRIMARY', taskDef('worker:1'), 'COMPLETED']]);
    assert.equal(worker.launchType, 'EC2');
    assert.deepEqual(worker.tags, []);
    assert.deepEqual(canary.deployments, []);
    assert.equal(canary.deploymentController.type, 'EXTERNAL');
    assert.deepEqual(canary.taskSets.map((t) => [t.status, t.taskDefinition]), [['PRIMARY', taskDef('api:5')], ['ACTIVE', taskDef('api:6')]]);
    assert.match(canary.taskSets[0].taskSetArn, new RegExp(`^${ECS}:task-set/production/canary/ecs-svc/\\d+$`));
    assert.equal(retired.status, 'INACTIVE');
    assert.equal(retired.desiredCount, 0);
    assert.deepEqual(out.failures, [
      { arn: `${ECS}:service/production/ghost`, reason: 'MISSING' },
      { arn: `${ECS}:service/production/gone`, reason: 'MISSING' },
    ]);
  });

  test('DescribeServices: 1 to 10 services, else InvalidParameterException', async () => {
    const services = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await assert.rejects(ecs.send(new DescribeServicesCommand({ cluster: 'production', services })), (e) => {
      assert.ok(e instanceof InvalidParameterException);
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.message, 'service names can have at most 10 items.');
      return true;
    });
    await assert.rejects(ecs.send(new DescribeServicesCommand({ cluster: 'production', services: [] })),
      (e) => e instanceof InvalidParameterException && e.message === 'Services cannot be empty.');
    const ten = await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: services.slice(1) }));
    assert.equal(ten.failures.length, 10);
  });

  test('ListTasks: desiredStatus RUNNING by default; serviceName, family, startedBy and desiredStatus filters', async () => {
    const running = await ecs.send(new ListTasksCommand({ cluster: 'production' }));
    assert.equal(running.taskArns.length, 5);
    assert.ok(running.taskArns.every((a) => TASK_ARN.test(a)));
    assert.ok(running.taskArns.includes(`${ECS}:task/production/0123456789abcdef0123456789abcdef`));
    const count = async (filter) => (await ecs.send(new ListTasksCommand({ cluster: 'production', ...filter }))).taskArns.length;
    assert.equal(await count({ serviceName: 'api' }), 3);
    assert.equal(await count({ serviceName: `${ECS}:service/production/worker` }), 1);
    assert.equal(await count({ family: 'api' }), 4);
    assert.equal(await count({ startedBy: 'nightly-run' }), 1);
    assert.equal(await count({ startedBy: 'nightly-run', desiredStatus: 'STOPPED' }), 1);
    assert.equal(await count({ desiredStatus: 'STOPPED' }), 1);
    assert.equal(await count({ launchType: 'FARGATE' }), 3);
    assert.equal(await count({ containerInstance: 'i-0123' }), 0);
    await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'production', serviceName: 'ghost' })),
      (e) => e instanceof ServiceNotFoundException && e.$metadata.httpStatusCode === 400);
    await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'production', startedBy: 'x', family: 'api' })), InvalidParameterException);
    await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'production', desiredStatus: 'DONE' })), InvalidParameterException);
  });

  test('DescribeTasks: containers with the digest each image tag named at load; unknown tasks are MISSING failures', async () => {
    const tasks = await describeTasks('production', { serviceName: 'api' });
    assert.equal(tasks.length, 3);
    const [first, pending, old] = tasks;
    assert.match(first.taskArn, TASK_ARN);
    assert.equal(first.clusterArn, `${ECS}:cluster/production`);
    assert.equal(first.taskDefinitionArn, taskDef('api:7'));
    assert.equal(first.group, 'service:api');
    assert.equal(first.lastStatus, 'RUNNING');
    assert.equal(first.desiredStatus, 'RUNNING');
    assert.ok(first.startedAt instanceof Date);
    const deployments = (await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api'] }))).services[0].deployments;
    assert.equal(first.startedBy, deployments[0].id, "a service's task is started by its deployment");
    assert.equal(old.startedBy, deployments[1].id);
    assert.deepEqual(first.containers.map((c) => [c.name, c.image, c.imageDigest, c.lastStatus, c.taskArn]), [
      ['web', `${REPO}:v7`, d('7'), 'RUNNING', first.taskArn],
      ['proxy', 'public.ecr.aws/nginx/nginx:1.27', undefined, 'RUNNING', first.taskArn],
    ]);
    assert.match(first.containers[0].containerArn, new RegExp(`^${ECS}:container/production/[0-9a-f]{32}/[0-9a-f-]{36}$`));
    assert.equal(pending.lastStatus, 'PENDING');
    assert.equal(pending.startedAt, undefined);
    assert.deepEqual(old.containers.map((c) => c.imageDigest), [d('6')]);

    const [standalone] = await describeTasks('production', { startedBy: 'nightly-run' });
    assert.equal(standalone.group, 'family:api');
    assert.deepEqual(standalone.containers.map((c) => [c.image, c.imageDigest]), [[`${REPO}:v6`, d('d')]]);
    const [stopped] = await describeTasks('production', { desiredStatus: 'STOPPED' });
    assert.equal(stopped.lastStatus, 'STOPPED');
    assert.ok(stopped.stoppedAt instanceof Date);
    assert.deepEqual(stopped.containers.map((c) => [c.image, c.imageDigest]), [[`${REPO}:v5`, undefined]], 'v5 is in no repository');

    const out = await ecs.send(new DescribeTasksCommand({
      cluster: 'production',
      tasks: ['0123456789abcdef0123456789abcdef', 'ffffffffffffffffffffffffffffffff', `${ECS}:task/production/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee`],
    }));
    assert.deepEqual(out.tasks.map((t) => t.containers[0].imageDigest), [d('c')]);
    assert.deepEqual(out.failures, [
      { arn: `${ECS}:task/production/ffffffffffffffffffffffffffffffff`, reason: 'MISSING' },
      { arn: `${ECS}:task/production/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee`, reason: 'MISSING' },
    ]);
    const tooMany = Array.from({ length: 101 }, (_, i) => `${i}`);
    await assert.rejects(ecs.send(new DescribeTasksCommand({ cluster: 'production', tasks: tooMany })),
      (e) => e instanceof InvalidParameterException && e.message === 'taskIds can have at most 100 items.');
  });

  test('DescribeTaskDefinition: by family (latest ACTIVE revision), family:revision or ARN', async () => {
    const { taskDefinition: latest } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
    assert.equal(latest.taskDefinitionArn, taskDef('api:7'));
    assert.equal(latest.family, 'api');
    assert.equal(latest.revision, 7);
    assert.equal(latest.status, 'ACTIVE');
    assert.deepEqual(latest.containerDefinitions.map((c) => [c.name, c.image]), [['web', `${REPO}:v7`], ['proxy', 'public.ecr.aws/nginx/nginx:1.27']]);
    assert.ok(latest.registeredAt instanceof Date);
    const inactive = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDef('api:4'), include: ['TAGS'] }));
    assert.equal(inactive.taskDefinition.status, 'INACTIVE');
    assert.deepEqual(inactive.tags, []);
    const worker = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'worker' }));
    assert.equal(worker.taskDefinition.revision, 1, 'revision 2 is being deleted');
    const deleting = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'worker:2' }));
    assert.equal(deleting.taskDefinition.status, 'DELETE_IN_PROGRESS');
  });

  test('DescribeTaskDefinition: one ECS does not have is ClientException', async () => {
    for (const taskDefinition of ['nope', 'api:99', 'api:x', `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/api:7`]) {
      await assert.rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })), (e) => {
        assert.ok(e instanceof ClientException);
        assert.equal(e.$fault, 'client');
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.equal(e.message, 'Unable to describe task definition.');
        return true;
      });
    }
  });

  test('ListTaskDefinitions: ACTIVE by default, by family and revision (ASC) or newest first (DESC); status filter', async () => {
    const list = async (input) => (await ecs.send(new ListTaskDefinitionsCommand(input))).taskDefinitionArns;
    assert.deepEqual(await list({}), ['api:5', 'api:6', 'api:7', 'worker:1'].map(taskDef));
    assert.deepEqual(await list({ familyPrefix: 'api', sort: 'DESC' }), ['api:7', 'api:6', 'api:5'].map(taskDef));
    assert.deepEqual(await list({ familyPrefix: 'ap' }), [], 'familyPrefix names a whole family');
    assert.deepEqual(await list({ status: 'INACTIVE' }), [taskDef('api:4')]);
    assert.deepEqual(await list({ status: 'DELETE_IN_PROGRESS' }), [taskDef('worker:2')]);
    const paged = await collect(paginateListTaskDefinitions({ client: ecs, pageSize: 3 }, { sort: 'DESC' }), 'taskDefinitionArns');
    assert.deepEqual(paged, { items: ['worker:1', 'api:7', 'api:6', 'api:5'].map(taskDef), pages: 2 });
    await assert.rejects(ecs.send(new ListTaskDefinitionsCommand({ sort: 'UP' })), InvalidParameterException);
  });

  describe('a large cluster', () => {
    let big;
    let bigEcs;
    before(async () => {
      const image = `${REPO}:v7`;
      big = await startSandbox({
        repositories: [],
        ecs: {
          taskDefinitions: [{ family: 'app', containers: [{ name: 'app', image }] }],
          clusters: [
            {
              name: 'big',
              services: Array.from({ length: 25 }, (_, i) => ({ name: `svc${i}`, taskDefinition: 'app:1' })),
              tasks: Array.from({ length: 130 }, () => ({ taskDefinition: 'app:1', group: 'service:svc0' })),
            },
            { name: 'other', services: [{ name: 'one', taskDefinition: 'app:1' }] },
          ],
        },
      });
      bigEcs = new ECSClient(awsConfig(big, { maxAttempts: 1 }));
    });
    after(async () => { bigEcs?.destroy(); await big?.stop(); });

    test('ListServices: pages of 10 by default, up to 100 with maxResults', async () => {
      const first = await bigEcs.send(new ListServicesCommand({ cluster: 'big' }));
      assert.equal(first.serviceArns.length, 10);
      assert.ok(first.nextToken);
      const paged = await collect(paginateListServices({ client: bigEcs }, { cluster: 'big' }), 'serviceArns');
      assert.equal(paged.pages, 3);
      assert.equal(new Set(paged.items).size, 25);
      const all = await bigEcs.send(new ListServicesCommand({ cluster: 'big', maxResults: 100 }));
      assert.equal(all.serviceArns.length, 25);
      assert.equal(all.nextToken, undefined);
    });

    test('ListTasks: pages of 100 by default; small pages with the paginator', async () => {
      const first = await bigEcs.send(new ListTasksCommand({ cluster: 'big' }));
      assert.equal(first.taskArns.length, 100);
      const paged = await collect(paginateListTasks({ client: bigEcs, pageSize: 40 }, { cluster: 'big', serviceName: 'svc0' }), 'taskArns');
      assert.equal(paged.pages, 4);
      assert.equal(new Set(paged.items).size, 130);
      const described = await bigEcs.send(new DescribeTasksCommand({ cluster: 'big', tasks: first.taskArns }));
      assert.equal(described.tasks.length, 100);
      const { services: [svc0] } = await bigEcs.send(new DescribeServicesCommand({ cluster: 'big', services: ['svc0'] }));
      assert.equal(svc0.runningCount, 130);
    });

    test('maxResults is 1 to 100; a token is only good for the listing it came from', async () => {
      for (const maxResults of [0, 101]) {
        await assert.rejects(bigEcs.send(new ListServicesCommand({ cluster: 'big', maxResults })),
          (e) => e instanceof InvalidParameterException && e.message === 'maxResults must be between 1 and 100.');
        await assert.rejects(bigEcs.send(new ListTasksCommand({ cluster: 'big', maxResults })), InvalidParameterException);
      }
      const { nextToken } = await bigEcs.send(new ListServicesCommand({ cluster: 'big' }));
      await assert.rejects(bigEcs.send(new ListServicesCommand({ cluster: 'other', nextToken })), InvalidParameterException);
      await assert.rejects(bigEcs.send(new ListTasksCommand({ cluster: 'big', nextToken })), InvalidParameterException);
      await assert.rejects(bigEcs.send(new ListServicesCommand({ cluster: 'big', nextToken: 'bm90IGEgdG9rZW4=' })), InvalidParameterException);
    });
  });

  describe('faults, rate limits and call counts', () => {
    beforeEach(() => sandbox.loadScenarioFile('workloads.json'));

    test('an error fault: match is tested against the cluster, the services asked about, the family', async () => {
      await sandbox.addFaults([
        { service: 'ecs', operation: 'ListTasks', match: 'production', error: 'AccessDeniedException', times: -1 },
        { service: 'ecs', operation: 'DescribeServices', match: 'canary', error: 'ServerException' },
        { service: 'ecs', operation: 'DescribeTaskDefinition', match: 'worker', error: 'ThrottlingException' },
      ]);
      await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'production' })), (e) => {
        assert.ok(e instanceof AccessDeniedException);
        assert.equal(e.$metadata.httpStatusCode, 403);
        assert.match(e.message, /is not authorized to perform: ecs:ListTasks/);
        return true;
      });
      assert.deepEqual((await ecs.send(new ListTasksCommand({}))).taskArns, [], 'the default cluster does not match');
      assert.equal((await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api'] }))).services.length, 1);
      await assert.rejects(ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api', 'canary'] })),
        (e) => e.name === 'ServerException' && e.$fault === 'server' && e.$metadata.httpStatusCode === 500);
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
      await assert.rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDef('worker:1') })),
        (e) => e.name === 'ThrottlingException' && e.$metadata.httpStatusCode === 400);
      const calls = await sandbox.calls();
      assert.equal(calls['ecs:ListTasks'], 2);
      assert.equal(calls['ecs:DescribeServices'], 2);
      assert.equal(calls['ecs:DescribeTaskDefinition'], 2);
    });

    test('ThrottlingException retried away by the default retry strategy', async () => {
      await sandbox.addFaults([{ service: 'ecs', operation: 'ListClusters', error: 'ThrottlingException', times: 2 }]);
      const retrying = new ECSClient(awsConfig(sandbox));
      try {
        const out = await retrying.send(new ListClustersCommand({}));
        assert.equal(out.clusterArns.length, 3);
        assert.equal(out.$metadata.attempts, 3);
      } finally {
        retrying.destroy();
      }
    });

    test('malformed: drop:imageDigest leaves the containers without digests; html is a deserialization error', async () => {
      await sandbox.addFaults([
        { service: 'ecs', operation: 'DescribeTasks', malformed: 'drop:imageDigest' },
        { service: 'ecs', operation: 'ListServices', malformed: 'html' },
      ]);
      const tasks = await describeTasks();
      assert.equal(tasks.length, 5);
      assert.ok(tasks.flatMap((t) => t.containers).every((c) => c.imageDigest === undefined && c.image));
      await assert.rejects(ecs.send(new ListServicesCommand({ cluster: 'production' })), (e) => {
        assert.match(e.message, /Deserialization error/);
        assert.equal(e.$metadata.httpStatusCode, 200);
        return true;
      });
    });
  });

  test('rateLimits: past the bucket, ThrottlingException (400)', async () => {
    const limited = await startSandbox({ repositories: [], rateLimits: { 'ecs:*': 3 }, ecs: { clusters: [{ name: 'default' }] } });
    const c = new ECSClient(awsConfig(limited, { maxAttempts: 1 }));
    try {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => c.send(new ListServicesCommand({}))));
      const throttled = results.filter((r) => r.status === 'rejected');
      assert.ok(throttled.length >= 4, `expected throttling past 3 requests, got ${throttled.length}`);
      assert.ok(throttled.every((r) => r.reason.name === 'ThrottlingException' && r.reason.$metadata.httpStatusCode === 400
        && r.reason.message === 'Rate exceeded'));
      assert.equal((await limited.calls())['ecs:ListServices'], 8);
    } finally {
      c.destroy();
      await limited.stop();
    }
  });

  test('SigV4: signed for ECS with the wrong secret is InvalidSignatureException (400)', async () => {
    const wrong = new ECSClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, secretAccessKey: 'nope' } }));
    try {
      await assert.rejects(wrong.send(new ListClustersCommand({})),
        (e) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 400);
    } finally {
      wrong.destroy();
    }
  });

  test('validation: references, duplicates and states, each named by its JSON path', async () => {
    const image = `${REPO}:v7`;
    const taskDefinitions = [{ family: 'app', revision: 3, containers: [{ name: 'app', image }] }];
    const cases = [
      [{ taskDefinitions, clusters: [{ name: 'c', services: [{ name: 's', taskDefinition: 'app:4' }] }] }, '$.ecs.clusters[0].services[0].taskDefinition'],
      [{ taskDefinitions, clusters: [{ name: 'c', tasks: [{ taskDefinition: 'other:3' }] }] }, '$.ecs.clusters[0].tasks[0].taskDefinition'],
      [{ taskDefinitions: [...taskDefinitions, ...taskDefinitions] }, '$.ecs.taskDefinitions[1].revision'],
      [{ taskDefinitions: [{ family: 'app', containers: [] }] }, '$.ecs.taskDefinitions[0].containers'],
      [{ clusters: [{ name: 'c' }, { name: 'c' }] }, '$.ecs.clusters[1].name'],
      [{ taskDefinitions, clusters: [{ name: 'c', services: [{ name: 's', taskDefinition: 'app:3', status: 'RUNNING' }] }] }, '$.ecs.clusters[0].services[0].status'],
      [{
        taskDefinitions,
        clusters: [{ name: 'c', services: [{ name: 's', deployments: [{ status: 'PRIMARY', taskDefinition: 'app:3' }, { status: 'PRIMARY', taskDefinition: 'app:3' }] }] }],
      }, '$.ecs.clusters[0].services[0].deployments[1].status'],
      [{ taskDefinitions, clusters: [{ name: 'c', services: [{ name: 's' }] }] }, '$.ecs.clusters[0].services[0].taskDefinition'],
      [{ taskDefinitions, clusters: [{ name: 'c', tasks: [{ taskDefinition: 'app:3', containers: [{ name: 'db' }] }] }] }, '$.ecs.clusters[0].tasks[0].containers[0].name'],
      [{ taskDefinitions, clusters: [{ name: 'c', tasks: [{ taskDefinition: 'app:3', lastStatus: 'STOPPED', desiredStatus: 'RUNNING' }] }] }, '$.ecs.clusters[0].tasks[0].desiredStatus'],
      [{ taskDefinitions, clusters: [{ name: 'c', tasks: [{ id: 'not-hex', taskDefinition: 'app:3' }] }] }, '$.ecs.clusters[0].tasks[0].id'],
      [{ clusters: [{ name: 'c', servics: [] }] }, '$.ecs.clusters[0].servics'],
    ];
    for (const [ecsSection, path] of cases) {
      await assert.rejects(sandbox.loadScenario({ repositories: [], ecs: ecsSection }),
        (e) => e.status === 400 && e.body.path === path, `expected a validation error at ${path}`);
    }
    await assert.rejects(sandbox.addFaults([{ service: 'ecs', operation: 'CreateService', error: 'ThrottlingException' }]),
      (e) => e.status === 400 && e.body.path === '$[0].operation' && /ListClusters/.test(e.body.message));
    await assert.rejects(sandbox.loadScenario({ repositories: [], rateLimits: { 'ecs:RunTask': 1 } }),
      (e) => e.status === 400 && e.body.path === "$.rateLimits['ecs:RunTask']");
    await sandbox.loadScenarioFile('workloads.json');
  });
});
