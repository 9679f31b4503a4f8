@{
    RootModule           = 'EcrCleanup.dll'
    # Imported before the root module: it gives the module's own assemblies their own load context.
    NestedModules        = @('EcrCleanup.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0f9a3e-7c41-4d8e-9b6a-2f1e8c3d4b57'
    Author               = 'EcrCleanup contributors'
    CompanyName          = 'EcrCleanup'
    Copyright            = '(c) 2026 EcrCleanup contributors. MIT License.'
    Description          = 'Deletes unused images from Amazon ECR repositories and never an image that something still runs: protection from CloudFormation stacks, Lambda versions and aliases, open pull requests and production history, with -WhatIf dry runs and a report.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('EcrCleanup.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-EcrCleanupImage'
        'Get-ProtectedImage'
        'Get-EcrCleanupCandidate'
        'Remove-EcrCleanupCandidate'
        'Invoke-EcrCleanup'
        'Export-EcrCleanupPlan'
        'Import-EcrCleanupPlan'
        'Restore-EcrCleanupImage'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'ECR', 'ECS', 'Cleanup', 'Lambda', 'CloudFormation', 'Containers', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            # The build adds ReleaseNotes (CHANGELOG.md) and, where it knows the repository, ProjectUri and a
            # LicenseUri of its LICENSE: build/Set-ManifestMetadata.ps1.
            LicenseUri   = 'https://opensource.org/license/mit'
        }
    }
}
