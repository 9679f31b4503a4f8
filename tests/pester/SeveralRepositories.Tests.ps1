BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ ProductionRetentionCount = 3 }
    $names = 'app', 'jobs', 'web'

    # What a run decided, one line per image, in a stable order: the same decisions give the same lines.
    function Summary([object[]] $Candidates) { $Candidates | Sort-Object Repository, Digest | ForEach-Object { "$($_.Repository) $($_.Digest) $($_.Action) $($_.Rule) $($_.Reason)" } }
    function Count($Calls, [string] $Operation) { if ($Calls.PSObject.Properties[$Operation]) { [int] $Calls.$Operation } else { 0 } }
    function Digests($Sandbox, [string] $Repository) { ((Invoke-SandboxAdmin $Sandbox state).repositories | Where-Object name -EQ $Repository).images.digest }
}

Describe 'Several repositories in one run' {
    Context 'three repositories, each decided as its own run decides it' {
        BeforeAll {
            $alone = @{}
            $aloneCalls = @{}
            foreach ($name in $names) {
                $sandbox = Start-EcrSandbox -Scenario (New-SeveralRepositoriesScenario)
                $alone[$name] = Summary (Get-EcrCleanupCandidate @common -RepositoryName $name -IncludeKept -WarningAction SilentlyContinue)
                $aloneCalls[$name] = Invoke-SandboxAdmin $sandbox calls
                Stop-EcrSandbox $sandbox
            }

            $sandbox = Start-EcrSandbox -Scenario (New-SeveralRepositoriesScenario)
            $together = Get-EcrCleanupCandidate @common -RepositoryName $names -IncludeKept -WarningAction SilentlyContinue
            $calls = Invoke-SandboxAdmin $sandbox calls
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'reads the stacks, the functions, ECS and GitHub once, and each repository''s images once' {
            foreach ($operation in 'cloudformation:ListStacks', 'cloudformation:ListStackResources', 'lambda:ListFunctions', 'ecs:ListClusters', 'github:pulls.list') {
                Count $calls $operation | Should -Be (Count $aloneCalls['app'] $operation) -Because "$operation is shared"
            }

            Count $calls 'cloudformation:ListStacks' | Should -Be 1
            Count $calls 'lambda:ListFunctions' | Should -Be 1
            Count $calls 'ecr:DescribeImages' | Should -Be 3
            $sum = ($names | ForEach-Object { Count $aloneCalls[$_] 'lambda:ListFunctions' } | Measure-Object -Sum).Sum
            $sum | Should -Be 3 -Because 'three single runs list the functions three times'
        }

        It 'decides each repository exactly as its single-repository run' {
            foreach ($name in $names) {
                Summary ($together | Where-Object Repository -EQ $name) | Should -Be $alone[$name] -Because "the decisions of $name"
            }

            ($together | Where-Object { $_.Repository -eq 'jobs' -and $_.Digest -eq (Get-TestDigest 'jobs-pr12') }).Action | Should -Be 'Keep'
            ($together | Where-Object { $_.Repository -eq 'web' -and $_.Digest -eq (Get-TestDigest 'web-closed-pr') }).Action | Should -Be 'Delete'
        }

        It 'lists the protections of each repository from one read' {
            $protected = Get-ProtectedImage @common -RepositoryName $names -WarningAction SilentlyContinue
            $protected | Where-Object Repository -EQ 'jobs' | ForEach-Object Digest | Should -Contain (Get-TestDigest 'jobs-c0')
            $protected | Where-Object Repository -EQ 'web' | ForEach-Object Digest | Should -Contain (Get-TestDigest 'web-c0')
            $protected | Where-Object Repository -EQ 'app' | ForEach-Object Digest | Should -Contain (Get-TestDigest 'c0')
        }
    }

    Context 'Invoke-EcrCleanup over repositories from the pipeline' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-SeveralRepositoriesScenario)
            $reportPath = Join-Path $TestDrive 'report.json'
            $repositories = $names | ForEach-Object { [pscustomobject]@{ RepositoryName = $_; RepositoryUri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/$_" } }
            $dryRun = $repositories | Invoke-EcrCleanup @common -WhatIf -ReportPath $reportPath -ReportFormat Json -WarningAction SilentlyContinue
            $dryCalls = Invoke-SandboxAdmin $sandbox calls
            $report = $repositories | Invoke-EcrCleanup @common -Force -WarningAction SilentlyContinue
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'binds the repositories by property name and writes one report with a section each and the total' {
            $dryRun | Should -HaveCount 1
            $dryRun.GetType().FullName | Should -Be 'EcrCleanup.Reporting.CleanupReportSet'
            $dryRun.RepositoryNames | Should -Be $names
            $dryRun.Repositories.Repository | Should -Be $names
            $dryRun.Deleted | Should -Be ($dryRun.Repositories | Measure-Object Deleted -Sum).Sum
            ($dryRun.Repositories | Where-Object Repository -EQ 'web').Deleted | Should -Be 2   # the closed PR's image, the untagged one
            $text = $dryRun | Out-String -Width 200
            $text | Should -Match 'Repositories: app, jobs, web \(3\)'
            $text | Should -Match '(?m)^  Total\s+\d+'
            $text | Should -Match '(?m)^Repository: jobs$'
            Count $dryCalls 'lambda:ListFunctions' | Should -Be 1
        }

        It 'writes the report file with every repository and the total' {
            $json = Get-Content $reportPath -Raw | ConvertFrom-Json
            $json.repositories.repository | Should -Be $names
            $json.total.wouldDelete | Should -Be $dryRun.Deleted
            $json.failures | Should -BeNullOrEmpty
        }

        It 'deletes in each repository what its decisions delete, and nothing else' {
            $report.DryRun | Should -BeFalse
            $report.Deleted | Should -Be $dryRun.Deleted
            $report.HasFailures | Should -BeFalse
            Digests $sandbox 'web' | Should -Be @('c0', 'c1', 'c4' | ForEach-Object { Get-TestDigest "web-$_" })   # c4 is the third build present
            Digests $sandbox 'jobs' | Should -Be @('c0', 'c1', 'c4', 'pr12' | ForEach-Object { Get-TestDigest "jobs-$_" })
            Digests $sandbox 'app' | Should -Contain (Get-TestDigest 'c0')
            Digests $sandbox 'app' | Should -Not -Contain (Get-TestDigest 'untagged')
        }
    }

    Context 'a repository that cannot be read, or that production does not use' {
        BeforeEach {
            $sandbox = Start-EcrSandbox -Scenario (New-SeveralRepositoriesScenario -Unused)
        }
        AfterEach { Stop-EcrSandbox $sandbox }

        It 'stops that repository, says so, deletes nothing in it, and cleans the others' {
            Invoke-SandboxAdmin $sandbox faults @(@{ service = 'ecr'; operation = 'DescribeImages'; match = 'web'; error = 'InternalFailure'; times = -1 }) | Out-Null
            $report = Invoke-EcrCleanup @common -RepositoryName 'app', 'web', 'unused', 'jobs' -Force -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

            $failures | ForEach-Object { "$($_.TargetObject) $($_.FullyQualifiedErrorId)" } | Should -Be @('web ProtectionSourceFailed,EcrCleanup.Commands.InvokeEcrCleanupCommand', 'unused ProductionStackHasNoImage,EcrCleanup.Commands.InvokeEcrCleanupCommand')
            $failures[0].Exception.Message | Should -Match "ECR could not answer"
            $failures[0].ErrorDetails.Message | Should -Match "^Repository 'web': "
            $report.Failures.Repository | Should -Be 'web', 'unused'
            $report.HasFailures | Should -BeTrue
            $report.Repositories.Repository | Should -Be 'app', 'jobs'
            Digests $sandbox 'web' | Should -HaveCount 5
            Digests $sandbox 'unused' | Should -HaveCount 1
            Digests $sandbox 'jobs' | Should -Not -Contain (Get-TestDigest 'jobs-untagged')
            "$report" | Should -Match '(?m)^  web\s+not cleaned$'
        }

        It 'stops everything before deleting anywhere when a shared source fails' {
            Invoke-SandboxAdmin $sandbox faults @(@{ service = 'lambda'; operation = 'ListFunctions'; error = 'AccessDeniedException'; times = -1 }) | Out-Null
            { Invoke-EcrCleanup @common -RepositoryName 'app', 'jobs' -Force -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ProtectionSourceFailed,EcrCleanup.Commands.InvokeEcrCleanupCommand'
            Count (Invoke-SandboxAdmin $sandbox calls) 'ecr:BatchDeleteImage' | Should -Be 0
        }

        It 'refuses -PlanPath with several repositories before reading anything' {
            { Invoke-EcrCleanup @common -RepositoryName 'app', 'jobs' -WhatIf -PlanPath (Join-Path $TestDrive 'plan.json') } | Should -Throw -ErrorId 'PlanRequiresOneRepository,EcrCleanup.Commands.InvokeEcrCleanupCommand'
            Count (Invoke-SandboxAdmin $sandbox calls) 'ecr:DescribeImages' | Should -Be 0
        }

        It 'takes a repository piped to Get-EcrCleanupCandidate as the repository to decide, not as a protection' {
            $candidates = [pscustomobject]@{ RepositoryName = 'jobs' } | Get-EcrCleanupCandidate @common -WarningAction SilentlyContinue
            $candidates.Repository | Sort-Object -Unique | Should -Be 'jobs'
            { [pscustomobject]@{ RepositoryName = 'jobs'; ImageDigest = (Get-TestDigest 'jobs-c4') } | Get-EcrCleanupCandidate @common } | Should -Throw -ErrorId 'InvalidProtectionInput,EcrCleanup.Commands.GetEcrCleanupCandidateCommand'
        }
    }
}
