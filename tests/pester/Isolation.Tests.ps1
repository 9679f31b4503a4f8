# AWS.Tools modules ship their own AWSSDK.Core. EcrCleanup keeps its copy in its own load context, so the
# two work side by side in one session whichever is imported first.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $otherAwsSdk = Join-Path $packages 'awssdk.core/3.7.402/lib/net8.0/AWSSDK.Core.dll'
    $sandbox = Start-EcrSandbox -Scenario @{ repositories = @(@{ name = 'isolated'; images = @(@{ tags = @('app-abcdef1'); ageHours = 2 }, @{ ageHours = 3 }) }) }

    function Invoke-InNewSession([scriptblock] $Script) {
        & dotnet pwsh -NoProfile -NonInteractive -Command $Script -args $env:ECRCLEANUP_TEST_MODULE, $otherAwsSdk
    }
}
AfterAll { Stop-EcrSandbox $sandbox }

Describe 'Dependency isolation' {
    It 'has another AWSSDK.Core version to load' {
        $otherAwsSdk | Should -Exist
        [Reflection.AssemblyName]::GetAssemblyName($otherAwsSdk).Version.Major | Should -Be 3
    }

    It 'works when another AWSSDK.Core was loaded into the session first' {
        $result = Invoke-InNewSession {
            param($ModulePath, $OtherSdk)
            $other = [Reflection.Assembly]::LoadFrom($OtherSdk)
            Import-Module $ModulePath
            $images = Get-EcrCleanupImage -RepositoryName isolated
            $ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' -and $_ -ne $other }
            "$($images.Count)|$($other.GetName().Version.Major)|$($ours.GetName().Version.Major)|$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($ours).Name)"
        }
        "$result" | Should -Be '2|3|4|EcrCleanup'
    }

    It 'lets another AWSSDK.Core load after the module has used its own' {
        $result = Invoke-InNewSession {
            param($ModulePath, $OtherSdk)
            Import-Module $ModulePath
            $before = (Get-EcrCleanupImage -RepositoryName isolated).Count
            $other = [Reflection.Assembly]::LoadFrom($OtherSdk)
            $after = (Get-EcrCleanupImage -RepositoryName isolated).Count
            "$before|$after|$($other.GetName().Version.Major)|$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($other).Name)"
        }
        "$result" | Should -Be '2|2|3|Default'
    }
}
