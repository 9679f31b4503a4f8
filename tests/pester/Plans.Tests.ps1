# Reviewed plans: a dry run writes its plan (Invoke-EcrCleanup -PlanPath, Export-EcrCleanupPlan), and applying it
# (Import-EcrCleanupPlan | Remove-EcrCleanupCandidate) deletes only what both the plan and a fresh decision delete;
# Export-Clixml / Import-Clixml works the same way. An expired or edited plan, or one for another repository, region
# or account, is refused and nothing is deleted.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }
    $toDelete = 'c3', 'c4', 'closed-pr', 'untagged' | ForEach-Object { Get-TestDigest $_ }
    $remove = 'EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
    $import = 'EcrCleanup.Commands.ImportEcrCleanupPlanCommand'

    function Get-Digests($Sandbox) { (Invoke-SandboxAdmin $Sandbox state).repositories[0].images.digest }

    # The calls made since the scenario was last loaded: a name per operation called.
    function Get-Calls($Sandbox) { @((Invoke-SandboxAdmin $Sandbox calls).PSObject.Properties.Name) }

    # The scenario again, and the call counts from zero: what follows is what applying the plan did.
    function Reset-Sandbox($Sandbox, $Scenario = (New-ProtectionScenario)) { $null = Invoke-SandboxAdmin $Sandbox scenario -Body $Scenario }

    function Assert-NothingDeleted($Sandbox) {
        (Get-Digests $Sandbox).Count | Should -Be 18
        Get-Calls $Sandbox | Should -Not -Contain 'ecr:BatchDeleteImage'
    }

    # Applying the plan is refused with this id and category, a message that says what to do, and nothing deleted;
    # nothing read either, unless the refusal needs the repository read again (the account).
    function Assert-Refused([scriptblock] $Apply, [string] $ErrorId, [string] $Category, [string] $Message, [switch] $AfterReading) {
        $err = $Apply | Should -Throw -ErrorId $ErrorId -PassThru
        $err.Exception.Message | Should -Match $Message
        $err.CategoryInfo.Category | Should -Be $Category
        Assert-NothingDeleted $sandbox
        if (-not $AfterReading) { Get-Calls $sandbox | Should -BeNullOrEmpty -Because 'it is refused before anything is read' }
    }
}

Describe 'Reviewed plans' {
    BeforeEach {
        $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)
        $plan = Join-Path $TestDrive "plan-$([guid]::NewGuid().ToString('n')).json"
    }
    AfterEach { Stop-EcrSandbox $sandbox }

    Context 'a JSON plan' {
        It 'is written by a dry run, and applying it deletes the planned images still to delete and keeps one protected since' {
            $report = Invoke-EcrCleanup @common -WhatIf -PlanPath $plan
            $report.Deleted | Should -Be 4
            (Get-Digests $sandbox).Count | Should -Be 18

            $text = Get-Content $plan -Raw
            $written = $text | ConvertFrom-Json -DateKind String
            $written.formatVersion | Should -Be 1
            @($written.repository, $written.registryId, $written.region) | Should -Be @('app', '123456789012', 'eu-west-2')
            @($written.images.digest | Sort-Object) | Should -Be @($toDelete | Sort-Object)
            ($written.images | Where-Object digest -EQ (Get-TestDigest 'c3')).rule | Should -Be 'ProductionBeyondRetention'
            ($written.images | Where-Object digest -EQ (Get-TestDigest 'c3')).sizeBytes | Should -Be 100000000
            $written.policy.productionRetentionCount | Should -Be 3
            $written.policy.minImageAgeHours | Should -Be 24
            $written.settings.productionStackName | Should -Be 'HelpmatonProduction'
            [datetimeoffset]$written.expiresAt - [datetimeoffset]$written.decidedAt | Should -Be ([timespan]::FromDays(7))
            $written.fingerprint | Should -Match '^sha256:[0-9a-f]{64}$'
            $text | Should -Not -Match 'ghp_sandbox|sandbox-secret|AKIDSANDBOX'

            # Since the plan was made, a function runs c4.
            $scenario = New-ProtectionScenario
            ($scenario.functions | Where-Object name -EQ 'hand-made').resolvedDigest = Get-TestDigest 'c4'
            Reset-Sandbox $sandbox $scenario
            $results = Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Force -PassThru -WarningAction SilentlyContinue

            @(($results | Where-Object Outcome -EQ 'Deleted').Digest | Sort-Object) | Should -Be @('c3', 'closed-pr', 'untagged' | ForEach-Object { Get-TestDigest $_ } | Sort-Object)
            ($results | Where-Object Digest -EQ (Get-TestDigest 'c4')).SkipReason | Should -Match '^kept when decided again: Deployed outside the watched stacks: hand-made'
            $left = Get-Digests $sandbox
            $left.Count | Should -Be 15
            $left | Should -Contain (Get-TestDigest 'c4')
        }

        It 'deletes only the images it lists, whatever else the fresh decision would delete' {
            Get-EcrCleanupCandidate @common | Where-Object Category -EQ 'Untagged' | Export-EcrCleanupPlan -Path $plan
            Reset-Sandbox $sandbox

            $results = Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Force -PassThru

            $results.Digest | Should -Be (Get-TestDigest 'untagged')
            $results.Outcome | Should -Be 'Deleted'
            (Get-Digests $sandbox).Count | Should -Be 17
        }

        It 'takes the repository meant from ECR_REPOSITORY_NAME, and reads back as the candidates it lists' {
            $written = Get-EcrCleanupCandidate @common | Export-EcrCleanupPlan -Path $plan -ValidFor (New-TimeSpan -Days 2) -PassThru
            $written.ExpiresAt - $written.DecidedAt | Should -Be ([timespan]::FromDays(2))
            $saved = $env:ECR_REPOSITORY_NAME
            try {
                $env:ECR_REPOSITORY_NAME = 'app'
                $candidates = Import-EcrCleanupPlan $plan
            }
            finally { $env:ECR_REPOSITORY_NAME = $saved }
            @($candidates.Digest | Sort-Object) | Should -Be @($toDelete | Sort-Object)
            $candidates[0].PSObject.TypeNames[0] | Should -Be 'EcrCleanup.Model.CleanupCandidate'
            $candidates[0].Settings.Policy.ProductionRetentionCount | Should -Be 3
            $candidates[0].Plan.Fingerprint | Should -Be $written.Fingerprint
        }

        It 'is written by -PlanPath only in a dry run; DRY_RUN=true makes one' {
            { Invoke-EcrCleanup @common -Force -PlanPath $plan -ErrorAction Stop } | Should -Throw -ErrorId 'PlanRequiresDryRun,EcrCleanup.Commands.InvokeEcrCleanupCommand'
            $plan | Should -Not -Exist
            Assert-NothingDeleted $sandbox
            Get-Calls $sandbox | Should -BeNullOrEmpty

            $saved = $env:DRY_RUN
            try {
                $env:DRY_RUN = 'true'
                $null = Invoke-EcrCleanup @common -Force -PlanPath $plan -WarningAction SilentlyContinue
            }
            finally { $env:DRY_RUN = $saved }
            @((Import-EcrCleanupPlan $plan -RepositoryName app).Digest | Sort-Object) | Should -Be @($toDelete | Sort-Object)
            Assert-NothingDeleted $sandbox
        }
    }

    Context 'the PowerShell way' {
        It 'round-trips through Export-Clixml and Import-Clixml and is decided again like live candidates' {
            $xml = Join-Path $TestDrive 'candidates.xml'
            Get-EcrCleanupCandidate @common | Export-Clixml $xml
            $imported = Import-Clixml $xml
            $imported[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.EcrCleanup.Model.CleanupCandidate'
            # Since the export, c4 gained a tag.
            $scenario = New-ProtectionScenario
            ($scenario.repositories[0].images | Where-Object digest -EQ (Get-TestDigest 'c4')).tags += 'release-2025'
            Reset-Sandbox $sandbox $scenario

            $results = $imported | Remove-EcrCleanupCandidate -Force -PassThru -WarningAction SilentlyContinue

            @(($results | Where-Object Outcome -EQ 'Deleted').Digest | Sort-Object) | Should -Be @('c3', 'closed-pr', 'untagged' | ForEach-Object { Get-TestDigest $_ } | Sort-Object)
            ($results | Where-Object Digest -EQ (Get-TestDigest 'c4')).SkipReason | Should -Match 'release-2025'
            (Get-Digests $sandbox).Count | Should -Be 15
            (Invoke-SandboxAdmin $sandbox calls).'ecr:DescribeRepositories' | Should -BeGreaterThan 0 -Because 'the repository is read and decided again'
        }

        It 'refuses a deserialized candidate that lost its settings, deleting nothing' {
            $xml = Join-Path $TestDrive 'candidates.xml'
            Get-EcrCleanupCandidate @common | Export-Clixml $xml
            $imported = Import-Clixml $xml
            $imported[1].Settings = $null
            Reset-Sandbox $sandbox

            Assert-Refused { $imported | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } "CandidateNotDecidable,$remove" InvalidData 'Settings is not an object'
        }
    }

    Context 'refused' {
        It 'when it has expired, before anything is read' {
            $written = Get-EcrCleanupCandidate @common | Export-EcrCleanupPlan -Path $plan -ValidFor (New-TimeSpan -Seconds 5) -PassThru
            Start-Sleep -Milliseconds ([math]::Max(0, ($written.ExpiresAt - [datetimeoffset]::UtcNow).TotalMilliseconds + 200))
            Reset-Sandbox $sandbox

            Assert-Refused { Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } `
                "PlanExpired,$remove" InvalidData 'expired at .* Make a new plan'
        }

        It 'when it is for another repository than the one meant' {
            Get-EcrCleanupCandidate @common | Export-EcrCleanupPlan -Path $plan
            Reset-Sandbox $sandbox

            Assert-Refused { Import-EcrCleanupPlan $plan -RepositoryName 'other' | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } `
                "PlanRepositoryMismatch,$import" InvalidArgument "repository 'app'.*cleans 'other'.*pass -RepositoryName app"
        }

        It 'when it was edited after it was made (its fingerprint)' {
            $null = Invoke-EcrCleanup @common -WhatIf -PlanPath $plan
            # Someone slips a retained production build into the plan.
            $edited = Get-Content $plan -Raw | ConvertFrom-Json -DateKind String
            $edited.images[0].digest = Get-TestDigest 'c1'
            $edited | ConvertTo-Json -Depth 10 | Set-Content $plan
            Reset-Sandbox $sandbox

            Assert-Refused { Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } `
                "PlanModified,$import" SecurityError 'edited after it was made'
        }

        It 'when it is for another region, before anything is read' {
            $null = Invoke-EcrCleanup @common -WhatIf -PlanPath $plan
            Reset-Sandbox $sandbox

            Assert-Refused { Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Region us-east-1 -Force -ErrorAction Stop } `
                "PlanRegionMismatch,$remove" InvalidArgument 'Pass -Region eu-west-2'
        }

        It 'when the credentials reach the repository in another account, learned from the read the re-check makes anyway' {
            $null = Invoke-EcrCleanup @common -WhatIf -PlanPath $plan
            # The same repository, stacks and functions, in account 210987654321.
            $elsewhere = (New-ProtectionScenario | ConvertTo-Json -Depth 20) -replace '123456789012', '210987654321' | ConvertFrom-Json -AsHashtable
            $elsewhere.account = '210987654321'
            Reset-Sandbox $sandbox $elsewhere

            Assert-Refused { Import-EcrCleanupPlan $plan -RepositoryName app | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } `
                "PlanAccountMismatch,$remove" InvalidArgument 'account 123456789012.*account 210987654321' -AfterReading
            Get-Calls $sandbox | Should -Contain 'ecr:DescribeRepositories'
        }

        It 'when the file is not there, or is not a plan' {
            { Import-EcrCleanupPlan (Join-Path $TestDrive 'none.json') -ErrorAction Stop } | Should -Throw -ErrorId "PlanNotFound,$import"
            $report = Join-Path $TestDrive 'report.json'
            $null = Invoke-EcrCleanup @common -WhatIf -ReportPath $report -ReportFormat Json
            { Import-EcrCleanupPlan $report -RepositoryName app -ErrorAction Stop } | Should -Throw -ErrorId "PlanUnreadable,$import"
        }

        It 'when there are no candidates to make it of' {
            { @() | Export-EcrCleanupPlan -Path $plan -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPlanInput,EcrCleanup.Commands.ExportEcrCleanupPlanCommand'
            $plan | Should -Not -Exist
        }
    }
}
