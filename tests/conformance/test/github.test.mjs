// The GitHub REST API, driven by the official @octokit/rest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { scenarioPath, startSandbox } from '../lib/sandbox.mjs';

const owner = 'djinilabs';
const repo = 'helpmaton';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const sha = (n) => n.toString(16).padStart(40, '0');

describe('GitHub', () => {
  let sandbox;
  let octokit;
  before(async () => {
    sandbox = await startSandbox(scenarioPath('services.json'));
    octokit = new Octokit({ auth: 'ghp_sandbox', baseUrl: sandbox.url, log: quiet });
  });
  after(async () => { await sandbox?.stop(); });

  test('repos.get: the default branch', async () => {
    const { data, status, headers } = await octokit.rest.repos.get({ owner, repo });
    assert.equal(status, 200);
    assert.equal(data.default_branch, 'main');
    assert.equal(data.full_name, 'djinilabs/helpmaton');
    assert.equal(data.owner.login, 'djinilabs');
    assert.ok(Number(headers['x-ratelimit-remaining']) > 0);
  });

  test('without the token, or with another, 401 Bad credentials', async () => {
    for (const auth of [undefined, 'ghp_wrong']) {
      const anonymous = new Octokit({ auth, baseUrl: sandbox.url, log: quiet });
      await assert.rejects(anonymous.rest.repos.get({ owner, repo }),
        (e) => e.name === 'HttpError' && e.status === 401 && /Bad credentials/.test(e.message));
    }
    const bare = new Octokit({ baseUrl: sandbox.url, log: quiet });
    const bearer = await bare.request('GET /repos/{owner}/{repo}', { owner, repo, headers: { authorization: 'Bearer ghp_sandbox' } });
    assert.equal(bearer.status, 200);
  });

  test('another repository is 404', async () => {
    await assert.rejects(octokit.rest.repos.get({ owner, repo: 'other' }), (e) => e.status === 404);
  });

  test('pulls.list, pulls.get and pulls.listCommits', async () => {
    const { data: open } = await octokit.rest.pulls.list({ owner, repo, state: 'open' });
    assert.deepEqual(open.map((p) => p.number).sort((a, b) => a - b), [12, 13]);
    const twelve = open.find((p) => p.number === 12);
    assert.equal(twelve.state, 'open');
    assert.equal(twelve.head.sha, 'c0ffee0000000000000000000000000000000012');
    assert.equal(twelve.head.ref, 'feature/lancedb');
    assert.equal(twelve.base.ref, 'main');
    const { data: closed } = await octokit.rest.pulls.list({ owner, repo, state: 'closed' });
    assert.deepEqual(closed.map((p) => p.number), [9]);
    const { data: nine } = await octokit.rest.pulls.get({ owner, repo, pull_number: 9 });
    assert.equal(nine.merged, true);
    assert.ok(nine.merged_at);
    const { data: commits } = await octokit.rest.pulls.listCommits({ owner, repo, pull_number: 12 });
    assert.deepEqual(commits.map((c) => c.sha), ['c0ffee0000000000000000000000000000000011', 'c0ffee0000000000000000000000000000000012']);
    await assert.rejects(octokit.rest.pulls.get({ owner, repo, pull_number: 404 }), (e) => e.status === 404);
  });

  test('repos.listCommits on the default branch, newest first, paged by Link', async () => {
    const first = await octokit.rest.repos.listCommits({ owner, repo, sha: 'main', per_page: 2 });
    assert.deepEqual(first.data.map((c) => c.sha), ['3f2a9c1e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a', '2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d']);
    assert.match(first.headers.link, /[?&]page=2[^>]*>; rel="next"/);
    assert.match(first.headers.link, /[?&]page=3[^>]*>; rel="last"/);
    const all = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, sha: 'main', per_page: 2 });
    assert.equal(all.length, 5);
    assert.equal(all[0].parents[0].sha, all[1].sha);
    await assert.rejects(octokit.rest.repos.listCommits({ owner, repo, sha: 'no-such-branch' }), (e) => e.status === 404);
  });

  test('repos.listDeployments by environment, newest first', async () => {
    const { data } = await octokit.rest.repos.listDeployments({ owner, repo, environment: 'production' });
    assert.deepEqual(data.map((x) => x.sha), ['3f2a9c1e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a', '2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d']);
    assert.ok(data.every((x) => x.environment === 'production' && typeof x.id === 'number'));
    const hours = (Date.now() - new Date(data[1].created_at).getTime()) / 3600000;
    assert.ok(Math.abs(hours - 30) < 0.1);
  });

  describe('many pull requests', () => {
    let big;
    let bigOctokit;
    before(async () => {
      const pullRequests = Array.from({ length: 250 }, (_, i) => ({ number: i + 1, state: (i + 1) % 10 === 0 ? 'closed' : 'open', headSha: sha(i + 1) }));
      big = await startSandbox({ repositories: [], github: { repository: 'djinilabs/helpmaton', token: 't0ken', pullRequests } });
      bigOctokit = new Octokit({ auth: 't0ken', baseUrl: big.url, log: quiet });
    });
    after(async () => { await big?.stop(); });

    test('octokit.paginate follows the Link headers: per_page 100 (at most)', async () => {
      const open = await bigOctokit.paginate(bigOctokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
      assert.equal(open.length, 225);
      assert.equal(new Set(open.map((p) => p.number)).size, 225);
      assert.equal((await big.calls())['github:pulls.list'], 3);
      const capped = await bigOctokit.rest.pulls.list({ owner, repo, state: 'all', per_page: 500 });
      assert.equal(capped.data.length, 100);
      const defaults = await bigOctokit.rest.pulls.list({ owner, repo });
      assert.equal(defaults.data.length, 30);
    });
  });

  test('faults: 502, and 403 with a spent rate limit', async () => {
    await sandbox.loadScenarioFile('services.json');
    await sandbox.addFaults([
      { service: 'github', operation: 'pulls', error: '502', times: 1 },
      { service: 'github', operation: 'commits', error: 403, times: 1 },
    ]);
    await assert.rejects(octokit.rest.pulls.list({ owner, repo }), (e) => e.status === 502);
    assert.equal((await octokit.rest.pulls.list({ owner, repo })).status, 200);
    await assert.rejects(octokit.rest.repos.listCommits({ owner, repo }), (e) => {
      assert.equal(e.status, 403);
      assert.equal(e.response.headers['x-ratelimit-remaining'], '0');
      assert.ok(Number(e.response.headers['x-ratelimit-reset']) > Date.now() / 1000);
      return true;
    });
    assert.deepEqual(await sandbox.calls(), { 'github:pulls.list': 2, 'github:repos.listCommits': 1 });
  });
});
