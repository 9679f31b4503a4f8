# Starts and stops the local sandbox (tests/EcrCleanup.Sandbox) for Pester tests and the demo, and points
# the AWS and GitHub environment variables of this session at it, as a user points the SDKs at LocalStack.

$script:SandboxVariables = @(
    'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE',
    'AWS_EC2_METADATA_DISABLED', 'AWS_MAX_ATTEMPTS', 'GITHUB_API_URL', 'GITHUB_TOKEN', 'GITHUB_REPOSITORY'
)

function Start-EcrSandbox {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Path')] [string] $ScenarioPath,
        [Parameter(Mandatory, ParameterSetName = 'Scenario')] [System.Collections.IDictionary] $Scenario,
        [string] $SandboxDll = $env:ECRCLEANUP_TEST_SANDBOX,
        [switch] $NoEnvironment
    )
    if (-not $SandboxDll -or -not (Test-Path $SandboxDll)) { throw "The sandbox is not built at '$SandboxDll': run ./build.ps1 Build first." }
    if ($PSCmdlet.ParameterSetName -eq 'Scenario') {
        $ScenarioPath = Join-Path ([IO.Path]::GetTempPath()) "ecr-sandbox-$([guid]::NewGuid().ToString('n')).json"
        $Scenario | ConvertTo-Json -Depth 20 | Set-Content -Path $ScenarioPath -Encoding utf8
    }
    $scenarioData = Get-Content $ScenarioPath -Raw | ConvertFrom-Json -AsHashtable

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($SandboxDll, '--scenario', $ScenarioPath, '--port', '0')) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $lineTask = $process.StandardOutput.ReadLineAsync()
    if (-not $lineTask.Wait([TimeSpan]::FromSeconds(30)) -or $lineTask.Result -notmatch '^Sandbox listening on (http://127\.0\.0\.1:\d+)$') {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The sandbox did not start: first line '$($lineTask.Result)', exit code $(if ($process.HasExited) { $process.ExitCode })."
    }
    $url = $Matches[1]

    $credentials = if ($scenarioData.ContainsKey('credentials')) { $scenarioData.credentials } else { @{ accessKeyId = 'AKIDSANDBOX'; secretAccessKey = 'sandbox-secret' } }
    $region = if ($scenarioData.ContainsKey('region')) { $scenarioData.region } else { 'eu-west-2' }
    $github = if ($scenarioData.ContainsKey('github')) { $scenarioData.github } else { @{} }
    $saved = @{}
    foreach ($name in $script:SandboxVariables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $sandbox = [pscustomobject]@{
        Url            = $url
        Process        = $process
        Region         = $region
        AccessKeyId    = $credentials.accessKeyId
        SecretKey      = $credentials.secretAccessKey
        GitHubToken    = $github['token'] ?? 'ghp_sandbox'
        SavedVariables = $saved
        ScenarioPath   = $ScenarioPath
    }
    if (-not $NoEnvironment) {
        $env:AWS_ENDPOINT_URL = $url
        $env:AWS_ACCESS_KEY_ID = $sandbox.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $sandbox.SecretKey
        $env:AWS_SESSION_TOKEN = $null
        $env:AWS_PROFILE = $null
        $env:AWS_REGION = $region
        $env:AWS_EC2_METADATA_DISABLED = 'true'
        $env:GITHUB_API_URL = $url
        $env:GITHUB_TOKEN = $sandbox.GitHubToken
        $env:GITHUB_REPOSITORY = $github['repository'] ?? 'djinilabs/helpmaton'
    }
    $sandbox
}

function Stop-EcrSandbox {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Sandbox)
    process {
        if (-not $Sandbox.Process.HasExited) {
            $Sandbox.Process.StandardInput.Close()   # the sandbox stops when its stdin closes
            if (-not $Sandbox.Process.WaitForExit(10000)) { $Sandbox.Process.Kill() }
        }
        foreach ($entry in $Sandbox.SavedVariables.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    }
}

function Invoke-SandboxAdmin {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [ValidateSet('calls', 'state', 'faults', 'scenario')] [string] $Endpoint,
        $Body
    )
    $uri = "$($Sandbox.Url)/_sandbox/$Endpoint"
    if ($PSBoundParameters.ContainsKey('Body')) {
        Invoke-RestMethod -Method Post -Uri $uri -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $Body -Depth 20)
    }
    else {
        Invoke-RestMethod -Method Get -Uri $uri
    }
}

Export-ModuleMember -Function Start-EcrSandbox, Stop-EcrSandbox, Invoke-SandboxAdmin
