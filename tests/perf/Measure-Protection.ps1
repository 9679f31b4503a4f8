#Requires -Version 7.4
<#
.SYNOPSIS
    Measures how Get-ProtectedImage reads the protected set of a large account: wall time, calls per operation,
    throttling and the request rate Lambda sees, at several -ThrottleLimit values.

.DESCRIPTION
    A benchmark, not a test: it prints figures and fails only when it cannot run (nothing built, a scenario the
    sandbox refuses). A slow machine gives slower figures, never a failure; a Get-ProtectedImage that stops
    (throttled past its retries, say) is reported in the table as such.

    It builds nothing. Run ./build.ps1 Build first: it uses the module at out/EcrCleanup and the sandbox at
    tests/EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll.

    1. Writes the large scenario with New-LargeScenario.ps1 (5,000 images, 235 stacks, 800 image functions with
       3,594 published versions, 150 open pull requests; see that script) twice: with a CloudFormation rate limit
       (-CloudFormationRate, 10/s: an assumption, no documented default was found) and without one; Lambda's
       documented quotas are in both. And a small scenario for warming up.
    2. Starts the sandbox (tests/pester/Sandbox.psm1), imports the module, and warms both up with one run on the
       small scenario, so that the first measured run does not pay for JIT compilation.
    3. Runs Get-ProtectedImage -RepositoryName app -ThrottleLimit N -Verbose for each N in three sets:
         1. CloudFormation limited, the module's default retries (AWS_MAX_ATTEMPTS unset: 3 attempts);
         2. CloudFormation limited, AWS_MAX_ATTEMPTS=-RetryMaxAttempts (N > 1 only);
         3. CloudFormation unlimited (what Lambda's quotas alone do).
       Before each run it reloads the scenario (POST /_sandbox/scenario: fresh state, call counts and rate-limit
       buckets); the verbose stream is captured and time-stamped as it arrives; after it, GET /_sandbox/calls.
       From the verbose lines it counts the retries ("... answered <code>; retrying in ...") and the attempts per
       second of GetFunction, ListFunctions and ListStackResources (the average between the first and the last,
       and the most in any 1-second window).
    4. Once more at -ThrottleLimit 8 without -Verbose, to show what writing ~6,000 verbose lines costs; its retries
       are inferred as its sandbox calls minus the first attempts of a verbose run on the same scenario.
    5. Prints the tables as Markdown (and writes them to -MarkdownPath if given).

    About 4 minutes on 2 cores with the defaults; -Scale 0.1 takes about 25 seconds.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Build
    dotnet pwsh tests/perf/Measure-Protection.ps1

.EXAMPLE
    dotnet pwsh tests/perf/Measure-Protection.ps1 -ThrottleLimit 8 -Scale 0.2 -LatencyMs 50 -NoUnlimitedCloudFormation
#>
[CmdletBinding()]
param(
    # The -ThrottleLimit values to run (comma-separated works with -File too: -ThrottleLimit 1,8,16).
    [string[]] $ThrottleLimit = @('1', '8', '16'),
    # Milliseconds the sandbox adds before every AWS and GitHub reply.
    [ValidateRange(0, 10000)] [int] $LatencyMs = 20,
    # Requests per second the sandbox allows CloudFormation (cloudformation:*) in the first two sets.
    [ValidateRange(1, 10000)] [double] $CloudFormationRate = 10,
    # AWS_MAX_ATTEMPTS for the second set (CloudFormation limited, more retries); 0 skips that set.
    [ValidateRange(0, 100)] [int] $RetryMaxAttempts = 10,
    # Skips the third set (CloudFormation unlimited, Lambda's quotas only).
    [switch] $NoUnlimitedCloudFormation,
    # Skips the run without -Verbose.
    [switch] $NoPlainRun,
    # Scales the scenario's counts (1.0: 5,000 images, 800 image functions, 150 open pull requests).
    [ValidateRange(0.01, 10)] [double] $Scale = 1.0,
    # Also writes the tables as Markdown to this file.
    [string] $MarkdownPath,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/EcrCleanup'),
    [string] $SandboxDll = (Join-Path $PSScriptRoot '../EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$limits = @($ThrottleLimit -split ',' | Where-Object { $_ } | ForEach-Object { [int]$_ })
if (-not $limits -or ($limits | Where-Object { $_ -lt 1 -or $_ -gt 64 })) { throw "-ThrottleLimit takes values from 1 to 64." }
$ModulePath = [IO.Path]::GetFullPath($ModulePath)
$SandboxDll = [IO.Path]::GetFullPath($SandboxDll)
if (-not (Test-Path (Join-Path $ModulePath 'EcrCleanup.psd1'))) { throw "The module is not built at '$ModulePath': run ./build.ps1 Build first." }
if (-not (Test-Path $SandboxDll)) { throw "The sandbox is not built at '$SandboxDll': run ./build.ps1 Build first." }

Import-Module (Join-Path $PSScriptRoot '../pester/Sandbox.psm1') -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "ecr-perf-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
New-Item -ItemType Directory -Path $work | Out-Null
$generator = Join-Path $PSScriptRoot 'New-LargeScenario.ps1'
$scenarioInfo = & $generator -OutputPath (Join-Path $work 'limited.json') -Scale $Scale -LatencyMs $LatencyMs -CloudFormationRate $CloudFormationRate
$unlimitedInfo = & $generator -OutputPath (Join-Path $work 'unlimited.json') -Scale $Scale -LatencyMs $LatencyMs -CloudFormationRate 0
& $generator -OutputPath (Join-Path $work 'warm-up.json') -Scale 0.02 -LatencyMs 0 -NoRateLimits | Out-Null
$scenarioJson = @{
    Limited   = Get-Content -LiteralPath (Join-Path $work 'limited.json') -Raw
    Unlimited = Get-Content -LiteralPath (Join-Path $work 'unlimited.json') -Raw
}

# What runs: three sets of -ThrottleLimit values, then one run without -Verbose.
$plan = [System.Collections.Generic.List[object]]::new()
function Add-Run([string] $set, [string] $scenario, [int] $limit, [int] $maxAttempts, [bool] $verbose) {
    $plan.Add([pscustomobject]@{ Run = $plan.Count + 1; Set = $set; Scenario = $scenario; ThrottleLimit = $limit; MaxAttempts = $maxAttempts; Verbose = $verbose })
}
$cfn = "CloudFormation $CloudFormationRate/s"
foreach ($limit in $limits) { Add-Run $cfn 'Limited' $limit 0 $true }
if ($RetryMaxAttempts -gt 0) { foreach ($limit in $limits | Where-Object { $_ -gt 1 }) { Add-Run "$cfn, AWS_MAX_ATTEMPTS=$RetryMaxAttempts" 'Limited' $limit $RetryMaxAttempts $true } }
if (-not $NoUnlimitedCloudFormation) {
    foreach ($limit in $limits) { Add-Run 'CloudFormation unlimited' 'Unlimited' $limit 0 $true }
    if (-not $NoPlainRun) { Add-Run 'CloudFormation unlimited, no -Verbose' 'Unlimited' 8 0 $false }
}
elseif (-not $NoPlainRun) { Add-Run "$cfn, no -Verbose" 'Limited' 8 0 $false }

Write-Host "Scenario: $($scenarioInfo.Images) images ($($scenarioInfo.UntaggedImages) untagged), $($scenarioInfo.Stacks) stacks, $($scenarioInfo.ImageFunctions) image functions ($($scenarioInfo.ImageFunctionsInStacks) in stacks) with $($scenarioInfo.PublishedVersions) published versions, $($scenarioInfo.ZipFunctions) Zip functions, $($scenarioInfo.OpenPullRequests) open pull requests ($($scenarioInfo.OpenPullRequestCommits) commits), $($scenarioInfo.ProductionDeployments) production deployments"
Write-Host "Sandbox: latencyMs $LatencyMs; rate limits $($scenarioInfo.RateLimits) (set 3: $($unlimitedInfo.RateLimits))"
Write-Host "Machine: $([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), .NET $([Environment]::Version), PowerShell $($PSVersionTable.PSVersion)"

$attemptLine = [regex]'^(?<service>ECR|CloudFormation|Lambda|GitHub) (?<operation>\S+)(?: \((?<resource>.*)\))?(?:, attempt (?<attempt>\d+))?$'
$retryLine = [regex]'^(?<service>ECR|CloudFormation|Lambda|GitHub) (?<operation>\S+)(?: \(.*\))? answered (?<reason>.+); retrying in '

# Attempts per second: the average between the first and the last attempt, and the most in any 1-second window.
function Get-Rate([double[]] $at) {
    if ($at.Count -lt 2) { return [pscustomobject]@{ Average = $null; Peak = $at.Count; Seconds = 0 } }
    [array]::Sort($at)
    $peak = 0; $start = 0
    for ($end = 0; $end -lt $at.Count; $end++) {
        while ($at[$end] - $at[$start] -ge 1.0) { $start++ }
        $peak = [Math]::Max($peak, $end - $start + 1)
    }
    $span = $at[-1] - $at[0]
    [pscustomobject]@{ Average = if ($span -gt 0) { ($at.Count - 1) / $span } else { $null }; Peak = $peak; Seconds = $span }
}

function Invoke-Measurement($step) {
    Invoke-RestMethod -Method Post -Uri "$($sandbox.Url)/_sandbox/scenario" -ContentType 'application/json' -Body $scenarioJson[$step.Scenario] | Out-Null
    $env:AWS_MAX_ATTEMPTS = if ($step.MaxAttempts -gt 0) { "$($step.MaxAttempts)" } else { $null }
    [GC]::Collect()
    $verbose = [System.Collections.Generic.List[object]]::new()
    $protected = [System.Collections.Generic.List[object]]::new()
    $failure = $null
    $warnings = @()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    try {
        if ($step.Verbose) {
            Get-ProtectedImage -RepositoryName app -ThrottleLimit $step.ThrottleLimit -Verbose -WarningAction SilentlyContinue -WarningVariable warnings 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add([pscustomobject]@{ At = $clock.Elapsed.TotalSeconds; Message = $_.Message }) }
                else { $protected.Add($_) }
            }
        }
        else {
            Get-ProtectedImage -RepositoryName app -ThrottleLimit $step.ThrottleLimit -WarningAction SilentlyContinue -WarningVariable warnings | ForEach-Object { $protected.Add($_) }
        }
    }
    catch { $failure = $_.Exception.Message }
    finally { $env:AWS_MAX_ATTEMPTS = $null }
    $clock.Stop()

    $calls = [ordered]@{}
    foreach ($property in (Invoke-SandboxAdmin -Sandbox $sandbox -Endpoint calls).PSObject.Properties | Sort-Object Name) { $calls[$property.Name] = [int]$property.Value }

    $retries = [ordered]@{}
    $attempts = @{}
    $moduleCalls = $null
    $maxAttempt = 1
    foreach ($line in $verbose) {
        if (($m = $retryLine.Match($line.Message)).Success) {
            $key = "$($m.Groups['service'].Value):$($m.Groups['operation'].Value) ($($m.Groups['reason'].Value))"
            $retries[$key] = 1 + ($retries[$key] ?? 0)
        }
        elseif (($m = $attemptLine.Match($line.Message)).Success) {
            $key = "$($m.Groups['service'].Value):$($m.Groups['operation'].Value)"
            if (-not $attempts.ContainsKey($key)) { $attempts[$key] = [System.Collections.Generic.List[double]]::new() }
            $attempts[$key].Add($line.At)
            if ($m.Groups['attempt'].Success) { $maxAttempt = [Math]::Max($maxAttempt, [int]$m.Groups['attempt'].Value) }
        }
        elseif ($line.Message -match '; calls: (?<calls>.*)$') {
            $moduleCalls = [int]($Matches.calls -split ', ' | ForEach-Object { [int]($_ -split '=')[-1] } | Measure-Object -Sum).Sum
        }
    }

    $rates = @{}
    foreach ($key in 'Lambda:GetFunction', 'Lambda:ListFunctions', 'CloudFormation:ListStackResources') {
        $rates[$key] = if ($attempts.ContainsKey($key)) { Get-Rate $attempts[$key].ToArray() }
    }
    $result = [ordered]@{}
    foreach ($property in $step.PSObject.Properties) { $result[$property.Name] = $property.Value }
    $result.WallSeconds = $clock.Elapsed.TotalSeconds
    $result.Protections = $protected.Count
    $result.ProtectedImages = @($protected | ForEach-Object Digest | Sort-Object -Unique).Count
    $result.Warnings = @($warnings).Count
    $result.Failure = $failure
    $result.Calls = $calls
    $result.SandboxTotal = [int]($calls.Values | Measure-Object -Sum).Sum
    $result.ModuleTotal = $moduleCalls
    $result.Retries = $retries
    $result.RetryTotal = if ($step.Verbose) { [int]($retries.Values | Measure-Object -Sum).Sum }
    $result.MaxAttempt = $maxAttempt
    $result.Rates = $rates
    [pscustomobject]$result
}

$sandbox = Start-EcrSandbox -ScenarioPath (Join-Path $work 'warm-up.json') -SandboxDll $SandboxDll
$results = [System.Collections.Generic.List[object]]::new()
$total = [Diagnostics.Stopwatch]::StartNew()
try {
    Import-Module (Join-Path $ModulePath 'EcrCleanup.psd1') -Force
    $warm = [Diagnostics.Stopwatch]::StartNew()
    $null = Get-ProtectedImage -RepositoryName app -WarningAction SilentlyContinue
    Write-Host ("Warm-up on the small scenario: {0:0.0} s" -f $warm.Elapsed.TotalSeconds)

    foreach ($step in $plan) {
        $result = Invoke-Measurement $step
        $results.Add($result)
        Write-Host ("#{0} {1}, -ThrottleLimit {2}{3}: {4:0.0} s, {5} protections, {6} sandbox calls, {7} retries{8}" -f $result.Run, $result.Set, $result.ThrottleLimit, $(if ($result.Verbose) { ' -Verbose' }), $result.WallSeconds, $result.Protections, $result.SandboxTotal, $(if ($result.Verbose) { $result.RetryTotal } else { '?' }), $(if ($result.Failure) { "; FAILED: $($result.Failure)" }))
    }
}
finally {
    Stop-EcrSandbox $sandbox
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

# Calls that were not retries, from a successful verbose run on the same scenario (the same in every run, as the
# work is deterministic): a run without -Verbose made (sandbox calls - these) retries.
function Get-FirstAttempts($result) {
    $reference = @($results | Where-Object { $_.Verbose -and -not $_.Failure -and $_.Scenario -eq $result.Scenario }) | Select-Object -First 1
    if ($reference) { $reference.SandboxTotal - $reference.RetryTotal }
}

function Format-Rate($rate) { if ($null -eq $rate -or $null -eq $rate.Average) { '–' } else { '{0:0} avg, {1} peak' -f $rate.Average, $rate.Peak } }
function Format-Retries($result) {
    if (-not $result.Verbose) {
        $first = Get-FirstAttempts $result
        return $(if ($null -ne $first) { "~$($result.SandboxTotal - $first) (inferred)" } else { '?' })
    }
    $byService = [ordered]@{}
    foreach ($entry in $result.Retries.GetEnumerator()) {
        $service = ($entry.Key -split ':')[0]
        $byService[$service] = ($byService[$service] ?? 0) + $entry.Value
    }
    if ($byService.Count -eq 0) { return '0' }
    "$($result.RetryTotal) (" + (($byService.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ') + ')'
}

$summary = foreach ($result in $results) {
    [pscustomobject][ordered]@{
        '#'                      = $result.Run
        'Set'                    = $result.Set
        'Throttle limit'         = $result.ThrottleLimit
        'Wall time (s)'          = '{0:0.0}' -f $result.WallSeconds
        'Protections (images)'   = if ($result.Failure) { '–' } else { "$($result.Protections) ($($result.ProtectedImages))" }
        'Calls'                  = $result.SandboxTotal
        'Throttled retries'      = Format-Retries $result
        'Most attempts'          = if ($result.Verbose) { $result.MaxAttempt } else { '?' }
        'GetFunction/s'          = Format-Rate $result.Rates['Lambda:GetFunction']
        'ListFunctions/s'        = Format-Rate $result.Rates['Lambda:ListFunctions']
        'ListStackResources/s'   = Format-Rate $result.Rates['CloudFormation:ListStackResources']
        'Result'                 = if ($result.Failure) { "failed: $($result.Failure -replace ' for .arn:aws:cloudformation:[^ ]+', '')" } else { 'ok' }
    }
}

$operations = $results | ForEach-Object { $_.Calls.Keys } | Sort-Object -Unique
$callTable = foreach ($operation in $operations) {
    $row = [ordered]@{ 'Sandbox calls' = $operation }
    foreach ($result in $results) { $row["#$($result.Run)"] = $result.Calls[$operation] ?? 0 }
    [pscustomobject]$row
}
$moduleRow = [ordered]@{ 'Sandbox calls' = 'total (module''s own count)' }
foreach ($result in $results) { $moduleRow["#$($result.Run)"] = if ($null -ne $result.ModuleTotal) { "$($result.SandboxTotal) ($($result.ModuleTotal))" } else { "$($result.SandboxTotal)" } }
$callTable = @($callTable) + [pscustomobject]$moduleRow

$verboseResults = @($results | Where-Object Verbose)
$retryKeys = $verboseResults | ForEach-Object { $_.Retries.Keys } | Sort-Object -Unique
$retryTable = foreach ($key in $retryKeys) {
    $row = [ordered]@{ 'Retries (verbose)' = $key }
    foreach ($result in $verboseResults) { $row["#$($result.Run)"] = $result.Retries[$key] ?? 0 }
    [pscustomobject]$row
}
function ConvertTo-Markdown([object[]] $rows) {
    if (-not $rows) { return '(none)' }
    $names = $rows[0].PSObject.Properties.Name
    $lines = @(('| ' + ($names -join ' | ') + ' |'), ('|' + (($names | ForEach-Object { ' --- ' }) -join '|') + '|'))
    foreach ($row in $rows) { $lines += '| ' + (($names | ForEach-Object { "$($row.$_)" -replace '\|', '\|' }) -join ' | ') + ' |' }
    $lines -join "`n"
}

$markdown = @(
    "Scenario: $($scenarioInfo.Images) images, $($scenarioInfo.Stacks) stacks, $($scenarioInfo.ImageFunctions) image functions ($($scenarioInfo.ImageFunctionsInStacks) in stacks, $($scenarioInfo.PublishedVersions) published versions), $($scenarioInfo.ZipFunctions) Zip functions, $($scenarioInfo.OpenPullRequests) open pull requests, $($scenarioInfo.ProductionDeployments) production deployments; latencyMs $LatencyMs; $($scenarioInfo.RateLimits) (unlimited set: $($unlimitedInfo.RateLimits))"
    ''
    ConvertTo-Markdown $summary
    ''
    ConvertTo-Markdown $callTable
    ''
    ConvertTo-Markdown $retryTable
) -join "`n"

Write-Host ''
Write-Host $markdown
if ($MarkdownPath) { Set-Content -LiteralPath $MarkdownPath -Value $markdown -Encoding utf8NoBOM }
Write-Host ("Total {0:0} s" -f $total.Elapsed.TotalSeconds)
