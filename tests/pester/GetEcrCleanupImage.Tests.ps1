BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force

    function New-ImageList([int] $Count) {
        foreach ($i in 1..$Count) { @{ tags = @('lancedb-{0:x7}' -f $i); ageHours = $i / 10; sizeBytes = 1000 + $i } }
    }
}

Describe 'Get-EcrCleanupImage' {
    Context 'a repository of 2,500 images' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario @{
                repositories = @(
                    @{ name = 'big-repo'; images = @(New-ImageList 2500) }
                    @{ name = 'refs'; images = @(
                            @{ digest = 'sha256:' + 'a' * 64; tags = @('app-1111111'); ageHours = 50; mediaType = 'application/vnd.oci.image.index.v1+json'; children = @('sha256:' + 'b' * 64) }
                            @{ digest = 'sha256:' + 'b' * 64; ageHours = 50; mediaType = 'application/vnd.oci.image.manifest.v1+json' }
                            @{ digest = 'sha256:' + 'c' * 64; tags = @('sha256-' + 'a' * 64 + '.sig'); ageHours = 49; subject = 'sha256:' + 'a' * 64; artifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json' }
                        ) }
                )
            }
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'returns every image across DescribeImages pages of 1000' {
            $images = Get-EcrCleanupImage -RepositoryName big-repo
            $images.Count | Should -Be 2500
            ($images.Digest | Sort-Object -Unique).Count | Should -Be 2500
            (Invoke-SandboxAdmin $sandbox calls).'ecr:DescribeImages' | Should -Be 3
        }

        It 'stops cleanly when the pipeline needs no more (Select-Object -First)' {
            @(Get-EcrCleanupImage -RepositoryName big-repo | Select-Object -First 3).Count | Should -Be 3
        }

        It 'emits typed EcrImage objects with every documented property' {
            $image = Get-EcrCleanupImage -RepositoryName big-repo | Select-Object -First 1
            # The module's types live in its own load context: PowerShell names them, type literals do not reach them.
            $image.GetType().FullName | Should -Be 'EcrCleanup.Model.EcrImage'
            $image.Repository | Should -Be 'big-repo'
            $image.Digest | Should -Match '^sha256:[0-9a-f]{64}$'
            $image.Tags | Should -Match '^lancedb-[0-9a-f]{7}$'
            $image.PushedAt | Should -BeOfType ([DateTimeOffset])
            ([DateTimeOffset]::UtcNow - $image.PushedAt).TotalHours | Should -BeLessThan 1
            $image.SizeBytes | Should -BeGreaterThan 1000
            $image.ManifestMediaType | Should -Be 'application/vnd.docker.distribution.manifest.v2+json'
            $image.PSObject.Properties.Name | Should -Contain 'LastPulledAt'
            $image.PSObject.Properties.Name | Should -Contain 'ArtifactType'
        }

        It 'reads index children and referrer subjects from the manifests' {
            $images = Get-EcrCleanupImage -RepositoryName refs
            ($images | Where-Object Digest -EQ ('sha256:' + 'a' * 64)).ChildDigests | Should -Be @('sha256:' + 'b' * 64)
            ($images | Where-Object Digest -EQ ('sha256:' + 'c' * 64)).SubjectDigest | Should -Be ('sha256:' + 'a' * 64)
        }

        It 'takes repository names from the pipeline, also by property name' {
            ('big-repo', 'refs' | Get-EcrCleanupImage).Count | Should -Be 2503
            ([pscustomobject]@{ RepositoryName = 'refs' } | Get-EcrCleanupImage).Count | Should -Be 3
        }

        It 'has a default table view grouped by repository' {
            $text = Get-EcrCleanupImage -RepositoryName refs | Format-Table | Out-String
            $text | Should -Match 'Repository: refs'
            $text | Should -Match 'Tags\s+Digest\s+PushedAt'
            $text | Should -Match 'referrer'
            $text | Should -Match 'index'
        }

        It 'honours -EndpointUrl over AWS_ENDPOINT_URL' {
            $url = $env:AWS_ENDPOINT_URL
            try {
                $env:AWS_ENDPOINT_URL = 'http://127.0.0.1:9'
                (Get-EcrCleanupImage -RepositoryName refs -EndpointUrl $url).Count | Should -Be 3
            }
            finally { $env:AWS_ENDPOINT_URL = $url }
        }

        It 'writes a verbose line per call' {
            $verbose = Get-EcrCleanupImage -RepositoryName refs -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $verbose.Message | Should -Contain 'ECR DescribeImages (refs)'
        }
    }

    Context 'throttling' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario @{
                repositories = @(@{ name = 'big-repo'; images = @(New-ImageList 2500) })
                faults       = @(@{ service = 'ecr'; operation = 'DescribeImages'; error = 'ThrottlingException'; times = 2 })
            }
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'retries throttled DescribeImages calls and still yields every image' {
            $images = Get-EcrCleanupImage -RepositoryName big-repo
            $images.Count | Should -Be 2500
            (Invoke-SandboxAdmin $sandbox calls).'ecr:DescribeImages' | Should -Be 5
        }

        It 'stops with the throttling error once the attempts run out' {
            Invoke-SandboxAdmin $sandbox faults -Body @(@{ service = 'ecr'; operation = 'DescribeImages'; error = 'ThrottlingException'; times = -1 })
            $env:AWS_MAX_ATTEMPTS = '2'
            try {
                { Get-EcrCleanupImage -RepositoryName big-repo -ErrorAction Stop } | Should -Throw -ErrorId 'Throttling,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            }
            finally { $env:AWS_MAX_ATTEMPTS = $null }
        }
    }

    Context 'Ctrl+C' {
        It 'cancels the network call in flight' {
            $sandbox = Start-EcrSandbox -Scenario @{ latencyMs = 20000; repositories = @(@{ name = 'slow'; images = @(@{ tags = @('a-1234567'); ageHours = 1 }) }) }
            try {
                $shell = [powershell]::Create()
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', $env:ECRCLEANUP_TEST_MODULE).AddStatement().AddCommand('Get-EcrCleanupImage').AddParameter('RepositoryName', 'slow')
                $running = $shell.BeginInvoke()
                Start-Sleep -Milliseconds 1500
                $elapsed = Measure-Command { $shell.Stop() }
                $elapsed.TotalSeconds | Should -BeLessThan 5   # the call would take 20 s: it was cancelled, not waited for
                $shell.InvocationStateInfo.State | Should -Be 'Stopped'
                $shell.Dispose()
            }
            finally { Stop-EcrSandbox $sandbox }
        }
    }

    Context 'bad input and failure' {
        BeforeAll {
            $sandbox = Start-EcrSandbox -Scenario @{ repositories = @(@{ name = 'known'; images = @(@{ tags = @('a-1234567'); ageHours = 1 }) }) }
        }
        AfterAll { Stop-EcrSandbox $sandbox }

        It 'stops with RepositoryNotFound naming an unknown repository' {
            $err = $null
            try { Get-EcrCleanupImage -RepositoryName 'no-such-repo' -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'RepositoryNotFound,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be 'no-such-repo'
            $err.Exception.Message | Should -Match "ECR DescribeRepositories for 'no-such-repo' failed with RepositoryNotFoundException"
        }

        It 'rejects a malformed repository name before any call' -TestCases @(
            @{ Name = 'Upper-Case' }, @{ Name = 'a' }, @{ Name = 'bad name' }, @{ Name = '-leading' }
        ) {
            $before = (Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum
            { Get-EcrCleanupImage -RepositoryName $Name -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            $after = (Invoke-SandboxAdmin $sandbox calls).PSObject.Properties.Value | Measure-Object -Sum
            $after.Sum | Should -Be $before.Sum
        }

        It 'refuses a request signed with the wrong secret, naming the error code' {
            $secret = $env:AWS_SECRET_ACCESS_KEY
            try {
                $env:AWS_SECRET_ACCESS_KEY = 'not-the-secret'
                { Get-EcrCleanupImage -RepositoryName known -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSignature,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            }
            finally { $env:AWS_SECRET_ACCESS_KEY = $secret }
        }
    }

    Context 'no credentials' {
        It 'says how to provide credentials, quickly' {
            $script = {
                param($ModulePath)
                foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI') {
                    [Environment]::SetEnvironmentVariable($name, $null)
                }
                $env:AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'
                $env:AWS_CONFIG_FILE = '/nonexistent/config'
                $env:AWS_EC2_METADATA_DISABLED = 'true'
                $env:AWS_REGION = 'eu-west-2'
                Import-Module $ModulePath
                try { Get-EcrCleanupImage -RepositoryName some-repo -ErrorAction Stop } catch { "$($_.FullyQualifiedErrorId)|$($_.CategoryInfo.Category)|$($_.Exception.Message)" }
            }
            $elapsed = Measure-Command { $result = & dotnet pwsh -NoProfile -NonInteractive -Command $script -args $env:ECRCLEANUP_TEST_MODULE }
            $id, $category, $message = "$result" -split '\|', 3
            $id | Should -Be 'AwsCredentialsNotFound,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            $category | Should -Be 'AuthenticationError'
            $message | Should -Match 'AWS_ACCESS_KEY_ID'
            $message | Should -Match '-ProfileName'
            $elapsed.TotalSeconds | Should -BeLessThan 20   # the pwsh start-up included; no wait on instance metadata
        }

        It 'assumes a role with web identity (GitHub OIDC) through the shipped AWSSDK.SecurityToken' {
            $script = {
                param($ModulePath, $TokenFile)
                foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE') { [Environment]::SetEnvironmentVariable($name, $null) }
                $env:AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'; $env:AWS_CONFIG_FILE = '/nonexistent/config'
                $env:AWS_EC2_METADATA_DISABLED = 'true'; $env:AWS_REGION = 'eu-west-2'
                $env:AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/ecr-cleanup'; $env:AWS_WEB_IDENTITY_TOKEN_FILE = $TokenFile
                $env:AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:9'   # nothing listens: the call must get as far as STS
                Import-Module $ModulePath
                try { Get-EcrCleanupImage -RepositoryName some-repo -ErrorAction Stop } catch { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" }
            }
            $tokenFile = Join-Path $TestDrive 'web-identity-token'
            Set-Content $tokenFile 'header.payload.signature'
            $id, $message = "$(& dotnet pwsh -NoProfile -NonInteractive -Command $script -args $env:ECRCLEANUP_TEST_MODULE, $tokenFile)" -split '\|', 2
            $id | Should -Be 'AwsCredentialsNotFound,EcrCleanup.Commands.GetEcrCleanupImageCommand'
            $message | Should -Match 'AssumeRole'
            $message | Should -Match '127\.0\.0\.1:9'
            $message | Should -Not -Match 'header\.payload\.signature'
        }

        It "takes the seed's region, eu-west-2, with a warning, when nothing names one" {
            $script = {
                param($ModulePath)
                $env:AWS_REGION = $null; $env:AWS_DEFAULT_REGION = $null; $env:AWS_PROFILE = $null
                $env:AWS_CONFIG_FILE = '/nonexistent/config'; $env:AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'
                $env:AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE'; $env:AWS_SECRET_ACCESS_KEY = 'secret'
                $env:AWS_ENDPOINT_URL = 'http://127.0.0.1:9'; $env:AWS_MAX_ATTEMPTS = '1'
                Import-Module $ModulePath
                $warnings = @()
                try { Get-EcrCleanupImage -RepositoryName some-repo -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1 -ExpandProperty Message } catch { }
                $warnings
            }
            $lines = & dotnet pwsh -NoProfile -NonInteractive -Command $script -args $env:ECRCLEANUP_TEST_MODULE
            ($lines -join "`n") | Should -Match 'AWS region eu-west-2'
            ($lines -join "`n") | Should -Match 'No AWS region is set .*using the default, eu-west-2'
        }
    }
}
