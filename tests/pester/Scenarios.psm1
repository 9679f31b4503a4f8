# Builds sandbox scenarios for the Pester suites: explicit digests, commit SHAs and image URIs, so that tests
# can name every image they expect to see protected, kept or deleted.

function Get-TestDigest([string] $Label) {
    $bytes = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($Label))
    'sha256:' + [Convert]::ToHexString($bytes).ToLowerInvariant()
}

function Get-TestSha([string] $Label) {
    [Convert]::ToHexString([System.Security.Cryptography.SHA1]::HashData([System.Text.Encoding]::UTF8.GetBytes($Label))).ToLowerInvariant()
}

function Get-TestTag([string] $Label) { 'lancedb-' + (Get-TestSha $Label).Substring(0, 7) }

function Get-TestImageUri([string] $Label, [string] $Repository = 'app') {
    "123456789012.dkr.ecr.eu-west-2.amazonaws.com/${Repository}:$(Get-TestTag $Label)"
}

# One repository 'app' with an image for every protection source and every branch of the decision tree.
function New-ProtectionScenario {
    $image = { param($label, $age, $tags, $extra) $entry = @{ digest = (Get-TestDigest $label); tags = @($tags); ageHours = $age; sizeBytes = 100000000 }; if ($extra) { $entry += $extra }; $entry }
    $images = @(
        & $image 'c0' 30 @(Get-TestTag 'c0')                        # production $LATEST (current deployment)
        & $image 'v6' 300 @(Get-TestTag 'v6')                       # production function's published version 6
        & $image 'worker' 40 @(Get-TestTag 'worker')                # nested stack's function
        & $image 'pr12' 60 @(Get-TestTag 'pr12')                    # PR 12 stack's function
        & $image 'manual' 500 @('hotfix-' + (Get-TestSha 'manual').Substring(0, 7))  # a function outside the stacks
        & $image 'pr15-commit' 90 @(Get-TestTag 'pr15-commit')      # a commit of open PR 15 (no stack)
        & $image 'c1' 54 @(Get-TestTag 'c1')                        # production history, within retention 3
        & $image 'c2' 78 @(Get-TestTag 'c2')
        & $image 'c3' 102 @(Get-TestTag 'c3')                       # beyond retention
        & $image 'c4' 126 @(Get-TestTag 'c4')
        & $image 'closed-pr' 150 @(Get-TestTag 'closed-pr')         # an old PR image: delete
        & $image 'untagged' 120 @()                                 # untagged and old: delete
        & $image 'unknown' 200 @('lancedb-foo')                     # unknown tag: keep
        & $image 'latest' 300 @('lancedb-latest')                   # latest: keep
        & $image 'young' 2 @(Get-TestTag 'young')                   # younger than 24h: keep
        & $image 'index' 400 @(Get-TestTag 'index-commit') @{ mediaType = 'application/vnd.oci.image.index.v1+json'; children = @(Get-TestDigest 'index-child') }
        & $image 'index-child' 400 @() @{ mediaType = 'application/vnd.oci.image.manifest.v1+json' }
        & $image 'signature' 29 @() @{ mediaType = 'application/vnd.oci.image.manifest.v1+json'; subject = (Get-TestDigest 'c0'); artifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json' }
    )
    @{
        repositories = @(@{ name = 'app'; images = $images })
        stacks       = @(
            @{ name = 'HelpmatonProduction'; status = 'UPDATE_COMPLETE'; resources = @(
                    @{ logicalId = 'ApiFunction'; type = 'AWS::Lambda::Function'; physicalId = 'prod-api' }
                    @{ logicalId = 'Workers'; type = 'AWS::CloudFormation::Stack'; physicalId = 'HelpmatonProduction-Workers-9Z' }
                    @{ logicalId = 'Table'; type = 'AWS::DynamoDB::Table'; physicalId = 'prod-table' }
                ) }
            @{ name = 'HelpmatonProduction-Workers-9Z'; status = 'UPDATE_COMPLETE'; resources = @(
                    @{ logicalId = 'WorkerFunction'; type = 'AWS::Lambda::Function'; physicalId = 'prod-worker' }
                ) }
            @{ name = 'HelpmatonStagingPR12'; status = 'CREATE_COMPLETE'; resources = @(
                    @{ logicalId = 'ApiFunction'; type = 'AWS::Lambda::Function'; physicalId = 'pr12-api' }
                ) }
            @{ name = 'HelpmatonStagingPR90'; status = 'DELETE_COMPLETE'; resources = @() }
        )
        functions    = @(
            @{ name = 'prod-api'; packageType = 'Image'; imageUri = (Get-TestImageUri 'c0'); resolvedDigest = (Get-TestDigest 'c0')
                versions = @(@{ version = '6'; imageUri = (Get-TestImageUri 'v6'); resolvedDigest = (Get-TestDigest 'v6') })
                aliases = @(@{ name = 'live'; version = '6' }) }
            @{ name = 'prod-worker'; packageType = 'Image'; imageUri = (Get-TestImageUri 'worker'); resolvedDigest = (Get-TestDigest 'worker') }
            @{ name = 'pr12-api'; packageType = 'Image'; imageUri = (Get-TestImageUri 'pr12'); resolvedDigest = (Get-TestDigest 'pr12') }
            @{ name = 'hand-made'; packageType = 'Image'; imageUri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:hotfix-$((Get-TestSha 'manual').Substring(0, 7))"; resolvedDigest = (Get-TestDigest 'manual') }
            @{ name = 'index-runner'; packageType = 'Image'; imageUri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:$(Get-TestTag 'index-commit')"; resolvedDigest = (Get-TestDigest 'index') }
            @{ name = 'elsewhere'; packageType = 'Image'; imageUri = '123456789012.dkr.ecr.eu-west-2.amazonaws.com/other:v1'; resolvedDigest = (Get-TestDigest 'other') }
            @{ name = 'zip-cron'; packageType = 'Zip' }
        )
        github       = @{
            repository    = 'djinilabs/helpmaton'
            token         = 'ghp_sandbox_secret_token'
            defaultBranch = 'main'
            commits       = @('c0', 'c1', 'c2', 'c3', 'c4' | ForEach-Object { Get-TestSha $_ })
            pullRequests  = @(
                @{ number = 12; state = 'open'; headSha = (Get-TestSha 'pr12'); commits = @(Get-TestSha 'pr12') }
                @{ number = 15; state = 'open'; headSha = (Get-TestSha 'pr15-head'); commits = @((Get-TestSha 'pr15-commit'), (Get-TestSha 'pr15-head')) }
                @{ number = 9; state = 'closed'; headSha = (Get-TestSha 'closed-pr'); commits = @(Get-TestSha 'closed-pr') }
            )
            deployments   = @(0..4 | ForEach-Object { @{ environment = 'production'; sha = (Get-TestSha "c$_"); createdHoursAgo = 30 + 24 * $_ } })
        }
    }
}

Export-ModuleMember -Function Get-TestDigest, Get-TestSha, Get-TestTag, Get-TestImageUri, New-ProtectionScenario
