BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Scenarios.psm1') -Force
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $sandbox = Start-EcrSandbox -Scenario (New-ProtectionScenario)
    # What AWS.Tools' Get-AWSCredential returns, as far as this module can see it: a type of another assembly (the
    # real one lives in AWS.Tools' own load context) with GetCredentials() returning the keys.
    if (-not ('StandIn.Runtime.SessionCredentials' -as [type])) {
        Add-Type -TypeDefinition @'
namespace StandIn.Runtime {
    public sealed class ImmutableCredentials { public string AccessKey { get; set; } public string SecretKey { get; set; } public string Token { get; set; } }
    public sealed class SessionCredentials {
        private readonly ImmutableCredentials _keys;
        public int Asked;
        public SessionCredentials(string accessKey, string secretKey) { _keys = new ImmutableCredentials { AccessKey = accessKey, SecretKey = secretKey }; }
        public ImmutableCredentials GetCredentials() { System.Threading.Interlocked.Increment(ref Asked); return _keys; }
    }
}
'@
    }
    # Only what the command is given may count: the environment holds keys the sandbox refuses.
    $env:AWS_ACCESS_KEY_ID = 'AKIDWRONG'
    $env:AWS_SECRET_ACCESS_KEY = 'wrong-secret'
}

AfterAll { Stop-EcrSandbox $sandbox }

Describe '-Credential and -ProfileLocation' {
    It 'without them, the keys of the environment are used (and refused here)' {
        { Get-EcrCleanupImage -RepositoryName app -ErrorAction Stop } | Should -Throw -ExpectedMessage '*UnrecognizedClient*'
    }

    It "takes AWS.Tools' credential object by its shape and asks it for the keys" {
        $credential = [StandIn.Runtime.SessionCredentials]::new($sandbox.AccessKeyId, $sandbox.SecretKey)
        $images = Get-EcrCleanupImage -RepositoryName app -Credential $credential
        @($images).Count | Should -BeGreaterThan 10
        $credential.Asked | Should -BeGreaterThan 0
    }

    It 'takes keys held by an STS Credentials-like object or a hashtable' {
        @(Get-EcrCleanupImage -RepositoryName app -Credential ([pscustomobject]@{ AccessKeyId = $sandbox.AccessKeyId; SecretAccessKey = $sandbox.SecretKey; SessionToken = $null })).Count | Should -BeGreaterThan 10
        @(Get-EcrCleanupImage -RepositoryName app -Credential @{ AccessKey = $sandbox.AccessKeyId; SecretKey = $sandbox.SecretKey }).Count | Should -BeGreaterThan 10
    }

    It 'refuses an object that is not credentials, before any call' {
        $before = (Invoke-SandboxAdmin $sandbox calls).'ecr:DescribeImages'
        { Get-EcrCleanupImage -RepositoryName app -Credential ([pscustomobject]@{ User = 'me' }) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-Credential takes AWS credentials*'
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredential,*'
        "$($Error[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        (Invoke-SandboxAdmin $sandbox calls).'ecr:DescribeImages' | Should -Be $before
    }

    It 'reads -ProfileName from the file -ProfileLocation names' {
        $file = Join-Path $TestDrive 'credentials'
        "[sandbox]`naws_access_key_id = $($sandbox.AccessKeyId)`naws_secret_access_key = $($sandbox.SecretKey)`n" | Set-Content $file
        @(Get-EcrCleanupImage -RepositoryName app -ProfileName sandbox -ProfileLocation $file).Count | Should -BeGreaterThan 10
        { Get-EcrCleanupImage -RepositoryName app -ProfileName missing -ProfileLocation $file -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'missing' was not found*"
    }

    It '-Credential wins over -ProfileName, as in AWS.Tools' {
        $file = Join-Path $TestDrive 'wrong'
        "[wrong]`naws_access_key_id = AKIDWRONG`naws_secret_access_key = wrong`n" | Set-Content $file
        $credential = [StandIn.Runtime.SessionCredentials]::new($sandbox.AccessKeyId, $sandbox.SecretKey)
        @(Get-EcrCleanupImage -RepositoryName app -Credential $credential -ProfileName wrong -ProfileLocation $file).Count | Should -BeGreaterThan 10
    }

    It 'never shows the secret key' {
        $credential = [StandIn.Runtime.SessionCredentials]::new($sandbox.AccessKeyId, $sandbox.SecretKey)
        $all = Get-EcrCleanupImage -RepositoryName app -Credential $credential -Verbose 4>&1 | Out-String
        $all | Should -Not -Match ([regex]::Escape($sandbox.SecretKey))
    }
}
