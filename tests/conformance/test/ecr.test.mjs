// ECR over awsJson1_1, driven by the official @aws-sdk/client-ecr.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, DescribeRepositoriesCommand,
  ECRClient, ECRServiceException, ImageNotFoundException, InvalidParameterException, ListImagesCommand,
  RepositoryNotFoundException, paginateDescribeImages, paginateListImages,
} from '@aws-sdk/client-ecr';
import { ACCOUNT, awsConfig, scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const REPO = 'helpmaton-lambda-images';
const d = (c) => `sha256:${c.repeat(64)}`;
const PLAIN = d('1');
const OLD = d('2');
const UNTAGGED = d('3');
const CHILD_A = d('4');
const CHILD_B = d('5');
const INDEX = d('6');
const SIGNATURE = d('7');

describe('ECR', () => {
  let sandbox;
  let ecr;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('ecr-basic.json'));
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => {
    ecr?.destroy();
    assert.equal(await sandbox?.stop(), 0, 'the sandbox exits 0 when its stdin closes');
  });

  test('the first stdout line names the port', () => {
    assert.match(sandbox.firstLine, /^Sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('DescribeRepositories', () => {
    test('lists every repository with its ARN and URI', async () => {
      const out = await ecr.send(new DescribeRepositoriesCommand({}));
      assert.deepEqual(out.repositories.map((r) => r.repositoryName), [REPO, 'team/other']);
      const [repo] = out.repositories;
      assert.equal(repo.repositoryArn, `arn:aws:ecr:eu-west-2:${ACCOUNT}:repository/${REPO}`);
      assert.equal(repo.repositoryUri, `${ACCOUNT}.dkr.ecr.eu-west-2.amazonaws.com/${REPO}`);
      assert.equal(repo.registryId, ACCOUNT);
      assert.ok(repo.createdAt instanceof Date);
      assert.equal(out.repositories[1].imageTagMutability, 'IMMUTABLE');
      assert.equal(out.nextToken, undefined);
    });

    test('by name, and a missing name is RepositoryNotFoundException', async () => {
      const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/other'] }));
      assert.deepEqual(out.repositories.map((r) => r.repositoryName), ['team/other']);
      await assert.rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/other', 'gone'] })),
        (e) => e instanceof RepositoryNotFoundException && e.name === 'RepositoryNotFoundException');
    });

    test('pages with maxResults and nextToken', async () => {
      const first = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1 }));
      assert.equal(first.repositories.length, 1);
      assert.ok(first.nextToken);
      const second = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1, nextToken: first.nextToken }));
      assert.deepEqual(second.repositories.map((r) => r.repositoryName), ['team/other']);
      assert.equal(second.nextToken, undefined);
    });
  });

  describe('DescribeImages', () => {
    beforeEach(() => sandbox.loadScenarioFile('ecr-basic.json'));

    test('reply fields and timestamps parsed as Dates', async () => {
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: PLAIN }] }));
      assert.equal(out.imageDetails.length, 1);
      const [img] = out.imageDetails;
      assert.equal(img.registryId, ACCOUNT);
      assert.equal(img.repositoryName, REPO);
      assert.equal(img.imageDigest, PLAIN);
      assert.deepEqual(img.imageTags, ['lancedb-3f2a9c1', 'latest']);
      assert.equal(img.imageSizeInBytes, 524288000);
      assert.ok(img.imagePushedAt instanceof Date);
      assert.equal(img.imagePushedAt.toISOString(), '2025-12-16T10:00:00.000Z');
      assert.ok(img.lastRecordedPullTime instanceof Date);
      assert.equal(img.lastRecordedPullTime.toISOString(), '2025-12-17T08:30:00.250Z');
      assert.equal(img.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(img.artifactMediaType, 'application/vnd.docker.container.image.v1+json');
    });

    test('relative times count from load; untagged and never-pulled images omit those fields', async () => {
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: OLD }, { imageDigest: UNTAGGED }] }));
      const old = out.imageDetails.find((i) => i.imageDigest === OLD);
      const hours = (Date.now() - old.imagePushedAt.getTime()) / 3600000;
      assert.ok(hours > 719.9 && hours < 720.2, `ageHours 720 gave ${hours}`);
      const untagged = out.imageDetails.find((i) => i.imageDigest === UNTAGGED);
      assert.equal(untagged.imageTags, undefined);
      assert.equal(untagged.lastRecordedPullTime, undefined);
    });

    test('index and referrer media types', async () => {
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'multiarch' }, { imageDigest: SIGNATURE }] }));
      const index = out.imageDetails.find((i) => i.imageDigest === INDEX);
      assert.equal(index.imageManifestMediaType, 'application/vnd.oci.image.index.v1+json');
      assert.equal(index.artifactMediaType, undefined);
      const sig = out.imageDetails.find((i) => i.imageDigest === SIGNATURE);
      assert.equal(sig.imageManifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(sig.artifactMediaType, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    });

    test('filter.tagStatus', async () => {
      const tagged = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }));
      assert.deepEqual(tagged.imageDetails.map((i) => i.imageDigest).sort(), [PLAIN, OLD, INDEX, SIGNATURE].sort());
      const untagged = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, filter: { tagStatus: 'UNTAGGED' } }));
      assert.deepEqual(untagged.imageDetails.map((i) => i.imageDigest).sort(), [UNTAGGED, CHILD_A, CHILD_B].sort());
    });

    test('an unknown image id is ImageNotFoundException', async () => {
      await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'nope' }] })),
        (e) => e instanceof ImageNotFoundException && /does not exist within the repository with name 'helpmaton-lambda-images'/.test(e.message));
    });

    test('an unknown repository is the typed RepositoryNotFoundException, as ECR words it', async () => {
      await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' })), (e) => {
        assert.ok(e instanceof RepositoryNotFoundException);
        assert.equal(e.name, 'RepositoryNotFoundException');
        assert.equal(e.message, `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`);
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.equal(e.$fault, 'client');
        assert.ok(e.$metadata.requestId);
        return true;
      });
    });

    test('maxResults outside 1-1000 is InvalidParameterException', async () => {
      for (const maxResults of [0, 1001]) {
        await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: REPO, maxResults })),
          (e) => e instanceof InvalidParameterException && /maxResults/.test(e.message));
      }
    });
  });

  describe('paging over 2,500 images', () => {
    let big;
    let bigEcr;
    before(async () => {
      big = await startSandbox(scenarioPath('ecr-large.json'));
      bigEcr = new ECRClient(awsConfig(big, { maxAttempts: 1 }));
    });
    after(async () => { bigEcr?.destroy(); await big?.stop(); });

    test('maxResults 1000 gives 3 pages of distinct digests, linked by nextToken', async () => {
      const pages = [];
      let nextToken;
      do {
        const out = await bigEcr.send(new DescribeImagesCommand({ repositoryName: 'big/repo', maxResults: 1000, nextToken }));
        pages.push(out);
        nextToken = out.nextToken;
      } while (nextToken);
      assert.deepEqual(pages.map((p) => p.imageDetails.length), [1000, 1000, 500]);
      assert.ok(pages[0].nextToken && pages[1].nextToken && pages[0].nextToken !== pages[1].nextToken);
      assert.equal(pages[2].nextToken, undefined);
      const digests = pages.flatMap((p) => p.imageDetails.map((i) => i.imageDigest));
      assert.equal(new Set(digests).size, 2500);
      assert.ok(digests.every((x) => /^sha256:[0-9a-f]{64}$/.test(x)));
      const calls = await big.calls();
      assert.equal(calls['ecr:DescribeImages'], 3);
    });

    test('the SDK paginator walks the same pages', async () => {
      let pages = 0;
      let images = 0;
      for await (const page of paginateDescribeImages({ client: bigEcr, pageSize: 1000 }, { repositoryName: 'big/repo' })) {
        pages += 1;
        images += page.imageDetails.length;
      }
      assert.equal(pages, 3);
      assert.equal(images, 2500);
    });

    test('without maxResults a page holds 100', async () => {
      const out = await bigEcr.send(new DescribeImagesCommand({ repositoryName: 'big/repo' }));
      assert.equal(out.imageDetails.length, 100);
      assert.ok(out.nextToken);
    });

    test('a token from another listing is refused', async () => {
      const out = await bigEcr.send(new DescribeImagesCommand({ repositoryName: 'big/repo', maxResults: 10 }));
      await assert.rejects(bigEcr.send(new DescribeImagesCommand({ repositoryName: 'big/repo', nextToken: out.nextToken, filter: { tagStatus: 'TAGGED' } })),
        (e) => e instanceof InvalidParameterException);
    });

    test('ListImages pages over tags and untagged digests', async () => {
      const ids = [];
      for await (const page of paginateListImages({ client: bigEcr, pageSize: 1000 }, { repositoryName: 'big/repo' })) ids.push(...page.imageIds);
      assert.equal(ids.length, 2500);
      assert.equal(ids.filter((i) => i.imageTag).length, 834);
      const tagged = await bigEcr.send(new ListImagesCommand({ repositoryName: 'big/repo', filter: { tagStatus: 'TAGGED' }, maxResults: 1000 }));
      assert.equal(tagged.imageIds.length, 834);
      assert.equal(tagged.nextToken, undefined);
    });
  });

  describe('BatchGetImage', () => {
    test('synthesizes manifests: image, index with its children, referrer with its subject', async () => {
      await sandbox.loadScenarioFile('ecr-basic.json');
      const out = await ecr.send(new BatchGetImageCommand({
        repositoryName: REPO,
        imageIds: [{ imageTag: 'latest' }, { imageTag: 'multiarch' }, { imageDigest: SIGNATURE }, { imageDigest: d('9') }],
      }));
      assert.equal(out.images.length, 3);
      const byDigest = Object.fromEntries(out.images.map((i) => [i.imageId.imageDigest, i]));
      assert.deepEqual(byDigest[PLAIN].imageId, { imageDigest: PLAIN, imageTag: 'latest' });
      const plain = JSON.parse(byDigest[PLAIN].imageManifest);
      assert.equal(plain.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(plain.layers[0].size, 524288000);
      const index = JSON.parse(byDigest[INDEX].imageManifest);
      assert.equal(byDigest[INDEX].imageManifestMediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(index.manifests.map((m) => m.digest), [CHILD_A, CHILD_B]);
      const sig = JSON.parse(byDigest[SIGNATURE].imageManifest);
      assert.equal(sig.subject.digest, PLAIN);
      assert.equal(sig.artifactType, 'application/vnd.dev.cosign.artifact.sig.v1+json');
      assert.deepEqual(out.failures, [{ imageId: { imageDigest: d('9') }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
    });
  });

  describe('BatchDeleteImage', () => {
    beforeEach(() => sandbox.loadScenarioFile('ecr-basic.json'));
    const del = (imageIds) => ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds }));
    const describe1 = (digest) => ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: digest }] }));

    test('by tag removes only that tag', async () => {
      const out = await del([{ imageTag: 'latest' }]);
      assert.deepEqual(out.imageIds, [{ imageDigest: PLAIN, imageTag: 'latest' }]);
      assert.deepEqual(out.failures, []);
      const after = await describe1(PLAIN);
      assert.deepEqual(after.imageDetails[0].imageTags, ['lancedb-3f2a9c1']);
    });

    test('removing the last tag removes the image', async () => {
      const out = await del([{ imageTag: 'old-1' }]);
      assert.deepEqual(out.imageIds, [{ imageDigest: OLD, imageTag: 'old-1' }]);
      await assert.rejects(describe1(OLD), ImageNotFoundException);
    });

    test('by digest removes the image and all its tags', async () => {
      const out = await del([{ imageDigest: PLAIN }]);
      assert.deepEqual(out.imageIds, [
        { imageDigest: PLAIN, imageTag: 'lancedb-3f2a9c1' },
        { imageDigest: PLAIN, imageTag: 'latest' },
      ]);
      await assert.rejects(describe1(PLAIN), ImageNotFoundException);
      const list = await ecr.send(new ListImagesCommand({ repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }));
      assert.ok(!list.imageIds.some((i) => i.imageTag === 'latest'));
    });

    test('an untagged image by digest', async () => {
      const out = await del([{ imageDigest: UNTAGGED }]);
      assert.deepEqual(out.imageIds, [{ imageDigest: UNTAGGED }]);
    });

    test('a child of a live index fails ImageReferencedByManifestList, and goes once the index is gone', async () => {
      const out = await del([{ imageDigest: CHILD_A }]);
      assert.deepEqual(out.imageIds, []);
      assert.equal(out.failures.length, 1);
      assert.deepEqual(out.failures[0].imageId, { imageDigest: CHILD_A });
      assert.equal(out.failures[0].failureCode, 'ImageReferencedByManifestList');
      await describe1(CHILD_A);
      const again = await del([{ imageTag: 'multiarch' }, { imageDigest: CHILD_A }]);
      assert.deepEqual(again.imageIds, [{ imageDigest: INDEX, imageTag: 'multiarch' }, { imageDigest: CHILD_A }]);
      assert.deepEqual(again.failures, []);
    });

    test('an unknown id is ImageNotFound in failures, not an error', async () => {
      const out = await del([{ imageDigest: d('a') }, { imageTag: 'no-such-tag' }, { imageDigest: UNTAGGED }]);
      assert.deepEqual(out.imageIds, [{ imageDigest: UNTAGGED }]);
      assert.deepEqual(out.failures, [
        { imageId: { imageDigest: d('a') }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
        { imageId: { imageTag: 'no-such-tag' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      ]);
    });

    test('more than 100 ids, or none, is InvalidParameterException', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` }));
      await assert.rejects(del(ids), (e) => e instanceof InvalidParameterException
        && e.message === "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100'");
      await assert.rejects(del([]), InvalidParameterException);
      const hundred = await del(ids.slice(0, 100));
      assert.equal(hundred.failures.length, 100);
    });

    test('the state endpoint shows the deletions', async () => {
      await del([{ imageDigest: PLAIN }, { imageTag: 'old-1' }]);
      const state = await sandbox.state();
      const repo = state.repositories.find((r) => r.name === REPO);
      const digests = repo.images.map((i) => i.digest);
      assert.ok(!digests.includes(PLAIN) && !digests.includes(OLD));
      assert.equal(repo.images.length, 5);
      const index = repo.images.find((i) => i.digest === INDEX);
      assert.deepEqual(index.children, [CHILD_A, CHILD_B]);
      assert.match(index.pushedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    });
  });

  describe('faults', () => {
    beforeEach(() => sandbox.loadScenarioFile('ecr-basic.json'));

    test('ThrottlingException: typed with maxAttempts 1, retried away by the default strategy', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'DescribeImages', match: 'helpmaton', error: 'ThrottlingException', times: 2 }]);
      await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: REPO })), (e) => {
        assert.ok(e instanceof ECRServiceException);
        assert.equal(e.name, 'ThrottlingException');
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      });
      const retrying = new ECRClient(awsConfig(sandbox));
      try {
        const out = await retrying.send(new DescribeImagesCommand({ repositoryName: REPO }));
        assert.equal(out.imageDetails.length, 7);
        assert.equal(out.$metadata.attempts, 2);
      } finally {
        retrying.destroy();
      }
      assert.equal((await sandbox.calls())['ecr:DescribeImages'], 3);
    });

    test('match limits a fault to its repository; -1 fails every time', async () => {
      await sandbox.addFaults([{ service: 'ecr', operation: 'ListImages', match: 'team/', error: 'ServerException', times: -1 }]);
      for (let i = 0; i < 3; i++) {
        await assert.rejects(ecr.send(new ListImagesCommand({ repositoryName: 'team/other' })),
          (e) => e.name === 'ServerException' && e.$metadata.httpStatusCode === 500 && e.$fault === 'server');
      }
      const ok = await ecr.send(new ListImagesCommand({ repositoryName: REPO }));
      assert.ok(ok.imageIds.length > 0);
    });
  });

  describe('admin', () => {
    test('calls counts each operation since load; a reload starts afresh', async () => {
      await sandbox.loadScenarioFile('ecr-basic.json');
      assert.deepEqual(await sandbox.calls(), {});
      await ecr.send(new DescribeRepositoriesCommand({}));
      await ecr.send(new DescribeImagesCommand({ repositoryName: REPO }));
      await ecr.send(new DescribeImagesCommand({ repositoryName: REPO }));
      assert.deepEqual(await sandbox.calls(), { 'ecr:DescribeImages': 2, 'ecr:DescribeRepositories': 1 });
    });

    test('a scenario that does not validate is refused with its JSON path, and the old one stays', async () => {
      await assert.rejects(sandbox.loadScenario({ repositories: [{ name: 'ok', images: [{ digest: 'sha256:nothex' }] }] }),
        (e) => e.status === 400 && e.body.path === '$.repositories[0].images[0].digest');
      const out = await ecr.send(new DescribeRepositoriesCommand({}));
      assert.equal(out.repositories.length, 2);
    });

    test('a replacement scenario is served at once', async () => {
      await sandbox.loadScenario({ repositories: [{ name: 'fresh', images: [{ tags: ['a'] }, {}] }] });
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: 'fresh' }));
      assert.equal(out.imageDetails.length, 2);
      await sandbox.loadScenarioFile('ecr-basic.json');
    });
  });
});
