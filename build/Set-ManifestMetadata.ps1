#Requires -Version 7.4
<#
.SYNOPSIS
    Writes the gallery metadata the source manifest cannot know into a built module's manifest.

.DESCRIPTION
    - ReleaseNotes: the CHANGELOG.md section of the manifest's ModuleVersion ("## [0.1.0]"), else "## [Unreleased]".
    - ProjectUri (and LicenseUri, the project's LICENSE): the repository the build runs from, when it is known:
      GITHUB_SERVER_URL and GITHUB_REPOSITORY (set by GitHub Actions, where packages are built for publishing),
      else the 'origin' remote when it is an https URL (without user info or ".git"). Nothing is invented: when
      neither is known, the manifest keeps no ProjectUri and its LicenseUri (the MIT license's text).
    HelpInfoUri is not set: the module ships its help, and there is no Update-Help site.

.EXAMPLE
    ./build/Set-ManifestMetadata.ps1 -ManifestPath out/EcrCleanup/EcrCleanup.psd1 -ChangelogPath CHANGELOG.md
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $ChangelogPath,
    # The repository's working tree, for its 'origin' remote.
    [string] $RepositoryPath = (Split-Path -Parent $ChangelogPath)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$version = (Import-PowerShellDataFile $ManifestPath).ModuleVersion
$changelog = Get-Content -LiteralPath $ChangelogPath
$start = -1
foreach ($heading in "## [$version]", '## [Unreleased]') {
    $start = [Array]::FindIndex($changelog, [Predicate[string]] { param($line) $line.StartsWith($heading, [StringComparison]::Ordinal) })
    if ($start -ge 0) { break }
}
if ($start -lt 0) { throw "$ChangelogPath has neither a '## [$version]' nor a '## [Unreleased]' section: the release notes would be empty." }
$end = [Array]::FindIndex($changelog, $start + 1, [Predicate[string]] { param($line) $line.StartsWith('## ', [StringComparison]::Ordinal) })
$section = $changelog[($start + 1)..($(if ($end -lt 0) { $changelog.Count } else { $end }) - 1)]
$releaseNotes = ($section -join "`n").Trim()

$projectUri = $null
if ($env:GITHUB_SERVER_URL -and $env:GITHUB_REPOSITORY) {
    $projectUri = "$($env:GITHUB_SERVER_URL.TrimEnd('/'))/$env:GITHUB_REPOSITORY"
}
else {
    $origin = git -C $RepositoryPath remote get-url origin 2>$null
    if ($LASTEXITCODE -eq 0 -and $origin -match '^https://(?:[^@/]+@)?(?<host>[^/]+)/(?<path>[^?#]+?)(?:\.git)?/?$') {
        $projectUri = "https://$($Matches.host)/$($Matches.path)"
    }
    $global:LASTEXITCODE = 0
}

$metadata = @{ Path = $ManifestPath; ReleaseNotes = $releaseNotes }
if ($projectUri) {
    $metadata.ProjectUri = $projectUri
    $metadata.LicenseUri = "$projectUri/blob/HEAD/LICENSE"
}
Update-PSModuleManifest @metadata
[pscustomobject]@{ Version = $version; ProjectUri = $projectUri; ReleaseNotesLines = $section.Count }
