BeforeAll {
    $manifestPath = Join-Path $env:ECRCLEANUP_TEST_MODULE 'EcrCleanup.psd1'
    $module = Import-Module $env:ECRCLEANUP_TEST_MODULE -Force -PassThru
}

Describe 'The module' {
    It 'exports exactly its cmdlets and nothing else' {
        $manifest = Import-PowerShellDataFile $manifestPath
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
    }

    It 'is for PowerShell 7.4 and later, Core edition' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in Get-Command -Module EcrCleanup) {
            $command.OutputType.Count | Should -BeGreaterThan 0 -Because "$($command.Name) declares what it writes"
        }
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($command in Get-Command -Module EcrCleanup) { $approved | Should -Contain $command.Verb }
    }

    It 'takes -Region, -ProfileName, -ProfileLocation, -Credential and -EndpointUrl on every AWS-facing cmdlet, and not on the plan file cmdlets' {
        $fileOnly = 'Export-EcrCleanupPlan', 'Import-EcrCleanupPlan'   # they write or read a plan file and call no service
        foreach ($command in Get-Command -Module EcrCleanup) {
            foreach ($parameter in 'Region', 'ProfileName', 'ProfileLocation', 'Credential', 'EndpointUrl') {
                if ($command.Name -in $fileOnly) { $command.Parameters.Keys | Should -Not -Contain $parameter -Because "$($command.Name) reaches no service" }
                else { $command.Parameters.Keys | Should -Contain $parameter -Because "$($command.Name) reaches AWS" }
            }
        }
    }

    It 'keeps its dependencies out of the default load context' {
        $module = Get-Module EcrCleanup
        $engine = [System.Runtime.Loader.AssemblyLoadContext]::All.Assemblies | Where-Object { $_.GetName().Name -eq 'EcrCleanup.Core' }
        @($engine).Count | Should -Be 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'EcrCleanup'
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($module.ImplementingAssembly).Name | Should -Be 'Default'
        [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name | Should -Not -Contain 'AWSSDK.Core'
    }
}

Describe 'The manifest' {
    BeforeAll {
        $root = Join-Path $PSScriptRoot '../..'
        $stamp = Join-Path $root 'build/Set-ManifestMetadata.ps1'
        $changelog = Join-Path $root 'CHANGELOG.md'
        function Copy-Module {
            $copy = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
            Copy-Item $env:ECRCLEANUP_TEST_MODULE $copy -Recurse
            Join-Path $copy 'EcrCleanup.psd1'
        }
    }

    It 'is clean for Test-ModuleManifest and ready for a gallery' {
        $manifest = Test-ModuleManifest $manifestPath -ErrorAction Stop -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $manifest.Tags | Should -Contain 'ECR'
        $manifest.Tags | Should -Contain 'PSEdition_Core'
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.HelpInfoUri | Should -BeNullOrEmpty -Because 'there is no Update-Help site: the help ships with the module'
    }

    It "carries the CHANGELOG's section of its version as release notes" {
        $lines = Get-Content $changelog
        $start = [Array]::IndexOf($lines, '## [Unreleased]')
        $firstEntry = $lines[($start + 1)..($lines.Count - 1)] | Where-Object { $_ -match '^- ' } | Select-Object -First 1
        $notes = (Test-ModuleManifest $manifestPath).ReleaseNotes
        $notes.Contains($firstEntry) | Should -BeTrue -Because "the release notes hold '$firstEntry'"
        $notes | Should -Not -Match '(?m)^## '
    }

    It "takes the project's address from GitHub Actions" {
        $path = Copy-Module
        $saved = $env:GITHUB_SERVER_URL, $env:GITHUB_REPOSITORY
        try {
            $env:GITHUB_SERVER_URL = 'https://github.com'; $env:GITHUB_REPOSITORY = 'djinilabs/ecr-cleanup'
            $null = & $stamp -ManifestPath $path -ChangelogPath $changelog
        }
        finally { $env:GITHUB_SERVER_URL, $env:GITHUB_REPOSITORY = $saved }
        $manifest = Test-ModuleManifest $path -ErrorAction Stop
        "$($manifest.ProjectUri)" | Should -Be 'https://github.com/djinilabs/ecr-cleanup'
        "$($manifest.LicenseUri)" | Should -Be 'https://github.com/djinilabs/ecr-cleanup/blob/HEAD/LICENSE'
    }

    It "takes it from the origin remote without the credentials a URL may carry, and invents none" {
        $path = Copy-Module
        $repository = New-Item -ItemType Directory (Join-Path $TestDrive 'repository')
        git -C $repository init -q
        git -C $repository remote add origin 'https://x-access-token:ghs_secret123@github.com/djinilabs/ecr-cleanup.git'
        $saved = $env:GITHUB_SERVER_URL, $env:GITHUB_REPOSITORY
        try {
            $env:GITHUB_SERVER_URL = $null; $env:GITHUB_REPOSITORY = $null
            $null = & $stamp -ManifestPath $path -ChangelogPath $changelog -RepositoryPath $repository
            "$((Test-ModuleManifest $path).ProjectUri)" | Should -Be 'https://github.com/djinilabs/ecr-cleanup'
            Get-Content $path -Raw | Should -Not -Match 'ghs_secret123'

            $unknown = Copy-Module
            $null = & $stamp -ManifestPath $unknown -ChangelogPath $changelog -RepositoryPath $TestDrive
            (Test-ModuleManifest $unknown).ProjectUri | Should -BeNullOrEmpty
        }
        finally { $env:GITHUB_SERVER_URL, $env:GITHUB_REPOSITORY = $saved }
    }
}

Describe 'The package' {
    It 'is a .nupkg that PSResourceGet installs and that imports' {
        $packages = Join-Path $TestDrive 'packages'
        $null = New-Item -ItemType Directory $packages
        Compress-PSResource -Path $env:ECRCLEANUP_TEST_MODULE -DestinationPath $packages
        $nupkg = Get-ChildItem $packages -Filter 'EcrCleanup.*.nupkg'
        $nupkg.Name | Should -Be "EcrCleanup.$((Import-PowerShellDataFile (Join-Path $env:ECRCLEANUP_TEST_MODULE 'EcrCleanup.psd1')).ModuleVersion).nupkg"

        $repository = "EcrCleanupTest$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
        try {
            $saved = Join-Path $TestDrive 'saved'
            $null = New-Item -ItemType Directory $saved
            Save-PSResource -Name EcrCleanup -Repository $repository -Path $saved -TrustRepository
        }
        finally { Unregister-PSResourceRepository -Name $repository }

        $installed = Get-ChildItem $saved -Recurse -Filter 'EcrCleanup.psd1' | Select-Object -First 1
        $installed | Should -Not -BeNullOrEmpty
        Join-Path $installed.DirectoryName 'dependencies/AWSSDK.Core.dll' | Should -Exist
        Join-Path $installed.DirectoryName 'en-US/EcrCleanup.dll-Help.xml' | Should -Exist
        $commands = & dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$($installed.FullName)'; (Get-Command -Module EcrCleanup).Name -join ','"
        "$commands" | Should -Be ((Get-Command -Module EcrCleanup).Name -join ',')
    }
}
