#Requires -Version 7.4
<#
.SYNOPSIS
    Makes the module's help (MAML and about topics) from docs/cmdlets and the built module.

.DESCRIPTION
    What Get-Command can tell comes from the built module: parameter names, types, mandatory, position,
    pipeline input, aliases, accepted values, parameter sets (the syntax) and output types. The module is
    imported in a child pwsh process, never into the caller's session, so build.ps1 can run this script.
    docs/cmdlets/<Verb>-<Noun>.md supplies the words only (docs/cmdlets/README.md): synopsis, description, a
    description per parameter, examples, notes and links. docs/cmdlets/about_*.md become about topics.

        <OutputPath>/EcrCleanup.dll-Help.xml     MAML help for Get-Help <cmdlet>
        <OutputPath>/about_<Topic>.help.txt       plain-text about topics for Get-Help about_<Topic>

    The script throws, listing every problem with its file, when a cmdlet has no Markdown file, a file names
    no cmdlet of the module, a parameter has no description, or the Markdown describes a parameter the cmdlet
    does not have. Common parameters (WhatIf and Confirm included) are PowerShell's to describe.

.EXAMPLE
    ./build/ConvertTo-MamlHelp.ps1 -DocsPath docs/cmdlets -ModulePath out/EcrCleanup -OutputPath out/EcrCleanup/en-US

    What build.ps1 runs after laying out the module.
#>
[CmdletBinding()]
param(
    # The folder of the Markdown files: docs/cmdlets.
    [Parameter(Mandatory)] [string] $DocsPath,
    # The built module: a folder with EcrCleanup.psd1, or the .psd1 itself.
    [Parameter(Mandatory)] [string] $ModulePath,
    # The folder to write the help to, normally <module>/en-US. Created when missing.
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$script:Ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
$script:Sections = 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'NOTES', 'RELATED LINKS'
$script:ShouldProcessText = @{ WhatIf = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'; Confirm = 'Prompts you for confirmation before running the cmdlet.' }

#region Markdown

# Splits Markdown lines into blocks: Para (text), List (items), Code (lines), Table (rows of cells).
function ConvertTo-MarkdownBlock([AllowEmptyCollection()][string[]] $Lines) {
    if ($null -eq $Lines) { return }
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $items = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($paragraph.Count) { $blocks.Add([pscustomobject]@{ Kind = 'Para'; Text = ($paragraph -join ' ') }); $paragraph.Clear() }
        if ($items.Count) { $blocks.Add([pscustomobject]@{ Kind = 'List'; Items = @($items) }); $items.Clear() }
    }
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $line = $Lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*[\w-]*\s*$') {
            . $flush
            $fence = $Matches[1]
            $code = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $Lines.Count -and $Lines[$i].Trim() -ne $fence; $i++) { $code.Add($Lines[$i]) }
            if ($i -ge $Lines.Count) { throw "An unclosed $fence code block." }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lines = @($code) })
        }
        elseif ($line -match '^\s*\|') {
            . $flush
            $rows = [System.Collections.Generic.List[object]]::new()
            for (; $i -lt $Lines.Count -and $Lines[$i] -match '^\s*\|'; $i++) {
                $cells = @(Split-TableRow $Lines[$i])
                if ($cells | Where-Object { $_ -notmatch '^:?-{3,}:?$' }) { $rows.Add($cells) }  # not the separator row
            }
            $i--
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Rows = @($rows) })
        }
        elseif ($line -match '^\s*$') { . $flush }
        elseif ($line -match '^\s*([-*+]|\d+\.)\s+(.*)$') {
            if ($paragraph.Count) { . $flush }
            $marker, $text = $Matches[1], $Matches[2].Trim()
            $items.Add($(if ($marker -match '^\d+\.$') { $marker } else { '-' }) + ' ' + $text)
        }
        elseif ($items.Count -and $line -match '^\s+\S') { $items[$items.Count - 1] += ' ' + $line.Trim() }  # a list item goes on
        else {
            if ($items.Count) { . $flush }
            $paragraph.Add($line.Trim())
        }
    }
    . $flush
    $blocks.ToArray()
}

function Split-TableRow([string] $Line) {
    $text = $Line.Trim() -replace '^\|', '' -replace '(?<!\\)\|$', ''
    foreach ($cell in [regex]::Split($text, '(?<!\\)\|')) { ConvertFrom-Inline $cell.Trim() }
}

# Markdown inline markup to plain text: `code`, **bold**, *em*, [text](url), escapes.
function ConvertFrom-Inline([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
    $t = [regex]::Replace($t, '\[([^\]]+)\]\([^)]*\)', '$1')
    $t = [regex]::Replace($t, '(?<!`)`([^`]+)`(?!`)', '$1')
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1')
    $t -replace '\\([|`*_\[\]<>#\\])', '$1'
}

# Splits lines into sections at the headings of one level: @{ Title; Lines }, the text before the first with no title.
function Split-Section([AllowEmptyCollection()][string[]] $Lines, [int] $Level) {
    $marker = ('#' * $Level) + ' '
    $current = [pscustomobject]@{ Title = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $current
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
        }
        else { $current.Lines.Add($line) }
    }
    $current
}

# The paragraphs of some blocks as Get-Help shows them: a list is one paragraph, code is not indented
# (Get-Help trims a paragraph's first line), a table is aligned.
function Get-Paragraph([object[]] $Blocks) {
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Para' { ConvertFrom-Inline $block.Text }
            'List' { ($block.Items | ForEach-Object { ConvertFrom-Inline $_ }) -join "`n" }
            'Code' { $block.Lines -join "`n" }
            'Table' { Format-PlainTable -Rows $block.Rows -Indent 0 }
        }
    }
}

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hanging = $Indent, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $null
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($null -eq $line) { $line = (' ' * $Indent) + $word }
        elseif ($line.Length + 1 + $word.Length -gt $Width) { $lines.Add($line); $line = (' ' * $Hanging) + $word }
        else { $line += ' ' + $word }
    }
    if ($null -ne $line) { $lines.Add($line) }
    $lines -join "`n"
}

# Aligned columns with a dashed line under the header; with -Width, the widest column wraps to fit.
function Format-PlainTable([object[]] $Rows, [int] $Indent, [int] $Width = 0) {
    $columns = ($Rows | ForEach-Object { @($_).Count } | Measure-Object -Maximum).Maximum
    $table = @(foreach ($row in $Rows) { , [string[]]@(foreach ($c in 0..($columns - 1)) { if ($c -lt @($row).Count) { @($row)[$c] } else { '' } }) })
    $widths = [int[]]@(foreach ($c in 0..($columns - 1)) { ($table | ForEach-Object { $_[$c].Length } | Measure-Object -Maximum).Maximum })
    $minimum = [int[]]@(foreach ($c in 0..($columns - 1)) { ($table | ForEach-Object { $_[$c] -split '\s+' } | ForEach-Object Length | Measure-Object -Maximum).Maximum })
    # Too wide: narrow the column with the most room (never below its longest word) until the table fits.
    while ($Width -gt 0 -and ($total = $Indent + ($widths | Measure-Object -Sum).Sum + 2 * ($columns - 1)) -gt $Width) {
        $slack = @(foreach ($c in 0..($columns - 1)) { $widths[$c] - $minimum[$c] })
        $c = [array]::IndexOf($slack, [int]($slack | Measure-Object -Maximum).Maximum)
        if ($slack[$c] -le 0) { break }
        $widths[$c] -= [Math]::Min($slack[$c], $total - $Width)
    }
    $table = @(, $table[0]; , [string[]]@($widths | ForEach-Object { '-' * $_ }); $table | Select-Object -Skip 1)
    $lines = foreach ($row in $table) {
        $cells = @(foreach ($c in 0..($columns - 1)) { , [string[]]@((Format-Wrapped $row[$c] 0 0 $widths[$c]) -split "`n") })
        $height = ($cells | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
        foreach ($i in 0..($height - 1)) {
            $parts = foreach ($c in 0..($columns - 1)) { "$(if ($i -lt $cells[$c].Count) { $cells[$c][$i] })".PadRight($widths[$c]) }
            ((' ' * $Indent) + ($parts -join '  ')).TrimEnd()
        }
    }
    $lines -join "`n"
}

#endregion

#region Reading

function Read-CmdletDoc([System.IO.FileInfo] $File) {
    $problems = [System.Collections.Generic.List[string]]::new()
    $fail = { param($message) $problems.Add("$($File.Name): $message") }
    $top = @(Split-Section @(Get-Content -LiteralPath $File.FullName -Encoding utf8) 1 | Where-Object Title)
    if ($top.Count -ne 1 -or $top[0].Title -ne $File.BaseName) { throw "$($File.Name): expected exactly one '# $($File.BaseName)' heading." }

    $sections = @{}
    foreach ($section in (Split-Section @($top[0].Lines) 2 | Where-Object Title)) {
        $key = $section.Title.ToUpperInvariant()
        if ($key -notin $script:Sections) { & $fail "unknown section '## $($section.Title)' (known: $($script:Sections -join ', ')); types, inputs and outputs come from the cmdlet." }
        $sections[$key] = @($section.Lines)
    }
    foreach ($key in $script:Sections | Where-Object { $_ -ne 'RELATED LINKS' -and -not $sections.ContainsKey($_) }) { & $fail "no '## $key' section." }
    $part = { param($key) if ($sections.ContainsKey($key)) { Split-Section $sections[$key] 3 | Where-Object Title } }
    $words = { param([string[]] $Lines) @(Get-Paragraph (ConvertTo-MarkdownBlock $Lines)) }

    $synopsis = (& $words $sections['SYNOPSIS']) -join ' '
    $description = & $words $sections['DESCRIPTION']
    if (-not $synopsis) { & $fail 'the synopsis is empty.' }
    if (-not $description) { & $fail 'the description is empty.' }

    $parameters = [ordered]@{}
    foreach ($section in (& $part 'PARAMETERS')) {
        if ($section.Title -notmatch '^-(\w+)$') { & $fail "parameter heading '### $($section.Title)' is not '### -Name'."; continue }
        $name = $Matches[1]
        if ($parameters.Contains($name)) { & $fail "-$name is described twice." }
        $parameters[$name] = & $words @($section.Lines)
        if (-not $parameters[$name]) { & $fail "-$name has no description: say under '### -$name' what it does." }
    }

    $examples = foreach ($section in (& $part 'EXAMPLES')) {
        $blocks = @(ConvertTo-MarkdownBlock @($section.Lines))
        $code = $blocks | Where-Object Kind -EQ 'Code' | Select-Object -First 1
        if (-not $code) { & $fail "example '$($section.Title)' has no code block."; continue }
        $remarks = @(Get-Paragraph @($blocks | Where-Object { $_ -ne $code }))
        if (-not $remarks) { & $fail "example '$($section.Title)' has no explanation." }
        [pscustomobject]@{ Title = $section.Title; Code = ($code.Lines -join "`n"); Remarks = $remarks }
    }
    if (@($examples).Count -lt 2) { & $fail "needs at least two examples (has $(@($examples).Count))." }

    $links = foreach ($block in (ConvertTo-MarkdownBlock $sections['RELATED LINKS'] | Where-Object Kind -EQ 'List')) {
        foreach ($item in ($block.Items -replace '^(-|\d+\.) ', '')) {
            if ($item -match '^\[([^\]]+)\]\(([^)]*)\)$') { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] -replace '^(?!https?://).*', '' } }
            else { [pscustomobject]@{ Text = (ConvertFrom-Inline $item); Uri = '' } }
        }
    }

    [pscustomobject]@{
        Name = $File.BaseName; File = $File.Name; Synopsis = $synopsis; Description = $description; Parameters = $parameters
        Examples = @($examples); Notes = (& $words $sections['NOTES']); Links = @($links); Problems = $problems.ToArray()
    }
}

# Runs in the child process: imports the module, writes what Get-Command tells of its cmdlets as JSON between markers.
$script:MetadataScript = @'
$ErrorActionPreference = 'Stop'
$module = Import-Module -Name '__MODULE_PATH__' -PassThru -Force
function ShortName([type] $Type) { if ($Type.IsArray) { (ShortName $Type.GetElementType()) + '[]' } else { $Type.Name } }
$commands = foreach ($command in (Get-Command -Module $module.Name -CommandType Cmdlet, Function | Sort-Object Name)) {
    $sets = foreach ($set in $command.ParameterSets) {
        $parameters = foreach ($parameter in $set.Parameters | Where-Object Name -NotIn ([System.Management.Automation.PSCmdlet]::CommonParameters)) {
            $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            [pscustomobject]@{
                Name = $parameter.Name; TypeName = ShortName $type; FullTypeName = $type.FullName
                IsSwitch = $type -eq [switch]; IsArray = $type.IsArray; Required = $parameter.IsMandatory; Position = $parameter.Position
                Pipeline = @(if ($parameter.ValueFromPipeline) { 'ByValue' }; if ($parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' }) -join ', '
                Aliases = @($parameter.Aliases)
                AcceptedValues = @(if ($validateSet) { $validateSet.ValidValues } elseif ($element.IsEnum) { [Enum]::GetNames($element) })
            }
        }
        [pscustomobject]@{ Name = $set.Name; Parameters = @($parameters) }
    }
    [pscustomobject]@{ Name = $command.Name; Verb = $command.Verb; Noun = $command.Noun; OutputTypes = @($command.OutputType | ForEach-Object { $_.Type.FullName ?? $_.Name }); ParameterSets = @($sets) }
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

#endregion

#region MAML

function Start-Element([System.Xml.XmlWriter] $W, [string] $Prefix, [string] $Name) { $W.WriteStartElement($Prefix, $Name, $script:Ns[$Prefix]) }
function Write-Element([System.Xml.XmlWriter] $W, [string] $Prefix, [string] $Name, [string] $Text) { $W.WriteElementString($Prefix, $Name, $script:Ns[$Prefix], $Text) }

function Write-Para([System.Xml.XmlWriter] $W, [string[]] $Paragraphs, [string] $Element = 'description') {
    Start-Element $W 'maml' $Element
    foreach ($paragraph in $Paragraphs) { Write-Element $W 'maml' 'para' $paragraph }
    $W.WriteEndElement()
}

function Write-Type([System.Xml.XmlWriter] $W, [string] $Name) {
    Start-Element $W 'dev' 'type'
    Write-Element $W 'maml' 'name' $Name
    Write-Element $W 'maml' 'uri' ''
    $W.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Parameter, [string[]] $Description, [switch] $InSyntax) {
    Start-Element $W 'command' 'parameter'
    $W.WriteAttributeString('required', "$($Parameter.Required)".ToLowerInvariant())
    $W.WriteAttributeString('variableLength', "$($Parameter.IsArray)".ToLowerInvariant())
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', $(if ($Parameter.Pipeline) { "True ($($Parameter.Pipeline))" } else { 'False' }))
    $W.WriteAttributeString('position', $(if ($Parameter.Position -ge 0) { "$($Parameter.Position)" } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }))
    Write-Element $W 'maml' 'name' $Parameter.Name
    Write-Para $W $Description
    if ($InSyntax -and $Parameter.AcceptedValues) {
        Start-Element $W 'command' 'parameterValueGroup'
        foreach ($value in $Parameter.AcceptedValues) {
            Start-Element $W 'command' 'parameterValue'
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $script:Ns.command, 'false')
            $W.WriteString($value)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not $Parameter.IsSwitch) {
        Start-Element $W 'command' 'parameterValue'
        $W.WriteAttributeString('required', 'true')
        $W.WriteAttributeString('variableLength', "$($Parameter.IsArray)".ToLowerInvariant())
        $W.WriteString($Parameter.TypeName)
        $W.WriteEndElement()
    }
    Write-Type $W $Parameter.FullTypeName
    if ($Parameter.IsSwitch) { Write-Element $W 'dev' 'defaultValue' 'False' }  # other defaults are in the words
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $W, $Doc, $Command) {
    Start-Element $W 'command' 'command'
    foreach ($prefix in 'maml', 'command', 'dev') { $W.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix]) }
    Start-Element $W 'command' 'details'
    Write-Element $W 'command' 'name' $Command.Name
    Write-Element $W 'command' 'verb' $Command.Verb
    Write-Element $W 'command' 'noun' $Command.Noun
    Write-Para $W @($Doc.Synopsis)
    $W.WriteEndElement()
    Write-Para $W $Doc.Description

    # The words of a parameter: the Markdown's, PowerShell's own for WhatIf and Confirm.
    $order = @($Doc.Parameters.Keys; 'WhatIf', 'Confirm')
    $describe = { param($name) if ($Doc.Parameters.Contains($name)) { $Doc.Parameters[$name] } else { $script:ShouldProcessText[$name] } }

    # Syntax: one item per parameter set, positional parameters first, then the order of the Markdown.
    Start-Element $W 'command' 'syntax'
    foreach ($set in $Command.ParameterSets) {
        Start-Element $W 'command' 'syntaxItem'
        Write-Element $W 'maml' 'name' $Command.Name
        $sorted = $set.Parameters | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { [array]::IndexOf($order, $_.Name) }
        foreach ($parameter in $sorted) { Write-Parameter $W $parameter (& $describe $parameter.Name) -InSyntax }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Parameters: each once, in the order of the Markdown, as the first set that has it declares it.
    Start-Element $W 'command' 'parameters'
    $all = @($Command.ParameterSets.Parameters)
    foreach ($name in $order) {
        $parameter = $all | Where-Object Name -EQ $name | Select-Object -First 1
        if ($parameter) { Write-Parameter $W $parameter (& $describe $name) }
    }
    $W.WriteEndElement()

    # Inputs: the parameters that take pipeline input; outputs: the cmdlet's OutputType.
    $inputs = @($all | Where-Object Pipeline | Group-Object Name | ForEach-Object { $_.Group[0] } |
            ForEach-Object { [pscustomobject]@{ Type = $_.FullTypeName; Text = "Bound to -$($_.Name) ($($_.Pipeline))." } })
    $outputs = @($Command.OutputTypes | ForEach-Object { [pscustomobject]@{ Type = $_; Text = $null } })
    foreach ($kind in @(('inputTypes', 'inputType', $inputs, 'Nothing can be piped to this cmdlet.'), ('returnValues', 'returnValue', $outputs, 'This cmdlet writes nothing to the pipeline.'))) {
        Start-Element $W 'command' $kind[0]
        foreach ($item in @(if ($kind[2]) { $kind[2] } else { [pscustomobject]@{ Type = 'None'; Text = $kind[3] } })) {
            Start-Element $W 'command' $kind[1]
            Write-Type $W $item.Type
            Write-Para $W @($item.Text | Where-Object { $_ })
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    Start-Element $W 'maml' 'alertSet'
    Write-Para $W $Doc.Notes 'alert'
    $W.WriteEndElement()

    Start-Element $W 'command' 'examples'
    foreach ($example in $Doc.Examples) {
        Start-Element $W 'command' 'example'
        Write-Element $W 'maml' 'title' "--------- $($example.Title) ---------"
        Write-Element $W 'dev' 'code' $example.Code
        Start-Element $W 'dev' 'remarks'
        foreach ($paragraph in @($example.Remarks; '')) { Write-Element $W 'maml' 'para' $paragraph }
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    Start-Element $W 'command' 'relatedLinks'
    foreach ($link in $Doc.Links) {
        Start-Element $W 'maml' 'navigationLink'
        Write-Element $W 'maml' 'linkText' $link.Text
        Write-Element $W 'maml' 'uri' $link.Uri
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
    $W.WriteEndElement()
}

#endregion

# An about topic as Get-Help shows it: TOPIC, sections in capitals, text wrapped at 80 columns, code indented.
function ConvertTo-AboutText([System.IO.FileInfo] $File) {
    $top = @(Split-Section @(Get-Content -LiteralPath $File.FullName -Encoding utf8) 1 | Where-Object Title)
    if ($top.Count -ne 1 -or $top[0].Title -ne $File.BaseName) { throw "$($File.Name): expected exactly one '# $($File.BaseName)' heading." }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.AddRange([string[]]@('TOPIC', "    $($File.BaseName)", ''))
    foreach ($section in (Split-Section @($top[0].Lines) 2 | Where-Object Title)) {
        $out.Add($section.Title.ToUpperInvariant())
        foreach ($sub in (Split-Section @($section.Lines) 3)) {
            if ($sub.Title) { $title = ConvertFrom-Inline $sub.Title; $out.AddRange([string[]]@("  $title", ('  ' + '-' * $title.Length))) }
            foreach ($block in (ConvertTo-MarkdownBlock @($sub.Lines))) {
                switch ($block.Kind) {
                    'Para' { $out.Add((Format-Wrapped (ConvertFrom-Inline $block.Text) 4)) }
                    'List' { foreach ($item in $block.Items) { $text = ConvertFrom-Inline $item; $out.Add((Format-Wrapped $text 4 (5 + $text.IndexOf(' ')))) } }
                    'Code' { foreach ($codeLine in $block.Lines) { $out.Add(('        ' + $codeLine).TrimEnd()) } }
                    'Table' { $out.Add((Format-PlainTable -Rows $block.Rows -Indent 4 -Width 80)) }
                }
                $out.Add('')
            }
        }
    }
    (($out -join "`n").TrimEnd()) + "`n"
}

$docs = Resolve-Path -LiteralPath $DocsPath
$files = @(Get-ChildItem -LiteralPath $docs -File -Filter '*.md' | Where-Object Name -Match '^[A-Za-z]+-[A-Za-z]+\.md$' | Sort-Object Name)
$docsByName = [ordered]@{}
foreach ($file in $files) { $docsByName[$file.BaseName] = Read-CmdletDoc $file }
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($doc in $docsByName.Values) { $problems.AddRange([string[]]$doc.Problems) }

Write-Verbose "Reading the cmdlets of $ModulePath in a child process"
$commands = [ordered]@{}
foreach ($command in (Get-ModuleMetadata (Resolve-Path -LiteralPath $ModulePath).Path)) { $commands[$command.Name] = $command }
foreach ($name in $commands.Keys | Where-Object { -not $docsByName.Contains($_) }) { $problems.Add("$name has no help: add $(Join-Path $DocsPath "$name.md").") }
foreach ($doc in $docsByName.Values) {
    if (-not $commands.Contains($doc.Name)) { $problems.Add("$($doc.File) documents $($doc.Name), which the module does not export."); continue }
    $actual = @($commands[$doc.Name].ParameterSets.Parameters.Name | Where-Object { $_ -notin $script:ShouldProcessText.Keys } | Select-Object -Unique)
    foreach ($name in $actual | Where-Object { -not $doc.Parameters.Contains($_) }) {
        $problems.Add("$($doc.File): -$name of $($doc.Name) has no description: add a '### -$name' section under '## PARAMETERS'.")
    }
    foreach ($name in $doc.Parameters.Keys | Where-Object { $_ -notin $actual }) {
        $problems.Add("$($doc.File): describes -$name, which $($doc.Name) does not have$(if ($name -in $script:ShouldProcessText.Keys) { ' to describe: PowerShell describes it' }): remove it or fix its name.")
    }
}
if ($problems.Count) {
    throw "The help in '$DocsPath' does not match the cmdlets ($($problems.Count) problem(s)):`n  " + ($problems -join "`n  ")
}

$output = (New-Item -ItemType Directory -Path $OutputPath -Force).FullName
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; IndentChars = '  '; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
$writer = [System.Xml.XmlWriter]::Create((Join-Path $output 'EcrCleanup.dll-Help.xml'), $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($doc in $docsByName.Values) { Write-Command $writer $doc $commands[$doc.Name] }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

foreach ($file in Get-ChildItem -LiteralPath $docs -File -Filter 'about_*.md') {
    [System.IO.File]::WriteAllText((Join-Path $output "$($file.BaseName).help.txt"), (ConvertTo-AboutText $file), [System.Text.UTF8Encoding]::new($false))
}
Write-Verbose "Wrote the help of $($docsByName.Count) cmdlets and the about topics to $output"
