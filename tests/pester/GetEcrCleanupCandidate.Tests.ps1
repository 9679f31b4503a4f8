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

    It 'keeps every protection when the output of Get-ProtectedImage is filtered before it is piped in' {
        $filtered = Get-ProtectedImage @common | Where-Object Digest -NotIn (Get-TestDigest 'c0'), (Get-TestDigest 'c1'), (Get-TestDigest 'pr15-commit')
        $all = $filtered | Get-EcrCleanupCandidate @common -IncludeKept
        Labels ($all | Where-Object Action -EQ 'Delete') | Should -Be @('c3', 'c4', 'closed-pr', 'untagged')
        ($all | Where-Object Digest -EQ (Get-TestDigest 'c0')).Rule | Should -Be 'Protected'
        ($all | Where-Object Digest -EQ (Get-TestDigest 'c1')).Rule | Should -Be 'ProductionRetention'
    }

    It 'keeps the newest production builds by production retention, numbered as the report numbers them' {
        $all = Get-EcrCleanupCandidate @common -IncludeKept
        $c1 = $all | Where-Object Digest -EQ (Get-TestDigest 'c1')
        $c2 = $all | Where-Object Digest -EQ (Get-TestDigest 'c2')
        $c3 = $all | Where-Object Digest -EQ (Get-TestDigest 'c3')
        # No stack runs c1 or c2: retention alone keeps them. c0, which production runs now, is build #1.
        $c1.Rule, $c1.ProductionRank, $c1.Reason | Should -Be @('ProductionRetention', 2, 'Production image #2 of 3 kept for rollback')
        $c2.Rule, $c2.ProductionRank | Should -Be @('ProductionRetention', 3)
        ($all | Where-Object Digest -EQ (Get-TestDigest 'c0')).ProductionRank | Should -Be 1
        $c3.Rule, $c3.ProductionRank, $c3.Reason | Should -Be @('ProductionBeyondRetention', 4, 'Production image beyond retention (#4 > 3)')
        (Get-ProtectedImage @common | Where-Object { $_.Digest -eq (Get-TestDigest 'c2') -and "$($_.Reason)" -eq 'ProductionRetention' }).ProductionRank | Should -Be 3
        $report = Invoke-EcrCleanup @common -WhatIf -WarningAction SilentlyContinue
        "$report" | Should -Match ([regex]::Escape("$(Get-TestTag 'c2') (production build #3)"))
        "$report" | Should -Match ([regex]::Escape("$(Get-TestTag 'c3') - Production image beyond retention (#4 > 3)"))
    }

    It 'keeps the commit of an open pull request that no stack runs, by that rule' {
        $all = Get-EcrCleanupCandidate @common -IncludeKept
        $pr = $all | Where-Object Digest -EQ (Get-TestDigest 'pr15-commit')
        $pr.Rule, $pr.PullRequestNumber, $pr.Reason | Should -Be @('OpenPullRequest', 15, 'Open pull request #15')
        ($all | Where-Object Digest -EQ (Get-TestDigest 'closed-pr')).Action | Should -Be 'Delete'
    }

    It 'lists every reason that keeps an image, the deciding one first' {
        $c0 = Get-EcrCleanupCandidate @common -IncludeKept | Where-Object Digest -EQ (Get-TestDigest 'c0')
        @($c0.KeptBy) | Should -Be @('Protected', 'ProductionRetention')
        $c0.Reason | Should -Match '^Deployed: HelpmatonProduction / prod-api \(\$LATEST\); Production image #1 of 3 kept for rollback$'
    }

    It 'counts any object with Repository and Digest as protection' {
        $inventory = [pscustomobject]@{ Repository = 'app'; Digest = (Get-TestDigest 'c3'); Source = 'ECS service api' }
        $candidates = $inventory | Get-EcrCleanupCandidate @common
        Labels $candidates | Should -Be @('c4', 'closed-pr', 'untagged')
        $kept = Get-EcrCleanupCandidate @common -IncludeKept -InputObject $inventory | Where-Object Digest -EQ (Get-TestDigest 'c3')
        $kept.Rule | Should -Be 'Protected'
    }

    It 'stops, deleting nothing, on a piped object that cannot protect <Case>' -TestCases @(
        @{ Case = 'anything'; Repository = $null; Digest = $null }
        @{ Case = 'by a digest with spaces'; Repository = 'app'; Digest = ' {0} ' }
        @{ Case = 'by an image URI'; Repository = 'app'; Digest = '123456789012.dkr.ecr.eu-west-2.amazonaws.com/app@{0}' }
        @{ Case = 'with a repository given as a URI'; Repository = '123456789012.dkr.ecr.eu-west-2.amazonaws.com/app'; Digest = '{0}' }
    ) {
        $Item = if ($Repository) { [pscustomobject]@{ Repository = $Repository; Digest = $Digest -f (Get-TestDigest 'c3') } } else { [pscustomobject]@{ Name = 'x' } }
        $before = (Invoke-SandboxAdmin $sandbox calls).'ecr:BatchDeleteImage'
        { $Item | Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -Force } | Should -Throw -ErrorId 'InvalidProtectionInput,EcrCleanup.Commands.GetEcrCleanupCandidateCommand'
        (Invoke-SandboxAdmin $sandbox calls).'ecr:BatchDeleteImage' | Should -Be $before
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
        (Get-EcrCleanupCandidate @common | Format-Table | Out-String) | Should -Match 'Action\s+Status\s+Tags\s+Age\(h\)'
    }
}
