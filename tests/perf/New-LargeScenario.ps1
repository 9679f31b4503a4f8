#Requires -Version 7.4
<#
.SYNOPSIS
    Writes a sandbox scenario shaped like a large account, of the sizes given, for tests/perf/Measure-Cleanup.ps1.

.DESCRIPTION
    One ECR repository and everything that protects its images (the scenario format is
    shared/sandbox-scenario.md; nothing else is used):

    - -StackCount stacks: the production stack HelpmatonProduction and StackCount-1 pull-request stacks
      HelpmatonStagingPR<n>, each with an open pull request on GitHub (1 to 4 commits). Every stack holds
      -FunctionsPerStack container-image AWS::Lambda::Function resources and 5 other resources. Production's
      functions run the newest production build, a pull request's functions its head commit, each by a
      lancedb-<7 hex> tag; -VersionsPerFunction published versions per function run the builds before it.
    - -ImageCount images: one per pull-request commit, about a tenth untagged, the rest builds of the default
      branch (github.commits, newest first), ages spread over months. Every (n/DeploymentCount)-th default-branch
      commit was deployed to production (github.deployments), the newest of them 26 hours ago. So there are
      open pull requests to keep, production builds to keep for rollback, and older builds and untagged images
      to delete.
    - -ClusterCount ECS clusters with -ServicesPerCluster services each, every service with its own task
      definition family (one revision, naming a production build by its tag, spread over the newest builds) and
      -TasksPerService running tasks (their containers as the sandbox resolves them). ECS is read account-wide,
      so none of this is in a stack.
    - latencyMs, and rateLimits: -LambdaQuotas sets Lambda's documented quotas (lambda:GetFunction 100/s,
      lambda:* 15/s); -CloudFormationRate sets cloudformation:* (0: none).

    The output is deterministic for a given set of parameters (-Seed); only the relative times move with the
    moment the sandbox loads it. Writes the JSON to -OutputPath and returns an object with the sizes and the
    scenario itself (Scenario: the ordered dictionary that was written).

.EXAMPLE
    ./tests/perf/New-LargeScenario.ps1 -OutputPath /tmp/large.json -ImageCount 5000 -StackCount 61 -FunctionsPerStack 3
    dotnet tests/EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll --scenario /tmp/large.json --ignore-stdin
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $OutputPath,
    [ValidateRange(1, 1000000)] [int] $ImageCount = 5000,
    # The production stack plus StackCount-1 pull-request stacks.
    [ValidateRange(1, 10000)] [int] $StackCount = 61,
    [ValidateRange(1, 90)] [int] $FunctionsPerStack = 3,
    [ValidateRange(0, 20)] [int] $VersionsPerFunction = 0,
    [ValidateRange(1, 100000)] [int] $DeploymentCount = 30,
    [ValidateRange(0, 10000)] [int] $LatencyMs = 30,
    [switch] $LambdaQuotas,
    # Requests per second for every CloudFormation operation; 0 for no limit.
    [ValidateRange(0, 10000)] [double] $CloudFormationRate = 0,
    [ValidateRange(0, 1000)] [int] $ClusterCount = 0,
    [ValidateRange(1, 5000)] [int] $ServicesPerCluster = 10,
    [ValidateRange(0, 1000)] [int] $TasksPerService = 2,
    [ValidateSet('MUTABLE', 'IMMUTABLE')] [string] $TagMutability = 'IMMUTABLE',
    [string] $RepositoryName = 'helpmaton-lambda-images',
    [int] $Seed = 42
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$random = [System.Random]::new($Seed)
$account = '123456789012'
$region = 'eu-west-2'
$uri = "$account.dkr.ecr.$region.amazonaws.com/$RepositoryName"
$production = 'HelpmatonProduction'
$prefix = 'HelpmatonStagingPR'

# Commit SHAs whose 7-character tags are unique in the repository (a repository cannot hold a tag twice).
$usedTags = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
$bytes = [byte[]]::new(20)
function New-Sha {
    do { $random.NextBytes($bytes); $sha = [Convert]::ToHexString($bytes).ToLowerInvariant() } until ($usedTags.Add($sha.Substring(0, 7)))
    $sha
}
function Tag([string] $sha) { 'lancedb-' + $sha.Substring(0, 7) }
function Hex([string] $text) { [Convert]::ToHexString([Security.Cryptography.SHA1]::HashData([Text.Encoding]::UTF8.GetBytes($text))).Substring(0, 12) }

# Pull requests, newest first as GitHub lists them; every commit was built and pushed.
$pullRequests = @(for ($i = 0; $i -lt $StackCount - 1; $i++) {
        $commits = @(for ($c = $random.Next(1, 5); $c -gt 0; $c--) { New-Sha })   # oldest first, as GitHub lists them
        [ordered]@{ number = 1000 + $StackCount - 1 - $i; state = 'open'; headSha = $commits[-1]; commits = $commits }
    })
$pullRequestImages = ($pullRequests | ForEach-Object { $_.commits.Count } | Measure-Object -Sum).Sum ?? 0
$untagged = [int][Math]::Floor($ImageCount / 10)
$mainCount = $ImageCount - $untagged - $pullRequestImages
if ($mainCount -lt $DeploymentCount) {
    throw "-ImageCount $ImageCount is too small: $pullRequestImages pull-request images, $untagged untagged and at least $DeploymentCount production builds (-DeploymentCount) do not fit."
}

$images = [System.Collections.Generic.List[object]]::new($ImageCount)
function Add-Image([string] $sha, [double] $ageHours) {
    $images.Add([ordered]@{ tags = @(if ($sha) { Tag $sha }); ageHours = [Math]::Round($ageHours, 2); sizeBytes = 480000000 + $random.Next(0, 60000000) })
}

# The default branch, newest first: one build per commit, every step-th deployed to production, spread over ~200 days.
$main = @(for ($i = 0; $i -lt $mainCount; $i++) { New-Sha })
$step = [Math]::Max(1, [Math]::Floor($mainCount / $DeploymentCount))
$hoursPerCommit = [Math]::Max(0.05, 4800.0 / $mainCount)
for ($i = 0; $i -lt $mainCount; $i++) { Add-Image $main[$i] (26 + $hoursPerCommit * $i) }
$deployed = @(for ($d = 0; $d -lt $DeploymentCount; $d++) { [ordered]@{ environment = 'production'; sha = $main[$d * $step]; createdHoursAgo = 25 + $hoursPerCommit * $d * $step } })
foreach ($pr in $pullRequests) { foreach ($sha in $pr.commits) { Add-Image $sha (2 + $random.NextDouble() * 400) } }
for ($i = 0; $i -lt $untagged; $i++) { Add-Image $null (30 + $random.NextDouble() * 4800) }

$stacks = [System.Collections.Generic.List[object]]::new()
$functions = [System.Collections.Generic.List[object]]::new()
$others = @(@('Table', 'AWS::DynamoDB::Table'), @('Queue', 'AWS::SQS::Queue'), @('Role', 'AWS::IAM::Role'), @('Api', 'AWS::ApiGatewayV2::Api'), @('Bucket', 'AWS::S3::Bucket'))
# A stack whose functions run $shas[0] ($LATEST) and whose published versions ran the builds before it, newest last.
function Add-Stack([string] $name, [string[]] $shas, [string] $status, $tags) {
    $resources = [System.Collections.Generic.List[object]]::new()
    for ($f = 0; $f -lt $FunctionsPerStack; $f++) {
        # As CloudFormation names them: stack and logical id cut to fit Lambda's 64 characters, and a random suffix.
        $function = "$name-Function$f"
        if ($function.Length -gt 51) { $function = $function.Substring(0, 51) }
        $function += '-' + (Hex "$name $f")
        $resources.Add([ordered]@{ logicalId = "Function$f"; type = 'AWS::Lambda::Function'; physicalId = $function })
        $versions = @(for ($v = 1; $v -le $VersionsPerFunction; $v++) { [ordered]@{ version = "$v"; imageUri = "${uri}:$(Tag $shas[[Math]::Min($shas.Count - 1, $VersionsPerFunction - $v + 1)])" } })
        $functions.Add([ordered]@{ name = $function; packageType = 'Image'; imageUri = "${uri}:$(Tag $shas[0])"; versions = $versions })
    }
    foreach ($kind in $others) { $resources.Add([ordered]@{ logicalId = $kind[0]; type = $kind[1]; physicalId = "$name-$($kind[0])-$(Hex "$name $($kind[0])")".ToLowerInvariant() }) }
    $stack = [ordered]@{ name = $name; status = $status; resources = $resources.ToArray() }
    if ($tags) { $stack.tags = $tags }
    $stacks.Add($stack)
}
Add-Stack $production @($deployed | ForEach-Object sha) 'UPDATE_COMPLETE' ([ordered]@{ CommitSha = $deployed[0].sha })
foreach ($pr in $pullRequests) {
    $shas = @($pr.commits)
    [array]::Reverse($shas)   # newest first
    Add-Stack "$prefix$($pr.number)" ($shas + $deployed[0].sha) $(if ($pr.number % 2) { 'UPDATE_COMPLETE' } else { 'CREATE_COMPLETE' }) $null
}

$rateLimits = [ordered]@{}
if ($LambdaQuotas) { $rateLimits['lambda:GetFunction'] = 100; $rateLimits['lambda:*'] = 15 }
if ($CloudFormationRate -gt 0) { $rateLimits['cloudformation:*'] = $CloudFormationRate }

# ECS: every service its own family, naming one of the newest production builds by tag; tasks resolve it.
$clusters = [System.Collections.Generic.List[object]]::new()
$taskDefinitions = [System.Collections.Generic.List[object]]::new()
for ($c = 0; $c -lt $ClusterCount; $c++) {
    $services = @(for ($v = 0; $v -lt $ServicesPerCluster; $v++) {
            $family = "c$c-svc$v"
            $taskDefinitions.Add([ordered]@{ family = $family; revision = 1; containers = @([ordered]@{ name = 'app'; image = "${uri}:$(Tag $deployed[($c * $ServicesPerCluster + $v) % [Math]::Min(3, $deployed.Count)].sha)" }) })
            [ordered]@{ name = "svc$v"; desiredCount = $TasksPerService; taskDefinition = "${family}:1" }
        })
    $tasks = @(for ($v = 0; $v -lt $ServicesPerCluster; $v++) { for ($t = 0; $t -lt $TasksPerService; $t++) { [ordered]@{ taskDefinition = "c$c-svc${v}:1"; group = "service:svc$v" } } })
    $clusters.Add([ordered]@{ name = "cluster$c"; services = $services; tasks = $tasks })
}

$scenario = [ordered]@{
    description  = "tests/perf: $ImageCount images ($untagged untagged), $StackCount stacks x $FunctionsPerStack functions ($VersionsPerFunction published versions each), $($pullRequests.Count) open pull requests, $DeploymentCount production deployments, $ClusterCount ECS clusters x $ServicesPerCluster services x $TasksPerService tasks, $TagMutability."
    account      = $account
    region       = $region
    latencyMs    = $LatencyMs
    rateLimits   = $rateLimits
    repositories = @([ordered]@{ name = $RepositoryName; tagMutability = $TagMutability; images = $images.ToArray() })
    stacks       = $stacks.ToArray()
    functions    = $functions.ToArray()
    ecs          = [ordered]@{ clusters = $clusters.ToArray(); taskDefinitions = $taskDefinitions.ToArray() }
    github       = [ordered]@{
        repository    = 'djinilabs/helpmaton'
        token         = 'ghp_sandbox'
        defaultBranch = 'main'
        commits       = $main
        pullRequests  = $pullRequests
        deployments   = $deployed
    }
}

$directory = Split-Path -Parent ([IO.Path]::GetFullPath($OutputPath))
if (-not (Test-Path -LiteralPath $directory)) { New-Item -ItemType Directory -Path $directory | Out-Null }
$scenario | ConvertTo-Json -Depth 20 -Compress | Set-Content -LiteralPath $OutputPath -Encoding utf8NoBOM

[pscustomobject]@{
    Path                   = (Resolve-Path -LiteralPath $OutputPath).Path
    Images                 = $images.Count
    UntaggedImages         = $untagged
    Stacks                 = $stacks.Count
    ImageFunctions         = $functions.Count
    PublishedVersions      = $functions.Count * $VersionsPerFunction
    EcsClusters            = $ClusterCount
    EcsServices            = $ClusterCount * $ServicesPerCluster
    EcsTasks               = $ClusterCount * $ServicesPerCluster * $TasksPerService
    OpenPullRequests       = $pullRequests.Count
    OpenPullRequestCommits = $pullRequestImages
    DefaultBranchCommits   = $main.Count
    ProductionDeployments  = $DeploymentCount
    TagMutability          = $TagMutability
    LatencyMs              = $LatencyMs
    RateLimits             = ($rateLimits.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)/s" }) -join ', '
    Scenario               = $scenario
}
