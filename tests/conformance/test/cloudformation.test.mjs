// CloudFormation over awsQuery, driven by the official @aws-sdk/client-cloudformation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ChangeSetNotFoundException, CloudFormationClient, CloudFormationServiceException, DescribeStackResourcesCommand,
  DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, ListStacksCommand, paginateListStackResources,
  paginateListStacks,
} from '@aws-sdk/client-cloudformation';
import { ACCOUNT, awsConfig, CREDENTIALS, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const ARN = new RegExp(`^arn:aws:cloudformation:eu-west-2:${ACCOUNT}:stack/([^/]+)/[0-9a-f-]{36}$`);

describe('CloudFormation', () => {
  let sandbox;
  let cfn;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('services.json'));
    cfn = new CloudFormationClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => { cfn?.destroy(); await sandbox?.stop(); });

  test('ListStacks: every stack, deleted ones included, with ARNs and Dates', async () => {
    const out = await cfn.send(new ListStacksCommand({}));
    assert.deepEqual(out.StackSummaries.map((s) => `${s.StackName}:${s.StackStatus}`), [
      'HelpmatonProduction:UPDATE_COMPLETE', 'HelpmatonProduction-Workers-9Z:UPDATE_COMPLETE',
      'PR12:DELETE_COMPLETE', 'PR12:CREATE_COMPLETE', 'Gone:DELETE_COMPLETE',
    ]);
    for (const s of out.StackSummaries) {
      assert.match(s.StackId, ARN);
      assert.ok(s.CreationTime instanceof Date);
    }
    const [prod, workers, oldPr] = out.StackSummaries;
    assert.ok(prod.LastUpdatedTime instanceof Date);
    assert.ok(oldPr.DeletionTime instanceof Date);
    assert.equal(workers.ParentId, prod.StackId);
    assert.equal(workers.RootId, prod.StackId);
    assert.equal(out.NextToken, undefined);
  });

  test('ListStacks: StackStatusFilter', async () => {
    const out = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    assert.deepEqual(out.StackSummaries.map((s) => s.StackName), ['PR12', 'Gone']);
    await assert.rejects(cfn.send(new ListStacksCommand({ StackStatusFilter: ['NOT_A_STATUS'] })),
      (e) => e.name === 'ValidationError' && e.$metadata.httpStatusCode === 400);
  });

  test('DescribeStacks by name: tags, times, nested ParentId/RootId', async () => {
    const [prod] = (await cfn.send(new DescribeStacksCommand({ StackName: 'HelpmatonProduction' }))).Stacks;
    assert.equal(prod.StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(prod.Tags, [
      { Key: 'CommitSha', Value: '3f2a9c1e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a' },
      { Key: 'Environment', Value: 'production' },
    ]);
    const ageHours = (Date.now() - prod.CreationTime.getTime()) / 3600000;
    assert.ok(Math.abs(ageHours - 2000) < 0.2, `createdHoursAgo 2000 gave ${ageHours}`);
    assert.equal(prod.ParentId, undefined);
    const [nested] = (await cfn.send(new DescribeStacksCommand({ StackName: 'HelpmatonProduction-Workers-9Z' }))).Stacks;
    assert.equal(nested.ParentId, prod.StackId);
    assert.equal(nested.RootId, prod.StackId);
  });

  test('DescribeStacks: a name finds the live stack; a deleted stack only by its ARN', async () => {
    const [live] = (await cfn.send(new DescribeStacksCommand({ StackName: 'PR12' }))).Stacks;
    assert.equal(live.StackStatus, 'CREATE_COMPLETE');
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'Gone' })), (e) => {
      assert.ok(e instanceof CloudFormationServiceException);
      assert.equal(e.name, 'ValidationError');
      assert.equal(e.message, 'Stack with id Gone does not exist');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.Type, 'Sender');
      return true;
    });
    const gone = (await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }))).StackSummaries.find((s) => s.StackName === 'Gone');
    const [byArn] = (await cfn.send(new DescribeStacksCommand({ StackName: gone.StackId }))).Stacks;
    assert.equal(byArn.StackStatus, 'DELETE_COMPLETE');
    assert.ok(byArn.DeletionTime instanceof Date);
  });

  test('DescribeStacks without a name: live stacks only', async () => {
    const out = await cfn.send(new DescribeStacksCommand({}));
    assert.deepEqual(out.Stacks.map((s) => s.StackName), ['HelpmatonProduction', 'HelpmatonProduction-Workers-9Z', 'PR12']);
  });

  test('ListStackResources: a nested stack is reported by its ARN', async () => {
    const out = await cfn.send(new ListStackResourcesCommand({ StackName: 'HelpmatonProduction' }));
    const byId = Object.fromEntries(out.StackResourceSummaries.map((r) => [r.LogicalResourceId, r]));
    assert.equal(byId.ApiFunction.PhysicalResourceId, 'HelpmatonProduction-ApiFunction-1A2B');
    assert.equal(byId.ApiFunction.ResourceType, 'AWS::Lambda::Function');
    assert.equal(byId.ApiFunction.ResourceStatus, 'CREATE_COMPLETE');
    assert.ok(byId.ApiFunction.LastUpdatedTimestamp instanceof Date);
    assert.match(byId.Workers.PhysicalResourceId, ARN);
    assert.equal(ARN.exec(byId.Workers.PhysicalResourceId)[1], 'HelpmatonProduction-Workers-9Z');
    await assert.rejects(cfn.send(new ListStackResourcesCommand({ StackName: 'Gone' })), (e) => e.name === 'ValidationError');
  });

  describe('a large account', () => {
    let big;
    let bigCfn;
    before(async () => {
      const resources = Array.from({ length: 250 }, (_, i) => ({ logicalId: `Table${i}`, type: 'AWS::DynamoDB::Table', physicalId: `Big-Table${i}-X` }));
      const stacks = Array.from({ length: 230 }, (_, i) => ({ name: `Stack${i}`, status: i % 10 === 0 ? 'DELETE_COMPLETE' : 'UPDATE_COMPLETE' }));
      big = await startSandbox({ repositories: [], stacks: [{ name: 'Big', resources }, ...stacks] });
      bigCfn = new CloudFormationClient(awsConfig(big, { maxAttempts: 1 }));
    });
    after(async () => { bigCfn?.destroy(); await big?.stop(); });

    test('ListStacks pages by NextToken', async () => {
      const names = [];
      let pages = 0;
      for await (const page of paginateListStacks({ client: bigCfn }, {})) {
        pages += 1;
        names.push(...page.StackSummaries.map((s) => s.StackName));
      }
      assert.equal(pages, 3);
      assert.equal(names.length, 231);
      assert.equal(new Set(names).size, 231);
    });

    test('ListStackResources pages by NextToken', async () => {
      const ids = [];
      const tokens = [];
      for await (const page of paginateListStackResources({ client: bigCfn }, { StackName: 'Big' })) {
        ids.push(...page.StackResourceSummaries.map((r) => r.LogicalResourceId));
        tokens.push(page.NextToken);
      }
      assert.equal(ids.length, 250);
      assert.equal(new Set(ids).size, 250);
      assert.equal(tokens.length, 3);
      assert.equal(tokens.at(-1), undefined);
    });

    test('DescribeStackResources returns the first 100 resources only, as CloudFormation does', async () => {
      const out = await bigCfn.send(new DescribeStackResourcesCommand({ StackName: 'Big' }));
      assert.equal(out.StackResources.length, 100);
      assert.equal(out.StackResources[0].StackName, 'Big');
      const one = await bigCfn.send(new DescribeStackResourcesCommand({ StackName: 'Big', LogicalResourceId: 'Table200' }));
      assert.deepEqual(one.StackResources.map((r) => r.PhysicalResourceId), ['Big-Table200-X']);
      const byPhysical = await bigCfn.send(new DescribeStackResourcesCommand({ PhysicalResourceId: 'Big-Table7-X' }));
      assert.equal(byPhysical.StackResources[0].LogicalResourceId, 'Table7');
    });
  });

  describe('GetTemplate', () => {
    // A template as authors write it: YAML with short-form tags, and characters XML must escape.
    const YAML = [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      "      ImageUri: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:v7'",
      '      Description: "<api> & friends"',
      '',
    ].join('\n');
    const TASK_DEF = `arn:aws:ecs:eu-west-2:${ACCOUNT}:task-definition/api:7`;
    let tpl;
    let tplCfn;
    before(async () => {
      tpl = await startSandbox({
        repositories: [],
        stacks: [
          { name: 'Yaml', template: YAML, resources: [{ logicalId: 'Api', type: 'AWS::Lambda::Function', physicalId: 'Yaml-Api-1' }] },
          {
            name: 'Workloads',
            resources: [
              { logicalId: 'TaskDef', type: 'AWS::ECS::TaskDefinition', physicalId: TASK_DEF,
                properties: { Family: 'api', ContainerDefinitions: [{ Name: 'web', Image: { 'Fn::Sub': '${Repo}:v7' } }] } },
              { logicalId: 'Service', type: 'AWS::ECS::Service', physicalId: `arn:aws:ecs:eu-west-2:${ACCOUNT}:service/production/api`,
                properties: { TaskDefinition: { Ref: 'TaskDef' }, DesiredCount: 2 } },
              { logicalId: 'Job', type: 'AWS::Batch::JobDefinition', physicalId: `arn:aws:batch:eu-west-2:${ACCOUNT}:job-definition/nightly:1` },
              { logicalId: 'Web', type: 'AWS::AppRunner::Service', physicalId: `arn:aws:apprunner:eu-west-2:${ACCOUNT}:service/web/${'0'.repeat(32)}` },
              { logicalId: 'Model', type: 'AWS::SageMaker::Model', physicalId: 'model-1', properties: {} },
            ],
          },
          { name: 'Old', status: 'DELETE_COMPLETE', template: '{"Resources":{}}' },
        ],
      });
      tplCfn = new CloudFormationClient(awsConfig(tpl, { maxAttempts: 1 }));
    });
    after(async () => { tplCfn?.destroy(); await tpl?.stop(); });

    test('a stack without a template: JSON built from its resources, Properties {} by default', async () => {
      const out = await cfn.send(new GetTemplateCommand({ StackName: 'HelpmatonProduction' }));
      assert.deepEqual(out.StagesAvailable, ['Original', 'Processed']);
      assert.deepEqual(JSON.parse(out.TemplateBody), {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          ApiFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
          Workers: { Type: 'AWS::CloudFormation::Stack', Properties: {} },
          Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        },
      });
    });

    test("a resource's properties go into the template; physical ids are reported as the scenario wrote them", async () => {
      const { TemplateBody } = await tplCfn.send(new GetTemplateCommand({ StackName: 'Workloads', TemplateStage: 'Original' }));
      const { Resources } = JSON.parse(TemplateBody);
      assert.deepEqual(Object.keys(Resources), ['TaskDef', 'Service', 'Job', 'Web', 'Model']);
      assert.deepEqual(Resources.TaskDef, {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: { Family: 'api', ContainerDefinitions: [{ Name: 'web', Image: { 'Fn::Sub': '${Repo}:v7' } }] },
      });
      assert.deepEqual(Resources.Service.Properties, { TaskDefinition: { Ref: 'TaskDef' }, DesiredCount: 2 });
      const listed = await tplCfn.send(new ListStackResourcesCommand({ StackName: 'Workloads' }));
      assert.equal(listed.StackResourceSummaries[0].PhysicalResourceId, TASK_DEF);
      assert.deepEqual(listed.StackResourceSummaries.map((r) => r.ResourceType),
        ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::Batch::JobDefinition', 'AWS::AppRunner::Service', 'AWS::SageMaker::Model']);
    });

    test('a stack with a template: the text verbatim (YAML, short-form tags, escaped characters), either stage, by name or id', async () => {
      for (const TemplateStage of [undefined, 'Original', 'Processed']) {
        const out = await tplCfn.send(new GetTemplateCommand({ StackName: 'Yaml', TemplateStage }));
        assert.equal(out.TemplateBody, YAML);
      }
      const [yaml] = (await tplCfn.send(new DescribeStacksCommand({ StackName: 'Yaml' }))).Stacks;
      assert.equal((await tplCfn.send(new GetTemplateCommand({ StackName: yaml.StackId }))).TemplateBody, YAML);
      const gone = (await tplCfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }))).StackSummaries[0];
      assert.equal((await tplCfn.send(new GetTemplateCommand({ StackName: gone.StackId }))).TemplateBody, '{"Resources":{}}');
    });

    test('errors: an unknown (or deleted, by name) stack is ValidationError; a change set ChangeSetNotFound (404)', async () => {
      for (const StackName of ['Nope', 'Old']) {
        await assert.rejects(tplCfn.send(new GetTemplateCommand({ StackName })), (e) => {
          assert.equal(e.name, 'ValidationError');
          assert.equal(e.message, `Stack with id ${StackName} does not exist`);
          assert.equal(e.$metadata.httpStatusCode, 400);
          return true;
        });
      }
      await assert.rejects(tplCfn.send(new GetTemplateCommand({ StackName: 'Yaml', TemplateStage: 'Final' })),
        (e) => e.name === 'ValidationError' && /templateStage/.test(e.message));
      await assert.rejects(tplCfn.send(new GetTemplateCommand({ StackName: 'Yaml', ChangeSetName: 'cs1' })), (e) => {
        assert.ok(e instanceof ChangeSetNotFoundException);
        assert.equal(e.$metadata.httpStatusCode, 404);
        assert.equal(e.message, 'ChangeSet [cs1] does not exist');
        return true;
      });
      await assert.rejects(tplCfn.send(new GetTemplateCommand({})), (e) => e.name === 'ValidationError');
    });

    test('faults, malformed answers and call counts', async () => {
      await tpl.addFaults([
        { service: 'cloudformation', operation: 'GetTemplate', match: 'Yaml', error: 'Throttling' },
        { service: 'cloudformation', operation: 'GetTemplate', malformed: 'drop:TemplateBody' },
      ]);
      await assert.rejects(tplCfn.send(new GetTemplateCommand({ StackName: 'Yaml' })), (e) => e.name === 'Throttling');
      const dropped = await tplCfn.send(new GetTemplateCommand({ StackName: 'Yaml' }));
      assert.equal(dropped.TemplateBody, undefined);
      assert.deepEqual(dropped.StagesAvailable, ['Original', 'Processed']);
      assert.ok((await tpl.calls())['cloudformation:GetTemplate'] >= 2);
    });

    test('validation: properties is an object, a template is not empty, real-looking types pass', async () => {
      const stack = (resource, extra = {}) => ({ repositories: [], stacks: [{ name: 'S', resources: [resource], ...extra }] });
      const r = { logicalId: 'R', type: 'AWS::ECS::TaskDefinition' };
      await assert.rejects(tpl.loadScenario(stack({ ...r, properties: [1] })),
        (e) => e.status === 400 && e.body.path === '$.stacks[0].resources[0].properties');
      await assert.rejects(tpl.loadScenario(stack(r, { template: ' ' })), (e) => e.status === 400 && e.body.path === '$.stacks[0].template');
      for (const type of ['AWS::ECS::Service', 'AWS::Batch::JobDefinition', 'AWS::AppRunner::Service', 'AWS::SageMaker::Model', 'AWS::EKS::Nodegroup']) {
        await tpl.loadScenario(stack({ ...r, type }));
      }
      await assert.rejects(tpl.loadScenario(stack({ ...r, type: 'ECS::Service' })), (e) => e.status === 400 && e.body.path === '$.stacks[0].resources[0].type');
    });
  });

  test('SigV4: wrong secret is SignatureDoesNotMatch, unknown key InvalidClientTokenId, both 403', async () => {
    const wrong = new CloudFormationClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, secretAccessKey: 'nope' } }));
    const unknown = new CloudFormationClient(awsConfig(sandbox, { maxAttempts: 1, credentials: { ...CREDENTIALS, accessKeyId: 'AKIDOTHER' } }));
    try {
      await assert.rejects(wrong.send(new ListStacksCommand({})),
        (e) => e.name === 'SignatureDoesNotMatch' && e.$metadata.httpStatusCode === 403 && e.Type === 'Sender');
      await assert.rejects(unknown.send(new ListStacksCommand({})),
        (e) => e.name === 'InvalidClientTokenId' && e.$metadata.httpStatusCode === 403);
    } finally {
      wrong.destroy();
      unknown.destroy();
    }
  });

  test('Throttling: typed with maxAttempts 1, retried away by default', async () => {
    await sandbox.loadScenarioFile('services.json');
    await sandbox.addFaults([{ service: 'cloudformation', operation: 'ListStackResources', match: 'PR12', error: 'Throttling', times: 1 }]);
    await assert.rejects(cfn.send(new ListStackResourcesCommand({ StackName: 'PR12' })),
      (e) => e.name === 'Throttling' && e.$metadata.httpStatusCode === 400 && e.message === 'Rate exceeded');
    await sandbox.addFaults([{ service: 'cloudformation', operation: 'ListStackResources', match: 'PR12', error: 'Throttling', times: 2 }]);
    const retrying = new CloudFormationClient(awsConfig(sandbox));
    try {
      const out = await retrying.send(new ListStackResourcesCommand({ StackName: 'PR12' }));
      assert.equal(out.StackResourceSummaries[0].PhysicalResourceId, 'PR12-ApiFunction-NEW');
      assert.equal(out.$metadata.attempts, 3);
    } finally {
      retrying.destroy();
    }
    assert.equal((await sandbox.calls())['cloudformation:ListStackResources'], 4);
  });

  test('rateLimits: past the bucket, the Throttling error', async () => {
    const limited = await startSandbox({ repositories: [], rateLimits: { 'cloudformation:DescribeStacks': 2 }, stacks: [{ name: 'A' }] });
    const c = new CloudFormationClient(awsConfig(limited, { maxAttempts: 1 }));
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => c.send(new DescribeStacksCommand({ StackName: 'A' }))));
      const throttled = results.filter((r) => r.status === 'rejected');
      assert.ok(results.filter((r) => r.status === 'fulfilled').length >= 2);
      assert.ok(throttled.length >= 3, `expected throttling, got ${throttled.length} rejections`);
      assert.ok(throttled.every((r) => r.reason.name === 'Throttling'));
    } finally {
      c.destroy();
      await limited.stop();
    }
  });
});
