BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }

    function Decision([object[]] $Candidates, [string] $Label) { $Candidates | Where-Object Digest -EQ (Get-TestDigest $Label) }
}

Describe 'Every container workload' {
    Context 'ECS, Batch and what the stacks hold' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-WorkloadScenario)
            $candidates = Get-EcrCleanupCandidate @common -IncludeKept -WarningVariable warnings -WarningAction SilentlyContinue
            $calls = Invoke-SandboxAdmin $sandbox calls
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'keeps the digest a service task runs after the tag it names moved, and the image the tag names now' {
            $ran = Decision $candidates 'svc-ran'
            $ran.Action | Should -Be 'Keep'
            $ran.Protections.Workload | Should -Match '^ECS task apps/[0-9a-f]{32} \(RUNNING, service:web\), container app$'
            $now = Decision $candidates 'svc-now'
            $now.Action | Should -Be 'Keep'
            $now.Protections.Workload | Should -Contain 'ECS service apps/web, PRIMARY deployment (COMPLETED), ECS task definition web:1, container app'
        }

        It 'keeps the old and the new task definition of a service mid-deployment' {
            (Decision $candidates 'deploy-new').Reason | Should -BeLike '*ECS service apps/api, PRIMARY deployment (IN_PROGRESS), ECS task definition api:2*'
            (Decision $candidates 'deploy-old').Reason | Should -BeLike '*ECS service apps/api, ACTIVE deployment (COMPLETED), ECS task definition api:1*'
        }

        It "keeps a stopped production service's task definition and its family's revisions within the retention, not older" {
            $current = Decision $candidates 'rev5'
            $current.Action | Should -Be 'Keep'
            $current.Protections | Where-Object { "$($_.Reason)" -eq 'Deployed' -and $_.StackName -eq 'HelpmatonProduction' } | Should -Not -BeNullOrEmpty
            foreach ($revision in 4, 3) {
                $kept = Decision $candidates "rev$revision"
                $kept.Action | Should -Be 'Keep'
                $kept.Reason | Should -BeLike "Production rollback: HelpmatonProduction / ECS task definition worker:$revision (revision #$(6 - $revision) of 3 kept for rollback)*"
            }

            foreach ($revision in 2, 1) { (Decision $candidates "rev$revision").Action | Should -Be 'Delete' -Because "worker:$revision is beyond the retention" }
        }

        It "keeps what a Batch job definition of a pull request's stack names" {
            $batch = (Decision $candidates 'batch').Protections
            $batch.Workload | Should -Be 'Batch job definition nightly:1'
            "$($batch.Environment)" | Should -Be 'PullRequest'
            $batch.PullRequestNumber | Should -Be 12
        }

        It 'warns of a resource of another type that names an image of the repository' {
            $warnings.Message | Should -Contain "Stack 'HelpmatonStagingPR12' resource Model (AWS::SageMaker::Model) names an image of app in a property the module does not read, so what it runs is not protected. Keep those images another way (pipe their digests to Get-EcrCleanupCandidate) or check that it runs none."
        }

        It 'still decides everything else as before' {
            (Decision $candidates 'c3').Action | Should -Be 'Delete'
            (Decision $candidates 'closed-pr').Action | Should -Be 'Delete'
            (Decision $candidates 'c0').ProductionRank | Should -Be 1
        }

        It 'describes each task definition once and reads each template once' {
            $calls.'ecs:DescribeTaskDefinition' | Should -Be 5   # api:1, api:2, worker:5 (named by the service and the stack), worker:4, worker:3; web:1 its task shows
            $calls.'ecs:ListTaskDefinitions' | Should -Be 2      # the production family, ACTIVE and INACTIVE
            $calls.'cloudformation:GetTemplate' | Should -Be $calls.'cloudformation:ListStackResources'
            $calls.'batch:DescribeJobDefinitions' | Should -Be 1
        }
    }

    Context 'when ECS refuses' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-WorkloadScenario)
            Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecs'; operation = 'ListTasks'; error = 'AccessDeniedException'; times = -1 }) | Out-Null
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'stops the run, names the action to grant, and deletes nothing' {
            $before = (Invoke-SandboxAdmin $sandbox state).repositories[0].images.Count
            { Invoke-EcrCleanup @common -Force -ErrorAction Stop } | Should -Throw -ExpectedMessage '*ecs:ListTasks*'
            $Error[0].FullyQualifiedErrorId | Should -BeLike 'ProtectionSourceFailed*'
            (Invoke-SandboxAdmin $sandbox state).repositories[0].images.Count | Should -Be $before
            (Invoke-SandboxAdmin $sandbox calls).'ecr:BatchDeleteImage' | Should -BeNullOrEmpty
        }
    }

    Context '-SkipEcs' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-WorkloadScenario -WithoutStackTaskDefinition)
            $report = Invoke-EcrCleanup @common -SkipEcs -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
            $calls = Invoke-SandboxAdmin $sandbox calls
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'reads no ECS cluster, and says so in the output and the report' {
            $calls.PSObject.Properties.Name | Where-Object { $_ -like 'ecs:*' } | Should -BeNullOrEmpty
            $warnings.Message | Should -Contain 'ECS is skipped (-SkipEcs): no ECS service or task protects an image, so only what Lambda and the watched stacks run is known to be in use.'
            $report.Warnings | Should -Contain 'ECS is skipped (-SkipEcs): no ECS service or task protects an image, so only what Lambda and the watched stacks run is known to be in use.'
            "$report" | Should -Match 'ECS skipped'
        }

        It 'then protects nothing ECS runs' {
            $report.CandidateList.Digest | Should -Contain (Get-TestDigest 'svc-ran')
        }

        It 'stops when a watched stack holds a task definition' {
            Invoke-SandboxAdmin $sandbox scenario -Body (New-WorkloadScenario) | Out-Null
            { Get-EcrCleanupCandidate @common -SkipEcs -ErrorAction Stop } | Should -Throw -ExpectedMessage "*stack 'HelpmatonProduction' holds ECS task definition WorkerTask*"
        }
    }

    Context 'the report' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-WorkloadScenario)
            $report = Invoke-EcrCleanup @common -WhatIf -WarningAction SilentlyContinue
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'counts what ECS held and every call' {
            "$report" | Should -Match 'Read:\s+3 stacks, \d+ functions, ECS 2 clusters, 3 services, 1 tasks, 6 task definitions'
            $report.Calls.Keys | Should -Contain 'ECS:ListClusters'
            $report.Calls['ECS:DescribeServices'] | Should -Be 2
        }
    }
}
