BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $common = @{ RepositoryName = 'app'; ProductionRetentionCount = 3 }

    function Find([object[]] $Protected, [string] $Label, [string] $Reason) {
        $Protected | Where-Object { $_.Digest -eq (Get-TestDigest $Label) -and "$($_.Reason)" -eq $Reason }
    }
}

Describe 'Get-ProtectedImage' {
    Context 'every source' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)
            $protected = Get-ProtectedImage @common -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It "protects what production's `$LATEST runs" {
            $p = Find $protected 'c0' 'Deployed'
            $p.Environment | Should -Contain 'Production'
            $p.StackName | Should -Contain 'HelpmatonProduction'
            $p.FunctionName | Should -Contain 'prod-api'
        }

        It 'protects every published version (and so every alias)' {
            (Find $protected 'v6' 'Deployed').Qualifier | Should -Be '6'
        }

        It 'protects the functions of nested stacks under their root stack' {
            (Find $protected 'worker' 'Deployed').StackName | Should -Be 'HelpmatonProduction'
        }

        It 'protects pull-request stacks with their number' {
            $p = Find $protected 'pr12' 'Deployed'
            $p.Environment | Should -Be 'PullRequest'
            $p.PullRequestNumber | Should -Be 12
        }

        It 'protects functions deployed outside the stacks' {
            (Find $protected 'manual' 'DeployedOutsideStacks').FunctionName | Should -Be 'hand-made'
        }

        It 'protects the commits of open pull requests' {
            (Find $protected 'pr15-commit' 'OpenPullRequest').PullRequestNumber | Should -Be 15
            Find $protected 'closed-pr' 'OpenPullRequest' | Should -BeNullOrEmpty
        }

        It 'keeps the newest production builds, the current one first' {
            Find $protected 'c1' 'ProductionRetention' | Should -Not -BeNullOrEmpty
            Find $protected 'c2' 'ProductionRetention' | Should -Not -BeNullOrEmpty
            Find $protected 'c3' 'ProductionRetention' | Should -BeNullOrEmpty
        }

        It 'protects the children of a protected index and the referrers of a protected image' {
            (Find $protected 'index-child' 'IndexChild').ParentDigest | Should -Be (Get-TestDigest 'index')
            (Find $protected 'signature' 'Referrer').ParentDigest | Should -Be (Get-TestDigest 'c0')
        }

        It 'protects nothing else' {
            foreach ($label in 'c3', 'c4', 'closed-pr', 'untagged', 'unknown', 'latest', 'young') {
                $protected | Where-Object Digest -EQ (Get-TestDigest $label) | Should -BeNullOrEmpty -Because "$label is not in use"
            }
        }

        It 'reads each stack once and asks GetFunction only for $LATEST' {
            $calls = Invoke-SandboxAdmin $sandbox calls
            $calls.'cloudformation:ListStackResources' | Should -Be 3
            $calls.'lambda:GetFunction' | Should -Be 6
            $calls.PSObject.Properties.Name | Should -Not -Contain 'lambda:ListAliases'
        }

        It 'never shows the GitHub token' {
            $verbose | Should -Not -Match 'ghp_sandbox_secret_token'
            ($protected | Format-List * | Out-String) | Should -Not -Match 'ghp_sandbox_secret_token'
        }

        It 'has a default table view' {
            ($protected | Format-Table | Out-String) | Should -Match 'Reason\s+Environment\s+Status\s+Tags'
        }
    }

    Context 'throttling' {
        It 'retries throttled CloudFormation and Lambda calls to the same answer' {
            $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)
            try {
                $expected = Get-ProtectedImage @common | ForEach-Object { "$($_.Digest) $($_.Reason)" } | Sort-Object
                Invoke-SandboxAdmin $sandbox faults -Body @(
                    @{ service = 'cloudformation'; operation = 'ListStackResources'; error = 'Throttling'; times = 2 }
                    @{ service = 'lambda'; operation = 'GetFunction'; error = 'TooManyRequestsException'; times = 2 }
                    @{ service = 'lambda'; operation = 'ListFunctions'; error = 'TooManyRequestsException'; times = 1 }
                )
                $actual = Get-ProtectedImage @common | ForEach-Object { "$($_.Digest) $($_.Reason)" } | Sort-Object
                $actual | Should -Be $expected
            }
            finally { Stop-EcrSandbox $sandbox }
        }
    }

    Context 'fail closed' {
        It 'stops when the production stack is missing' {
            $scenario = New-ProtectionScenario
            $scenario.stacks = @($scenario.stacks | Where-Object name -NE 'HelpmatonProduction')
            $sandbox = Start-EcrSandbox -Scenario $scenario
            try { { Get-ProtectedImage @common -ErrorAction Stop } | Should -Throw -ErrorId 'ProductionStackNotFound,EcrCleanup.Commands.GetProtectedImageCommand' }
            finally { Stop-EcrSandbox $sandbox }
        }

        It 'stops when the production stack runs no image of the repository' {
            $scenario = New-ProtectionScenario
            ($scenario.stacks | Where-Object name -EQ 'HelpmatonProduction').resources = @()
            $sandbox = Start-EcrSandbox -Scenario $scenario
            try { { Get-ProtectedImage @common -ErrorAction Stop } | Should -Throw -ErrorId 'ProductionStackHasNoImage,EcrCleanup.Commands.GetProtectedImageCommand' }
            finally { Stop-EcrSandbox $sandbox }
        }

        It 'stops when <Service> cannot answer' -TestCases @(
            @{ Service = 'cloudformation'; Operation = 'ListStackResources'; Code = 'InternalFailure' }
            @{ Service = 'lambda'; Operation = 'ListFunctions'; Code = 'ServiceException' }
            @{ Service = 'github'; Operation = 'pulls'; Code = '502' }
        ) {
            $scenario = New-ProtectionScenario
            $scenario.faults = @(@{ service = $Service; operation = $Operation; error = $Code; times = -1 })
            $sandbox = Start-EcrSandbox -Scenario $scenario
            try {
                $env:AWS_MAX_ATTEMPTS = '2'
                $err = $null
                try { Get-ProtectedImage @common -ErrorAction Stop } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -Be 'ProtectionSourceFailed,EcrCleanup.Commands.GetProtectedImageCommand'
                $err.Exception.Message | Should -Match 'nothing is decided'
            }
            finally { $env:AWS_MAX_ATTEMPTS = $null; Stop-EcrSandbox $sandbox }
        }

        It 'stops without a GitHub token, and goes on with -SkipGitHub, saying so' {
            $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)
            try {
                $env:GITHUB_TOKEN = $null
                { Get-ProtectedImage @common -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubTokenMissing,EcrCleanup.Commands.GetProtectedImageCommand'
                $protected = Get-ProtectedImage @common -SkipGitHub -WarningVariable warnings -WarningAction SilentlyContinue
                $warnings | Should -Match 'GitHub is skipped'
                $protected | Where-Object Reason -In 'OpenPullRequest', 'ProductionRetention' | Should -BeNullOrEmpty
                $protected | Where-Object Reason -EQ 'Deployed' | Should -Not -BeNullOrEmpty
            }
            finally { Stop-EcrSandbox $sandbox }
        }

        It 'stops when a stack is mid-update and GitHub is skipped' {
            $scenario = New-ProtectionScenario
            ($scenario.stacks | Where-Object name -EQ 'HelpmatonStagingPR12').status = 'UPDATE_IN_PROGRESS'
            $sandbox = Start-EcrSandbox -Scenario $scenario
            try {
                { Get-ProtectedImage @common -SkipGitHub -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'StackUpdateInProgress,EcrCleanup.Commands.GetProtectedImageCommand'
                $null = Get-ProtectedImage @common -WarningVariable warnings -WarningAction SilentlyContinue
                $warnings | Should -Match 'HelpmatonStagingPR12 \(UPDATE_IN_PROGRESS\)'
            }
            finally { Stop-EcrSandbox $sandbox }
        }

        It 'refuses a bad value in an environment variable before any call' {
            $env:PRODUCTION_IMAGE_RETENTION_COUNT = 'many'
            try { { Get-ProtectedImage -RepositoryName app -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidEnvironmentVariable,EcrCleanup.Commands.GetProtectedImageCommand' }
            finally { $env:PRODUCTION_IMAGE_RETENTION_COUNT = $null }
        }
    }
}
