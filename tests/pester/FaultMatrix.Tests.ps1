# Every source of the run against every fault the sandbox can inject, with real deletion: whatever the fault,
# no image the fault-free run keeps is deleted, and a run that stops names the source that failed.
# The outcome of each case is written to out/fault-matrix.md (docs/fault-matrix.md holds a copy).
BeforeDiscovery {
    $operations = @(
        @{ Service = 'ecr'; Operation = 'DescribeRepositories'; Source = 'ECR'; Drop = 'repositories'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'ecr'; Operation = 'DescribeImages'; Source = 'ECR'; Drop = 'imageDetails'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'ecr'; Operation = 'BatchGetImage'; Source = 'ECR'; Drop = 'imageManifest'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'ecr'; Operation = 'BatchDeleteImage'; Source = 'ECR'; Drop = 'imageIds'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'cloudformation'; Operation = 'DescribeStacks'; Source = 'CloudFormation'; Drop = 'Stacks'; Throttle = 'Throttling'; Denied = 'AccessDenied'; Expired = 'ExpiredToken' }
        @{ Service = 'cloudformation'; Operation = 'ListStacks'; Source = 'CloudFormation'; Drop = 'StackSummaries'; Throttle = 'Throttling'; Denied = 'AccessDenied'; Expired = 'ExpiredToken' }
        @{ Service = 'cloudformation'; Operation = 'ListStackResources'; Source = 'CloudFormation'; Drop = 'StackResourceSummaries'; Throttle = 'Throttling'; Denied = 'AccessDenied'; Expired = 'ExpiredToken' }
        @{ Service = 'lambda'; Operation = 'ListFunctions'; Source = 'Lambda'; Drop = 'Functions'; Throttle = 'TooManyRequestsException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'lambda'; Operation = 'GetFunction'; Source = 'Lambda'; Drop = 'Configuration'; Throttle = 'TooManyRequestsException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException' }
        @{ Service = 'cloudformation'; Operation = 'GetTemplate'; Source = 'CloudFormation'; Drop = 'TemplateBody'; Throttle = 'Throttling'; Denied = 'AccessDenied'; Expired = 'ExpiredToken'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'ListClusters'; Source = 'ECS'; Drop = 'clusterArns'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'ListServices'; Source = 'ECS'; Drop = 'serviceArns'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'DescribeServices'; Source = 'ECS'; Drop = 'deployments'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'ListTasks'; Source = 'ECS'; Drop = 'taskArns'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'DescribeTasks'; Source = 'ECS'; Drop = 'containers'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'DescribeTaskDefinition'; Source = 'ECS'; Drop = 'containerDefinitions'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'ecs'; Operation = 'ListTaskDefinitions'; Source = 'ECS'; Drop = 'taskDefinitionArns'; Throttle = 'ThrottlingException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'batch'; Operation = 'DescribeJobDefinitions'; Source = 'Batch'; Drop = 'jobDefinitions'; Throttle = 'TooManyRequestsException'; Denied = 'AccessDeniedException'; Expired = 'ExpiredTokenException'; Workloads = $true }
        @{ Service = 'github'; Operation = 'pulls.list'; Source = 'GitHub'; Drop = 'number'; Throttle = '429'; Denied = '403'; Expired = '401' }
        @{ Service = 'github'; Operation = 'pulls.listCommits'; Source = 'GitHub'; Drop = 'sha'; Throttle = '429'; Denied = '403'; Expired = '401' }
        @{ Service = 'github'; Operation = 'repos.listDeployments'; Source = 'GitHub'; Drop = 'sha'; Throttle = '429'; Denied = '403'; Expired = '401' }
    )
    $cases = foreach ($op in $operations) {
        $fault = @{ service = $op.Service; operation = $op.Operation }
        $server = if ($op.Service -eq 'github') { '502' } else { 'InternalFailure' }
        $kinds = [ordered]@{
            'throttled twice' = @{ error = $op.Throttle; times = 2 }
            'throttled always' = @{ error = $op.Throttle; times = -1 }
            '5xx always' = @{ error = $server; times = -1 }
            'access denied' = @{ error = $op.Denied; times = -1 }
            'expired token' = @{ error = $op.Expired; times = -1 }
            'truncated once' = @{ malformed = 'truncate'; times = 1 }
            'truncated always' = @{ malformed = 'truncate'; times = -1 }
            'empty body' = @{ malformed = 'empty'; times = -1 }
            'empty JSON' = @{ malformed = 'emptyJson'; times = -1 }
            'HTML page' = @{ malformed = 'html'; times = -1 }
            'another XML document' = @{ malformed = 'otherXml'; times = -1 }
            "without $($op.Drop)" = @{ malformed = "drop:$($op.Drop)"; times = -1 }
            'slow (300 ms)' = @{ malformed = 'delayMs:300'; times = -1 }
        }
        foreach ($kind in $kinds.GetEnumerator()) {
            @{ Name = "$($op.Source) $($op.Operation): $($kind.Key)"; Source = $op.Source; Fault = $fault + $kind.Value; Workloads = [bool]$op.Workloads }
        }
    }
    $cases += @{ Name = 'ECR BatchGetImage: KmsError for one image'; Source = 'ECR'; Fault = @{ service = 'ecr'; operation = 'BatchGetImage'; match = 'index'; itemFailure = 'KmsError'; times = -1 }; Workloads = $false }
    $cases += @{ Name = 'ECR BatchDeleteImage: ImageReferencedByManifestList for one image'; Source = 'ECR'; Fault = @{ service = 'ecr'; operation = 'BatchDeleteImage'; match = 'c3'; itemFailure = 'ImageReferencedByManifestList'; times = 1 }; Workloads = $false }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    # The sources of the protection scenario; the workload cases (ECS, Batch, templates) run on the workload
    # scenario, a superset that also deletes the production task definition family's revisions beyond retention.
    $scenarios = @{ $false = New-ProtectionScenario; $true = New-WorkloadScenario }
    $sandbox = Start-EcrSandbox -Scenario $scenarios[$false]
    $env:AWS_MAX_ATTEMPTS = '3'   # the default: a fault twice is retried through, always is not
    # What the fault-free run deletes; everything else it keeps, and no fault may change that.
    $deletable = 'c3', 'c4', 'closed-pr', 'untagged' | ForEach-Object { Get-TestDigest $_ }
    $allOf = @{ $false = @($scenarios[$false].repositories[0].images.digest); $true = @($scenarios[$true].repositories[0].images.digest) }
    $keptOf = @{ $false = @($allOf[$false] | Where-Object { $_ -notin $deletable }); $true = @($allOf[$true] | Where-Object { $_ -notin $deletable -and $_ -notin ('rev1', 'rev2' | ForEach-Object { Get-TestDigest $_ }) }) }
    $rows = [System.Collections.Generic.List[string]]::new()
}

AfterAll {
    $env:AWS_MAX_ATTEMPTS = $null
    Stop-EcrSandbox $sandbox
    $out = Join-Path $PSScriptRoot '../../out'
    $null = New-Item -ItemType Directory -Path $out -Force
    @('| case | outcome |', '| --- | --- |') + $rows | Set-Content (Join-Path $out 'fault-matrix.md')
}

Describe 'Fault matrix' {
    It '<Name>: keeps every image the fault-free run keeps; a stop names <Source>' -ForEach $cases {
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $scenarios[$Workloads]
        $all = $allOf[$Workloads]; $kept = $keptOf[$Workloads]
        $faultBody = $Fault.Clone()
        if ($faultBody.match) { $faultBody.match = (Get-TestDigest $faultBody.match).Substring(7, 16) }   # a label: match its digest
        $null = Invoke-SandboxAdmin $sandbox faults -Body @($faultBody)
        $stop = $null
        $report = try { Invoke-EcrCleanup -RepositoryName app -ProductionRetentionCount 3 -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue } catch { $stop = $_ }
        $left = (Invoke-SandboxAdmin $sandbox state).repositories[0].images.digest
        foreach ($digest in $kept) { $left | Should -Contain $digest -Because 'the fault-free run keeps it' }
        $outcome = if ($stop) {
            $stop.FullyQualifiedErrorId | Should -Match '^[A-Z][A-Za-z.]+,EcrCleanup\.Commands\.InvokeEcrCleanupCommand$'
            $stop.Exception.Message | Should -Match "\b$Source\b"
            "stopped before deleting: $($stop.FullyQualifiedErrorId.Split(',')[0]) ($Source)"
        }
        else {
            "completed: $($report.Deleted) deleted, $($report.Failed) failed, $($report.Skipped) skipped"
        }
        if ($stop) { ($all | Where-Object { $_ -notin $left }) | Should -BeNullOrEmpty -Because 'a run that stops deletes nothing' }
        $rows.Add("| $Name | $outcome |")
    }
}
