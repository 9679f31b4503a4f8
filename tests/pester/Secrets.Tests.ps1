BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)

    # Everything a command wrote, on every stream, as text: what a transcript or a CI log would hold.
    function Get-AllOutput([scriptblock] $Command) {
        $Error.Clear()
        $records = try { & $Command *>&1 } catch { $_ }
        $text = foreach ($record in $records) {
            if ($record -is [System.Management.Automation.ErrorRecord]) { $record.ToString(); $record.Exception.ToString(); $record.ErrorDetails.Message }
            elseif ($record -is [System.Management.Automation.InformationalRecord]) { $record.Message }
            else { $record | Format-List * | Out-String }
        }
        ($text + ($Error | ForEach-Object { $_.ToString(); $_.Exception.ToString() })) -join "`n"
    }
}
AfterAll { Stop-EcrSandbox $sandbox }

Describe 'Secrets' {
    It 'never prints the session token that a SignatureDoesNotMatch answer echoes' {
        $saved = $env:AWS_SECRET_ACCESS_KEY, $env:AWS_SESSION_TOKEN
        try {
            $env:AWS_SECRET_ACCESS_KEY = 'canary-wrong-secret-key-0123456789'
            $env:AWS_SESSION_TOKEN = 'CanarySessionToken0123456789abcdef'
            $all = Get-AllOutput { Get-ProtectedImage -RepositoryName app -Verbose -Debug -ErrorAction Continue }
        }
        finally { $env:AWS_SECRET_ACCESS_KEY, $env:AWS_SESSION_TOKEN = $saved }
        $all | Should -Match 'InvalidSignature|SignatureDoesNotMatch|UnrecognizedClient'   # the failure is there, named
        $all | Should -Not -Match 'CanarySessionToken0123456789abcdef'
        $all | Should -Not -Match 'canary-wrong-secret-key'
    }

    It 'never prints the userinfo of an endpoint URL' {
        $endpoint = $sandbox.Url -replace '^http://', 'http://canaryuser:canarypassword@'
        $all = Get-AllOutput { Get-EcrCleanupImage -RepositoryName app -EndpointUrl $endpoint -Verbose -ErrorAction Continue | Select-Object -First 1 }
        $all | Should -Match 'ECR endpoint'
        $all | Should -Not -Match 'canarypassword'
    }

    It 'never prints the AWS secret key or the GitHub token from any cmdlet, stream, report format, journal or step summary' {
        $files = 'report.txt', 'report.md', 'report.json', 'journal.jsonl', 'summary.md' | ForEach-Object { Join-Path $TestDrive $_ }
        $savedSummary = $env:GITHUB_STEP_SUMMARY
        $env:GITHUB_STEP_SUMMARY = $files[4]
        try {
            $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3; Verbose = $true; Debug = $true }
            $all = Get-AllOutput {
                Get-EcrCleanupImage -RepositoryName app -Verbose
                Get-ProtectedImage @common
                Get-EcrCleanupCandidate @common -IncludeKept | Format-List * | Out-String
                Get-EcrCleanupCandidate @common | Remove-EcrCleanupCandidate -WhatIf -PassThru -Verbose
                Invoke-EcrCleanup @common -WhatIf -ReportPath $files[0]
                Invoke-EcrCleanup @common -WhatIf -ReportPath $files[1] -ReportFormat Markdown
                Invoke-EcrCleanup @common -Force -ReportPath $files[2] -ReportFormat Json -JournalPath $files[3]
            }
        }
        finally { $env:GITHUB_STEP_SUMMARY = $savedSummary }
        $written = ($files | ForEach-Object { Get-Content -Raw $_ }) -join "`n"
        $written | Should -Match 'lancedb-'          # the files hold the run
        $all | Should -Match 'ECR DescribeImages'   # and so does the output
        foreach ($secret in $sandbox.SecretKey, $sandbox.GitHubToken) {
            $all | Should -Not -Match ([regex]::Escape($secret))
            $written | Should -Not -Match ([regex]::Escape($secret))
        }
    }
}
