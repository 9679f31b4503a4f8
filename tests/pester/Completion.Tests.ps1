# Tab completion, through TabExpansion2 as a console's Tab key runs it, against the sandbox: the names come from the
# account the command line describes, once a minute at most, and a completion that cannot get them offers nothing.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $sandbox = Start-EcrSandbox -Scenario (New-AccountScenario)

    # What Tab offers at the end of the line: the completion texts, in order.
    function Complete([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }

    function Text([string] $Line) { @((Complete $Line).CompletionText) }

    function Calls($Sandbox, [string] $Operation) {
        $calls = Invoke-SandboxAdmin -Sandbox $Sandbox -Endpoint calls
        if ($calls.PSObject.Properties[$Operation]) { [int] $calls.$Operation } else { 0 }
    }
}
AfterAll { Stop-EcrSandbox $sandbox }

Describe 'Tab completion of -RepositoryName' {
    It 'offers every repository of the account on each command that takes one' {
        foreach ($command in 'Get-EcrCleanupImage', 'Get-ProtectedImage', 'Get-EcrCleanupCandidate', 'Invoke-EcrCleanup') {
            Text "$command -RepositoryName " | Should -Be @('app', 'apple', 'team/api', 'web') -Because $command
        }
    }

    It 'offers the names that start with what was typed, in any case, with the repository URI as tooltip' {
        $matches = Complete 'Get-ProtectedImage -RepositoryName AP'
        $matches.CompletionText | Should -Be @('app', 'apple')
        $matches[0].ToolTip | Should -Be '123456789012.dkr.ecr.eu-west-2.amazonaws.com/app'
        $matches[0].ResultType | Should -Be 'ParameterValue'
    }

    It 'completes what was typed in quotes in the same quotes' {
        Text "Get-EcrCleanupImage -RepositoryName 'te" | Should -Be @("'team/api'")
    }

    It 'completes the positional repository name of Get-EcrCleanupImage' {
        Text 'Get-EcrCleanupImage w' | Should -Be @('web')
    }
}

Describe 'Tab completion of stack names' {
    It 'offers the live top-level stacks for -ProductionStackName: not the nested one, not the deleted one' {
        Text 'Get-ProtectedImage -ProductionStackName ' | Should -Be @('HelpmatonProduction', 'HelpmatonStagingPR12', 'HelpmatonStagingPR13', 'ReviewApp7')
        (Complete 'Get-ProtectedImage -ProductionStackName HelpmatonStagingPR13')[0].ToolTip | Should -Be 'HelpmatonStagingPR13 (UPDATE_ROLLBACK_COMPLETE)'
    }

    It 'offers the prefixes of stack names that end in a number for -PullRequestStackPrefix, then the names' {
        Text 'Invoke-EcrCleanup -PullRequestStackPrefix ' | Should -Be @('HelpmatonStagingPR', 'ReviewApp', 'HelpmatonProduction', 'HelpmatonStagingPR12', 'HelpmatonStagingPR13', 'ReviewApp7')
        $prefix = Complete 'Invoke-EcrCleanup -PullRequestStackPrefix helpmatons'
        $prefix.CompletionText | Should -Be @('HelpmatonStagingPR', 'HelpmatonStagingPR12', 'HelpmatonStagingPR13')
        $prefix[0].ToolTip | Should -Be 'Prefix of 2 stack(s): HelpmatonStagingPR12, HelpmatonStagingPR13'
    }
}

Describe 'Tab completion of -ProfileName' {
    BeforeAll {
        $saved = @{ AWS_CONFIG_FILE = $env:AWS_CONFIG_FILE; AWS_SHARED_CREDENTIALS_FILE = $env:AWS_SHARED_CREDENTIALS_FILE }
        $config = Join-Path $TestDrive 'config'
        $credentials = Join-Path $TestDrive 'credentials'
        Set-Content $config -Value @(
            '[default]', 'region = eu-west-2', ''
            '[profile dev]', 'region = eu-west-1', ''
            '[profile with space]', 'region = us-east-1', ''
            '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', ''
            '[services local]', 'ecr =', '  endpoint_url = http://127.0.0.1:1'
        )
        Set-Content $credentials -Value @(
            '[dev]', 'aws_access_key_id = AKIDDEVPROFILE', 'aws_secret_access_key = dev-profile-secret', ''
            '[prod]', 'aws_access_key_id = AKIDPRODPROFILE', 'aws_secret_access_key = prod-profile-secret'
        )
        $env:AWS_CONFIG_FILE = $config
        $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
    }
    AfterAll { foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) } }

    It 'offers the profiles of the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name, once each, and no other section' {
        Text 'Get-ProtectedImage -ProfileName ' | Should -Be @('default', 'dev', 'prod', "'with space'")
    }

    It 'filters by what was typed and quotes a name with a space' {
        Text 'Get-EcrCleanupImage -ProfileName DE' | Should -Be @('default', 'dev')
        Text 'Get-EcrCleanupImage -ProfileName wi' | Should -Be @("'with space'")
        Text 'Get-EcrCleanupImage -ProfileName "wi' | Should -Be @('"with space"')
    }

    It 'never shows what a profile holds' {
        $shown = (Complete 'Get-EcrCleanupImage -ProfileName ') | ForEach-Object { $_.CompletionText; $_.ListItemText; $_.ToolTip }
        "$shown" | Should -Not -Match 'secret|AKID|corp\.awsapps'
    }

    It 'offers nothing when neither file exists' {
        $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'missing-config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'missing-credentials'
        try { Text 'Get-EcrCleanupImage -ProfileName ' | Should -BeNullOrEmpty }
        finally { $env:AWS_CONFIG_FILE = $config; $env:AWS_SHARED_CREDENTIALS_FILE = $credentials }
    }
}

Describe 'Tab completion of -Region' {
    It 'offers the regions of the partition in use, from the SDK''s endpoint data' {
        $regions = Text 'Get-ProtectedImage -Region '
        $regions | Should -Contain 'eu-west-2'
        $regions | Should -Contain 'us-east-1'
        $regions | Should -Not -Contain 'cn-north-1'
        $regions | Should -Not -Contain 'us-east-1-regional'
        Text 'Get-ProtectedImage -Region EU-WEST-' | Should -Be @('eu-west-1', 'eu-west-2', 'eu-west-3')
        (Complete 'Get-ProtectedImage -Region eu-west-2')[0].ToolTip | Should -Be 'Europe (London) (aws)'
    }

    It 'offers the regions of the partition AWS_REGION is in' {
        $saved = $env:AWS_REGION
        $env:AWS_REGION = 'cn-north-1'
        try { Text 'Get-ProtectedImage -Region ' | Should -Be @('cn-north-1', 'cn-northwest-1') }
        finally { $env:AWS_REGION = $saved }
    }

    It 'finds what was typed in another partition when the one in use has no such region' {
        Text 'Get-ProtectedImage -Region us-gov-' | Should -Be @('us-gov-east-1', 'us-gov-west-1')
        Text 'Get-ProtectedImage -Region nowhere-' | Should -BeNullOrEmpty
    }

    It 'reads the SDK''s data in the module''s own load context' {
        $null = Text 'Get-ProtectedImage -Region eu-'
        [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name | Should -Not -Contain 'AWSSDK.Core'
    }
}

Describe 'Tab completion reads the account the command line names' {
    BeforeAll {
        $second = Start-EcrSandbox -NoEnvironment -Scenario @{
            repositories = @(@{ name = 'elsewhere'; images = @() })
            stacks       = @(@{ name = 'OtherStack1'; status = 'CREATE_COMPLETE'; resources = @() })
        }
    }
    AfterAll { Stop-EcrSandbox $second }

    It 'asks the endpoint -EndpointUrl names' {
        Text "Get-ProtectedImage -EndpointUrl $($second.Url) -RepositoryName " | Should -Be @('elsewhere')
        $before = "Get-ProtectedImage -RepositoryName e"
        @((TabExpansion2 -inputScript "$before -EndpointUrl $($second.Url)" -cursorColumn $before.Length).CompletionMatches.CompletionText) | Should -Be @('elsewhere')
        Text "Get-ProtectedImage -EndpointUrl $($second.Url) -PullRequestStackPrefix " | Should -Be @('OtherStack', 'OtherStack1')
    }

    It 'offers nothing for an endpoint nothing answers, at once' {
        $elapsed = Measure-Command { $script:offered = Text 'Get-ProtectedImage -EndpointUrl http://127.0.0.1:1 -RepositoryName ' }
        $script:offered | Should -BeNullOrEmpty
        $elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'offers nothing for a -Region the endpoint does not serve, a -ProfileName that does not exist or an -EndpointUrl that is not one' {
        Text 'Get-ProtectedImage -Region us-east-1 -RepositoryName ' | Should -BeNullOrEmpty
        Text 'Get-ProtectedImage -ProfileName no-such-profile -RepositoryName ' | Should -BeNullOrEmpty
        Text 'Get-ProtectedImage -EndpointUrl not-a-url -RepositoryName ' | Should -BeNullOrEmpty
    }

    It 'never shows the credentials in an -EndpointUrl' {
        $url = $second.Url -replace '^http://', 'http://operator:endpoint-password@'
        $shown = (Complete "Get-ProtectedImage -EndpointUrl $url -RepositoryName ") | ForEach-Object { $_.CompletionText; $_.ListItemText; $_.ToolTip }
        $shown | Should -Contain 'elsewhere'
        "$shown" | Should -Not -Match 'endpoint-password|operator'
    }
}

Describe 'Tab completion caches what it read' {
    BeforeAll {
        $cached = Start-EcrSandbox -NoEnvironment -Scenario (New-AccountScenario)
        $on = "-EndpointUrl $($cached.Url)"
    }
    AfterAll { Stop-EcrSandbox $cached }

    It 'makes no new call for a second completion within the minute, whatever was typed' {
        Text "Get-ProtectedImage $on -RepositoryName " | Should -HaveCount 4
        Calls $cached 'ecr:DescribeRepositories' | Should -Be 1
        Text "Get-ProtectedImage $on -RepositoryName a" | Should -Be @('app', 'apple')
        Text "Get-EcrCleanupImage $on -RepositoryName " | Should -HaveCount 4
        Calls $cached 'ecr:DescribeRepositories' | Should -Be 1
    }

    It 'reads the stacks once for both stack parameters' {
        Text "Get-ProtectedImage $on -ProductionStackName " | Should -HaveCount 4
        Text "Get-ProtectedImage $on -PullRequestStackPrefix " | Should -HaveCount 6
        Calls $cached 'cloudformation:ListStacks' | Should -Be 1
    }

    It 'keeps apart what it read from different endpoints' {
        Text "Get-ProtectedImage -RepositoryName " | Should -HaveCount 4
        Calls $cached 'ecr:DescribeRepositories' | Should -Be 1
    }
}

Describe 'Tab completion when the service fails' {
    BeforeEach {
        $failing = Start-EcrSandbox -NoEnvironment -Scenario (New-AccountScenario)
        $on = "-EndpointUrl $($failing.Url)"
    }
    AfterEach { Stop-EcrSandbox $failing }

    It 'offers nothing, without an error, when the service refuses: <error>' -ForEach @(
        @{ Service = 'ecr'; Operation = 'DescribeRepositories'; Error = 'AccessDeniedException'; Line = '-RepositoryName ' }
        @{ Service = 'ecr'; Operation = 'DescribeRepositories'; Error = 'ThrottlingException'; Line = '-RepositoryName ' }
        @{ Service = 'cloudformation'; Operation = 'ListStacks'; Error = 'InternalFailure'; Line = '-ProductionStackName ' }
    ) {
        $null = Invoke-SandboxAdmin -Sandbox $failing -Endpoint faults -Body @(@{ service = $Service; operation = $Operation; error = $Error; times = -1 })
        $global:Error.Clear()
        $elapsed = Measure-Command { $script:offered = Text "Get-ProtectedImage $on $Line" }
        $script:offered | Should -BeNullOrEmpty
        $global:Error.Count | Should -Be 0
        $elapsed.TotalSeconds | Should -BeLessThan 5
        Calls $failing "$($Service):$Operation" | Should -BeGreaterThan 0
    }

    It 'gives up after a few seconds on a service that does not answer, and tries again on the next Tab' {
        $null = Invoke-SandboxAdmin -Sandbox $failing -Endpoint faults -Body @(@{ service = 'ecr'; operation = 'DescribeRepositories'; malformed = 'delayMs:20000'; times = 1 })
        $elapsed = Measure-Command { $script:offered = Text "Get-ProtectedImage $on -RepositoryName " }
        $script:offered | Should -BeNullOrEmpty
        $elapsed.TotalSeconds | Should -BeGreaterThan 2.5
        $elapsed.TotalSeconds | Should -BeLessThan 6
        Text "Get-ProtectedImage $on -RepositoryName " | Should -Be @('app', 'apple', 'team/api', 'web')
    }
}
