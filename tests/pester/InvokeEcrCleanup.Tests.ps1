BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }
    function Get-Digests($Sandbox) { (Invoke-SandboxAdmin $Sandbox state).repositories[0].images.digest }

    # Runs a command in a fresh pwsh -Command, as CI does; returns its exit code and what it printed
    # ("What if:" lines reach no PowerShell stream, only the host, which writes them to the process's stdout).
    function Invoke-Pwsh([string] $Command) {
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$env:ECRCLEANUP_TEST_MODULE'; $Command" 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Transcript = ($output | Out-String) }
    }
}

Describe 'Invoke-EcrCleanup' {
    BeforeEach { $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario) }
    AfterEach { Stop-EcrSandbox $sandbox }

    It 'under -WhatIf deletes nothing, says what it would, and reports it' {
        $run = Invoke-Pwsh "Invoke-EcrCleanup -RepositoryName app -ProductionRetentionCount 3 -WhatIf"
        $run.ExitCode | Should -Be 0
        $run.Transcript | Should -Match ([regex]::Escape('What if: Performing the operation "Delete image" on target "app@sha256:'))
        $run.Transcript | Should -Match 'Mode: DRY RUN'
        $run.Transcript | Should -Match 'Would delete:\s+4'
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'with -Force deletes exactly the candidates and reports the seed summary' {
        $report = Invoke-EcrCleanup @common -Force
        $report.Mode | Should -Be 'EXECUTE'
        $report.TotalImages | Should -Be 18
        $report.ProtectedProduction | Should -Be 3
        $report.ProtectedPullRequests | Should -Be 1
        $report.Candidates | Should -Be 4
        $report.OldProductionImages | Should -Be 2
        $report.OldPullRequestImages | Should -Be 1
        $report.UntaggedImages | Should -Be 1
        $report.Deleted | Should -Be 4
        $report.Failed | Should -Be 0
        $report.StorageReclaimedBytes | Should -Be 400000000
        $report.Calls['ECR:BatchDeleteImage'] | Should -Be 1
        (Get-Digests $sandbox).Count | Should -Be 14
        $text = $report | Out-String
        $text | Should -Match 'ECR Image Cleanup Report'
        $text | Should -Match 'Deletion candidates:\s+4'
        $text | Should -Match 'Monthly saving:\s+\$0\.04'
    }

    It 'treats DRY_RUN=true as a forced dry run' {
        $env:DRY_RUN = 'true'
        try { $report = Invoke-EcrCleanup @common -Force -WarningAction SilentlyContinue }
        finally { $env:DRY_RUN = $null }
        $report.DryRun | Should -BeTrue
        $report.Deleted | Should -Be 4
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'writes the report as <Format> and appends a Markdown step summary' -TestCases @(
        @{ Format = 'Text'; Pattern = 'ECR Image Cleanup Report' }
        @{ Format = 'Markdown'; Pattern = '## ECR image cleanup' }
        @{ Format = 'Json'; Pattern = '"wouldDelete": 4' }
    ) {
        $path = Join-Path $TestDrive "report.$Format"
        $summary = Join-Path $TestDrive 'summary.md'
        $env:GITHUB_STEP_SUMMARY = $summary
        try { $null = Invoke-EcrCleanup @common -WhatIf -ReportPath $path -ReportFormat $Format }
        finally { $env:GITHUB_STEP_SUMMARY = $null }
        Get-Content $path -Raw | Should -Match $Pattern
        Get-Content $summary -Raw | Should -Match '\| Would delete \| 4 \|'
    }

    It 'exits non-zero in pwsh -Command when a deletion fails' {
        Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecr'; operation = 'BatchDeleteImage'; error = 'ThrottlingException'; times = -1 })
        $run = Invoke-Pwsh "`$env:AWS_MAX_ATTEMPTS = '1'; Invoke-EcrCleanup -RepositoryName app -ProductionRetentionCount 3 -Force"
        $run.ExitCode | Should -Not -Be 0
        $run.Transcript | Should -Match 'Failed:\s+4'
    }

    It 'exits non-zero in pwsh -Command when the run stops' {
        $run = Invoke-Pwsh "Invoke-EcrCleanup -RepositoryName app -ProductionStackName NoSuchStack -Force"
        $run.ExitCode | Should -Not -Be 0
        (Get-Digests $sandbox).Count | Should -Be 18
    }

    It 'exits zero when everything went well' {
        (Invoke-Pwsh "Invoke-EcrCleanup -RepositoryName app -ProductionRetentionCount 3 -Force").ExitCode | Should -Be 0
        (Get-Digests $sandbox).Count | Should -Be 14
    }

    It 'stops before anything is read or deleted when <Case> cannot be written' -TestCases @(
        @{ Case = 'the step summary'; Variable = 'GITHUB_STEP_SUMMARY'; Parameters = @{}; ErrorId = 'StepSummaryNotWritable' }
        @{ Case = 'the report'; Variable = $null; Parameters = @{ ReportPath = '{0}' }; ErrorId = 'ReportFolderNotFound' }
        @{ Case = 'the journal'; Variable = $null; Parameters = @{ JournalPath = '{0}' }; ErrorId = 'JournalFolderNotFound' }
    ) {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid())) -Force   # a folder is no file to write
        $arguments = @{}; foreach ($key in $Parameters.Keys) { $arguments[$key] = $Parameters[$key] -f $folder.FullName }
        $saved = if ($Variable) { [Environment]::GetEnvironmentVariable($Variable) }
        if ($Variable) { [Environment]::SetEnvironmentVariable($Variable, $folder.FullName) }
        try {
            $before = ((Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum).Sum
            { Invoke-EcrCleanup @common @arguments -Force -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,EcrCleanup.Commands.InvokeEcrCleanupCommand"
            ((Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum).Sum | Should -Be $before
            (Get-Digests $sandbox).Count | Should -Be 18
        }
        finally { if ($Variable) { [Environment]::SetEnvironmentVariable($Variable, $saved) } }
    }

    It 'writes the report, and then stops, when deleting stops at a limit' {
        $path = Join-Path $TestDrive 'stopped.txt'
        { Invoke-EcrCleanup @common -Force -MaxDeleteCount 1 -ReportPath $path -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'DeleteLimitExceeded,EcrCleanup.Commands.InvokeEcrCleanupCommand'
        $text = Get-Content -Raw $path
        $text | Should -Match 'Deletion candidates:\s+4'
        $text | Should -Match 'Deleting stopped: 4 images of .app. would be deleted, more than -MaxDeleteCount 1'
        (Get-Digests $sandbox).Count | Should -Be 18
    }
}
