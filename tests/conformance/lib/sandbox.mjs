// Starts the sandbox (the built dll) as a child process and drives its admin endpoints.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The SDKs warn on node 20; the sandbox suite does not care.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
export const suiteDir = path.resolve(here, '..');
// SANDBOX_DLL, or else the newer of the Debug and Release builds (so a fresh build is never shadowed by a stale one).
const builds = ['Debug', 'Release']
  .map((c) => path.resolve(suiteDir, `../EcrCleanup.Sandbox/bin/${c}/net10.0/EcrCleanup.Sandbox.dll`))
  .filter((f) => existsSync(f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
export const sandboxDll = path.resolve(suiteDir, process.env.SANDBOX_DLL
  ?? builds[0] ?? '../EcrCleanup.Sandbox/bin/Debug/net10.0/EcrCleanup.Sandbox.dll');

export const scenarioPath = (name) => path.join(suiteDir, 'scenarios', name);

export const CREDENTIALS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };
export const REGION = 'eu-west-2';
export const ACCOUNT = '123456789012';

function requireBuilt() {
  if (!existsSync(sandboxDll)) {
    throw new Error(`the sandbox is not built: ${sandboxDll} is missing. Run \`dotnet build tests/EcrCleanup.Sandbox\` `
      + 'from the repository root, or set SANDBOX_DLL to the built EcrCleanup.Sandbox.dll.');
  }
}

/** Writes a scenario object to a temporary file and returns its path. */
export function writeScenario(scenario) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-scenario-'));
  const file = path.join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

/** Runs the sandbox process to its end (for start-up failures); resolves { code, stdout, stderr }. */
export async function runSandbox(args, { stdinEnd = true, timeoutMs = 30000 } = {}) {
  requireBuilt();
  const proc = spawn('dotnet', [sandboxDll, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  if (stdinEnd) proc.stdin.end();
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const [code] = await once(proc, 'exit');
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * Starts the sandbox on a free port with a scenario file (or object), waits for its first stdout line
 * and returns { url, port, proc, admin helpers, stop() }.
 */
export async function startSandbox(scenario, { extraArgs = [] } = {}) {
  requireBuilt();
  const file = typeof scenario === 'string' ? scenario : writeScenario(scenario);
  const proc = spawn('dotnet', [sandboxDll, '--scenario', file, '--port', '0', ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const lines = createInterface({ input: proc.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 30s; stderr: ${stderr}`)), 30000);
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox exited with ${code}: ${stderr}`)); });
  });
  const m = /^Sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
  if (!m) throw new Error(`unexpected first line: ${JSON.stringify(first)}`);
  const url = m[1];

  const admin = async (method, route, body) => {
    const res = await fetch(`${url}/_sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw Object.assign(new Error(`admin ${method} ${route}: ${res.status} ${JSON.stringify(json)}`), { status: res.status, body: json });
    return json;
  };

  return {
    url,
    port: Number(m[2]),
    proc,
    firstLine: first,
    get stderr() { return stderr; },
    state: () => admin('GET', 'state'),
    calls: () => admin('GET', 'calls'),
    loadScenario: (s) => admin('POST', 'scenario', s),
    /** Reloads a scenario file as it is (jsonc), through POST /_sandbox/scenario. */
    loadScenarioFile: (name) => admin('POST', 'scenario', readFileSync(scenarioPath(name), 'utf8')),
    addFaults: (faults) => admin('POST', 'faults', faults),
    admin,
    /** Closes stdin (the sandbox then exits 0) and resolves the exit code. */
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      const exited = once(proc, 'exit');
      proc.stdin.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Client options for an AWS SDK v3 client pointed at the sandbox. */
export function awsConfig(sandbox, overrides = {}) {
  return { endpoint: sandbox.url, region: REGION, credentials: CREDENTIALS, ...overrides };
}
