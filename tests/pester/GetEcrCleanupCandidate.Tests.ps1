BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }
    $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)

    function Labels([object[]] $Candidates) {
        $names = @{}
        foreach ($label in 'c0', 'v6', 'worker', 'pr12', 'manual', 'pr15-commit', 'c1', 'c2', 'c3', 'c4', 'closed-pr', 'untagged', 'unknown', 'latest', 'young', 'index', 'index-child', 'signature') {
            $names[(Get-TestDigest $label)] = $label
        }
        $Candidates | ForEach-Object { $names[$_.Digest] } | Sort-Object
    }
}
AfterAll { Stop-EcrSandbox $sandbox }

Describe 'Get-EcrCleanupCandidate' {
    It 'emits the images to delete, each with its rule, reason and category' {
        $candidates = Get-EcrCleanupCandidate @common
        Labels $candidates | Should -Be @('c3', 'c4', 'closed-pr', 'untagged')
        ($candidates | Where-Object Digest -EQ (Get-TestDigest 'c3')).Category | Should -Be 'OldProductionImage'
        ($candidates | Where-Object Digest -EQ (Get-TestDigest 'closed-pr')).Category | Should -Be 'OldPullRequestImage'
        $untagged = $candidates | Where-Object Digest -EQ (Get-TestDigest 'untagged')
        $untagged.Category | Should -Be 'Untagged'
        $untagged.Reason | Should -Match '^Untagged image \(\d+\.\dh old\)$'
        $candidates.Action | Sort-Object -Unique | Should -Be 'Delete'
    }

    It 'with -IncludeKept decides every image once, and says why it keeps the safe ones' {
        $all = Get-EcrCleanupCandidate @common -IncludeKept
        $all.Count | Should -Be 18
        ($all.Digest | Sort-Object -Unique).Count | Should -Be 18
        $rule = @{}; $all | ForEach-Object { $rule[$_.Digest] = "$($_.Rule)" }
        $rule[(Get-TestDigest 'c0')] | Should -Be 'Protected'
        $rule[(Get-TestDigest 'young')] | Should -Be 'MinimumAge'
        $rule[(Get-TestDigest 'latest')] | Should -Be 'Latest'
        $rule[(Get-TestDigest 'unknown')] | Should -Be 'UnknownTag'
        ($all | Where-Object Digest -EQ (Get-TestDigest 'unknown')).Reason | Should -Match 'lancedb-foo'
    }

    It 'uses the protected images piped to it without reading the sources again' {
        $before = (Invoke-SandboxAdmin $sandbox calls).'cloudformation:ListStacks'
        $protected = Get-ProtectedImage @common
        $candidates = $protected | Get-EcrCleanupCandidate @common
        Labels $candidates | Should -Be @('c3', 'c4', 'closed-pr', 'untagged')
        (Invoke-SandboxAdmin $sandbox calls).'cloudformation:ListStacks' | Should -Be ($before + 1)
    }

    It 'counts any object with Repository and Digest as protection' {
        $inventory = [pscustomobject]@{ Repository = 'app'; Digest = (Get-TestDigest 'c3'); Source = 'ECS service api' }
        $candidates = $inventory | Get-EcrCleanupCandidate @common
        Labels $candidates | Should -Be @('c4', 'closed-pr', 'untagged')
        $kept = Get-EcrCleanupCandidate @common -IncludeKept -InputObject $inventory | Where-Object Digest -EQ (Get-TestDigest 'c3')
        $kept.Rule | Should -Be 'Protected'
    }

    It 'writes an error for a piped object that cannot protect anything' {
        $null = [pscustomobject]@{ Name = 'x' } | Get-EcrCleanupCandidate @common -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidProtectionInput,EcrCleanup.Commands.GetEcrCleanupCandidateCommand'
    }

    It 'refuses <Case> before any AWS call, naming the parameter' -TestCases @(
        @{ Case = 'an invalid regex'; Arguments = @{ TagPattern = '(' }; Parameter = 'TagPattern' }
        @{ Case = 'a tag pattern without a sha group'; Arguments = @{ TagPattern = '^app-[0-9a-f]+$' }; Parameter = 'TagPattern' }
        @{ Case = 'an invalid latest pattern'; Arguments = @{ LatestTagPattern = '[' }; Parameter = 'LatestTagPattern' }
    ) {
        $before = ((Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum).Sum
        $err = $null
        try { Get-EcrCleanupCandidate @common @Arguments -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidPolicy,EcrCleanup.Commands.GetEcrCleanupCandidateCommand'
        $err.Exception.Message | Should -Match $Parameter
        ((Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum).Sum | Should -Be $before
    }

    It 'refuses a negative <Parameter>' -TestCases @(
        @{ Parameter = 'MinImageAgeHours' }, @{ Parameter = 'ProductionRetentionCount' }
    ) {
        $arguments = @{ $Parameter = -1 }
        { Get-EcrCleanupCandidate @arguments -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EcrCleanup.Commands.GetEcrCleanupCandidateCommand'
    }

    It 'takes a custom tag pattern' {
        $candidates = Get-EcrCleanupCandidate @common -TagPattern '^hotfix-(?<sha>[0-9a-f]{7})$' -IncludeKept
        # lancedb-<sha> tags are now unknown, so kept for safety; only the untagged image goes
        Labels ($candidates | Where-Object Action -EQ 'Delete') | Should -Be @('untagged')
    }

    It 'has a default table view' {
        (Get-EcrCleanupCandidate @common | Format-Table | Out-String) | Should -Match 'Action\s+Tags\s+Age\(h\)'
    }
}
