BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $commandId = 'EcrCleanup.Commands.RestoreEcrCleanupImageCommand'

    # 'app': two archived images and an active one; 'team/api': one archived image. A restore takes a second.
    function New-ArchiveScenario {
        $image = { param($label, $status) @{ digest = (Get-TestDigest $label); tags = @(Get-TestTag $label); ageHours = 300; sizeBytes = 1000; status = $status } + $(if ($status -eq 'ARCHIVED') { @{ archivedHoursAgo = 100 } } else { @{} }) }
        @{
            activationDelaySeconds = 1
            repositories           = @(
                @{ name = 'app'; images = @((& $image 'old-1' 'ARCHIVED'), (& $image 'old-2' 'ARCHIVED'), (& $image 'live' 'ACTIVE')) }
                @{ name = 'team/api'; images = @(& $image 'api-old' 'ARCHIVED') }
            )
        }
    }

    function Get-Image($Sandbox, $Repository, $Label) {
        ((Invoke-SandboxAdmin $Sandbox state).repositories | Where-Object name -EQ $Repository).images | Where-Object digest -EQ (Get-TestDigest $Label)
    }

    function Get-CallCount($Sandbox, $Operation) { (Invoke-SandboxAdmin $Sandbox calls).$Operation ?? 0 }

    # The one error of an image not restored: its id, category, the image as target and a message naming it.
    function Assert-RestoreError($Failures, $Code, $Category, $Label, $Message) {
        $Failures.Count | Should -Be 1
        $Failures[0].FullyQualifiedErrorId | Should -Be "ImageRestoreFailed.$Code,$commandId"
        $Failures[0].CategoryInfo.Category | Should -Be $Category
        $Failures[0].TargetObject.Digest | Should -Be (Get-TestDigest $Label)
        $Failures[0].Exception.Message | Should -Match $Message
    }

    function New-Image($Repository, $Label) { [pscustomobject]@{ Repository = $Repository; Digest = Get-TestDigest $Label; Tags = @(Get-TestTag $Label) } }
}

Describe 'Restore-EcrCleanupImage' {
    BeforeEach { $sandbox = Start-EcrSandbox -Scenario (New-ArchiveScenario) }
    AfterEach { Stop-EcrSandbox $sandbox }

    It 'restores piped images, one status read per repository, and writes nothing without -PassThru' {
        $output = (New-Image 'app' 'old-1'), (New-Image 'team/api' 'api-old'), (New-Image 'app' 'old-2') | Restore-EcrCleanupImage -Force
        $output | Should -BeNullOrEmpty
        foreach ($image in (Get-Image $sandbox 'app' 'old-1'), (Get-Image $sandbox 'app' 'old-2'), (Get-Image $sandbox 'team/api' 'api-old')) {
            $image.status | Should -BeIn 'ACTIVATING', $null -Because 'a restored image is ACTIVATING, then ACTIVE'
        }
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 3
        Get-CallCount $sandbox 'ecr:DescribeImages' | Should -Be 2
    }

    It 'writes a result per image with -PassThru: restoring, already active, not found' {
        $unknown = [pscustomobject]@{ Repository = 'app'; Digest = Get-TestDigest 'never-pushed' }
        $results = (New-Image 'app' 'old-1'), (New-Image 'app' 'live'), $unknown |
            Restore-EcrCleanupImage -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Count | Should -Be 3
        $results[0].GetType().FullName | Should -Be 'EcrCleanup.Restore.RestoreResult'
        @($results.Outcome) | Should -Be @('Restoring', 'AlreadyActive', 'NotFound')
        @($results.Status) | Should -Be @('Activating', 'Active', $null)
        $results[0].Tags | Should -Be @(Get-TestTag 'old-1')
        $results[2].FailureCode | Should -Be 'ImageNotFound'
        Assert-RestoreError $failures 'ImageNotFound' 'ObjectNotFound' 'never-pushed' "ECR has no image sha256:[0-9a-f]{64} in repository 'app'"
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 1
        ($results | Format-Table | Out-String) | Should -Match 'AlreadyActive\s+Active\s+app'
    }

    It 'takes the images Get-EcrCleanupImage lists (every storage class), and restores the archived ones' {
        $results = Get-EcrCleanupImage -RepositoryName app | Restore-EcrCleanupImage -WhatIf -PassThru
        $results | Where-Object Digest -EQ (Get-TestDigest 'live') | ForEach-Object { "$($_.Outcome)" } | Should -Be 'AlreadyActive'
        $results | Where-Object Digest -EQ (Get-TestDigest 'old-2') | ForEach-Object { "$($_.Outcome)" } | Should -Be 'WouldRestore'
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 0
    }

    It 'restores nothing under -WhatIf, even with -Force, and says what it would restore' {
        $results = (New-Image 'app' 'old-1'), (New-Image 'app' 'live') | Restore-EcrCleanupImage -WhatIf -Force -PassThru
        @($results.Outcome) | Should -Be @('WouldRestore', 'AlreadyActive')
        (Get-Image $sandbox 'app' 'old-1').status | Should -Be 'ARCHIVED'
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 0
    }

    It 'waits with -Wait until the restored images are active' {
        $results = (New-Image 'app' 'old-1'), (New-Image 'app' 'old-2') | Restore-EcrCleanupImage -Force -Wait -PassThru
        @($results.Outcome) | Should -Be @('Restored', 'Restored')
        @($results.Status) | Should -Be @('Active', 'Active')
        foreach ($label in 'old-1', 'old-2') {
            $image = Get-Image $sandbox 'app' $label
            $image.status | Should -BeNullOrEmpty -Because 'the state leaves out the status of an active image'
            $image.lastActivatedAt | Should -Not -BeNullOrEmpty
        }
        Get-CallCount $sandbox 'ecr:DescribeImages' | Should -BeGreaterThan 1
    }

    It 'restores every image a journal says was archived, and nothing else it names' {
        $journal = Join-Path $TestDrive 'archive.jsonl'
        $line = { param($phase, $outcome, $repository, $label) $entry = [ordered]@{ time = '2026-01-01T00:00:00+00:00'; runId = 'r1'; phase = $phase; action = 'Archive'; repository = $repository; digest = Get-TestDigest $label; tags = @(Get-TestTag $label); pushedAt = '2025-01-01T00:00:00+00:00'; sizeBytes = 1000; rule = 'Untagged'; reason = 'old' }; if ($outcome) { $entry.outcome = $outcome }; $entry | ConvertTo-Json -Compress }
        @(
            & $line 'intent' $null 'app' 'old-1'
            & $line 'outcome' 'Archived' 'app' 'old-1'
            & $line 'intent' $null 'app' 'old-2'
            & $line 'outcome' 'Failed' 'app' 'old-2'
            ''
            & $line 'outcome' 'Archived' 'team/api' 'api-old'
        ) | Set-Content $journal
        $results = Restore-EcrCleanupImage -JournalPath $journal -Force -PassThru
        @($results | ForEach-Object { "$($_.Repository)@$($_.Digest)" }) | Should -Be @("app@$(Get-TestDigest 'old-1')", "team/api@$(Get-TestDigest 'api-old')")
        (Get-Image $sandbox 'app' 'old-2').status | Should -Be 'ARCHIVED'
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 2
    }

    It 'refuses a journal that is not there, or has a line it cannot read, before any call' {
        { Restore-EcrCleanupImage -JournalPath (Join-Path $TestDrive 'none.jsonl') -Force -ErrorAction Stop } |
            Should -Throw -ErrorId "JournalNotFound,$commandId"
        $journal = Join-Path $TestDrive 'broken.jsonl'
        @("{`"phase`":`"outcome`",`"outcome`":`"Archived`",`"repository`":`"app`",`"digest`":`"$(Get-TestDigest 'old-1')`"}", '{"phase":"outcome",') | Set-Content $journal
        $err = $null
        try { Restore-EcrCleanupImage -JournalPath $journal -Force -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be "JournalUnreadable,$commandId"
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match "^Line 2 of the journal '.*broken\.jsonl' cannot be read: it is not JSON"
        (Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Name | Where-Object { $_ -like 'ecr:*' } | Should -BeNullOrEmpty
    }

    It 'refuses input that is not an image before any call' {
        foreach ($bad in 'app@sha256:0123', [pscustomobject]@{ Repository = 'app'; Digest = 'latest' }, [pscustomobject]@{ Repository = 'App Images'; Digest = Get-TestDigest 'old-1' }) {
            { (New-Image 'app' 'old-1'), $bad | Restore-EcrCleanupImage -Force -ErrorAction Stop } |
                Should -Throw -ErrorId "InvalidRestoreInput,$commandId"
        }
        (Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Name | Where-Object { $_ -like 'ecr:*' } | Should -BeNullOrEmpty
        (Get-Image $sandbox 'app' 'old-1').status | Should -Be 'ARCHIVED'
    }

    It 'takes AWS.Tools image details and hashtables' {
        $detail = [pscustomobject]@{ RepositoryName = 'app'; ImageDigest = Get-TestDigest 'old-1'; ImageTags = [System.Collections.Generic.List[string]]@('v1') }
        $results = $detail, @{ Repository = 'app'; Digest = Get-TestDigest 'old-2' } | Restore-EcrCleanupImage -Force -PassThru
        @($results.Outcome) | Should -Be @('Restoring', 'Restoring')
    }

    It 'makes a refused restore an error that names the IAM action, and goes on with the others' {
        $null = Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecr'; operation = 'UpdateImageStorageClass'; match = 'app'; error = 'AccessDeniedException'; times = 1 })
        $results = (New-Image 'app' 'old-1'), (New-Image 'app' 'old-2') |
            Restore-EcrCleanupImage -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results.Outcome) | Should -Be @('Failed', 'Restoring')
        $results[0].FailureCode | Should -Be 'AccessDeniedException'
        Assert-RestoreError $failures 'AccessDenied' 'PermissionDenied' 'old-1' '^ECR UpdateImageStorageClass did not restore app@sha256:.* AccessDeniedException: .*grant ecr:UpdateImageStorageClass to the identity in use'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'ecr:UpdateImageStorageClass'
        (Get-Image $sandbox 'app' 'old-1').status | Should -Be 'ARCHIVED'
    }

    It 'stops with the service error when the status cannot be read, restoring nothing' {
        $null = Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecr'; operation = 'DescribeImages'; error = 'AccessDeniedException'; times = -1 })
        $err = $null
        try { New-Image 'app' 'old-1' | Restore-EcrCleanupImage -Force -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be "AccessDenied,$commandId"
        $err.Exception.Message | Should -Match 'grant ecr:DescribeImages'
        Get-CallCount $sandbox 'ecr:UpdateImageStorageClass' | Should -Be 0
    }

    It 'validates -Timeout' {
        { New-Image 'app' 'old-1' | Restore-EcrCleanupImage -Wait -Timeout 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EcrCleanup.Commands.RestoreEcrCleanupImageCommand'
        { New-Image 'app' 'old-1' | Restore-EcrCleanupImage -Wait -Timeout 2.00:00:00 } | Should -Throw -ExpectedMessage '*at most a day*'
    }
}
