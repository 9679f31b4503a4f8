# AWS.Tools.ECR exports Get-ECRImage. PowerShell command names ignore case, so a Get-EcrImage of this module
# would be the same name, and which one runs would depend on import order. This module's commands have names
# of their own: beside AWS.Tools.ECR, in either order, each name resolves to one command.
# AWS.Tools.ECR is not installed here (PSGallery is out of reach): a script module of the same name stands in,
# exporting a few of its names as functions.

Describe 'Beside AWS.Tools.ECR' {
    BeforeAll {
        $standInDirectory = Join-Path $TestDrive 'AWS.Tools.ECR'
        $null = New-Item -ItemType Directory $standInDirectory
        $standIn = Join-Path $standInDirectory 'AWS.Tools.ECR.psm1'
        Set-Content -LiteralPath $standIn -Encoding utf8 -Value @'
function Get-ECRImage { param([string] $RepositoryName) [pscustomobject]@{ From = 'AWS.Tools.ECR stand-in'; RepositoryName = $RepositoryName } }
function Get-ECRImageMetadata { param([string] $RepositoryName) }
function Get-ECRRepository { param([string[]] $RepositoryName) }
Export-ModuleMember -Function Get-ECRImage, Get-ECRImageMetadata, Get-ECRRepository
'@
        $standInNames = [System.Collections.Generic.HashSet[string]]::new([string[]]@('Get-ECRImage', 'Get-ECRImageMetadata', 'Get-ECRRepository'), [System.StringComparer]::OrdinalIgnoreCase)
    }

    AfterAll {
        Remove-Module AWS.Tools.ECR -ErrorAction Ignore
        Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    }

    Context '<Order>' -ForEach @(
        @{ Order = 'AWS.Tools.ECR imported first'; StandInFirst = $true }
        @{ Order = 'EcrCleanup imported first'; StandInFirst = $false }
    ) {
        BeforeAll {
            Remove-Module EcrCleanup, AWS.Tools.ECR -ErrorAction Ignore
            $order = if ($StandInFirst) { $standIn, $env:ECRCLEANUP_TEST_MODULE } else { $env:ECRCLEANUP_TEST_MODULE, $standIn }
            foreach ($path in $order) { Import-Module $path }
            @(Get-Module EcrCleanup, AWS.Tools.ECR).Count | Should -Be 2
        }

        It 'resolves Get-ECRImage to the stand-in, and to nothing else' {
            $found = @(Get-Command Get-ECRImage -All)
            $found.Count | Should -Be 1 -Because 'one command answers to the name, whatever the case'
            $found[0].CommandType | Should -Be 'Function'
            $found[0].Source | Should -Be 'AWS.Tools.ECR'
            $found[0].ModuleName | Should -Be 'AWS.Tools.ECR'
        }

        It 'resolves Get-EcrCleanupImage to this module, and to nothing else' {
            $found = @(Get-Command Get-EcrCleanupImage -All)
            $found.Count | Should -Be 1
            $found[0].CommandType | Should -Be 'Cmdlet'
            $found[0].Source | Should -Be 'EcrCleanup'
            $found[0].ImplementingType.FullName | Should -Be 'EcrCleanup.Commands.GetEcrCleanupImageCommand'
        }

        It 'runs the stand-in for Get-ECRImage' {
            $result = Get-ECRImage -RepositoryName some-repo
            $result.From | Should -Be 'AWS.Tools.ECR stand-in'
            $result.RepositoryName | Should -Be 'some-repo'
        }

        It "runs this module's cmdlet for Get-EcrCleanupImage" {
            # A malformed name stops the cmdlet before any call, with the cmdlet's class in the error id.
            { Get-EcrCleanupImage -RepositoryName 'Upper-Case' -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,EcrCleanup.Commands.GetEcrCleanupImageCommand'
        }

        It 'has no command whose name equals one of the stand-in, ignoring case' {
            @((Get-Command -Module AWS.Tools.ECR).Name | Sort-Object) | Should -Be @($standInNames | Sort-Object)
            $ours = @((Get-Command -Module EcrCleanup).Name)
            $ours.Count | Should -BeGreaterThan 0
            @($ours | Where-Object { $standInNames.Contains($_) }) | Should -BeNullOrEmpty
        }
    }
}

Describe "The module's command names" {
    BeforeAll {
        Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
        # AWS.Tools.ECR names its commands <Verb>-ECR<Noun>; a noun of this module that starts with ECR, other
        # than EcrCleanup..., could one day be one of them.
        $awsToolsNoun = '^ECR(?!Cleanup)'
    }

    It 'has the rule catch the name that clashed' {
        'EcrImage' | Should -Match $awsToolsNoun
        'EcrCleanupImage' | Should -Not -Match $awsToolsNoun
    }

    It 'has no noun starting with ECR other than EcrCleanup' {
        $commands = @(Get-Command -Module EcrCleanup)
        $commands.Count | Should -Be (Import-PowerShellDataFile (Join-Path $env:ECRCLEANUP_TEST_MODULE 'EcrCleanup.psd1')).CmdletsToExport.Count
        foreach ($command in $commands) {
            $command.Noun | Should -Not -Match $awsToolsNoun -Because "$($command.Name) could be the name of a future AWS.Tools.ECR command"
        }
    }
}
