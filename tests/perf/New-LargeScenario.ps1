#Requires -Version 7.4
<#
.SYNOPSIS
    Writes a sandbox scenario shaped like a large account, for tests/perf/Measure-Protection.ps1.

.DESCRIPTION
    One ECR repository 'app' and everything that protects its images, at the size of a busy account:

    - 5,000 images: one per production build, one per commit of every pull request (open and closed), older
      builds, and about a tenth untagged. Tags are lancedb-<7 hex> (the default tag pattern).
    - The production stack HelpmatonProduction with nested stacks (two levels deep) holding 30 container-image
      functions and a Zip function; 150 pull-request stacks HelpmatonStagingPR<n> with 3 image functions each,
      every 5th with a nested stack of 4 more (600 image functions in stacks in all); a few stacks mid-update,
      some deleted ones and unrelated stacks of other teams.
    - 200 container-image functions outside any stack and 40 Zip functions.
    - Every image function has 3 to 6 published versions, each running an image of its own, and an alias 'live'
      on the newest (production's with a 10% weight on the one before).
    - GitHub: 150 open pull requests (2 to 5 commits each) and 50 closed ones, 300 production deployments.
    - latencyMs on every reply and rateLimits: Lambda's documented quotas (GetFunction 100/s, the rest of the
      control plane 15/s) and a CloudFormation rate (10/s by default; an assumption, see docs/performance.md).

    The counts scale with -Scale (0.02 gives a small scenario for warming up). The output is deterministic for
    a given set of parameters; only the relative times move with the moment the sandbox loads it.

.EXAMPLE
    ./tests/perf/New-LargeScenario.ps1 -OutputPath /tmp/large.json
    dotnet tests/EcrCleanup.Sandbox/bin/Release/net10.0/EcrCleanup.Sandbox.dll --scenario /tmp/large.json --ignore-stdin
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $OutputPath,
    [ValidateRange(0.01, 10)] [double] $Scale = 1.0,
    [ValidateRange(0, 10000)] [int] $LatencyMs = 20,
    # Requests per second for every CloudFormation operation; 0 for no limit.
    [ValidateRange(0, 10000)] [double] $CloudFormationRate = 10,
    # Leave out every rate limit (Lambda's too).
    [switch] $NoRateLimits,
    [int] $Seed = 42
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Count([int] $full, [int] $minimum = 1) { [Math]::Max($minimum, [int][Math]::Round($full * $Scale)) }

$imageCount = Count 5000 20
$pullRequestCount = Count 150 2
$closedPullRequestCount = Count 50 1
$deploymentCount = Count 300 20
$outsideFunctionCount = Count 200 2
$zipFunctionCount = Count 40 1
$otherStackCount = Count 40 1
$deletedStackCount = Count 10 1

$random = [System.Random]::new($Seed)
$sha1 = [System.Security.Cryptography.SHA1]::Create()
$account = '123456789012'
$region = 'eu-west-2'
$repository = 'app'
$uri = "$account.dkr.ecr.$region.amazonaws.com/$repository"

# Commit SHAs whose 7-character tags are unique in the repository (a repository cannot hold a tag twice).
$usedTags = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
function New-Sha([string] $label) {
    for ($salt = 0; ; $salt++) {
        $text = if ($salt) { "$label #$salt" } else { $label }
        $sha = [Convert]::ToHexString($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes($text))).ToLowerInvariant()
        if ($usedTags.Add($sha.Substring(0, 7))) { return $sha }
    }
}
function Tag([string] $sha) { 'lancedb-' + $sha.Substring(0, 7) }
function Hex([string] $label) { [Convert]::ToHexString($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes($label))).Substring(0, 12) }

$images = [System.Collections.Generic.List[object]]::new()
function Add-Image([string] $sha, [double] $ageHours) {
    $images.Add([ordered]@{ tags = @(Tag $sha); ageHours = [Math]::Round($ageHours, 2); sizeBytes = 480000000 + $random.Next(0, 60000000) })
}

# Production builds, newest first: production[0] is what runs now.
$production = @(for ($i = 0; $i -lt $deploymentCount; $i++) { New-Sha "production $i" })
for ($i = 0; $i -lt $production.Count; $i++) { Add-Image $production[$i] (26 + 24 * $i) }

# Pull requests: every commit was built and pushed.
$openPullRequests = @(for ($i = 0; $i -lt $pullRequestCount; $i++) {
        $number = 4000 + $pullRequestCount - $i   # newest first, as GitHub lists them
        $commits = @(for ($c = 0; $c -lt $random.Next(2, 6); $c++) { New-Sha "pr $number commit $c" })
        for ($c = 0; $c -lt $commits.Count; $c++) { Add-Image $commits[$c] (2 + $random.NextDouble() * 300) }
        [ordered]@{ number = $number; state = 'open'; headSha = $commits[-1]; commits = $commits }
    })
$closedPullRequests = @(for ($i = 0; $i -lt $closedPullRequestCount; $i++) {
        $number = 3000 + $closedPullRequestCount - $i
        $commits = @(for ($c = 0; $c -lt $random.Next(1, 4); $c++) { New-Sha "pr $number commit $c" })
        for ($c = 0; $c -lt $commits.Count; $c++) { Add-Image $commits[$c] (400 + $random.NextDouble() * 2000) }
        [ordered]@{ number = $number; state = 'closed'; headSha = $commits[-1]; commits = $commits }
    })

# The rest: a tenth of the repository untagged, the others builds of commits nothing remembers.
$untaggedCount = [int]($imageCount / 10)
$old = [System.Collections.Generic.List[string]]::new()
while ($images.Count -lt $imageCount - $untaggedCount) {
    $sha = New-Sha "old build $($old.Count)"
    $old.Add($sha)
    Add-Image $sha (500 + 0.5 * $old.Count)
}
while ($images.Count -lt $imageCount) {
    $images.Add([ordered]@{ tags = @(); ageHours = 100 + $random.NextDouble() * 3000; sizeBytes = 470000000 })
}

$stacks = [System.Collections.Generic.List[object]]::new()
$functions = [System.Collections.Generic.List[object]]::new()
$otherResources = @(
    @('Table', 'AWS::DynamoDB::Table'), @('Queue', 'AWS::SQS::Queue'), @('Role', 'AWS::IAM::Role'),
    @('Api', 'AWS::ApiGatewayV2::Api'), @('Bucket', 'AWS::S3::Bucket'), @('LogGroup', 'AWS::Logs::LogGroup')
)
function Resources([string] $stack, [int] $count) {
    @(for ($i = 0; $i -lt $count; $i++) {
            $kind = $otherResources[$i % $otherResources.Count]
            [ordered]@{ logicalId = "$($kind[0])$i"; type = $kind[1]; physicalId = "$stack-$($kind[0])$i-$(Hex "$stack $i")".ToLowerInvariant() }
        })
}

# An image function with 3 to 6 published versions: $LATEST runs $latest, version k (the newest) too, and the
# older versions run $older[0], $older[1], ... (newest first). The alias 'live' points at the newest version.
function Add-ImageFunction([string] $name, [string] $latest, [string[]] $older, [switch] $Weighted) {
    $versionCount = $random.Next(3, 7)
    $versions = @(for ($v = 1; $v -le $versionCount; $v++) {
            $sha = if ($v -eq $versionCount) { $latest } else { $older[($versionCount - 1 - $v) % $older.Count] }
            [ordered]@{ version = "$v"; imageUri = "${uri}:$(Tag $sha)" }
        })
    $alias = [ordered]@{ name = 'live'; version = "$versionCount" }
    if ($Weighted) { $alias.additionalVersionWeights = [ordered]@{ "$($versionCount - 1)" = 0.1 } }
    $functions.Add([ordered]@{ name = $name; packageType = 'Image'; imageUri = "${uri}:$(Tag $latest)"; versions = $versions; aliases = @($alias) })
}
function FunctionResource([string] $stack, [string] $logicalId) {
    # As CloudFormation names them: the stack and logical id, cut to fit Lambda's 64 characters, and a random suffix.
    $prefix = "$stack-$logicalId"
    if ($prefix.Length -gt 51) { $prefix = $prefix.Substring(0, 51) }
    [ordered]@{ logicalId = $logicalId; type = 'AWS::Lambda::Function'; physicalId = "$prefix-$(Hex "$stack $logicalId")" }
}

# Production: the root stack with 6 functions and three nested stacks; Workers has a nested stack of its own.
$productionOlder = @($production[1..([Math]::Min(10, $production.Count - 1))])
$root = 'HelpmatonProduction'
$tree = @(
    @{ name = $root; functions = 6; nested = @('Api', 'Workers', 'Jobs') }
    @{ name = "$root-Api-$(Hex 'api')"; functions = 8; nested = @() }
    @{ name = "$root-Workers-$(Hex 'workers')"; functions = 8; nested = @('Queues') }
    @{ name = "$root-Workers-$(Hex 'workers')-Queues-$(Hex 'queues')"; functions = 4; nested = @() }
    @{ name = "$root-Jobs-$(Hex 'jobs')"; functions = 4; nested = @() }
)
foreach ($node in $tree) {
    $resources = [System.Collections.Generic.List[object]]::new()
    for ($f = 0; $f -lt $node.functions; $f++) {
        $resource = FunctionResource $node.name "Function$f"
        $resources.Add($resource)
        Add-ImageFunction $resource.physicalId $production[0] $productionOlder -Weighted:($f -eq 0)
    }
    foreach ($child in $node.nested) {
        $childName = ($tree | Where-Object { $_.name -like "$($node.name)-$child-*" -and $_.name.Split('-').Count -eq $node.name.Split('-').Count + 2 }).name
        $resources.Add([ordered]@{ logicalId = $child; type = 'AWS::CloudFormation::Stack'; physicalId = $childName })
    }
    if ($node.name -eq $root) {
        $zip = "$root-Authorizer-$(Hex 'authorizer')"
        $resources.Add([ordered]@{ logicalId = 'Authorizer'; type = 'AWS::Lambda::Function'; physicalId = $zip })
        $functions.Add([ordered]@{ name = $zip; packageType = 'Zip' })
    }
    $resources.AddRange([object[]](Resources $node.name 10))
    $stack = [ordered]@{ name = $node.name; status = 'UPDATE_COMPLETE'; resources = $resources.ToArray() }
    if ($node.name -eq $root) { $stack.tags = [ordered]@{ CommitSha = $production[0] } }
    $stacks.Add($stack)
}

# Pull-request stacks: 3 functions each, every 5th with a nested stack of 4 more; two are mid-update.
for ($i = 0; $i -lt $openPullRequests.Count; $i++) {
    $pr = $openPullRequests[$i]
    $name = "HelpmatonStagingPR$($pr.number)"
    $older = @($pr.commits[0..($pr.commits.Count - 1)]) + $production[0..4]
    [array]::Reverse($older, 0, $pr.commits.Count)   # newest commit first, then production's
    $resources = [System.Collections.Generic.List[object]]::new()
    for ($f = 0; $f -lt 3; $f++) {
        $resource = FunctionResource $name "Function$f"
        $resources.Add($resource)
        Add-ImageFunction $resource.physicalId $pr.headSha $older
    }
    if ($i % 5 -eq 0) {
        $nestedName = "$name-Workers-$(Hex "$name workers")"
        $resources.Add([ordered]@{ logicalId = 'Workers'; type = 'AWS::CloudFormation::Stack'; physicalId = $nestedName })
        $nestedResources = @(for ($f = 0; $f -lt 4; $f++) {
                $resource = FunctionResource $nestedName "Worker$f"
                Add-ImageFunction $resource.physicalId $pr.headSha $older
                $resource
            }) + @(Resources $nestedName 3)
        $stacks.Add([ordered]@{ name = $nestedName; status = 'CREATE_COMPLETE'; resources = $nestedResources })
    }
    $resources.AddRange([object[]](Resources $name 6))
    $status = if ($i -in 3, 7) { 'UPDATE_IN_PROGRESS' } elseif ($i % 2) { 'UPDATE_COMPLETE' } else { 'CREATE_COMPLETE' }
    $stacks.Add([ordered]@{ name = $name; status = $status; resources = $resources.ToArray() })
}
for ($i = 0; $i -lt $deletedStackCount; $i++) {
    $stacks.Add([ordered]@{ name = "HelpmatonStagingPR$(3001 + $i)"; status = 'DELETE_COMPLETE'; resources = @() })
}
for ($i = 0; $i -lt $otherStackCount; $i++) {
    $name = "platform-service-$i"
    $stacks.Add([ordered]@{ name = $name; status = 'UPDATE_COMPLETE'; resources = @(Resources $name 8) })
}

# Functions outside any stack: image functions running old builds, and Zip functions.
for ($i = 0; $i -lt $outsideFunctionCount; $i++) {
    $pick = @(for ($k = 0; $k -lt 6; $k++) { $old[$random.Next(0, $old.Count)] })
    Add-ImageFunction "tool-$i-$(Hex "tool $i")" $pick[0] $pick[1..5]
}
for ($i = 0; $i -lt $zipFunctionCount; $i++) { $functions.Add([ordered]@{ name = "cron-$i-$(Hex "cron $i")"; packageType = 'Zip' }) }

$rateLimits = [ordered]@{}
if (-not $NoRateLimits) {
    $rateLimits['lambda:GetFunction'] = 100
    $rateLimits['lambda:*'] = 15
    if ($CloudFormationRate -gt 0) { $rateLimits['cloudformation:*'] = $CloudFormationRate }
}

$scenario = [ordered]@{
    description  = "Large account for tests/perf (scale $Scale): $($images.Count) images, $($stacks.Count) stacks, $($functions.Count) functions, $($openPullRequests.Count) open pull requests, $deploymentCount production deployments."
    account      = $account
    region       = $region
    latencyMs    = $LatencyMs
    rateLimits   = $rateLimits
    repositories = @([ordered]@{ name = $repository; tagMutability = 'MUTABLE'; images = $images.ToArray() })
    stacks       = $stacks.ToArray()
    functions    = $functions.ToArray()
    github       = [ordered]@{
        repository    = 'djinilabs/helpmaton'
        token         = 'ghp_sandbox'
        defaultBranch = 'main'
        commits       = $production
        pullRequests  = @($openPullRequests) + @($closedPullRequests)
        deployments   = @(for ($i = 0; $i -lt $production.Count; $i++) { [ordered]@{ environment = 'production'; sha = $production[$i]; createdHoursAgo = 25 + 24 * $i } })
    }
}

$directory = Split-Path -Parent ([IO.Path]::GetFullPath($OutputPath))
if (-not (Test-Path $directory)) { New-Item -ItemType Directory -Path $directory | Out-Null }
$scenario | ConvertTo-Json -Depth 20 -Compress | Set-Content -LiteralPath $OutputPath -Encoding utf8NoBOM

$imageFunctions = @($functions | Where-Object { $_.packageType -eq 'Image' })
[pscustomobject]@{
    Path                  = (Resolve-Path -LiteralPath $OutputPath).Path
    Images                = $images.Count
    UntaggedImages        = $untaggedCount
    Stacks                = $stacks.Count
    ImageFunctions        = $imageFunctions.Count
    ImageFunctionsInStacks = $imageFunctions.Count - $outsideFunctionCount
    ZipFunctions          = $functions.Count - $imageFunctions.Count
    PublishedVersions     = ($imageFunctions | ForEach-Object { $_.versions.Count } | Measure-Object -Sum).Sum
    OpenPullRequests      = $openPullRequests.Count
    OpenPullRequestCommits = ($openPullRequests | ForEach-Object { $_.commits.Count } | Measure-Object -Sum).Sum
    ProductionDeployments = $deploymentCount
    LatencyMs             = $LatencyMs
    RateLimits            = ($rateLimits.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)/s" }) -join ', '
}
