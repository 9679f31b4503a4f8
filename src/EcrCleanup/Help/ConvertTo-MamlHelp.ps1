#Requires -Version 7.4
<#
.SYNOPSIS
    Turns the cmdlet help written in Markdown (docs/cmdlets) into the module's MAML help and about topic.

.DESCRIPTION
    Reads every docs/cmdlets/<Verb>-<Noun>.md and docs/cmdlets/about_*.md (the structure is described in
    docs/cmdlets/README.md) and writes:

        <OutputPath>/EcrCleanup.dll-Help.xml     MAML help for Get-Help <cmdlet>
        <OutputPath>/about_<Topic>.help.txt       plain-text about topics for Get-Help about_<Topic>

    With -ModulePath, the parameter metadata (type, required, position, pipeline input, accepted values,
    parameter sets) and the output types come from the built module itself: it is imported in a child pwsh
    process (never into the caller's session, so build.ps1 can run this) and read with Get-Command. The
    Markdown supplies the words. The two must agree: the script throws, listing every problem, when a cmdlet has no Markdown file, a
    Markdown file names a cmdlet the module lacks, a parameter has no description, the Markdown describes a
    parameter the cmdlet lacks, or the Markdown's Type, Required, Position, Pipeline input, Accepted values or
    OUTPUTS disagree with the cmdlet. Help therefore cannot drift from the code without failing the build.

    Common parameters (Verbose, Debug, ErrorAction, ..., WhatIf, Confirm) are not documented in the Markdown:
    PowerShell describes them itself (about_CommonParameters). WhatIf and Confirm still appear in the syntax of
    the cmdlets that support them.

.PARAMETER DocsPath
    The folder of the Markdown files: docs/cmdlets.

.PARAMETER OutputPath
    The folder to write the help to, normally <module>/en-US. Created when missing.

.PARAMETER ModulePath
    The built module (a folder with EcrCleanup.psd1, or the .psd1 itself). Without it the metadata comes from
    the Markdown tables alone and nothing is checked against the code.

.EXAMPLE
    ./src/EcrCleanup/Help/ConvertTo-MamlHelp.ps1 -DocsPath docs/cmdlets -ModulePath out/EcrCleanup -OutputPath out/EcrCleanup/en-US

    What build.ps1 runs after laying out the module.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $DocsPath,

    [Parameter(Mandatory)]
    [string] $OutputPath,

    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$script:MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:CmdletFilePattern = '^[A-Za-z]+-[A-Za-z]+\.md$'
$script:MetadataKeys = 'Type', 'Required', 'Position', 'Pipeline input', 'Accepted values', 'Default', 'Environment variable'

#region Markdown

# Splits Markdown lines into blocks: Para (text), List (items), Code (lines, language), Table (rows of cells).
function ConvertTo-MarkdownBlock {
    param([AllowEmptyCollection()][string[]] $Lines)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $items = [System.Collections.Generic.List[string]]::new()
    $i = 0

    $flush = {
        if ($paragraph.Count) { $blocks.Add([pscustomobject]@{ Kind = 'Para'; Text = ($paragraph -join ' ') }); $paragraph.Clear() }
        if ($items.Count) { $blocks.Add([pscustomobject]@{ Kind = 'List'; Items = @($items) }); $items.Clear() }
    }

    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*([\w-]*)\s*$') {
            . $flush
            $fence = $Matches[1]
            $language = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i].Trim() -ne $fence) { $code.Add($Lines[$i]); $i++ }
            if ($i -ge $Lines.Count) { throw "An unclosed $fence code block." }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lines = @($code); Language = $language })
            $i++
            continue
        }
        if ($line -match '^\s*\|') {
            . $flush
            $rows = [System.Collections.Generic.List[object]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -match '^\s*\|') {
                $cells = @(Split-TableRow $Lines[$i])
                if (-not ($cells | Where-Object { $_ -notmatch '^:?-{3,}:?$' })) { $i++; continue }  # the separator row
                $rows.Add($cells)
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Rows = @($rows) })
            continue
        }
        if ($line -match '^\s*$') { . $flush; $i++; continue }
        if ($line -match '^(\s*)([-*+]|\d+\.)\s+(.*)$') {
            if ($paragraph.Count) { . $flush }
            $marker, $itemText = $Matches[2], $Matches[3].Trim()
            $items.Add($(if ($marker -match '^\d+\.$') { $marker } else { '-' }) + ' ' + $itemText)
            $i++
            continue
        }
        if ($items.Count -and $line -match '^\s+\S') {
            $items[$items.Count - 1] += ' ' + $line.Trim()   # the continuation of a list item
            $i++
            continue
        }
        if ($items.Count) { . $flush }
        $paragraph.Add($line.Trim())
        $i++
    }
    . $flush
    $blocks.ToArray()
}

function Split-TableRow([string] $Line) {
    $text = $Line.Trim()
    if ($text.StartsWith('|')) { $text = $text.Substring(1) }
    if ($text.EndsWith('|') -and -not $text.EndsWith('\|')) { $text = $text.Substring(0, $text.Length - 1) }
    foreach ($cell in [regex]::Split($text, '(?<!\\)\|')) { ConvertFrom-Inline $cell.Trim() }
}

# Markdown inline markup to plain text: `code`, **bold**, *em*, [text](url), escapes.
function ConvertFrom-Inline([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
    $t = [regex]::Replace($t, '\[([^\]]+)\]\([^)]*\)', '$1')
    $t = [regex]::Replace($t, '(?<!`)`([^`]+)`(?!`)', '$1')
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1')
    $t = $t -replace '\\([|`*_\[\]<>#\\])', '$1'
    $t
}

# Splits lines into sections by a heading level: an ordered list of @{ Title; Lines }.
function Split-Section {
    param([AllowEmptyCollection()][string[]] $Lines, [int] $Level)

    $marker = ('#' * $Level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Title = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $sections.Add($current)
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        $current.Lines.Add($line)
    }
    $sections.Add($current)
    $sections.ToArray()
}

function Get-Paragraph {
    param([object[]] $Blocks)
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Para' { ConvertFrom-Inline $block.Text }
            'List' { ($block.Items | ForEach-Object { ConvertFrom-Inline $_ }) -join "`n" }  # one paragraph: no blank line between items
            'Code' { $block.Lines -join "`n" }  # Get-Help trims a paragraph's first line, so no indentation
            'Table' { Format-PlainTable -Rows $block.Rows -Indent 0 }
        }
    }
}

# Aligned columns with a dashed line under the header; with -Width, the widest column wraps to fit.
function Format-PlainTable {
    param([object[]] $Rows, [int] $Indent, [int] $Width = 0)
    $table = [System.Collections.Generic.List[string[]]]::new()
    foreach ($row in $Rows) { $table.Add([string[]]@($row)) }
    $columns = ($table | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
    $text = { param([string[]] $row, [int] $c) if ($c -lt $row.Count) { $row[$c] } else { '' } }
    $widths = [int[]]@(foreach ($c in 0..($columns - 1)) { ($table | ForEach-Object { (& $text $_ $c).Length } | Measure-Object -Maximum).Maximum })
    # Too wide: narrow the column with the most room (never below its longest word) until the table fits.
    $minimum = [int[]]@(foreach ($c in 0..($columns - 1)) { ($table | ForEach-Object { (& $text $_ $c) -split '\s+' } | ForEach-Object Length | Measure-Object -Maximum).Maximum })
    while ($Width -gt 0) {
        $total = $Indent + ($widths | Measure-Object -Sum).Sum + 2 * ($columns - 1)
        if ($total -le $Width) { break }
        $slack = @(foreach ($c in 0..($columns - 1)) { $widths[$c] - $minimum[$c] })
        $c = [array]::IndexOf($slack, [int]($slack | Measure-Object -Maximum).Maximum)
        if ($slack[$c] -le 0) { break }
        $widths[$c] -= [Math]::Min($slack[$c], $total - $Width)
    }
    $table.Insert(1, [string[]]@($widths | ForEach-Object { '-' * $_ }))
    $lines = foreach ($row in $table) {
        $cells = @(foreach ($c in 0..($columns - 1)) {
                $value = & $text $row $c
                , [string[]]@(if ($value.Length -gt $widths[$c]) { (Format-Wrapped $value 0 0 $widths[$c]) -split "`n" } else { $value })
            })
        $height = ($cells | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
        foreach ($i in 0..($height - 1)) {
            $parts = foreach ($c in 0..($columns - 1)) { $part = if ($i -lt $cells[$c].Count) { $cells[$c][$i] } else { '' }; $part.PadRight($widths[$c]) }
            ((' ' * $Indent) + ($parts -join '  ')).TrimEnd()
        }
    }
    $lines -join "`n"
}

function Read-CmdletDoc([System.IO.FileInfo] $File) {
    $lines = @(Get-Content -LiteralPath $File.FullName -Encoding utf8)
    $problems = [System.Collections.Generic.List[string]]::new()
    $fail = { param($message) $problems.Add("$($File.Name): $message") }

    $top = Split-Section -Lines $lines -Level 1
    $titled = @($top | Where-Object Title)
    if ($titled.Count -ne 1) { throw "$($File.Name): expected exactly one '# <Verb>-<Noun>' heading." }
    $name = $titled[0].Title
    if ("$name.md" -ne $File.Name) { & $fail "the heading '# $name' does not match the file name." }

    $sections = @{}
    foreach ($section in (Split-Section -Lines $titled[0].Lines -Level 2)) {
        if ($section.Title) { $sections[$section.Title.ToUpperInvariant()] = @($section.Lines) }
    }
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'INPUTS', 'OUTPUTS', 'NOTES') {
        if (-not $sections.ContainsKey($required)) { & $fail "no '## $required' section." }
    }

    $synopsis = @(if ($sections['SYNOPSIS']) { Get-Paragraph (ConvertTo-MarkdownBlock $sections['SYNOPSIS']) }) -join ' '
    $description = @(if ($sections['DESCRIPTION']) { Get-Paragraph (ConvertTo-MarkdownBlock $sections['DESCRIPTION']) })
    if (-not $synopsis) { & $fail 'the synopsis is empty.' }
    if (-not $description) { & $fail 'the description is empty.' }

    $parameters = [ordered]@{}
    foreach ($section in (Split-Section -Lines @($sections['PARAMETERS']) -Level 3)) {
        if (-not $section.Title) { continue }
        if ($section.Title -notmatch '^-(\w+)$') { & $fail "parameter heading '### $($section.Title)' is not '### -Name'."; continue }
        $parameterName = $Matches[1]
        $blocks = @(ConvertTo-MarkdownBlock @($section.Lines))
        $metadata = @{}
        $tables = @($blocks | Where-Object Kind -EQ 'Table')
        if ($tables.Count -ne 1) { & $fail "-$parameterName needs exactly one attribute table."; continue }
        foreach ($row in ($tables[0].Rows | Select-Object -Skip 1)) {
            $cells = @($row)
            if ($cells.Count -lt 2) { continue }
            $key = $script:MetadataKeys | Where-Object { $_ -eq $cells[0] } | Select-Object -First 1
            if (-not $key) { & $fail "-${parameterName}: unknown attribute '$($cells[0])' (known: $($script:MetadataKeys -join ', '))."; continue }
            $metadata[$key] = $cells[1]
        }
        foreach ($key in 'Type', 'Required', 'Position', 'Pipeline input', 'Default', 'Environment variable') {
            if (-not $metadata.ContainsKey($key)) { & $fail "-${parameterName}: the attribute table has no '$key' row." }
        }
        $text = @(Get-Paragraph @($blocks | Where-Object Kind -NE 'Table'))
        if (-not $text) { & $fail "-${parameterName} has no description." }
        if ($parameters.Contains($parameterName)) { & $fail "-$parameterName is described twice." }
        $parameters[$parameterName] = [pscustomobject]@{ Name = $parameterName; Description = $text; Metadata = $metadata }
    }

    $examples = [System.Collections.Generic.List[object]]::new()
    foreach ($section in (Split-Section -Lines @($sections['EXAMPLES']) -Level 3)) {
        if (-not $section.Title) { continue }
        $blocks = @(ConvertTo-MarkdownBlock @($section.Lines))
        $code = @($blocks | Where-Object Kind -EQ 'Code') | Select-Object -First 1
        if (-not $code) { & $fail "example '$($section.Title)' has no code block."; continue }
        $remarks = @(Get-Paragraph @($blocks | Where-Object { $_ -ne $code }))
        if (-not $remarks) { & $fail "example '$($section.Title)' has no explanation." }
        $examples.Add([pscustomobject]@{ Title = $section.Title; Code = ($code.Lines -join "`n"); Remarks = $remarks })
    }
    if ($examples.Count -lt 2) { & $fail "needs at least two examples (has $($examples.Count))." }

    $typed = {
        param($sectionName)
        foreach ($section in (Split-Section -Lines @($sections[$sectionName]) -Level 3)) {
            if (-not $section.Title) { continue }
            [pscustomobject]@{ Type = (ConvertFrom-Inline $section.Title); Description = @(Get-Paragraph (ConvertTo-MarkdownBlock @($section.Lines))) }
        }
    }
    $inputs = @(& $typed 'INPUTS')
    $outputs = @(& $typed 'OUTPUTS')
    if (-not $inputs) { & $fail "'## INPUTS' needs a '### <type>' (or '### None')." }
    if (-not $outputs) { & $fail "'## OUTPUTS' needs a '### <type>'." }

    $notes = @(if ($sections['NOTES']) { Get-Paragraph (ConvertTo-MarkdownBlock $sections['NOTES']) })
    $links = @(if ($sections.ContainsKey('RELATED LINKS')) {
            foreach ($block in (ConvertTo-MarkdownBlock $sections['RELATED LINKS'])) {
                if ($block.Kind -ne 'List') { continue }
                foreach ($item in ($block.Items -replace '^(-|\d+\.) ', '')) {
                    if ($item -match '^\[([^\]]+)\]\(([^)]*)\)$') {
                        $uri = if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }
                        [pscustomobject]@{ Text = $Matches[1]; Uri = $uri }
                    }
                    else { [pscustomobject]@{ Text = (ConvertFrom-Inline $item); Uri = '' } }
                }
            }
        })

    [pscustomobject]@{
        Name        = $name
        File        = $File.Name
        Synopsis    = $synopsis
        Description = $description
        Parameters  = $parameters
        Examples    = $examples.ToArray()
        Inputs      = $inputs
        Outputs     = $outputs
        Notes       = $notes
        Links       = $links
        Problems    = $problems.ToArray()
    }
}

#endregion

#region Module metadata

# Runs in a child process: imports the module and writes its cmdlets' metadata as JSON between markers.
$script:MetadataScript = @'
$ErrorActionPreference = 'Stop'
$module = Import-Module -Name '__MODULE_PATH__' -PassThru -Force
$common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
function ShortName([type] $Type) {
    if ($Type.IsArray) { return (ShortName $Type.GetElementType()) + '[]' }
    $Type.Name
}
$commands = foreach ($command in (Get-Command -Module $module.Name -CommandType Cmdlet, Function | Sort-Object Name)) {
    $sets = foreach ($set in $command.ParameterSets) {
        $parameters = foreach ($parameter in $set.Parameters) {
            if ($parameter.Name -in $common) { continue }
            $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            [pscustomobject]@{
                Name                            = $parameter.Name
                TypeName                        = ShortName $type
                FullTypeName                    = $type.FullName
                IsSwitch                        = $type -eq [System.Management.Automation.SwitchParameter]
                IsArray                         = $type.IsArray
                Required                        = $parameter.IsMandatory
                Position                        = $parameter.Position
                ValueFromPipeline               = $parameter.ValueFromPipeline
                ValueFromPipelineByPropertyName = $parameter.ValueFromPipelineByPropertyName
                Aliases                         = @($parameter.Aliases)
                AcceptedValues                  = @(if ($validateSet) { $validateSet.ValidValues } elseif ($element.IsEnum) { [Enum]::GetNames($element) })
            }
        }
        [pscustomobject]@{ Name = $set.Name; IsDefault = $set.IsDefault; Parameters = @($parameters) }
    }
    [pscustomobject]@{
        Name                  = $command.Name
        Verb                  = $command.Verb
        Noun                  = $command.Noun
        OutputTypes           = @($command.OutputType | ForEach-Object { $_.Type.FullName ?? $_.Name })
        ParameterSets         = @($sets)
        SupportsShouldProcess = $command.Parameters.ContainsKey('WhatIf')
    }
}
[Console]::Out.WriteLine('<<<METADATA')
[Console]::Out.WriteLine((ConvertTo-Json -InputObject @($commands) -Depth 8 -Compress))
[Console]::Out.WriteLine('METADATA>>>')
'@

# Imports the module in a child pwsh (the caller's session never loads it) and returns its cmdlets' metadata.
# The child is this same PowerShell: the pwsh executable, or `dotnet pwsh.dll` when PowerShell runs as a .NET tool.
function Get-ModuleMetadata([string] $Path) {
    $command = $script:MetadataScript.Replace('__MODULE_PATH__', $Path.Replace("'", "''"))
    $arguments = @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($command)))
    $executable = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { $arguments = @((Join-Path $PSHOME 'pwsh.dll')) + $arguments }
    $output = ((& $executable @arguments 2>&1 | ForEach-Object { "$_" }) -join "`n") -replace '\e\[[0-9;]*m', ''
    if ($LASTEXITCODE -ne 0 -or $output -notmatch '(?s)<<<METADATA\s*(.*?)\s*METADATA>>>') {
        throw "Reading the cmdlets of the module '$Path' failed (exit code $LASTEXITCODE):`n$output"
    }
    @(ConvertFrom-Json -InputObject $Matches[1] -Depth 8)
}

function Get-PipelineText($Parameter) {
    $kinds = @(if ($Parameter.ValueFromPipeline) { 'ByValue' }; if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    if ($kinds.Count) { $kinds -join ', ' } else { 'No' }
}

function ConvertTo-Boolean([string] $Text) {
    switch -Regex ($Text.Trim()) {
        '^(yes|true)$' { return $true }
        '^(no|false)$' { return $false }
        default { return $null }
    }
}

# A comma-separated list in a canonical form: trimmed, sorted, without 'None' and 'No'.
function ConvertTo-CanonicalList([string] $Text) {
    (@($Text -split '[,|]' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -notin 'None', 'No' }) | Sort-Object) -join ', '
}

# The metadata a parameter is written with: the module's when known (checked against the Markdown), else the Markdown's.
function Resolve-ParameterMetadata {
    param($Doc, $Described, $Parameter, [System.Collections.Generic.List[string]] $Problems)

    $md = $Described.Metadata
    if (-not $Parameter) {
        $required = ConvertTo-Boolean $md['Required']
        $position = if ($md['Position'] -match '^\d+$') { [int]$md['Position'] } else { [int]::MinValue }
        $pipeline = "$($md['Pipeline input'])"
        $type = "$($md['Type'])"
        return [pscustomobject]@{
            Name = $Described.Name; TypeName = $type; FullTypeName = $type; IsSwitch = $type -eq 'SwitchParameter'; IsArray = $type.EndsWith('[]')
            Required = [bool]$required; Position = $position
            ValueFromPipeline = $pipeline -match 'ByValue'; ValueFromPipelineByPropertyName = $pipeline -match 'ByPropertyName'
            Aliases = @(); AcceptedValues = @(if ($md['Accepted values']) { $md['Accepted values'] -split '\s*[,|]\s*' | Where-Object { $_ } })
        }
    }

    $where = "$($Doc.File): -$($Described.Name)"
    if ($md['Type'] -ne $Parameter.TypeName) { $Problems.Add("${where}: Type is '$($md['Type'])' in the Markdown, '$($Parameter.TypeName)' in the cmdlet.") }
    $required = ConvertTo-Boolean "$($md['Required'])"
    if ($required -ne $Parameter.Required) { $Problems.Add("${where}: Required is '$($md['Required'])' in the Markdown, '$(if ($Parameter.Required) { 'Yes' } else { 'No' })' in the cmdlet.") }
    $position = if ($Parameter.Position -ge 0) { "$($Parameter.Position)" } else { 'Named' }
    if ("$($md['Position'])" -ne $position) { $Problems.Add("${where}: Position is '$($md['Position'])' in the Markdown, '$position' in the cmdlet.") }
    $pipeline = Get-PipelineText $Parameter
    if ((ConvertTo-CanonicalList "$($md['Pipeline input'])") -ne (ConvertTo-CanonicalList $pipeline)) {
        $Problems.Add("${where}: Pipeline input is '$($md['Pipeline input'])' in the Markdown, '$pipeline' in the cmdlet.")
    }
    $accepted = (@($Parameter.AcceptedValues | Where-Object { $_ }) | Sort-Object) -join ', '
    if ((ConvertTo-CanonicalList "$($md['Accepted values'])") -ne $accepted) {
        $Problems.Add("${where}: Accepted values are '$($md['Accepted values'])' in the Markdown, '$accepted' in the cmdlet.")
    }
    $Parameter
}

#endregion

#region MAML

function Write-Para([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $script:MamlNamespace)
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNamespace, $paragraph) }
    $Writer.WriteEndElement()
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, $Described, [switch] $InSyntax)

    $w = $Writer
    $pipeline = Get-PipelineText $Parameter
    $w.WriteStartElement('command', 'parameter', $script:CommandNamespace)
    $w.WriteAttributeString('required', "$($Parameter.Required)".ToLowerInvariant())
    $w.WriteAttributeString('variableLength', "$($Parameter.IsArray)".ToLowerInvariant())
    $w.WriteAttributeString('globbing', 'false')
    $w.WriteAttributeString('pipelineInput', $(if ($pipeline -eq 'No') { 'False' } else { "True ($pipeline)" }))
    $w.WriteAttributeString('position', $(if ($Parameter.Position -ge 0) { "$($Parameter.Position)" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if (@($Parameter.Aliases).Count) { @($Parameter.Aliases) -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $script:MamlNamespace, $Parameter.Name)
    $variable = "$($Described.Metadata['Environment variable'])".Trim()
    Write-Para $w @($Described.Description; if ($variable -and $variable -ne 'None') { "Environment variable: $variable (read when the parameter is not given)." })
    $accepted = @($Parameter.AcceptedValues | Where-Object { $_ })
    if ($InSyntax -and $accepted.Count) {
        $w.WriteStartElement('command', 'parameterValueGroup', $script:CommandNamespace)
        foreach ($value in $accepted) {
            $w.WriteStartElement('command', 'parameterValue', $script:CommandNamespace)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $script:CommandNamespace, 'false')
            $w.WriteString($value)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    elseif (-not $Parameter.IsSwitch) {
        $w.WriteStartElement('command', 'parameterValue', $script:CommandNamespace)
        $w.WriteAttributeString('required', 'true')
        $w.WriteAttributeString('variableLength', "$($Parameter.IsArray)".ToLowerInvariant())
        $w.WriteString($Parameter.TypeName)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $script:DevNamespace)
    $w.WriteElementString('maml', 'name', $script:MamlNamespace, $Parameter.FullTypeName)
    $w.WriteElementString('maml', 'uri', $script:MamlNamespace, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $script:DevNamespace, $(if ($Described.Metadata['Default']) { $Described.Metadata['Default'] } else { 'None' }))
    $w.WriteEndElement()
}

# WhatIf and Confirm belong in the syntax of a cmdlet that supports ShouldProcess; PowerShell documents them.
function Write-ShouldProcessParameter([System.Xml.XmlWriter] $Writer, [string] $Name, [string] $Text) {
    $w = $Writer
    $w.WriteStartElement('command', 'parameter', $script:CommandNamespace)
    foreach ($attribute in @(@('required', 'false'), @('variableLength', 'false'), @('globbing', 'false'), @('pipelineInput', 'False'), @('position', 'named'), @('aliases', $(if ($Name -eq 'WhatIf') { 'wi' } else { 'cf' })))) {
        $w.WriteAttributeString($attribute[0], $attribute[1])
    }
    $w.WriteElementString('maml', 'name', $script:MamlNamespace, $Name)
    Write-Para $w @($Text)
    $w.WriteStartElement('dev', 'type', $script:DevNamespace)
    $w.WriteElementString('maml', 'name', $script:MamlNamespace, 'System.Management.Automation.SwitchParameter')
    $w.WriteElementString('maml', 'uri', $script:MamlNamespace, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $script:DevNamespace, 'False')
    $w.WriteEndElement()
}

function Write-Command {
    param([System.Xml.XmlWriter] $Writer, $Doc, $Command)

    $w = $Writer
    $verb, $noun = $Doc.Name -split '-', 2
    $w.WriteStartElement('command', 'command', $script:CommandNamespace)
    $w.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNamespace)
    $w.WriteAttributeString('xmlns', 'command', $null, $script:CommandNamespace)
    $w.WriteAttributeString('xmlns', 'dev', $null, $script:DevNamespace)

    $w.WriteStartElement('command', 'details', $script:CommandNamespace)
    $w.WriteElementString('command', 'name', $script:CommandNamespace, $Doc.Name)
    $w.WriteElementString('command', 'verb', $script:CommandNamespace, $verb)
    $w.WriteElementString('command', 'noun', $script:CommandNamespace, $noun)
    Write-Para $w @($Doc.Synopsis)
    $w.WriteEndElement()

    Write-Para $w $Doc.Description

    # Syntax: one item per parameter set, positional parameters first, then the order of the Markdown.
    $order = @($Doc.Parameters.Keys)
    $w.WriteStartElement('command', 'syntax', $script:CommandNamespace)
    foreach ($set in $Command.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $script:CommandNamespace)
        $w.WriteElementString('maml', 'name', $script:MamlNamespace, $Doc.Name)
        $sorted = $set.Parameters | Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { [array]::IndexOf($order, $_.Name) } }
        foreach ($parameter in $sorted) { Write-Parameter $w $parameter $Doc.Parameters[$parameter.Name] -InSyntax }
        if ($Command.SupportsShouldProcess) {
            Write-ShouldProcessParameter $w 'WhatIf' 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
            Write-ShouldProcessParameter $w 'Confirm' 'Prompts you for confirmation before running the cmdlet.'
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Parameters: each once, in the order of the Markdown, with the metadata of the first set that has it.
    $w.WriteStartElement('command', 'parameters', $script:CommandNamespace)
    foreach ($name in $order) {
        $parameter = $Command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -EQ $name | Select-Object -First 1
        Write-Parameter $w $parameter $Doc.Parameters[$name]
    }
    if ($Command.SupportsShouldProcess) {
        Write-ShouldProcessParameter $w 'WhatIf' 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
        Write-ShouldProcessParameter $w 'Confirm' 'Prompts you for confirmation before running the cmdlet.'
    }
    $w.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $Doc.Inputs), @('returnValues', 'returnValue', $Doc.Outputs))) {
        $w.WriteStartElement('command', $kind[0], $script:CommandNamespace)
        foreach ($item in $kind[2]) {
            $w.WriteStartElement('command', $kind[1], $script:CommandNamespace)
            $w.WriteStartElement('dev', 'type', $script:DevNamespace)
            $w.WriteElementString('maml', 'name', $script:MamlNamespace, $item.Type)
            $w.WriteEndElement()
            Write-Para $w $item.Description
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $script:MamlNamespace)
    $w.WriteStartElement('maml', 'alert', $script:MamlNamespace)
    foreach ($paragraph in $Doc.Notes) { $w.WriteElementString('maml', 'para', $script:MamlNamespace, $paragraph) }
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $script:CommandNamespace)
    foreach ($example in $Doc.Examples) {
        $w.WriteStartElement('command', 'example', $script:CommandNamespace)
        $w.WriteElementString('maml', 'title', $script:MamlNamespace, "--------- $($example.Title) ---------")
        $w.WriteElementString('dev', 'code', $script:DevNamespace, $example.Code)
        $w.WriteStartElement('dev', 'remarks', $script:DevNamespace)
        foreach ($paragraph in @($example.Remarks; '')) { $w.WriteElementString('maml', 'para', $script:MamlNamespace, $paragraph) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $script:CommandNamespace)
    foreach ($link in $Doc.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $script:MamlNamespace)
        $w.WriteElementString('maml', 'linkText', $script:MamlNamespace, $link.Text)
        $w.WriteElementString('maml', 'uri', $script:MamlNamespace, $link.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

#endregion

#region About topics

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hanging = $Indent, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $empty = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) {
            $lines.Add($line)
            $line = (' ' * $Hanging) + $word
        }
        else { $line += $(if ($empty) { '' } else { ' ' }) + $word }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    $lines -join "`n"
}

function ConvertTo-AboutText([System.IO.FileInfo] $File) {
    $lines = @(Get-Content -LiteralPath $File.FullName -Encoding utf8)
    $top = @(Split-Section -Lines $lines -Level 1 | Where-Object Title)
    if ($top.Count -ne 1 -or $top[0].Title -ne $File.BaseName) { throw "$($File.Name): expected exactly one '# $($File.BaseName)' heading." }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add('    ' + $File.BaseName)
    $out.Add('')

    $writeBlocks = {
        param([string[]] $BlockLines)
        foreach ($block in (ConvertTo-MarkdownBlock $BlockLines)) {
            switch ($block.Kind) {
                'Para' { $out.Add((Format-Wrapped (ConvertFrom-Inline $block.Text) 4)) }
                'List' {
                    foreach ($item in $block.Items) {
                        $text = ConvertFrom-Inline $item
                        $out.Add((Format-Wrapped $text 4 (4 + $text.IndexOf(' ') + 1)))
                    }
                }
                'Code' { foreach ($codeLine in $block.Lines) { $out.Add(('        ' + $codeLine).TrimEnd()) } }
                'Table' { $out.Add((Format-PlainTable -Rows $block.Rows -Indent 4 -Width 80)) }
            }
            $out.Add('')
        }
    }

    $sections = Split-Section -Lines @($top[0].Lines) -Level 2
    foreach ($section in $sections) {
        if (-not $section.Title) { continue }
        $out.Add($section.Title.ToUpperInvariant())
        foreach ($sub in (Split-Section -Lines @($section.Lines) -Level 3)) {
            if ($sub.Title) {
                $title = ConvertFrom-Inline $sub.Title
                $out.Add('  ' + $title)
                $out.Add('  ' + ('-' * $title.Length))
            }
            & $writeBlocks @($sub.Lines)
        }
    }
    while ($out.Count -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    ($out -join "`n") + "`n"
}

#endregion

$docs = Resolve-Path -LiteralPath $DocsPath
$cmdletFiles = @(Get-ChildItem -LiteralPath $docs -File -Filter '*.md' | Where-Object Name -Match $script:CmdletFilePattern | Sort-Object Name)
$aboutFiles = @(Get-ChildItem -LiteralPath $docs -File -Filter 'about_*.md' | Sort-Object Name)
if (-not $cmdletFiles) { throw "No <Verb>-<Noun>.md file in '$docs'." }

$problems = [System.Collections.Generic.List[string]]::new()
$docsByName = [ordered]@{}
foreach ($file in $cmdletFiles) {
    $doc = Read-CmdletDoc $file
    foreach ($problem in $doc.Problems) { $problems.Add($problem) }
    $docsByName[$doc.Name] = $doc
}

$commands = @{}
if ($ModulePath) {
    $resolvedModule = (Resolve-Path -LiteralPath $ModulePath).Path
    Write-Verbose "Reading the cmdlets of $resolvedModule in a child process"
    foreach ($command in (Get-ModuleMetadata $resolvedModule)) { $commands[$command.Name] = $command }
    foreach ($name in $commands.Keys | Sort-Object) {
        if (-not $docsByName.Contains($name)) { $problems.Add("$name has no help: add $(Join-Path $DocsPath "$name.md").") }
    }
    foreach ($name in $docsByName.Keys) {
        if (-not $commands.ContainsKey($name)) { $problems.Add("$($docsByName[$name].File) documents $name, which the module does not export.") }
    }
}

foreach ($doc in $docsByName.Values) {
    $command = $commands[$doc.Name]
    if ($command) {
        $actual = @($command.ParameterSets | ForEach-Object { $_.Parameters } | ForEach-Object Name | Select-Object -Unique)
        foreach ($name in $actual) {
            if (-not $doc.Parameters.Contains($name)) { $problems.Add("$($doc.File): -$name of $($doc.Name) has no description: add a '### -$name' section under '## PARAMETERS'.") }
        }
        foreach ($name in $doc.Parameters.Keys) {
            if ($name -notin $actual) { $problems.Add("$($doc.File): describes -$name, which $($doc.Name) does not have: remove it or fix its name.") }
        }
        foreach ($set in $command.ParameterSets) {
            foreach ($parameter in $set.Parameters) {
                if ($doc.Parameters.Contains($parameter.Name)) { $null = Resolve-ParameterMetadata $doc $doc.Parameters[$parameter.Name] $parameter $problems }
            }
        }
        $documented = @($doc.Outputs.Type | Where-Object { $_ -ne 'None' } | Sort-Object)
        $declared = @($command.OutputTypes | Sort-Object)
        if (($documented -join ', ') -ne ($declared -join ', ')) {
            $problems.Add("$($doc.File): OUTPUTS are '$($documented -join ', ')', the cmdlet declares '$($declared -join ', ')'.")
        }
    }
    else {
        # No module: one parameter set from the Markdown's own tables.
        $parameters = foreach ($described in $doc.Parameters.Values) { Resolve-ParameterMetadata $doc $described $null $problems }
        $commands[$doc.Name] = [pscustomobject]@{
            Name = $doc.Name; OutputTypes = @($doc.Outputs.Type)
            ParameterSets = @([pscustomobject]@{ Name = '__AllParameterSets'; IsDefault = $true; Parameters = @($parameters) })
            SupportsShouldProcess = [bool]($doc.Notes -match 'ShouldProcess|-WhatIf')
        }
    }
}

if ($problems.Count) {
    throw "The help in '$DocsPath' does not match the cmdlets ($($problems.Count) problem(s)):`n  " + ($problems -join "`n  ")
}

$null = New-Item -ItemType Directory -Path $OutputPath -Force
$helpFile = Join-Path (Resolve-Path -LiteralPath $OutputPath) 'EcrCleanup.dll-Help.xml'
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; IndentChars = '  '; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($doc in $docsByName.Values) { Write-Command $writer $doc $commands[$doc.Name] }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }
Write-Verbose "Wrote $helpFile ($($docsByName.Count) cmdlets)"

foreach ($file in $aboutFiles) {
    $target = Join-Path (Resolve-Path -LiteralPath $OutputPath) "$($file.BaseName).help.txt"
    [System.IO.File]::WriteAllText($target, (ConvertTo-AboutText $file), [System.Text.UTF8Encoding]::new($false))
    Write-Verbose "Wrote $target"
}
