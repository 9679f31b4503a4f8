#Requires -Version 7.4
<#
.SYNOPSIS
    Measures how fast Invoke-EcrCleanup -WhatIf reads and decides a large account, beside a lower bound computed
    from the account itself.

.DESCRIPTION
    A benchmark, not a test: it prints figures and fails only when it cannot run (nothing built, a scenario the
    sandbox refuses). A slow machine gives slower figures, never a failure; an Invoke-EcrCleanup that stops
    (throttled past its retries, say) is reported in the table as such, and a target not met as "not met".

    It builds nothing. Run ./build.ps1 Build first: it uses the module at out/EcrCleanup and the sandbox at
    tests/EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll.

    For each scenario:
    1. New-LargeScenario.ps1 writes the account: -ImageCount images, the production stack and StackCount-1
       pull-request stacks (each with an open pull request), -FunctionsPerStack container-image functions per
       stack, 30 production deployments, -ClusterCount ECS clusters of -ServicesPerCluster services with
       -TasksPerService running tasks each; see that script.
    2. The sandbox starts with it, its tiered compilation off (it stands in for AWS, whose work is not done on
       this machine: compiled fully at once, it does not recompile itself on the child's cores during the first
       runs). Each run first reloads it (POST /_sandbox/scenario: fresh state, call counts
       and rate buckets) and waits until the sandbox and this script are idle (a reload leaves GC and JIT work
       that would share the cores with the child), then starts a fresh `pwsh -NoProfile` (the pwsh running this
       script) that imports out/EcrCleanup and runs Invoke-EcrCleanup -WhatIf -Verbose against the sandbox, with
       only the sandbox's AWS and GitHub variables set (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name an
       empty file, so no profile of this machine counts).
       Measured: the wall time of the child process (pwsh start and exit included); inside the child, a Stopwatch
       around Import-Module + Invoke-EcrCleanup ("module") and one around Invoke-EcrCleanup alone ("Invoke"); the
       child's peak working set and CPU time, printed at its end; the sandbox's CPU time while the child ran
       (the share of the cores the stand-in for AWS took); the calls per operation (GET /_sandbox/calls; a throttled
       attempt counts too); and the throttled answers: the module's verbose lines "<Service> <Operation> (...)
       answered <code>; retrying in ..." with a throttling code, collected as they come and counted after the
       Stopwatch stops. A throttled last attempt has no such line: the run then fails, and is shown as failed.
       Also "read": the report's ReadDuration, the part of Invoke the module spent reading the sources (what the
       bound bounds; the rest is deciding, a "What if" line per image and the report). Then, on the scenario loaded
       afresh, a second child runs Invoke-EcrCleanup twice and times the second: "warm", what a session or a script
       that has already run a command of the module sees (the first run of a process compiles the code it runs).
    3. One warm-up run (not counted: the first run pays disk cache and the sandbox's JIT), then -Repeat runs. The
       table shows the median of each time and of the peak working set, and the calls of the median run.

    The lower bound is computed from the scenario, not from the calls made:
    (a) the longest chain of dependent calls x latencyMs. The sources are read at the same time, so the chain is
        the longest of: ECR (DescribeRepositories, then ceil(images / 1000) DescribeImages pages, then one
        BatchGetImage level if the repository has image indexes or referrers); CloudFormation (ceil(live stacks
        / 100) ListStacks pages, then ListStackResources pages of 100 resources down the deepest stack tree);
        Lambda (ceil(versions listed / 50) ListFunctions pages, each function's $LATEST and published versions,
        then one GetFunction level when the repository is MUTABLE); GitHub (ceil(open pull requests / 100)
        pages, then one level of per-pull-request commits); ECS (ceil(clusters / 100) ListClusters pages, then in
        the deepest cluster ListServices pages and one DescribeServices level, plus a DescribeTaskDefinition level
        if a service's task definition runs in no task, or ListTasks pages and one DescribeTasks level). Each
        stack's GetTemplate is asked with its ListStackResources, so it adds calls, not depth. Plus what needs the
        read first: one page of production history.
    (b) each quota-bound call count / its quota, which AWS applies whether or not the sandbox enforces it:
        ListFunctions pages / 15 per second (Lambda's control-plane quota), GetFunction calls / 100 per second
        (the GetFunction calls are the number the sandbox counted, not derived from the scenario), and, with
        -CloudFormationRate, the CloudFormation calls the scenario needs (ListStacks pages + ListStackResources
        pages + a GetTemplate per stack) / that rate; and for each ECS action group (service read: ListServices,
        DescribeServices; cluster resource read: ListTasks, DescribeTasks; task definition read) its calls beyond
        the bucket's documented burst (100, 100, 50) / its documented refill (20 per second).
    The bound is the largest of (a) and the terms of (b); the table gives read / bound and Invoke / bound, cold and
    warm. The targets' "module time" is the read, cold: the first Invoke-EcrCleanup of a fresh process.

    Presets (-Scenario; explicit size parameters override a preset's):
      A          5,000 images, 61 stacks x 3 functions, 2 ECS clusters x 10 services x 2 tasks, 30 ms, no rate limits.
                 Target: wall <= 3.0 s (pwsh start included) and read <= 1.5 x bound.
      B          20,000 images, 400 stacks x 4 functions, 10 ECS clusters x 40 services x 3 tasks, 30 ms,
                 -LambdaQuotas. (ECS's quotas are token buckets per action group with bursts of 50 and 100, which the
                 sandbox's per-operation buckets of one second's worth cannot model: the module paces ECS itself,
                 and the bound counts ECS's documented buckets.)
                 Target: read <= 1.5 x bound and peak working set <= 400 MB.
      C          A with CloudFormation at 5 calls/s. Target: completes (no call failed for good) and
                 Invoke <= 1.5 x (CloudFormation calls / 5 per second).
      A-mutable  A with a MUTABLE repository. Target: read <= 1.5 x bound.
    The repository is IMMUTABLE by default: in an immutable repository a tag never moves, so the digest that
    ListFunctions reports for each version (CodeSha256) says all there is to know. In a MUTABLE one a function's
    $LATEST names a tag that can have moved since it was deployed, so the module must ask GetFunction for each
    function to learn the tag it names: A-mutable shows what that costs (GetFunction at Lambda's 100/s quota).

    A full run (-Scenario All, -Repeat 3) takes a few minutes on 2 cores; B is the long one.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Build
    dotnet pwsh tests/perf/Measure-Cleanup.ps1 -MarkdownPath results.md

.EXAMPLE
    dotnet pwsh tests/perf/Measure-Cleanup.ps1 -Scenario A -ImageCount 10000 -LatencyMs 60 -Repeat 5
#>
[CmdletBinding()]
param(
    # The presets to run: A, B, C, A-mutable, or All (comma-separated works with -File too).
    [string[]] $Scenario = @('All'),
    [ValidateRange(1, 1000000)] [int] $ImageCount,
    # The production stack plus StackCount-1 pull-request stacks.
    [ValidateRange(1, 10000)] [int] $StackCount,
    [ValidateRange(1, 90)] [int] $FunctionsPerStack,
    # Published versions per function (each listed by ListFunctions; the presets have none).
    [ValidateRange(0, 20)] [int] $VersionsPerFunction,
    # Milliseconds the sandbox adds before every AWS and GitHub reply.
    [ValidateRange(0, 10000)] [int] $LatencyMs,
    # The sandbox enforces Lambda's documented quotas: lambda:GetFunction 100/s, lambda:* 15/s.
    [switch] $LambdaQuotas,
    # Requests per second the sandbox allows cloudformation:*; 0 for no limit.
    [ValidateRange(0, 10000)] [double] $CloudFormationRate,
    # ECS: clusters, services per cluster, running tasks per service.
    [ValidateRange(0, 1000)] [int] $ClusterCount,
    [ValidateRange(1, 5000)] [int] $ServicesPerCluster,
    [ValidateRange(0, 1000)] [int] $TasksPerService,
    # The repository's tagMutability (default of the presets but A-mutable: IMMUTABLE; see the description).
    [ValidateSet('MUTABLE', 'IMMUTABLE')] [string] $TagMutability,
    # Measured runs per scenario, after one warm-up run.
    [ValidateRange(1, 100)] [int] $Repeat = 3,
    # A child that runs longer than this is stopped and reported as failed.
    [ValidateRange(10, 7200)] [int] $TimeoutSeconds = 900,
    # Also writes the results (Markdown) to this file.
    [string] $MarkdownPath,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/EcrCleanup'),
    [string] $SandboxDll = (Join-Path $PSScriptRoot '../EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$presets = [ordered]@{
    'A'         = @{ ImageCount = 5000; StackCount = 61; FunctionsPerStack = 3; LatencyMs = 30; LambdaQuotas = $false; CloudFormationRate = 0; TagMutability = 'IMMUTABLE'
        ClusterCount = 2; ServicesPerCluster = 10; TasksPerService = 2
        Target = 'wall ≤ 3.0 s, read ≤ 1.5 × bound'; Met = { param($r) $r.Wall -le 3.0 -and $r.ReadRatio -le 1.5 } }
    'B'         = @{ ImageCount = 20000; StackCount = 400; FunctionsPerStack = 4; LatencyMs = 30; LambdaQuotas = $true; CloudFormationRate = 0; TagMutability = 'IMMUTABLE'
        ClusterCount = 10; ServicesPerCluster = 40; TasksPerService = 3
        Target = 'read ≤ 1.5 × bound, peak WS ≤ 400 MB'; Met = { param($r) $r.ReadRatio -le 1.5 -and $r.PeakMB -le 400 } }
    'C'         = @{ ImageCount = 5000; StackCount = 61; FunctionsPerStack = 3; LatencyMs = 30; LambdaQuotas = $false; CloudFormationRate = 5; TagMutability = 'IMMUTABLE'
        ClusterCount = 2; ServicesPerCluster = 10; TasksPerService = 2
        Target = 'completes, Invoke ≤ 1.5 × (CloudFormation calls ÷ 5/s)'; Met = { param($r) $r.Invoke -le 1.5 * $r.Bound.CloudFormationSeconds } }
    'A-mutable' = @{ ImageCount = 5000; StackCount = 61; FunctionsPerStack = 3; LatencyMs = 30; LambdaQuotas = $false; CloudFormationRate = 0; TagMutability = 'MUTABLE'
        ClusterCount = 2; ServicesPerCluster = 10; TasksPerService = 2
        Target = 'read ≤ 1.5 × bound'; Met = { param($r) $r.ReadRatio -le 1.5 } }
}
$names = @($Scenario -split ',' | ForEach-Object Trim | Where-Object { $_ })
if ($names -contains 'All') { $names = @($presets.Keys) }
foreach ($name in $names) { if (-not $presets.Contains($name)) { throw "Unknown -Scenario '$name': use A, B, C, A-mutable or All." } }
$sizeParameters = 'ImageCount', 'StackCount', 'FunctionsPerStack', 'VersionsPerFunction', 'LatencyMs', 'LambdaQuotas', 'CloudFormationRate', 'TagMutability', 'ClusterCount', 'ServicesPerCluster', 'TasksPerService'
$overrides = @{}
foreach ($key in $sizeParameters) { if ($PSBoundParameters.ContainsKey($key)) { $overrides[$key] = $PSBoundParameters[$key] -is [switch] ? $PSBoundParameters[$key].IsPresent : $PSBoundParameters[$key] } }

$root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$ModulePath = [IO.Path]::GetFullPath($ModulePath)
$SandboxDll = [IO.Path]::GetFullPath($SandboxDll)
if (-not (Test-Path (Join-Path $ModulePath 'EcrCleanup.psd1'))) { throw "The module is not built at '$ModulePath': run 'dotnet pwsh ./build.ps1 Build' first." }
if (-not (Test-Path $SandboxDll)) { throw "The sandbox is not built at '$SandboxDll': run 'dotnet pwsh ./build.ps1 Build' first." }
Import-Module (Join-Path $PSScriptRoot '../pester/Sandbox.psm1') -Force

# The pwsh running this script: `dotnet pwsh` runs pwsh.dll in dotnet, so the child is `dotnet <pwsh.dll>` then.
$pwsh = [Environment]::ProcessPath
$pwshArguments = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }

$work = Join-Path ([IO.Path]::GetTempPath()) "ecr-perf-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
New-Item -ItemType Directory -Path $work | Out-Null
$emptyAwsConfig = Join-Path $work 'aws-config'
New-Item -ItemType File -Path $emptyAwsConfig | Out-Null
$childScript = Join-Path $work 'child.ps1'
Set-Content -LiteralPath $childScript -Encoding utf8NoBOM -Value @'
param([string] $ModulePath, [string] $RepositoryName, [switch] $Warm)
$ErrorActionPreference = 'Stop'
$result = [ordered]@{ StartSeconds = ([DateTime]::Now - [Diagnostics.Process]::GetCurrentProcess().StartTime).TotalSeconds }
$records = [System.Collections.Generic.List[object]]::new()
try {
    $module = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $ModulePath
    $invoke = [Diagnostics.Stopwatch]::StartNew()
    Invoke-EcrCleanup -WhatIf -RepositoryName $RepositoryName -ProductionStackName HelpmatonProduction -PullRequestStackPrefix HelpmatonStagingPR -GitHubRepository djinilabs/helpmaton -Verbose 4>&1 |
        ForEach-Object { $records.Add($_) }
    $invoke.Stop(); $module.Stop()
    $result.ModuleSeconds = $module.Elapsed.TotalSeconds
    $result.InvokeSeconds = $invoke.Elapsed.TotalSeconds
    $result.ReadSeconds = ($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Select-Object -Last 1).ReadDuration.TotalSeconds
    if ($Warm) {
        # Once more in the same process: what a session, or a script that already ran a command of the module, sees.
        $warmRun = [Diagnostics.Stopwatch]::StartNew()
        $warmReport = Invoke-EcrCleanup -WhatIf -RepositoryName $RepositoryName -ProductionStackName HelpmatonProduction -PullRequestStackPrefix HelpmatonStagingPR -GitHubRepository djinilabs/helpmaton
        $warmRun.Stop()
        $result.WarmInvokeSeconds = $warmRun.Elapsed.TotalSeconds
        $result.WarmReadSeconds = $warmReport.ReadDuration.TotalSeconds
    }
}
catch { $result.Error = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
# Retries, from the verbose lines "<Service> <Operation> (...) answered <why>; retrying in ...", also when the run failed.
$throttled = [ordered]@{}; $retries = 0
foreach ($record in $records) {
    if ($record -isnot [System.Management.Automation.VerboseRecord]) { $report = $record; continue }
    if ($record.Message -notmatch '^(?<service>\S+) \S+.* answered (?<why>.+); retrying in ') { continue }
    $retries++
    $service = $Matches.service
    if ($Matches.why -match 'Throttl|TooManyRequests|Rate exceeded|RequestLimitExceeded|SlowDown|429|403') { $throttled[$service] = 1 + ($throttled[$service] ?? 0) }
}
$result.Throttled = $throttled; $result.Retries = $retries
if (-not $result.Contains('Error')) {
    $result.Report = [ordered]@{ Images = $report.TotalImages; Kept = $report.Kept; Candidates = $report.Candidates; Warnings = @($report.Warnings); Calls = $report.Calls }
}
$result.PeakWorkingSet = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
$result.CpuSeconds = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds
$result.EndSeconds = ([DateTime]::Now - [Diagnostics.Process]::GetCurrentProcess().StartTime).TotalSeconds
'ECR-BENCH ' + ($result | ConvertTo-Json -Compress -Depth 5)
'@

# Variables that would change what the child does: only the sandbox's are set (Sandbox.psm1's list and the module's own).
$cleared = 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_ENDPOINT_URL_ECR',
'AWS_ENDPOINT_URL_CLOUDFORMATION', 'AWS_ENDPOINT_URL_LAMBDA', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'ECR_REPOSITORY_NAME',
'PRODUCTION_STACK_NAME', 'PR_STACK_PREFIX', 'PRODUCTION_IMAGE_RETENTION_COUNT', 'MIN_IMAGE_AGE_HOURS', 'DRY_RUN', 'GITHUB_STEP_SUMMARY'

# After a reload the sandbox (and this process) go on working for a moment (GC, JIT) on cores the child needs: wait until
# both use under a tenth of a core, at most 5 s.
function Wait-Quiet([Diagnostics.Process] $sandboxProcess) {
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    do {
        $sandboxProcess.Refresh(); $self.Refresh(); $before = $sandboxProcess.TotalProcessorTime + $self.TotalProcessorTime
        Start-Sleep -Milliseconds 200
        $sandboxProcess.Refresh(); $self.Refresh(); $busy = ($sandboxProcess.TotalProcessorTime + $self.TotalProcessorTime - $before).TotalMilliseconds
    } while ($busy -gt 20 -and [DateTime]::UtcNow -lt $deadline)
}

# One child process on a freshly loaded scenario; -Warm: it runs Invoke-EcrCleanup twice and times the second too.
function Start-Child($sandbox, [string] $scenarioJson, [string] $repository, [switch] $Warm) {
    Invoke-RestMethod -Method Post -Uri "$($sandbox.Url)/_sandbox/scenario" -ContentType 'application/json' -Body $scenarioJson | Out-Null
    Wait-Quiet $sandbox.Process
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($argument in @($pwshArguments) + @('-NoProfile', '-NonInteractive', '-File', $childScript, '-ModulePath', $ModulePath, '-RepositoryName', $repository) + @(if ($Warm) { '-Warm' })) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false; $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true
    foreach ($name in $cleared) { $null = $start.Environment.Remove($name) }
    $variables = @{
        AWS_ENDPOINT_URL = $sandbox.Url; AWS_ACCESS_KEY_ID = $sandbox.AccessKeyId; AWS_SECRET_ACCESS_KEY = $sandbox.SecretKey; AWS_REGION = $sandbox.Region
        AWS_EC2_METADATA_DISABLED = 'true'; AWS_CONFIG_FILE = $emptyAwsConfig; AWS_SHARED_CREDENTIALS_FILE = $emptyAwsConfig
        GITHUB_API_URL = $sandbox.Url; GITHUB_TOKEN = $sandbox.GitHubToken; GITHUB_REPOSITORY = 'djinilabs/helpmaton'
    }
    foreach ($entry in $variables.GetEnumerator()) { $start.Environment[$entry.Key] = $entry.Value }

    $sandbox.Process.Refresh(); $sandboxCpu = $sandbox.Process.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $timedOut = -not $process.WaitForExit($TimeoutSeconds * 1000)
    if ($timedOut) { $process.Kill($true) }
    $process.WaitForExit(); $clock.Stop()

    $line = ($stdout.Result -split "`r?`n" | Where-Object { $_.StartsWith('ECR-BENCH ') } | Select-Object -Last 1)
    $child = if ($line) { $line.Substring(10) | ConvertFrom-Json -AsHashtable } else { @{} }
    $child.Wall = $clock.Elapsed.TotalSeconds
    $sandbox.Process.Refresh(); $child.SandboxCpu = ($sandbox.Process.TotalProcessorTime - $sandboxCpu).TotalSeconds
    $child.Failure = if ($timedOut) { "timed out after $TimeoutSeconds s" }
    elseif ($child.Contains('Error')) { $child.Error }
    elseif (-not $line) { "the child printed no result (exit code $($process.ExitCode)): $(($stderr.Result.Trim() -split "`n" | Select-Object -First 3) -join ' ')" }
    $process.Dispose()
    $child
}

# A cold run (wall time, calls) in a fresh process, then a warm one in another.
function Invoke-Run($sandbox, [string] $scenarioJson, [string] $repository) {
    $child = Start-Child $sandbox $scenarioJson $repository
    $calls = [ordered]@{}
    foreach ($property in (Invoke-RestMethod -Uri "$($sandbox.Url)/_sandbox/calls").PSObject.Properties | Sort-Object Name) { $calls[$property.Name] = [int]$property.Value }
    $warm = if (-not $child.Failure) { Start-Child $sandbox $scenarioJson $repository -Warm } else { @{} }
    [pscustomobject]@{
        Wall       = $child.Wall
        Start      = $child['StartSeconds']
        End        = $child['EndSeconds']
        Module     = $child['ModuleSeconds']
        Invoke     = $child['InvokeSeconds']
        Read       = $child['ReadSeconds']
        WarmInvoke = $warm['WarmInvokeSeconds']
        WarmRead   = $warm['WarmReadSeconds']
        PeakMB     = if ($child.Contains('PeakWorkingSet')) { $child.PeakWorkingSet / 1MB }
        Cpu        = $child['CpuSeconds']
        SandboxCpu = $child.SandboxCpu
        Throttled  = $child['Throttled']
        Retries    = $child['Retries']
        Report     = $child['Report']
        Calls      = $calls
        Failure    = $child.Failure ?? $warm['Failure']
    }
}

# The lower bound of module time, from the scenario (see the description); GetFunction is the number counted.
function Get-Bound($scenario, [int] $getFunctionCalls) {
    $latency = $scenario.latencyMs / 1000.0
    $repository = $scenario.repositories[0]
    $images = $repository.images
    $references = @($images | Where-Object { $_.Contains('children') -or $_.Contains('subject') }).Count -gt 0
    $ecr = 1 + [Math]::Max(1, [Math]::Ceiling($images.Count / 1000)) + [int]$references

    $live = @{}
    foreach ($stack in $scenario.stacks) { if ($stack.status -ne 'DELETE_COMPLETE') { $live[$stack.name] = $stack } }
    $nested = @{}
    foreach ($stack in $live.Values) { foreach ($r in $stack.resources) { if ($r.type -eq 'AWS::CloudFormation::Stack' -and $live.ContainsKey($r.physicalId)) { $nested[$r.physicalId] = $true } } }
    function Tree($stack) {
        $pages = [Math]::Max(1, [Math]::Ceiling(@($stack.resources).Count / 100))
        $depth = 0; $total = $pages + 1   # and its template, asked at the same time
        foreach ($r in $stack.resources) {
            if ($r.type -eq 'AWS::CloudFormation::Stack' -and $live.ContainsKey($r.physicalId)) { $child = Tree $live[$r.physicalId]; $depth = [Math]::Max($depth, $child[0]); $total += $child[1] }
        }
        , @(($pages + $depth), $total)
    }
    $listPages = [Math]::Max(1, [Math]::Ceiling($live.Count / 100))
    $cfnDepth = 0; $cfnCalls = $listPages
    foreach ($stack in $live.Values) {
        if ($nested.ContainsKey($stack.name) -or -not ($stack.name -eq 'HelpmatonProduction' -or $stack.name.StartsWith('HelpmatonStagingPR'))) { continue }
        $tree = Tree $stack; $cfnDepth = [Math]::Max($cfnDepth, $tree[0]); $cfnCalls += $tree[1]
    }
    $cfn = $listPages + $cfnDepth

    $mutable = -not $repository.Contains('tagMutability') -or $repository.tagMutability -like 'MUTABLE*'
    $listed = ($scenario.functions | ForEach-Object { 1 + $(if ($_.Contains('versions')) { @($_.versions).Count } else { 0 }) } | Measure-Object -Sum).Sum ?? 0
    $listFunctionsPages = [Math]::Max(1, [Math]::Ceiling($listed / 50))
    $lambda = $listFunctionsPages + [int]$mutable
    $open = @($scenario.github.pullRequests | Where-Object { $_.state -eq 'open' }).Count
    $github = [Math]::Max(1, [Math]::Ceiling($open / 100)) + [int]($open -gt 0)

    # ECS: clusters listed, then in each its services and tasks listed and described; a task definition no task
    # runs is described after. Each action group's calls beyond its documented burst wait for its refill.
    $clusters = if ($scenario.Contains('ecs')) { @($scenario.ecs.clusters) } else { @() }
    $clusterPages = [Math]::Max(1, [Math]::Ceiling($clusters.Count / 100))
    $ecsChain = 0; $serviceCalls = 0; $taskCalls = 0; $unrun = 0
    foreach ($cluster in $clusters) {
        $services = @($cluster.services).Count; $tasks = @($cluster.tasks).Count
        $run = @{}; foreach ($task in $cluster.tasks) { $run[$task.taskDefinition] = $true }
        $notRun = @($cluster.services | Where-Object { -not $run.ContainsKey($_.taskDefinition) }).Count
        $unrun += $notRun
        $servicePages = [Math]::Max(1, [Math]::Ceiling($services / 100)); $taskPages = [Math]::Max(1, [Math]::Ceiling($tasks / 100))
        $serviceCalls += $servicePages + [Math]::Ceiling($services / 10); $taskCalls += $taskPages + [Math]::Ceiling($tasks / 100)
        $ecsChain = [Math]::Max($ecsChain, [Math]::Max($servicePages + [int]($services -gt 0) + [int]($notRun -gt 0), $taskPages + [int]($tasks -gt 0)))
    }
    $ecs = $clusterPages + $ecsChain

    $chains = [ordered]@{ ECR = $ecr; CloudFormation = $cfn; Lambda = $lambda; GitHub = $github; ECS = $ecs }
    $longest = $chains.GetEnumerator() | Sort-Object Value -Descending | Select-Object -First 1
    $chainSeconds = ($longest.Value + 1) * $latency
    $terms = [ordered]@{ "chain: $($longest.Key) $($longest.Value) + history 1 = $($longest.Value + 1) calls × $($scenario.latencyMs) ms" = $chainSeconds
        "Lambda ListFunctions $listFunctionsPages ÷ 15/s" = $listFunctionsPages / 15.0
        "Lambda GetFunction $getFunctionCalls (counted) ÷ 100/s" = $getFunctionCalls / 100.0 }
    $cfnRate = if ($scenario.rateLimits.Contains('cloudformation:*')) { [double]$scenario.rateLimits['cloudformation:*'] } else { 0 }
    if ($cfnRate -gt 0) { $terms["CloudFormation $cfnCalls ÷ $cfnRate/s"] = $cfnCalls / $cfnRate }
    # ECS's documented buckets (burst, sustained): service read 100, 20; cluster resource read 100, 20; task definition read 50, 20.
    foreach ($group in @(@('ECS service read', $serviceCalls, 100), @('ECS cluster resource read', $taskCalls, 100), @('ECS task definition read', $unrun, 50))) {
        if ($group[1] -gt $group[2]) { $terms["$($group[0]) ($($group[1]) - burst $($group[2])) ÷ 20/s"] = ($group[1] - $group[2]) / 20.0 }
    }
    $binding = $terms.GetEnumerator() | Sort-Object Value -Descending | Select-Object -First 1
    [pscustomobject]@{
        Seconds = $binding.Value; By = $binding.Key; ChainSeconds = $chainSeconds; Chains = $chains
        CloudFormationCalls = $cfnCalls; CloudFormationSeconds = if ($cfnRate -gt 0) { $cfnCalls / $cfnRate } else { $null }
    }
}

function Seconds($value) { if ($null -eq $value) { '–' } else { '{0:0.00}' -f $value } }

# A failure, short enough for a table cell: the error id without its command, stack ARNs as names, at most 200 characters.
function Format-Failure([string] $text) {
    $text = $text -replace '^([^,:]+),[^:]+:', '$1:' -replace '\S+ could not answer, so the protected set would be incomplete and nothing is decided\. ' -replace 'arn:aws:cloudformation:[^/]+/([^/]+)/[^'' ]+', '$1' -replace '\|', '/'
    if ($text.Length -gt 200) { $text.Substring(0, 199) + '…' } else { $text }
}

function Get-Median([double[]] $values) {
    if ($values.Count -eq 0) { return $null }
    $sorted = @($values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][Math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

# Compact calls: AWS operations by their capitals (ListStackResources: LSR), GitHub's as the sandbox names them.
function Format-Calls($calls) {
    $groups = [ordered]@{ ECR = $null; CFN = $null; 'λ' = $null; ECS = $null; Batch = $null; AR = $null; GH = $null }
    foreach ($entry in $calls.GetEnumerator()) {
        $service, $operation = $entry.Key -split ':', 2
        $short = if ($service -eq 'github') { $operation } else { -join ($operation.ToCharArray() | Where-Object { [char]::IsUpper($_) }) }
        $label = @{ ecr = 'ECR'; cloudformation = 'CFN'; lambda = 'λ'; ecs = 'ECS'; batch = 'Batch'; apprunner = 'AR'; github = 'GH' }[$service] ?? $service
        if ($null -eq $groups[$label]) { $groups[$label] = [System.Collections.Generic.List[string]]::new() }
        $groups[$label].Add("$short $($entry.Value)")
    }
    (($groups.GetEnumerator() | Where-Object Value | ForEach-Object { "$($_.Key) $($_.Value -join ', ')" }) -join '; ') + "; total $(($calls.Values | Measure-Object -Sum).Sum)"
}

$commit = (git -C $root rev-parse --short HEAD 2>$null) ?? 'unknown'
if ($commit -ne 'unknown' -and (git -C $root status --porcelain 2>$null)) { $commit += ' with uncommitted changes' }
$machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), .NET $([Environment]::Version), PowerShell $($PSVersionTable.PSVersion)"
# Other work on the machine slows every figure: the load average (Linux) is printed at the start and at the end.
function Get-Load { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { '?' } }
$loadBefore = Get-Load
Write-Host "Measure-Cleanup: $($names -join ', '); $Repeat runs each after 1 warm-up; commit $commit; $machine; load average $loadBefore"

$rows = [System.Collections.Generic.List[object]]::new()
$total = [Diagnostics.Stopwatch]::StartNew()
try {
    foreach ($name in $names) {
        $preset = $presets[$name]
        $sizes = @{ VersionsPerFunction = 0 }
        foreach ($key in $sizeParameters) { if ($preset.ContainsKey($key)) { $sizes[$key] = $preset[$key] } }
        foreach ($entry in $overrides.GetEnumerator()) { $sizes[$entry.Key] = $entry.Value }
        $label = if ($overrides.Count) { "$name (custom)" } else { $name }
        $path = Join-Path $work "$name.json"
        $info = & (Join-Path $PSScriptRoot 'New-LargeScenario.ps1') -OutputPath $path -ImageCount $sizes.ImageCount -StackCount $sizes.StackCount `
            -FunctionsPerStack $sizes.FunctionsPerStack -VersionsPerFunction $sizes.VersionsPerFunction -LatencyMs $sizes.LatencyMs `
            -LambdaQuotas:$sizes.LambdaQuotas -CloudFormationRate $sizes.CloudFormationRate -TagMutability $sizes.TagMutability `
            -ClusterCount $sizes.ClusterCount -ServicesPerCluster $sizes.ServicesPerCluster -TasksPerService $sizes.TasksPerService
        $json = Get-Content -LiteralPath $path -Raw
        $repository = $info.Scenario.repositories[0].name
        $sizeText = '{0:N0} images; {1} stacks × {2} functions{3}; ECS {8} × {9} × {10}; {4} ms; {5}{6}{7}' -f $info.Images, $info.Stacks, $sizes.FunctionsPerStack,
            $(if ($sizes.VersionsPerFunction) { " (+$($sizes.VersionsPerFunction) versions)" }), $sizes.LatencyMs, $sizes.TagMutability,
            $(if ($sizes.LambdaQuotas) { '; Lambda quotas' }), $(if ($sizes.CloudFormationRate -gt 0) { "; CloudFormation $($sizes.CloudFormationRate)/s" }),
            $sizes.ClusterCount, $sizes.ServicesPerCluster, $sizes.TasksPerService
        Write-Host "== ${label}: $sizeText"

        # The sandbox stands in for AWS, whose work is not done on this machine: it compiles its code fully optimized at
        # once, so that measured runs do not share the cores with it recompiling itself (tiered compilation) for the
        # first few runs; what it still takes, it takes answering, and the table says how much.
        $tiered = $env:DOTNET_TieredCompilation
        $env:DOTNET_TieredCompilation = '0'
        try { $sandbox = Start-EcrSandbox -ScenarioPath $path -SandboxDll $SandboxDll -NoEnvironment }
        finally { $env:DOTNET_TieredCompilation = $tiered }
        $runs = [System.Collections.Generic.List[object]]::new()
        try {
            for ($i = 0; $i -le $Repeat; $i++) {
                $run = Invoke-Run $sandbox $json $repository
                $what = if ($i -eq 0) { 'warm-up' } else { "run $i/$Repeat" }
                $summary = if ($run.Failure) { "FAILED: $($run.Failure)" } else {
                    '{0:0.00} s wall (pwsh start {8:0.00} s, end of script {9:0.00} s), {1:0.00} s module, {2:0.00} s Invoke (reading {10:0.00} s; warm {11:0.00} s, reading {12:0.00} s), {3:0} MB peak, CPU {13:0.00} s (sandbox {14:0.00} s), {4} calls, {5} retries; {6:N0} images, {7:N0} would be deleted' -f $run.Wall, $run.Module, $run.Invoke, $run.PeakMB,
                    ($run.Calls.Values | Measure-Object -Sum).Sum, $run.Retries, $run.Report.Images, $run.Report.Candidates, $run.Start, $run.End, $run.Read, $run.WarmInvoke, $run.WarmRead, $run.Cpu, $run.SandboxCpu
                }
                Write-Host "   ${what}: $summary"
                if ($i -gt 0) { $runs.Add($run) }
            }
        }
        finally { Stop-EcrSandbox $sandbox }

        $ok = @($runs | Where-Object { -not $_.Failure })
        $median = if ($ok) { @($ok | Sort-Object Invoke)[[int][Math]::Floor(($ok.Count - 1) / 2)] } else { $runs[-1] }
        $bound = Get-Bound $info.Scenario ($median.Calls['lambda:GetFunction'] ?? 0)
        $result = [pscustomobject]@{
            Wall   = Get-Median @($ok | ForEach-Object Wall)
            Module = Get-Median @($ok | ForEach-Object Module)
            Invoke = Get-Median @($ok | ForEach-Object Invoke)
            Read   = Get-Median @($ok | ForEach-Object Read)
            WarmInvoke = Get-Median @($ok | ForEach-Object WarmInvoke)
            WarmRead = Get-Median @($ok | ForEach-Object WarmRead)
            PeakMB = Get-Median @($ok | ForEach-Object PeakMB)
            Cpu    = Get-Median @($ok | ForEach-Object Cpu)
            SandboxCpu = Get-Median @($ok | ForEach-Object SandboxCpu)
            Bound  = $bound
            Ratio  = $null
            ReadRatio = $null
        }
        if ($ok) { $result.Ratio = $result.Invoke / $bound.Seconds; $result.ReadRatio = $result.Read / $bound.Seconds }
        $throttled = @($runs | ForEach-Object { if ($_.Throttled) { [int]($_.Throttled.Values | Measure-Object -Sum).Sum } else { 0 } } | Sort-Object)
        $medianThrottled = if ($median.Throttled) { [int]($median.Throttled.Values | Measure-Object -Sum).Sum } else { 0 }
        $throttledText = "$medianThrottled" + $(if ($medianThrottled) { ' (' + (($median.Throttled.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ') + ')' }) +
            $(if ($throttled[0] -ne $throttled[-1]) { "; runs $($throttled[0])–$($throttled[-1])" })
        $failed = @($runs | Where-Object Failure)
        $met = if ($failed) { "not met: $($failed.Count) of $($runs.Count) failed ($(Format-Failure $failed[0].Failure))" } elseif (& $preset.Met $result) { 'met' } else { 'not met' }
        $rows.Add([pscustomobject][ordered]@{
                'Scenario'            = $label
                'Sizes'               = $sizeText
                'Wall (s)'            = Seconds $result.Wall
                'Module (s)'          = Seconds $result.Module
                'Invoke cold / warm (s)' = "$(Seconds $result.Invoke) / $(Seconds $result.WarmInvoke)"
                'Read cold / warm (s)' = "$(Seconds $result.Read) / $(Seconds $result.WarmRead)"
                'Bound (s), by'       = ('{0:0.00}: {1}{2}' -f $bound.Seconds, $bound.By, $(if ($bound.By -notlike 'chain*') { '; chain {0:0.00}' -f $bound.ChainSeconds }))
                'Read ÷ bound, cold / warm' = if ($ok) { '{0:0.0} / {1:0.0}' -f @($result.ReadRatio, ($result.WarmRead / $bound.Seconds)) } else { '–' }
                'Invoke ÷ bound, cold / warm' = if ($ok) { '{0:0.0} / {1:0.0}' -f @($result.Ratio, ($result.WarmInvoke / $bound.Seconds)) } else { '–' }
                'Peak WS (MB)'        = if ($ok) { '{0:0}' -f $result.PeakMB } else { '–' }
                'CPU: pwsh / sandbox (s)' = if ($ok) { "$(Seconds $result.Cpu) / $(Seconds $result.SandboxCpu)" } else { '–' }
                'Calls per operation' = Format-Calls $median.Calls
                'Throttled answers'   = $throttledText
                'Target'              = $preset.Target
                'Result'              = $met
            })
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

$columns = $rows[0].PSObject.Properties.Name
$markdown = @(
    "Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd')) at commit $commit; $machine. Median of $Repeat runs after 1 warm-up; load average $loadBefore at the start, $(Get-Load) at the end."
    ''
    '| ' + ($columns -join ' | ') + ' |'
    '|' + (($columns | ForEach-Object { ' --- ' }) -join '|') + '|'
    foreach ($row in $rows) { '| ' + (($columns | ForEach-Object { "$($row.$_)" }) -join ' | ') + ' |' }
    ''
    'Calls: ECR DR DescribeRepositories, DI DescribeImages, BGI BatchGetImage, GLP GetLifecyclePolicy; CFN DS DescribeStacks, LS ListStacks, LSR ListStackResources, GT GetTemplate; λ LF ListFunctions, GF GetFunction; ECS LC ListClusters, LS ListServices, DS DescribeServices, LT ListTasks, DT DescribeTasks, DTD DescribeTaskDefinition, LTD ListTaskDefinitions; GH as the sandbox counts them. Calls and throttled answers are those of the median run (the run with the median Invoke time), with the range over all runs when it varied. Times and peak working set: the median of each.'
) -join "`n"
Write-Host ''
Write-Host $markdown
if ($MarkdownPath) { Set-Content -LiteralPath $MarkdownPath -Value $markdown -Encoding utf8NoBOM }
Write-Host ("Total {0:0} s" -f $total.Elapsed.TotalSeconds)
