# The help of the built module: every cmdlet has written help (not the syntax PowerShell makes up when there is
# none), every parameter is described, the examples have code, the about topic is there; and the generator that
# makes the help from docs/cmdlets refuses help that drifted from the cmdlets.

BeforeDiscovery {
    Import-Module $env:ECRCLEANUP_TEST_MODULE -Force
    $commands = @(Get-Command -Module EcrCleanup -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $module = Import-Module $env:ECRCLEANUP_TEST_MODULE -Force -PassThru
    $repositoryRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $generator = Join-Path $repositoryRoot 'build/ConvertTo-MamlHelp.ps1'
    $docs = Join-Path $repositoryRoot 'docs/cmdlets'
    $commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)

    function Get-Text($Element) { (@($Element) | ForEach-Object { $_.Text }) -join "`n" }
}

Describe 'The help files of the module' {
    It 'ships MAML help and the about topic in en-US' {
        Join-Path $module.ModuleBase 'en-US/EcrCleanup.dll-Help.xml' | Should -Exist
        Join-Path $module.ModuleBase 'en-US/about_EcrCleanup.help.txt' | Should -Exist
    }

    It 'is well-formed MAML with one command per cmdlet' {
        $xml = [xml](Get-Content (Join-Path $module.ModuleBase 'en-US/EcrCleanup.dll-Help.xml') -Raw)
        $namespaces = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $namespaces.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $names = @($xml.SelectNodes('//command:command/command:details/command:name', $namespaces) | ForEach-Object InnerText | Sort-Object)
        $names | Should -Be @($module.ExportedCmdlets.Keys | Sort-Object)
    }
}

Describe 'Help for <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a written synopsis, not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -Match "^$([regex]::Escape($Name))(\s|$)" -Because 'Get-Help shows the syntax as the synopsis of a cmdlet without help'
        $help.Synopsis.Trim() | Should -Not -Match '\[<CommonParameters>\]'
        $help.Synopsis.Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        Get-Text $help.Description | Should -Not -BeNullOrEmpty
        (Get-Text $help.Description).Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter that is not a common parameter' {
        $parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })
        $parameters.Count | Should -BeGreaterThan 0
        foreach ($parameter in $parameters) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
            Get-Text $entry.description | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'describes no parameter the cmdlet lacks' {
        $documented = @($help.parameters.parameter.name | Where-Object { $_ -notin 'WhatIf', 'Confirm' })
        foreach ($parameter in $documented) { $command.Parameters.Keys | Should -Contain $parameter }
    }

    It 'gives each parameter the type, position and pipeline input of the cmdlet' {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $metadata = $parameter.ParameterSets.Values | Select-Object -First 1
            $entry.required | Should -Be "$($metadata.IsMandatory)".ToLowerInvariant() -Because "-$($parameter.Name)"
            $entry.position | Should -Be $(if ($metadata.Position -ge 0) { "$($metadata.Position)" } else { 'named' }) -Because "-$($parameter.Name)"
            ($entry.pipelineInput -like 'True*') | Should -Be ($metadata.ValueFromPipeline -or $metadata.ValueFromPipelineByPropertyName) -Because "-$($parameter.Name)"
            $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
            $entry.type.name | Should -Be $type.FullName -Because "-$($parameter.Name)"
        }
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            $example.code | Should -Match ([regex]::Escape($Name)) -Because 'an example shows the cmdlet'
            Get-Text $example.remarks | Should -Not -BeNullOrEmpty
        }
    }

    It 'names its inputs and outputs' {
        @($help.inputTypes.inputType).Count | Should -BeGreaterThan 0
        $outputs = @($help.returnValues.returnValue.type.name)
        foreach ($declared in $command.OutputType) { $outputs | Should -Contain $declared.Type.FullName }
    }

    It 'has notes' {
        Get-Text $help.alertSet.alert | Should -Not -BeNullOrEmpty
    }

    It 'lists -WhatIf and -Confirm in its syntax exactly when it supports ShouldProcess' {
        $syntax = $help.syntax | Out-String
        if ($command.Parameters.ContainsKey('WhatIf')) { $syntax | Should -Match '\[-WhatIf\]' } else { $syntax | Should -Not -Match '-WhatIf' }
    }
}

Describe 'about_EcrCleanup' {
    BeforeAll { $about = Get-Help about_EcrCleanup | Out-String }

    It 'is found by Get-Help' {
        $about | Should -Match 'about_EcrCleanup'
    }

    It 'explains the protection layers, the decision tree, the configuration, dry runs and the sandbox' {
        $about | Should -Match 'Protection layers'
        $about | Should -Match 'nested stacks'
        $about | Should -Match 'Decision tree'
        $about | Should -Match 'PRODUCTION_IMAGE_RETENTION_COUNT'
        $about | Should -Match 'DRY_RUN'
        $about | Should -Match '(?i)sandbox'
    }

    It 'names every cmdlet of the module' {
        foreach ($name in $module.ExportedCmdlets.Keys) { $about | Should -Match ([regex]::Escape($name)) }
    }
}

Describe 'ConvertTo-MamlHelp.ps1' {
    BeforeAll {
        function Copy-Docs {
            $copy = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
            Copy-Item $docs $copy -Recurse
            $copy
        }
        function Edit-Doc([string] $Folder, [string] $File, [scriptblock] $Change) {
            $path = Join-Path $Folder $File
            Set-Content -Path $path -Value (& $Change (Get-Content $path -Raw)) -NoNewline -Encoding utf8
        }
        $profileSection = '(?ms)^### -ProfileName\r?\n.*?(?=^### -)'
    }

    It 'makes exactly the help the module ships from docs/cmdlets' {
        $out = Join-Path $TestDrive 'current'
        & $generator -DocsPath $docs -OutputPath $out -ModulePath $module.ModuleBase
        foreach ($file in 'EcrCleanup.dll-Help.xml', 'about_EcrCleanup.help.txt') {
            Get-Content (Join-Path $out $file) -Raw | Should -BeExactly (Get-Content (Join-Path $module.ModuleBase "en-US/$file") -Raw) -Because "the module's $file is made from docs/cmdlets"
        }
    }

    It 'fails when a parameter has no description' {
        $copy = Copy-Docs
        Edit-Doc $copy 'Get-EcrCleanupImage.md' { param($text) $text -replace $profileSection, '' }
        { & $generator -DocsPath $copy -OutputPath (Join-Path $TestDrive 'x') -ModulePath $module.ModuleBase } |
            Should -Throw -ExpectedMessage '*-ProfileName of Get-EcrCleanupImage has no description*'
    }

    It 'fails when the Markdown describes a parameter the cmdlet lacks' {
        $copy = Copy-Docs
        Edit-Doc $copy 'Get-EcrCleanupImage.md' { param($text) $text -replace '### -ProfileName', '### -ProfileNames' }
        { & $generator -DocsPath $copy -OutputPath (Join-Path $TestDrive 'x') -ModulePath $module.ModuleBase } |
            Should -Throw -ExpectedMessage '*describes -ProfileNames, which Get-EcrCleanupImage does not have*'
    }

    It 'fails when the Markdown has a section of its own, such as OUTPUTS, which the cmdlet supplies' {
        $copy = Copy-Docs
        Edit-Doc $copy 'Invoke-EcrCleanup.md' { param($text) $text -replace '(?m)^## NOTES', "## OUTPUTS`n`n### System.String`n`nText.`n`n## NOTES" }
        { & $generator -DocsPath $copy -OutputPath (Join-Path $TestDrive 'x') -ModulePath $module.ModuleBase } |
            Should -Throw -ExpectedMessage "*Invoke-EcrCleanup.md: unknown section '## OUTPUTS'*"
    }

    It 'fails when a cmdlet has no Markdown file' {
        $copy = Copy-Docs
        Remove-Item (Join-Path $copy 'Get-ProtectedImage.md')
        { & $generator -DocsPath $copy -OutputPath (Join-Path $TestDrive 'x') -ModulePath $module.ModuleBase } |
            Should -Throw -ExpectedMessage '*Get-ProtectedImage has no help*'
    }

    It 'fails when a cmdlet has fewer than two examples' {
        $copy = Copy-Docs
        Edit-Doc $copy 'Get-EcrCleanupImage.md' { param($text) $text -replace '(?ms)^### Example 2.*?(?=^## NOTES)', '' }
        { & $generator -DocsPath $copy -OutputPath (Join-Path $TestDrive 'x') -ModulePath $module.ModuleBase } |
            Should -Throw -ExpectedMessage '*needs at least two examples*'
    }
}
