BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }
    $toDelete = 'c3', 'c4', 'closed-pr', 'untagged' | ForEach-Object { Get-TestDigest $_ }

    function Get-Digests($Sandbox) { (Invoke-SandboxAdmin $Sandbox state).repositories[0].images.digest }
}

Describe 'Remove-EcrCleanupCandidate' {
    BeforeEach { $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario) }
    AfterEach { Stop-EcrSandbox $sandbox }

    It 'deletes nothing under -WhatIf and reports what it would' {
        $results = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -WhatIf -PassThru
        ($results | Where-Object Outcome -EQ 'WouldDelete').Digest | Sort-Object | Should -Be ($toDelete | Sort-Object)
        (Get-Digests $sandbox).Count | Should -Be 18
        # -WhatIf wins over -Force
        $forced = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -WhatIf -Force -PassThru
        ($forced | Where-Object Outcome -EQ 'WouldDelete').Count | Should -Be 4
        (Get-Digests $sandbox).Count | Should -Be 18
        (Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Name | Should -Not -Contain 'ecr:BatchDeleteImage'
    }

    It 'deletes exactly the candidates, whole images by digest, with -Confirm:$false' {
        $results = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Confirm:$false -PassThru
        ($results | Where-Object Outcome -EQ 'Deleted').Digest | Sort-Object | Should -Be ($toDelete | Sort-Object)
        $left = Get-Digests $sandbox
        $left.Count | Should -Be 14
        foreach ($digest in $toDelete) { $left | Should -Not -Contain $digest }
        (Invoke-SandboxAdmin $sandbox calls).'ecr:BatchDeleteImage' | Should -Be 1
    }

    It 'lets a candidate that gained a tag since the plan survive' {
        $plan = Get-EcrCleanupCandidate @common
        $scenario = New-ProtectionScenario
        ($scenario.repositories[0].images | Where-Object digest -EQ (Get-TestDigest 'c4')).tags += 'release-2025'
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $scenario
        $results = $plan | Remove-EcrCleanupCandidate -Force -PassThru -WarningAction SilentlyContinue
        $survivor = $results | Where-Object Digest -EQ (Get-TestDigest 'c4')
        $survivor.Outcome | Should -Be 'Skipped'
        $survivor.SkipReason | Should -Match 'release-2025'
        Get-Digests $sandbox | Should -Contain (Get-TestDigest 'c4')
    }

    It 'decides the plan again and spares a candidate that a function has run since' {
        $plan = Get-EcrCleanupCandidate @common
        $scenario = New-ProtectionScenario
        ($scenario.functions | Where-Object name -EQ 'hand-made').resolvedDigest = Get-TestDigest 'c4'
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $scenario
        $results = $plan | Remove-EcrCleanupCandidate -Force -PassThru -WarningAction SilentlyContinue
        $spared = $results | Where-Object Digest -EQ (Get-TestDigest 'c4')
        $spared.Outcome | Should -Be 'Skipped'
        $spared.SkipReason | Should -Match '^kept when decided again: Deployed outside the watched stacks: hand-made'
        Get-Digests $sandbox | Should -Contain (Get-TestDigest 'c4')
        ($results | Where-Object Outcome -EQ 'Deleted').Count | Should -Be 3
    }

    It 'decides again with the settings the candidates were decided with' {
        # Decided again with the default retention (15), c3 and c4 would be kept; they go because the plan's 3 is used.
        $results = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -PassThru
        ($results | Where-Object Outcome -EQ 'Deleted').Digest | Sort-Object | Should -Be ($toDelete | Sort-Object)
        (Get-EcrCleanupCandidate @common -IncludeKept | Select-Object -First 1).Settings.Policy.ProductionRetentionCount | Should -Be 3
    }

    It 'refuses candidates decided in another region, deleting nothing' {
        $plan = Get-EcrCleanupCandidate @common
        { $plan | Remove-EcrCleanupCandidate -Region us-east-1 -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'CandidateNotDecidable,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'needs GITHUB_TOKEN to decide again a plan decided with GitHub, and says so' {
        $plan = Get-EcrCleanupCandidate @common
        $token = $env:GITHUB_TOKEN
        try {
            $env:GITHUB_TOKEN = $null
            $err = $null
            try { $plan | Remove-EcrCleanupCandidate -Force -ErrorAction Stop } catch { $err = $_ }
        }
        finally { $env:GITHUB_TOKEN = $token }
        $err.FullyQualifiedErrorId | Should -Be 'GitHubTokenMissing,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        $err.Exception.Message | Should -Match 'set GITHUB_TOKEN'
        $err.Exception.Message | Should -Not -Match '-SkipGitHub'
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'declares only the parameters it uses' {
        $own = (Get-Command Remove-EcrCleanupCandidate).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }
        $own | Sort-Object | Should -Be @('Archive', 'Credential', 'EndpointUrl', 'Force', 'InputObject', 'JournalPath', 'MaxDeleteCount', 'MaxDeletePercent', 'PassThru', 'ProfileLocation', 'ProfileName', 'Region')
    }

    It 'reports ImageReferencedByManifestList as an error per image and goes on' {
        $plan = Get-EcrCleanupCandidate @common
        $scenario = New-ProtectionScenario
        # An untagged index, itself old enough to go, that lists a candidate: decided again, both go, but the plan
        # holds only the child, and ECR refuses to delete a manifest an index still lists.
        $scenario.repositories[0].images += @{ digest = (Get-TestDigest 'new-index'); tags = @(); ageHours = 200; mediaType = 'application/vnd.oci.image.index.v1+json'; children = @(Get-TestDigest 'untagged') }
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $scenario
        $results = $plan | Remove-EcrCleanupCandidate -Force -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue
        $failed = $results | Where-Object Outcome -EQ 'Failed'
        $failed.Digest | Should -Be (Get-TestDigest 'untagged')
        $failed.FailureCode | Should -Be 'ImageReferencedByManifestList'
        $errors[0].FullyQualifiedErrorId | Should -Be 'ImageDeletionFailed.ImageReferencedByManifestList,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        ($results | Where-Object Outcome -EQ 'Deleted').Count | Should -Be 3
    }

    It 'counts images another run deleted after the re-check as already gone, not as failures' {
        $plan = Get-EcrCleanupCandidate @common
        $slow = New-ProtectionScenario
        $slow.latencyMs = 2000   # both runs re-read the repository before either deletes
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $slow
        $runs = foreach ($i in 1, 2) {
            $shell = [powershell]::Create()
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $env:ECRCLEANUP_TEST_MODULE).AddStatement().
                AddCommand('Remove-EcrCleanupCandidate').AddParameter('InputObject', $plan).AddParameter('Force').AddParameter('PassThru')
            [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
            Start-Sleep -Milliseconds 200
        }
        $errors = @()
        $results = foreach ($run in $runs) { $run.Shell.EndInvoke($run.Handle); $errors += @($run.Shell.Streams.Error); $run.Shell.Dispose() }
        ($results | Where-Object Outcome -EQ 'Deleted').Count | Should -Be 4
        $gone = $results | Where-Object { $_.Outcome -eq 'Skipped' -and $_.FailureCode -eq 'ImageNotFound' }
        $gone.Count | Should -Be 4
        $gone.SkipReason | Sort-Object -Unique | Should -Be 'already gone (ImageNotFound)'
        $results | Where-Object Outcome -EQ 'Failed' | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'reports a batch throttled past its retries as failed images' {
        Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecr'; operation = 'BatchDeleteImage'; error = 'ThrottlingException'; times = -1 })
        $env:AWS_MAX_ATTEMPTS = '2'
        try {
            $results = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue
        }
        finally { $env:AWS_MAX_ATTEMPTS = $null }
        ($results | Where-Object Outcome -EQ 'Failed').Count | Should -Be 4
        ($results | Where-Object Outcome -EQ 'Failed').FailureCode | Sort-Object -Unique | Should -Be 'ThrottlingException'
        $errors.Count | Should -Be 4
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'deletes an image index before its children' {
        $scenario = New-ProtectionScenario
        $scenario.functions = @($scenario.functions | Where-Object name -NE 'index-runner')   # the index is no longer deployed
        $null = Invoke-SandboxAdmin $sandbox scenario -Body $scenario
        $results = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -PassThru
        ($results | Where-Object Digest -EQ (Get-TestDigest 'index')).Outcome | Should -Be 'Deleted'
        ($results | Where-Object Digest -EQ (Get-TestDigest 'index-child')).Outcome | Should -Be 'Deleted'
        (Invoke-SandboxAdmin $sandbox calls).'ecr:BatchDeleteImage' | Should -Be 2
    }

    It 'journals intent before and outcome after each delete' {
        $journal = Join-Path $TestDrive 'journal.jsonl'
        $null = Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -JournalPath $journal
        $lines = Get-Content $journal | ConvertFrom-Json
        $lines.Count | Should -Be 8
        ($lines | Where-Object phase -EQ 'intent').digest | Sort-Object | Should -Be ($toDelete | Sort-Object)
        ($lines | Where-Object phase -EQ 'outcome').outcome | Sort-Object -Unique | Should -Be 'Deleted'
        $first = $lines | Where-Object { $_.phase -eq 'intent' -and $_.digest -eq (Get-TestDigest 'c3') }
        $first.tags | Should -Be @(Get-TestTag 'c3')
        $first.sizeBytes | Should -Be 100000000
        $first.rule | Should -Be 'ProductionBeyondRetention'
        $first.runId | Should -Not -BeNullOrEmpty
    }

    It 'stops before deleting anything beyond -MaxDeleteCount or -MaxDeletePercent' {
        { Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -MaxDeleteCount 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'DeleteLimitExceeded,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        { Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -MaxDeletePercent 10 -ErrorAction Stop } |
            Should -Throw -ErrorId 'DeleteLimitExceeded,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'refuses a journal in a folder that does not exist, deleting nothing' {
        { Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force -JournalPath '/nonexistent/dir/j.jsonl' -ErrorAction Stop } |
            Should -Throw -ErrorId 'JournalFolderNotFound,EcrCleanup.Commands.RemoveEcrCleanupCandidateCommand'
        (Get-Digests $sandbox).Count | Should -Be 18
    }
}
