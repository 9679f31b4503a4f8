#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the EcrCleanup module.

.DESCRIPTION
    The one entry point for developers and CI. Run it with the pwsh of the repository's tool manifest:

        dotnet tool restore
        dotnet pwsh ./build.ps1 Build     # the importable module at out/EcrCleanup
        dotnet pwsh ./build.ps1 Test      # every xunit, conformance and Pester suite against the built module
        dotnet pwsh ./build.ps1 Demo      # the main job on the embedded sandbox
        dotnet pwsh ./build.ps1 Package   # out/packages/EcrCleanup.<version>.nupkg, installable with PSResourceGet

.PARAMETER Task
    One or more of Build, Test, Demo, Package, Clean. Test, Demo and Package build first.

.PARAMETER Configuration
    The .NET build configuration. Default: Release.

.PARAMETER NoBuild
    Test, Demo and Package use the module and binaries an earlier Build made, as CI does after building once.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test, Demo and Package use what an earlier Build left in out/ and the bin folders (CI builds once).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'EcrCleanup'
$version = (Import-PowerShellDataFile (Join-Path $root 'EcrCleanup.psd1')).ModuleVersion
$sandboxDll = Join-Path $root "tests/EcrCleanup.Sandbox/bin/$Configuration/net10.0/EcrCleanup.Sandbox.dll"

function Invoke-Native {
    param([Parameter(Mandatory)][string] $FilePath, [string[]] $ArgumentList = @(), [string] $WorkingDirectory = $root)
    Push-Location $WorkingDirectory
    try {
        & $FilePath @ArgumentList
        if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
    }
    finally { Pop-Location }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Invoke-Native dotnet @('clean', 'EcrCleanup.sln', '-c', $Configuration, '--nologo', '-v', 'q')
}

function Invoke-ModuleBuild {
    Write-Host "== Build $version ($Configuration)" -ForegroundColor Cyan
    Invoke-Native dotnet @('build', 'EcrCleanup.sln', '-c', $Configuration, "-p:Version=$version", '--nologo', '-v', 'q', '-clp:NoSummary')

    # The module: the cmdlet assembly at the root (PowerShell's load context), the engine, the adapters and
    # their dependencies under dependencies/ (the module's own load context, see docs/architecture.md).
    $bin = Join-Path $root "src/EcrCleanup/bin/$Configuration/net8.0"
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $moduleOut 'dependencies') -Force
    Copy-Item (Join-Path $root 'EcrCleanup.psd1') $moduleOut
    Copy-Item (Join-Path $root 'src/EcrCleanup/Module/*') $moduleOut -Recurse
    $loaderBin = Join-Path $root "src/EcrCleanup.Loader/bin/$Configuration/net8.0"
    Copy-Item (Join-Path $bin 'EcrCleanup.dll'), (Join-Path $bin 'EcrCleanup.pdb'), (Join-Path $loaderBin 'EcrCleanup.Loader.dll') $moduleOut
    Get-ChildItem $bin -File | Where-Object { $_.Extension -in '.dll', '.pdb' -and $_.BaseName -ne 'EcrCleanup' } |
        Copy-Item -Destination $dependencies
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut
    # Release notes from CHANGELOG.md, and the project's address when the build knows it (see the script).
    $null = & (Join-Path $root 'build/Set-ManifestMetadata.ps1') -ManifestPath (Join-Path $moduleOut 'EcrCleanup.psd1') -ChangelogPath (Join-Path $root 'CHANGELOG.md')
    # Help (MAML and about_EcrCleanup) from docs/cmdlets, checked against the built cmdlets' parameters.
    & (Join-Path $root 'build/ConvertTo-MamlHelp.ps1') -DocsPath (Join-Path $root 'docs/cmdlets') -ModulePath $moduleOut -OutputPath (Join-Path $moduleOut 'en-US')
    Write-Host "Module laid out at $moduleOut"
}

function Get-PesterModulePath {
    Invoke-Native dotnet @('restore', 'tests/tools/tools.csproj', '--nologo', '-v', 'q')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    Join-Path $packages.Trim() 'pester/6.2.0/tools/Pester.psd1'
}

function Invoke-XunitSuites {
    $results = Join-Path $out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test EcrCleanup.sln -c $Configuration --no-build --nologo --results-directory $results --logger 'trx' --logger 'console;verbosity=minimal'
    $passed = 0; $failed = 0
    foreach ($trx in Get-ChildItem $results -Filter *.trx -Recurse -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    if ($LASTEXITCODE -ne 0 -and $failed -eq 0) { $failed = 1; Write-Warning "dotnet test failed (exit $LASTEXITCODE) without a failed test: counted as one failure." }
    [pscustomobject]@{ Suite = 'xunit'; Passed = $passed; Failed = $failed }
}

function Invoke-NodeSuite {
    param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Path)
    $suite = Join-Path $root $Path
    if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
        Write-Warning "Node.js is not installed: the $Name suite cannot run. Install Node.js 20 or later."
        return [pscustomobject]@{ Suite = $Name; Passed = 0; Failed = 1 }
    }
    if (-not (Test-Path (Join-Path $suite 'node_modules'))) { Invoke-Native npm @('ci', '--no-audit', '--no-fund') $suite }
    $env:SANDBOX_DLL = $sandboxDll
    $lines = & npm test --silent --prefix $suite 2>&1 | ForEach-Object { "$_" }
    $exit = $LASTEXITCODE
    $lines | Out-Host
    $text = $lines -join "`n"
    $passed = if ($text -match '(?m)^\S*\s*pass (\d+)\s*$') { [int]$Matches[1] } else { 0 }
    $failed = if ($text -match '(?m)^\S*\s*fail (\d+)\s*$') { [int]$Matches[1] } else { 0 }
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1; Write-Warning "The $Name suite failed (exit $exit) without a failed test: counted as one failure." }
    [pscustomobject]@{ Suite = $Name; Passed = $passed; Failed = $failed }
}

function Invoke-PesterSuites {
    $pester = Get-PesterModulePath
    $resultFile = Join-Path $out 'pester-result.json'
    $runner = {
        param($PesterPath, $TestPath, $ModulePath, $SandboxDll, $ResultFile)
        $ErrorActionPreference = 'Stop'
        Import-Module $PesterPath -Force
        $env:ECRCLEANUP_TEST_MODULE = $ModulePath
        $env:ECRCLEANUP_TEST_SANDBOX = $SandboxDll
        $config = New-PesterConfiguration
        $config.Run.Path = $TestPath
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        @{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
            ConvertTo-Json | Set-Content $ResultFile
    }
    # A fresh process: the module is imported there, never into the build's own session.
    & dotnet pwsh -NoProfile -NonInteractive -Command $runner -args $pester, (Join-Path $root 'tests/pester'), $moduleOut, $sandboxDll, $resultFile
    if (-not (Test-Path $resultFile)) {
        return [pscustomobject]@{ Suite = 'pester'; Passed = 0; Failed = 1 }
    }
    $counts = Get-Content $resultFile -Raw | ConvertFrom-Json
    [pscustomobject]@{ Suite = 'pester'; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed }
}

function Assert-Built {
    foreach ($path in (Join-Path $moduleOut 'EcrCleanup.psd1'), $sandboxDll) {
        if (-not (Test-Path $path)) { throw "-NoBuild: '$path' is missing. Run ./build.ps1 Build -Configuration $Configuration first." }
    }
}

function Invoke-Test {
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $suites = @(
        Invoke-XunitSuites
        Invoke-NodeSuite -Name conformance -Path tests/conformance
        Invoke-NodeSuite -Name workflow-lint -Path tests/workflow-lint
        Invoke-PesterSuites
    )
    $suites | Format-Table -AutoSize | Out-Host
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    Write-Host "tests: $passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    $started = [Diagnostics.Stopwatch]::StartNew()
    Import-Module (Join-Path $root 'tests/pester/Sandbox.psm1') -Force
    $sandbox = Start-EcrSandbox -ScenarioPath (Join-Path $root 'tests/scenarios/demo.json') -SandboxDll $sandboxDll
    try {
        Import-Module $moduleOut -Force
        Write-Host "== Demo: Invoke-EcrCleanup -WhatIf on the sandbox ($($sandbox.Url)): a production stack, 11 pull-request environments, 76 images" -ForegroundColor Cyan
        $report = Invoke-EcrCleanup -RepositoryName helpmaton-lambda-images -WhatIf -WarningAction SilentlyContinue
        $report | Out-Host
        Write-Host "Demo finished in $([int]$started.Elapsed.TotalSeconds)s; nothing was deleted (-WhatIf)."
    }
    finally {
        Stop-EcrSandbox $sandbox
    }
}

function Invoke-Package {
    $packages = New-Item -ItemType Directory -Path (Join-Path $out 'packages') -Force
    Get-ChildItem $packages -Filter 'EcrCleanup.*.nupkg' | Remove-Item
    Compress-PSResource -Path $moduleOut -DestinationPath $packages
    Get-ChildItem $packages -Filter 'EcrCleanup.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

$built = $false
foreach ($step in $Task) {
    if ($step -in 'Test', 'Demo', 'Package') {
        if ($NoBuild) { Assert-Built }
        elseif (-not $built) { Invoke-ModuleBuild; $built = $true }
    }
    switch ($step) {
        'Clean' { Invoke-Clean; $built = $false }
        'Build' { Invoke-ModuleBuild; $built = $true }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Package' { Invoke-Package }
    }
}
