BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }
    $candidates = 'c3', 'c4', 'closed-pr', 'untagged'

    function State($Sandbox) { ((Invoke-SandboxAdmin $Sandbox state).repositories | Where-Object name -EQ 'app').images }
    # The state names a status only when it is not ACTIVE.
    function StatusOf($Sandbox, [string] $Label) { $image = State $Sandbox | Where-Object digest -EQ (Get-TestDigest $Label); if ($image.status) { $image.status } else { 'ACTIVE' } }
    function Count($Calls, [string] $Operation) { if ($Calls.PSObject.Properties[$Operation]) { [int] $Calls.$Operation } else { 0 } }
    # The protection scenario with its images' storage classes changed: @{ label = @{ status = ...; archivedHoursAgo = ... } }.
    function New-ArchiveScenario([hashtable] $Storage = @{}, $LifecyclePolicy) {
        $scenario = New-ProtectionScenario
        $scenario.activationDelaySeconds = 1
        $scenario.lifecyclePreviewDelaySeconds = 0
        foreach ($image in $scenario.repositories[0].images) {
            $label = $Storage.Keys | Where-Object { (Get-TestDigest $_) -eq $image.digest }
            if ($label) { $Storage[$label].GetEnumerator() | ForEach-Object { $image[$_.Key] = $_.Value } }
        }
        if ($LifecyclePolicy) { $scenario.repositories[0].lifecyclePolicy = $LifecyclePolicy }
        $scenario
    }
}

Describe 'Archive instead of delete, and restore' {
    Context 'archive, then restore from the journal' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario)
            $journal = Join-Path $TestDrive 'archived.jsonl'
            $report = Invoke-EcrCleanup @common -Archive -Force -JournalPath $journal -WarningAction SilentlyContinue
            $afterArchive = @{}
            foreach ($label in $candidates) { $afterArchive[$label] = StatusOf $sandbox $label }
            $restored = Restore-EcrCleanupImage -JournalPath $journal -Wait -Force -PassThru
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'archives every candidate instead of deleting it, and reports it' {
            foreach ($label in $candidates) { $afterArchive[$label] | Should -Be 'ARCHIVED' -Because "$label is a candidate" }
            (State $sandbox).Count | Should -Be 18 -Because 'nothing was deleted'
            $report.Archived | Should -Be 4
            $report.Deleted | Should -Be 0
            $report.ArchivedBytes | Should -Be 400000000
            "$report" | Should -Match '(?m)^  Archived:\s+4$'
            "$report" | Should -Match '(?m)^  Storage archived:\s+400\.0 MB$'
            "$report" | Should -Match '(?m)^  Archive:\s+candidates archived; archived ones deleted after 90 days$'
            $lines = Get-Content $journal | ConvertFrom-Json
            $lines | Where-Object phase -EQ 'outcome' | ForEach-Object outcome | Should -Be (@('Archived') * 4)
            $lines.action | Sort-Object -Unique | Should -Be 'Archive'
        }

        It 'restores every archived image from the journal, waiting until each is active' {
            $restored | Should -HaveCount 4
            $restored.Outcome | Sort-Object -Unique | Should -Be 'Restored'
            foreach ($label in $candidates) { StatusOf $sandbox $label | Should -Be 'ACTIVE' }
        }
    }

    Context 'archiving from the pipeline and from a plan' {
        BeforeEach { $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario) }
        AfterEach { Stop-EcrSandbox $sandbox }

        It 'Remove-EcrCleanupCandidate -Archive archives what the candidates would delete' {
            $results = Get-EcrCleanupCandidate @common -WarningAction SilentlyContinue | Remove-EcrCleanupCandidate -Archive -Force -PassThru -WarningAction SilentlyContinue
            $results | Where-Object { $_.Candidate.IsCandidate } | ForEach-Object { "$($_.Outcome)/$($_.Action)" } | Sort-Object -Unique | Should -Be 'Archived/Archive'
            foreach ($label in $candidates) { StatusOf $sandbox $label | Should -Be 'ARCHIVED' }
        }

        It 'a plan of an archiving run archives when applied, and shows it' {
            $planPath = Join-Path $TestDrive 'plan.json'
            $plan = Get-EcrCleanupCandidate @common -Archive -WarningAction SilentlyContinue | Export-EcrCleanupPlan $planPath -PassThru
            "$plan" | Should -Match ': 0 image\(s\) to delete, 4 to archive,'
            (Get-Content $planPath -Raw | ConvertFrom-Json).policy.archive | Should -BeTrue
            $results = Import-EcrCleanupPlan $planPath -RepositoryName app | Remove-EcrCleanupCandidate -Force -PassThru -WarningAction SilentlyContinue
            @($results | Where-Object Outcome -EQ 'Archived').Count | Should -Be 4
            (State $sandbox).Count | Should -Be 18
        }
    }

    Context 'the two stages: archive now, delete after N days' {
        BeforeAll {
            $storage = @{
                'c4'        = @{ status = 'ARCHIVED'; ageHours = 24 * 120; archivedHoursAgo = 24 * 100 }   # a candidate archived 100 days ago
                'closed-pr' = @{ status = 'ARCHIVED'; ageHours = 24 * 30; archivedHoursAgo = 24 * 10 }    # a candidate archived 10 days ago
                'worker'    = @{ status = 'ARCHIVED'; ageHours = 24 * 300; archivedHoursAgo = 24 * 200 }  # deployed, archived: kept whatever its age
            }
            $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario $storage)
            $first = Invoke-EcrCleanup @common -Archive -Force -WarningAction SilentlyContinue
            $firstState = State $sandbox
            $later = Invoke-EcrCleanup @common -Archive -DeleteArchivedAfterDays 5 -Force -WarningAction SilentlyContinue
            $laterState = State $sandbox
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'deletes an archived candidate once it has been archived 90 days, keeps a younger one and archives the active ones' {
            $firstState.digest | Should -Not -Contain (Get-TestDigest 'c4')
            ($firstState | Where-Object digest -EQ (Get-TestDigest 'closed-pr')).status | Should -Be 'ARCHIVED'
            ($firstState | Where-Object digest -EQ (Get-TestDigest 'c3')).status | Should -Be 'ARCHIVED'
            ($firstState | Where-Object digest -EQ (Get-TestDigest 'untagged')).status | Should -Be 'ARCHIVED'
            $first.Deleted | Should -Be 1
            $first.Archived | Should -Be 2
            $first.ReclaimedFromArchiveBytes | Should -Be 100000000
            ($first.CandidateList | Where-Object Digest -EQ (Get-TestDigest 'c4')).Reason | Should -Match '; archived 100\.0 days ago$'
        }

        It 'never archives an archived image again, and deletes it once the window given is over' {
            $laterState.digest | Should -Not -Contain (Get-TestDigest 'closed-pr')
            $later.Archived | Should -Be 0
            $later.Deleted | Should -Be 1
            ($laterState | Where-Object digest -EQ (Get-TestDigest 'c3')).status | Should -Be 'ARCHIVED' -Because 'archived moments ago'
        }

        It 'keeps a deployed archived image whatever its archive age' {
            ($laterState | Where-Object digest -EQ (Get-TestDigest 'worker')).status | Should -Be 'ARCHIVED'
        }
    }

    Context 'an image something runs is archived' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario @{ 'c0' = @{ status = 'ARCHIVED'; archivedHoursAgo = 5 } })
            $dryRun = Invoke-EcrCleanup @common -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
            $protection = Get-ProtectedImage @common -WarningAction SilentlyContinue | Where-Object { $_.Digest -eq (Get-TestDigest 'c0') -and "$($_.Reason)" -eq 'Deployed' } | Select-Object -First 1
            $statusAfterDryRun = StatusOf $sandbox 'c0'
            $run = Invoke-EcrCleanup @common -RestoreDeployed -Force -WarningAction SilentlyContinue
            $statusAfterRun = StatusOf $sandbox 'c0'
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'warns of it with the command that fixes it, and lists it in the report and on the protection' {
            $warnings.Message | Where-Object { $_ -like "*$((Get-TestDigest 'c0').Substring(0, 19))* is ARCHIVED and in use (Deployed: HelpmatonProduction / prod-api*" } | Should -Not -BeNullOrEmpty
            ($warnings.Message -join "`n") | Should -Match 'Restore-EcrCleanupImage'
            $dryRun.NotPullable.Digest | Should -Contain (Get-TestDigest 'c0')
            "$dryRun" | Should -Match 'In Use but Not Pullable'
            "$($protection.Status)" | Should -Be 'Archived'
            $protection.IsNotPullable | Should -BeTrue
            $statusAfterDryRun | Should -Be 'ARCHIVED' -Because 'a dry run restores nothing'
        }

        It 'restores it during the run with -RestoreDeployed' {
            $statusAfterRun | Should -BeIn 'ACTIVATING', 'ACTIVE'
            $run.Restored.Digest | Should -Be (Get-TestDigest 'c0')
            "$($run.Restored.Outcome)" | Should -Be 'Restoring'
            "$run" | Should -Match 'Restored Because They Are in Use'
        }
    }
}

Describe 'The lifecycle guard' {
    Context 'a lifecycle rule that would expire a deployed image' {
        BeforeAll {
            $policy = @{ rules = @(@{ rulePriority = 1; description = 'expire after a day'; selection = @{ tagStatus = 'any'; countType = 'sinceImagePushed'; countUnit = 'days'; countNumber = 1 }; action = @{ type = 'expire' } }) }
            $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario -LifecyclePolicy $policy)
            $report = Invoke-EcrCleanup @common -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
            $calls = Invoke-SandboxAdmin $sandbox calls
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'reports every protected image the rule would expire, naming the rule, as objects and in the report' {
            $conflict = $report.LifecycleConflicts | Where-Object Digest -EQ (Get-TestDigest 'c0')
            $conflict | Should -Not -BeNullOrEmpty
            $conflict.RulePriority | Should -Be 1
            $conflict.RuleDescription | Should -Match '^rule 1 "expire after a day"'
            "$($conflict.Action)" | Should -Be 'Expire'
            $report.LifecycleConflicts.Digest | Should -Not -Contain (Get-TestDigest 'closed-pr') -Because 'a candidate is not protected'
            "$report" | Should -Match 'Kept Images the Lifecycle Policy Would Expire or Archive'
            ($warnings.Message -join "`n") | Should -Match 'rule 1 "expire after a day"'
            Count $calls 'ecr:StartLifecyclePolicyPreview' | Should -Be 1
        }
    }

    Context 'a preview that cannot run' {
        BeforeAll {
            $policy = @{ rules = @(@{ rulePriority = 1; selection = @{ tagStatus = 'untagged'; countType = 'imageCountMoreThan'; countNumber = 1 }; action = @{ type = 'expire' } }) }
            $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario -LifecyclePolicy $policy)
            Invoke-SandboxAdmin $sandbox faults @(@{ service = 'ecr'; operation = 'StartLifecyclePolicyPreview'; error = 'AccessDeniedException'; times = -1 }) | Out-Null
            $report = Invoke-EcrCleanup @common -Force -WarningVariable warnings -WarningAction SilentlyContinue
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'still cleans up, with a warning that names the call and the permission' {
            $report.Deleted | Should -Be 4
            (State $sandbox).digest | Should -Not -Contain (Get-TestDigest 'untagged')
            ($warnings.Message -join "`n") | Should -Match 'ecr:StartLifecyclePolicyPreview'
            ($report.Warnings -join "`n") | Should -Match 'lifecycle policy'
        }
    }
}
