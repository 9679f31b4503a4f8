// ECR's archive storage class and lifecycle policies (additions to the contract, see docs/sandbox.md), driven by the
// official @aws-sdk/client-ecr: image status in DescribeImages/ListImages/BatchGetImage, UpdateImageStorageClass,
// GetLifecyclePolicy and the lifecycle policy preview with the documented rule language.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, ECRClient, GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand, ImageNotFoundException, ImageStorageClassUpdateNotSupportedException,
  InvalidParameterException, LifecyclePolicyNotFoundException, LifecyclePolicyPreviewInProgressException,
  LifecyclePolicyPreviewNotFoundException, ListImagesCommand, RepositoryNotFoundException, StartLifecyclePolicyPreviewCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr';
import { ACCOUNT, awsConfig, startSandbox } from '../lib/sandbox.mjs';

const REPO = 'archive/app';
const d = (c) => `sha256:${c.repeat(64)}`;
const DAY = 24;
const [ACTIVE_OLD, ACTIVE_NEW, UNTAGGED, ARCHIVED_OLD, ARCHIVED_NEW, ACTIVATING, RESTORED, CHILD, INDEX, SIGNATURE] =
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a'].map(d);

const POLICY = {
  rules: [
    { rulePriority: 1, description: 'keep two releases', selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } },
  ],
};

/** The archive scenario: one repository with images in every status. */
const archiveScenario = (extra = {}) => ({
  activationDelaySeconds: 1,
  lifecyclePreviewDelaySeconds: 0,
  repositories: [
    {
      name: REPO,
      lifecyclePolicy: POLICY,
      images: [
        { digest: ACTIVE_OLD, tags: ['v1'], ageHours: 100 * DAY, lastPulledHoursAgo: 95 * DAY },
        { digest: ACTIVE_NEW, tags: ['v2', 'latest'], ageHours: 1 * DAY },
        { digest: UNTAGGED, ageHours: 20 * DAY },
        { digest: ARCHIVED_OLD, tags: ['feature-a'], ageHours: 200 * DAY, status: 'ARCHIVED', archivedHoursAgo: 120 * DAY },
        { digest: ARCHIVED_NEW, ageHours: 200 * DAY, status: 'ARCHIVED', lastArchivedAt: new Date(Date.now() - 30 * 86400e3).toISOString() },
        { digest: ACTIVATING, tags: ['rc-1'], ageHours: 30 * DAY, status: 'ACTIVATING', archivedHoursAgo: 10 * DAY },
        { digest: RESTORED, tags: ['v0'], ageHours: 300 * DAY, archivedHoursAgo: 200 * DAY, activatedHoursAgo: 1 * DAY },
        { digest: CHILD, ageHours: 5 * DAY },
        { digest: INDEX, tags: ['multi'], ageHours: 5 * DAY, children: [CHILD] },
        { digest: SIGNATURE, ageHours: 4 * DAY, subject: ACTIVE_NEW, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
      ],
    },
    { name: 'plain/app', images: [{ digest: ACTIVE_OLD, tags: ['v1'], ageHours: 10 }] },
  ],
  ...extra,
});

const digests = (details) => details.map((i) => i.imageDigest).sort();

describe('ECR archive storage class', () => {
  let sandbox;
  let ecr;
  before(async () => {
    sandbox = await startSandbox(archiveScenario({ activationDelaySeconds: 3600 }));
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => {
    ecr?.destroy();
    assert.equal(await sandbox?.stop(), 0);
  });
  beforeEach(() => sandbox.loadScenario(archiveScenario({ activationDelaySeconds: 1 })));

  const describeImages = async (filter, repositoryName = REPO) =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName, filter }))).imageDetails;
  const describeOne = async (digest) =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageDigest: digest }], filter: { imageStatus: 'ANY' } }))).imageDetails[0];

  describe('DescribeImages and ListImages', () => {
    test('only ACTIVE images unless filter.imageStatus says otherwise', async () => {
      const active = [ACTIVE_OLD, ACTIVE_NEW, UNTAGGED, RESTORED, CHILD, INDEX, SIGNATURE].sort();
      assert.deepEqual(digests(await describeImages()), active);
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ACTIVE' })), active);
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ARCHIVED' })), [ARCHIVED_OLD, ARCHIVED_NEW].sort());
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ACTIVATING' })), [ACTIVATING]);
      assert.equal((await describeImages({ imageStatus: 'ANY' })).length, 10);
    });

    test('filter.tagStatus and filter.imageStatus apply together', async () => {
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ARCHIVED', tagStatus: 'TAGGED' })), [ARCHIVED_OLD]);
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ARCHIVED', tagStatus: 'UNTAGGED' })), [ARCHIVED_NEW]);
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ANY', tagStatus: 'UNTAGGED' })), [UNTAGGED, ARCHIVED_NEW, CHILD, SIGNATURE].sort());
    });

    test('imageStatus, lastArchivedAt and lastActivatedAt, the times only once they happened', async () => {
      const all = new Map((await describeImages({ imageStatus: 'ANY' })).map((i) => [i.imageDigest, i]));
      const plain = all.get(ACTIVE_OLD);
      assert.equal(plain.imageStatus, 'ACTIVE');
      assert.equal(plain.lastArchivedAt, undefined);
      assert.equal(plain.lastActivatedAt, undefined);
      const archived = all.get(ARCHIVED_OLD);
      assert.equal(archived.imageStatus, 'ARCHIVED');
      assert.ok(archived.lastArchivedAt instanceof Date);
      assert.ok(Math.abs(Date.now() - 120 * 86400e3 - archived.lastArchivedAt.getTime()) < 120e3);
      assert.equal(archived.lastActivatedAt, undefined);
      assert.equal(all.get(ACTIVATING).imageStatus, 'ACTIVATING');
      const restored = all.get(RESTORED);
      assert.equal(restored.imageStatus, 'ACTIVE');
      assert.ok(restored.lastArchivedAt < restored.lastActivatedAt);
    });

    test('a bad filter.imageStatus is InvalidParameterException', async () => {
      await assert.rejects(describeImages({ imageStatus: 'DELETED' }),
        (e) => e instanceof InvalidParameterException && /imageStatus/.test(e.message));
    });

    test('ListImages takes the same filter', async () => {
      const list = async (filter) => (await ecr.send(new ListImagesCommand({ repositoryName: REPO, filter }))).imageIds;
      assert.deepEqual((await list({ imageStatus: 'ARCHIVED' })).map((i) => [i.imageDigest, i.imageTag]),
        [[ARCHIVED_OLD, 'feature-a'], [ARCHIVED_NEW, undefined]]);
      assert.ok(!(await list()).some((i) => i.imageDigest === ARCHIVED_OLD));
      assert.equal(new Set((await list({ imageStatus: 'ANY' })).map((i) => i.imageDigest)).size, 10);
    });

    test('BatchGetImage cannot pull an archived or activating image (ImageInaccessible); BatchDeleteImage deletes it', async () => {
      const got = await ecr.send(new BatchGetImageCommand({ repositoryName: REPO,
        imageIds: [{ imageDigest: ARCHIVED_OLD }, { imageTag: 'rc-1' }, { imageTag: 'v1' }] }));
      assert.deepEqual(got.images.map((i) => i.imageId.imageDigest), [ACTIVE_OLD]);
      assert.deepEqual(got.failures.map((f) => [f.imageId.imageDigest ?? f.imageId.imageTag, f.failureCode]),
        [[ARCHIVED_OLD, 'ImageInaccessible'], ['rc-1', 'ImageInaccessible']]);
      const deleted = await ecr.send(new BatchDeleteImageCommand({ repositoryName: REPO, imageIds: [{ imageDigest: ARCHIVED_OLD }] }));
      assert.deepEqual(deleted.imageIds, [{ imageDigest: ARCHIVED_OLD, imageTag: 'feature-a' }]);
      assert.deepEqual(deleted.failures, []);
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ARCHIVED' })), [ARCHIVED_NEW]);
    });
  });

  describe('UpdateImageStorageClass', () => {
    const update = (imageId, targetStorageClass, repositoryName = REPO) =>
      ecr.send(new UpdateImageStorageClassCommand({ repositoryName, imageId, targetStorageClass }));

    test('ARCHIVE: the image is ARCHIVED, archived now, and no longer listed as ACTIVE', async () => {
      const before = Date.now();
      const out = await update({ imageTag: 'v1' }, 'ARCHIVE');
      assert.equal(out.registryId, ACCOUNT);
      assert.equal(out.repositoryName, REPO);
      assert.deepEqual(out.imageId, { imageDigest: ACTIVE_OLD, imageTag: 'v1' });
      assert.equal(out.imageStatus, 'ARCHIVED');
      const img = await describeOne(ACTIVE_OLD);
      assert.equal(img.imageStatus, 'ARCHIVED');
      assert.ok(img.lastArchivedAt.getTime() >= before - 1000 && img.lastArchivedAt.getTime() <= Date.now() + 1000);
      assert.ok(!digests(await describeImages()).includes(ACTIVE_OLD));
    });

    test('STANDARD: an archived image is ACTIVATING, then ACTIVE after activationDelaySeconds, lastActivatedAt set', async () => {
      const out = await update({ imageDigest: ARCHIVED_OLD }, 'STANDARD');
      assert.equal(out.imageStatus, 'ACTIVATING');
      assert.deepEqual(out.imageId, { imageDigest: ARCHIVED_OLD });
      assert.equal((await describeOne(ARCHIVED_OLD)).imageStatus, 'ACTIVATING');
      assert.deepEqual(digests(await describeImages({ imageStatus: 'ACTIVATING' })), [ARCHIVED_OLD, ACTIVATING].sort());
      await sleep(1300);
      const img = await describeOne(ARCHIVED_OLD);
      assert.equal(img.imageStatus, 'ACTIVE');
      assert.ok(img.lastActivatedAt > img.lastArchivedAt);
      assert.ok(digests(await describeImages()).includes(ARCHIVED_OLD));
      // The scenario's ACTIVATING image finished its restore the same way, activationDelaySeconds after load.
      assert.equal((await describeOne(ACTIVATING)).imageStatus, 'ACTIVE');
    });

    test('with activationDelaySeconds 0 a restore is ACTIVE at once', async () => {
      await sandbox.loadScenario(archiveScenario({ activationDelaySeconds: 0 }));
      assert.equal((await update({ imageDigest: ARCHIVED_NEW }, 'STANDARD')).imageStatus, 'ACTIVE');
      assert.equal((await describeOne(ACTIVATING)).imageStatus, 'ACTIVE');
    });

    test('errors: already archived, not archived, being restored, an index child, a referrer, unknown image and repository', async () => {
      const invalid = (pattern) => (e) => e instanceof InvalidParameterException && pattern.test(e.message);
      await assert.rejects(update({ imageDigest: ARCHIVED_OLD }, 'ARCHIVE'), invalid(/already archived/));
      await assert.rejects(update({ imageDigest: ACTIVE_OLD }, 'STANDARD'), invalid(/not archived/));
      await assert.rejects(update({ imageTag: 'rc-1' }, 'STANDARD'), invalid(/being restored/));
      await assert.rejects(update({ imageTag: 'rc-1' }, 'ARCHIVE'), invalid(/being restored/));
      await assert.rejects(update({ imageDigest: CHILD }, 'ARCHIVE'), invalid(new RegExp(`manifest list \\[${INDEX}\\]`)));
      await assert.rejects(update({ imageDigest: SIGNATURE }, 'ARCHIVE'),
        (e) => e instanceof ImageStorageClassUpdateNotSupportedException && e.$metadata.httpStatusCode === 400);
      await assert.rejects(update({ imageTag: 'nope' }, 'ARCHIVE'), (e) => e instanceof ImageNotFoundException);
      await assert.rejects(update({ imageDigest: ACTIVE_OLD, imageTag: 'v2' }, 'ARCHIVE'), (e) => e instanceof ImageNotFoundException);
      await assert.rejects(update({ imageTag: 'v1' }, 'ARCHIVE', 'gone/app'), (e) => e instanceof RepositoryNotFoundException);
      await assert.rejects(update({ imageTag: 'v1' }, 'GLACIER'), invalid(/targetStorageClass/));
      await assert.rejects(update({}, 'ARCHIVE'), invalid(/imageId/));
      // Once the index is archived, its child may follow.
      await update({ imageDigest: INDEX }, 'ARCHIVE');
      assert.equal((await update({ imageDigest: CHILD }, 'ARCHIVE')).imageStatus, 'ARCHIVED');
    });

    test('faults, malformed answers and call counts work for it as for every operation', async () => {
      await sandbox.addFaults([
        { service: 'ecr', operation: 'UpdateImageStorageClass', match: 'plain/', error: 'ThrottlingException', times: 1 },
        { service: 'ecr', operation: 'UpdateImageStorageClass', match: REPO, malformed: 'drop:imageStatus', times: 1 },
      ]);
      await assert.rejects(update({ imageTag: 'v1' }, 'ARCHIVE', 'plain/app'), (e) => e.name === 'ThrottlingException');
      const dropped = await update({ imageTag: 'v1' }, 'ARCHIVE');
      assert.equal(dropped.imageStatus, undefined);
      assert.equal((await describeOne(ACTIVE_OLD)).imageStatus, 'ARCHIVED', 'a malformed answer still did the work');
      assert.equal((await update({ imageTag: 'v1' }, 'ARCHIVE', 'plain/app')).imageStatus, 'ARCHIVED');
      const calls = await sandbox.calls();
      assert.equal(calls['ecr:UpdateImageStorageClass'], 3);
    });

    test('GET /_sandbox/state exports the status and archive times, and loads again', async () => {
      await update({ imageTag: 'v1' }, 'ARCHIVE');
      const state = await sandbox.state();
      const [repo] = state.repositories;
      const image = repo.images.find((i) => i.digest === ACTIVE_OLD);
      assert.equal(image.status, 'ARCHIVED');
      assert.ok(image.lastArchivedAt);
      assert.equal(repo.images.find((i) => i.digest === ACTIVE_NEW).status, undefined);
      assert.equal(JSON.parse(repo.lifecyclePolicy).rules[0].rulePriority, 1);
      await sandbox.loadScenario(state);
      assert.equal((await describeOne(ACTIVE_OLD)).imageStatus, 'ARCHIVED');
    });
  });

  test('scenario validation of the new fields', async () => {
    const image = { digest: ACTIVE_OLD, ageHours: 10 };
    const cases = [
      [{ ...image, status: 'GONE' }, '$.repositories[0].images[0].status'],
      [{ ...image, status: 'ARCHIVED', archivedHoursAgo: 20 }, '$.repositories[0].images[0].archivedHoursAgo'],
      [{ ...image, archivedHoursAgo: 5 }, '$.repositories[0].images[0].archivedHoursAgo'],
      [{ ...image, activatedHoursAgo: 5 }, '$.repositories[0].images[0].activatedHoursAgo'],
      [{ ...image, status: 'ARCHIVED', archivedHoursAgo: 5, activatedHoursAgo: 1 }, '$.repositories[0].images[0].activatedHoursAgo'],
    ];
    for (const [img, path] of cases) {
      await assert.rejects(sandbox.loadScenario({ repositories: [{ name: REPO, images: [img] }] }),
        (e) => e.status === 400 && e.body.path === path, `expected a validation error at ${path}`);
    }
    await assert.rejects(sandbox.loadScenario({ repositories: [{ name: REPO, lifecyclePolicy: { rules: [] } }] }),
      (e) => e.status === 400 && e.body.path === '$.repositories[0].lifecyclePolicy' && /1 to 50 rules/.test(e.body.message));
    await assert.rejects(sandbox.loadScenario({ repositories: [], activationDelaySeconds: -1 }),
      (e) => e.status === 400 && e.body.path === '$.activationDelaySeconds');
  });
});

describe('ECR lifecycle policies', () => {
  let sandbox;
  let ecr;
  before(async () => {
    sandbox = await startSandbox(archiveScenario());
    ecr = new ECRClient(awsConfig(sandbox, { maxAttempts: 1 }));
  });
  after(async () => {
    ecr?.destroy();
    assert.equal(await sandbox?.stop(), 0);
  });

  /** Loads one repository of images (name, tags, age in days, and any other image fields) with previews that complete at once. */
  const loadImages = (images, extra = {}) => sandbox.loadScenario({
    lifecyclePreviewDelaySeconds: 0,
    repositories: [{ name: 'docs/example', images: images.map(([name, tags, days, more]) =>
      ({ digest: d(name), tags, ageHours: days * DAY, ...more })), ...extra }],
  });
  const rule = (rulePriority, selection, action = { type: 'expire' }) => ({ rulePriority, selection, action });
  /** Runs a preview of the rules and returns its results as { image name: [action type, rule priority] } and the reply. */
  const preview = async (rules, repositoryName = 'docs/example') => {
    await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName, lifecyclePolicyText: JSON.stringify({ rules }) }));
    const out = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName }));
    assert.equal(out.status, 'COMPLETE');
    const byName = Object.fromEntries(out.previewResults.map((r) => [r.imageDigest.at(-1), [r.action.type, r.appliedRulePriority]]));
    return { byName, out };
  };

  describe('GetLifecyclePolicy', () => {
    test('the scenario policy: an object as compact JSON, a string verbatim', async () => {
      await sandbox.loadScenario(archiveScenario());
      const out = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }));
      assert.equal(out.registryId, ACCOUNT);
      assert.equal(out.repositoryName, REPO);
      assert.equal(out.lifecyclePolicyText, JSON.stringify(POLICY));
      const text = JSON.stringify(POLICY, null, 2);
      await sandbox.loadScenario({ repositories: [{ name: REPO, lifecyclePolicy: text }] });
      assert.equal((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }))).lifecyclePolicyText, text);
    });

    test('none is LifecyclePolicyNotFoundException', async () => {
      await sandbox.loadScenario(archiveScenario());
      await assert.rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'plain/app' })),
        (e) => e instanceof LifecyclePolicyNotFoundException && /plain\/app/.test(e.message));
    });
  });

  describe('the preview', () => {
    test('IN_PROGRESS, then COMPLETE after lifecyclePreviewDelaySeconds; a second start meanwhile is refused', async () => {
      await sandbox.loadScenario(archiveScenario({ lifecyclePreviewDelaySeconds: 1 }));
      await assert.rejects(ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: REPO })),
        (e) => e instanceof LifecyclePolicyPreviewNotFoundException);
      const started = await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: REPO }));
      assert.equal(started.status, 'IN_PROGRESS');
      assert.equal(started.lifecyclePolicyText, JSON.stringify(POLICY));
      const running = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: REPO }));
      assert.equal(running.status, 'IN_PROGRESS');
      assert.deepEqual(running.previewResults, []);
      assert.equal(running.summary, undefined);
      await assert.rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: REPO })),
        (e) => e instanceof LifecyclePolicyPreviewInProgressException);
      await sleep(1100);
      const done = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: REPO }));
      assert.equal(done.status, 'COMPLETE');
      // Tagged v*: v2 (1 day), v1 (100 days), v0 (restored a day ago: ordered by its restore) — the oldest push, v1, goes.
      assert.deepEqual(done.previewResults, [{
        imageTags: ['v1'], imageDigest: ACTIVE_OLD, imagePushedAt: done.previewResults[0].imagePushedAt,
        action: { type: 'EXPIRE' }, appliedRulePriority: 1, storageClass: 'STANDARD',
      }]);
      assert.ok(done.previewResults[0].imagePushedAt instanceof Date);
      assert.deepEqual(done.summary, { expiringImageTotalCount: 1 });
    });

    test('without a policy LifecyclePolicyNotFoundException; an invalid one InvalidParameterException', async () => {
      await sandbox.loadScenario(archiveScenario());
      await assert.rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'plain/app' })),
        (e) => e instanceof LifecyclePolicyNotFoundException);
      const invalid = async (rules, pattern) => assert.rejects(
        ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'plain/app', lifecyclePolicyText: JSON.stringify({ rules }).padEnd(100) })),
        (e) => e instanceof InvalidParameterException
          && e.message.startsWith("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ")
          && pattern.test(e.message), `expected ${pattern}`);
      const count = { countType: 'imageCountMoreThan', countNumber: 1 };
      await invalid([rule(1, { tagStatus: 'tagged', ...count })], /tagPrefixList or tagPatternList/);
      await invalid([rule(1, { tagStatus: 'untagged', tagPrefixList: ['v'], ...count })], /only used with tagStatus tagged/);
      await invalid([rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], tagPatternList: ['v*'], ...count })], /not both/);
      await invalid([rule(1, { tagStatus: 'tagged', tagPatternList: ['a*b*c*d*e*f'], ...count })], /more than 4 wildcards/);
      await invalid([rule(1, { tagStatus: 'any', ...count }), rule(2, { tagStatus: 'untagged', ...count })], /tagStatus any.*highest rulePriority/);
      await invalid([rule(1, { tagStatus: 'untagged', ...count }), rule(1, { tagStatus: 'any', ...count })], /rulePriority 1 is used by more than one rule/);
      await invalid([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 1 })], /countUnit is only used/);
      await invalid([rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 1 })], /countUnit is required/);
      await invalid([rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 1 })], /sinceImagePulled is only used with action transition/);
      await invalid([rule(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 30 })], /at least 90 days/);
      await invalid([rule(1, { tagStatus: 'any', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 })], /requires storageClass archive/);
      await invalid([rule(1, { tagStatus: 'any', ...count }, { type: 'transition' })], /requires targetStorageClass archive/);
      await invalid([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 0 })], /countNumber must be a positive integer/);
      await invalid([rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], ...count }), rule(2, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 9 })], /unique set of prefixes/);
      await assert.rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'plain/app', lifecyclePolicyText: '{"rules":[]}' })),
        (e) => e instanceof InvalidParameterException && /lifecyclePolicyText/.test(e.message));
    });

    test('the user guide\'s "Filtering on multiple rules", example A: an image a higher rule identifies is out of reach', async () => {
      await loadImages([['a', ['beta-1', 'prod-1'], 10], ['b', ['beta-2', 'prod-2'], 9], ['c', ['beta-3'], 8]]);
      const { byName } = await preview([
        rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'tagged', tagPatternList: ['beta*'], countType: 'imageCountMoreThan', countNumber: 1 }),
      ]);
      assert.deepEqual(byName, { a: ['EXPIRE', 1] });
    });

    test('example B: priority reversed', async () => {
      await loadImages([['a', ['beta-1', 'prod-1'], 10], ['b', ['beta-2', 'prod-2'], 9], ['c', ['beta-3'], 8]]);
      const { byName } = await preview([
        rule(1, { tagStatus: 'tagged', tagPatternList: ['beta*'], countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
      ]);
      assert.deepEqual(byName, { a: ['EXPIRE', 1], b: ['EXPIRE', 1] });
    });

    test('multiple patterns in one rule: an image needs a tag for each (sinceImagePushed)', async () => {
      await loadImages([['a', ['alpha-1'], 12], ['b', ['beta-1'], 11], ['c', ['alpha-2', 'beta-2'], 10],
        ['d', ['alpha-3'], 4], ['e', ['beta-3'], 3], ['f', ['alpha-4', 'beta-4'], 2]]);
      const { byName } = await preview([rule(1, { tagStatus: 'tagged', tagPatternList: ['alpha*', 'beta*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 5 })]);
      assert.deepEqual(byName, { c: ['EXPIRE', 1] });
    });

    test('multiple prefixes: tags are not exclusive', async () => {
      await loadImages([['a', ['alpha-1', 'beta-1', 'gamma-1'], 10], ['b', ['alpha-2', 'beta-2'], 9], ['c', ['alpha-3', 'beta-3', 'gamma-2'], 8]]);
      const { byName } = await preview([rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 })]);
      assert.deepEqual(byName, { a: ['EXPIRE', 1], b: ['EXPIRE', 1] });
    });

    test('"Filtering on all images", example B: every rule type; a lower rule counts what higher rules identify but cannot mark it', async () => {
      // "Pushed: 1 day ago" in the guide: less than a day here, since the sandbox compares times exactly (older than
      // countNumber days is older than countNumber × 24 hours); d and e are pushed at the same time, e listed last (newer).
      await loadImages([['a', ['alpha-1', 'beta-1'], 4], ['b', [], 3], ['c', ['alpha-2'], 2], ['d', ['git-hash'], 0.9], ['e', [], 0.9]]);
      const { byName, out } = await preview([
        rule(1, { tagStatus: 'tagged', tagPatternList: ['alpha*'], countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
        rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
      ]);
      assert.deepEqual(byName, { a: ['EXPIRE', 1], b: ['EXPIRE', 2], d: ['EXPIRE', 3] });
      assert.deepEqual(out.summary, { expiringImageTotalCount: 3 });
    });

    test('transition to archive: sinceImagePulled (last pull, else push, else the last restore), then expire from the archive', async () => {
      await loadImages([
        ['a', ['v1'], 200, { lastPulledHoursAgo: 100 * DAY }], // not pulled for 100 days: archived
        ['b', ['v2'], 200, { lastPulledHoursAgo: 10 * DAY }], // pulled 10 days ago: kept
        ['c', ['v3'], 120], // never pulled, pushed 120 days ago: archived
        ['e', ['v5'], 300, { archivedHoursAgo: 200 * DAY, activatedHoursAgo: 5 * DAY, lastPulledHoursAgo: 250 * DAY }], // restored 5 days ago: kept
        ['f', ['old'], 400, { status: 'ARCHIVED', archivedHoursAgo: 120 * DAY }], // archived 120 days ago: expired
        ['7', [], 400, { status: 'ARCHIVED', archivedHoursAgo: 60 * DAY }], // archived 60 days ago: kept
      ]);
      const { byName, out } = await preview([
        rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, { type: 'transition', targetStorageClass: 'archive' }),
        rule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
      ]);
      assert.deepEqual(byName, { a: ['TRANSITION', 1], c: ['TRANSITION', 1], f: ['EXPIRE', 2] });
      const archived = out.previewResults.find((r) => r.imageDigest === d('f'));
      assert.equal(archived.storageClass, 'ARCHIVE');
      assert.deepEqual(out.previewResults.find((r) => r.imageDigest === d('a')).action, { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' });
      assert.deepEqual(out.summary, { expiringImageTotalCount: 1, transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 2 }] });
    });

    test('storage classes apply apart: a standard rule never selects an archived image', async () => {
      await loadImages([['a', ['v1'], 50, { status: 'ARCHIVED', archivedHoursAgo: 40 * DAY }], ['b', ['v2'], 40], ['c', ['v3'], 30]]);
      const { byName } = await preview([rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })]);
      assert.deepEqual(byName, { b: ['EXPIRE', 1], c: ['EXPIRE', 1] });
    });

    test('an image listed by an image index waits for the index', async () => {
      await loadImages([['1', [], 30], ['2', ['multi'], 30, { children: [d('1')] }], ['3', [], 30]]);
      let { byName } = await preview([rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 })]);
      assert.deepEqual(byName, { 3: ['EXPIRE', 1] });
      ({ byName } = await preview([rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 })]));
      assert.deepEqual(byName, { 1: ['EXPIRE', 1], 2: ['EXPIRE', 1], 3: ['EXPIRE', 1] });
    });

    test('pages (maxResults, nextToken), filter.tagStatus and imageIds', async () => {
      await loadImages([['1', ['a'], 9], ['2', [], 8], ['3', ['b'], 7], ['4', [], 6], ['5', ['c'], 5]]);
      await preview([rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })]);
      const get = (input) => ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'docs/example', ...input }));
      const first = await get({ maxResults: 2 });
      assert.deepEqual(first.previewResults.map((r) => r.imageDigest), [d('1'), d('2')]);
      assert.ok(first.nextToken);
      assert.deepEqual(first.summary, { expiringImageTotalCount: 5 });
      const second = await get({ maxResults: 2, nextToken: first.nextToken });
      assert.deepEqual(second.previewResults.map((r) => r.imageDigest), [d('3'), d('4')]);
      const third = await get({ maxResults: 2, nextToken: second.nextToken });
      assert.deepEqual(third.previewResults.map((r) => r.imageDigest), [d('5')]);
      assert.equal(third.nextToken, undefined);
      const tagged = await get({ filter: { tagStatus: 'TAGGED' } });
      assert.deepEqual(tagged.previewResults.map((r) => r.imageTags), [['a'], ['b'], ['c']]);
      await assert.rejects(get({ nextToken: first.nextToken, filter: { tagStatus: 'TAGGED' } }), (e) => e instanceof InvalidParameterException);
      const byId = await get({ imageIds: [{ imageTag: 'b' }, { imageDigest: d('4') }] });
      assert.deepEqual(byId.previewResults.map((r) => r.imageDigest), [d('3'), d('4')]);
      await assert.rejects(get({ imageIds: [{ imageTag: 'b' }], maxResults: 1 }), (e) => e instanceof InvalidParameterException);
      await assert.rejects(get({ maxResults: 101 }), (e) => e instanceof InvalidParameterException);
    });

    test('call counts and faults for the lifecycle operations', async () => {
      await sandbox.loadScenario(archiveScenario());
      await sandbox.addFaults([{ service: 'ecr', operation: 'GetLifecyclePolicyPreview', error: 'ThrottlingException', times: 1 }]);
      await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }));
      await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: REPO }));
      await assert.rejects(ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: REPO })), (e) => e.name === 'ThrottlingException');
      assert.equal((await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: REPO }))).status, 'COMPLETE');
      const calls = await sandbox.calls();
      assert.equal(calls['ecr:GetLifecyclePolicy'], 1);
      assert.equal(calls['ecr:StartLifecyclePolicyPreview'], 1);
      assert.equal(calls['ecr:GetLifecyclePolicyPreview'], 2);
    });
  });
});
