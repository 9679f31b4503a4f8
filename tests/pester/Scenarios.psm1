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

# The protection scenario with other workloads: an ECS cluster whose service runs by a tag that moved, a service
# mid-deployment, a stopped production service whose task definition family has earlier revisions, a Batch job
# definition in PR 12's stack, and a resource of a type the module does not read that names an image of 'app'.
# -WithoutStackTaskDefinition leaves the production stack without its task definition (for -SkipEcs).
function New-WorkloadScenario([switch] $WithoutStackTaskDefinition) {
    $scenario = New-ProtectionScenario
    $arn = 'arn:aws:ecs:eu-west-2:123456789012'
    $old = { param($label, $tags) @{ digest = (Get-TestDigest $label); tags = @($tags); ageHours = 200; sizeBytes = 100000000 } }
    $scenario.repositories[0].images += @(
        & $old 'svc-ran' @()                          # what the web service's task runs: its tag has moved on
        & $old 'svc-now' @(Get-TestTag 'svc-now')     # where the tag points now
        & $old 'deploy-old' @(Get-TestTag 'deploy-old')
        & $old 'deploy-new' @(Get-TestTag 'deploy-new')
        & $old 'batch' @(Get-TestTag 'batch')
        1..5 | ForEach-Object { & $old "rev$_" @(Get-TestTag "rev$_") }
    )
    $definition = { param($family, $revision, $uri, $status) @{ family = $family; revision = $revision; status = $status; containers = @(@{ name = 'app'; image = $uri }) } }
    $scenario.ecs = @{
        clusters        = @(
            @{ name = 'apps'
                services = @(
                    @{ name = 'web'; desiredCount = 1; taskDefinition = 'web:1' }
                    @{ name = 'api'; desiredCount = 2; taskDefinition = 'api:2'; deployments = @(
                            @{ status = 'PRIMARY'; taskDefinition = 'api:2'; rolloutState = 'IN_PROGRESS' }
                            @{ status = 'ACTIVE'; taskDefinition = 'api:1'; rolloutState = 'COMPLETED' }
                        ) }
                )
                tasks    = @(@{ taskDefinition = 'web:1'; group = 'service:web'; containers = @(@{ name = 'app'; image = (Get-TestImageUri 'svc-now'); imageDigest = (Get-TestDigest 'svc-ran') }) })
            }
            @{ name = 'production'; services = @(@{ name = 'worker'; desiredCount = 0; taskDefinition = 'worker:5' }) }
        )
        taskDefinitions = @(
            & $definition 'web' 1 (Get-TestImageUri 'svc-now') 'ACTIVE'
            & $definition 'api' 1 (Get-TestImageUri 'deploy-old') 'ACTIVE'
            & $definition 'api' 2 "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app@$(Get-TestDigest 'deploy-new')" 'ACTIVE'
            1..5 | ForEach-Object { & $definition 'worker' $_ (Get-TestImageUri "rev$_") ($_ -eq 5 ? 'ACTIVE' : 'INACTIVE') }
        )
    }
    $scenario.batch = @{ jobDefinitions = @(@{ name = 'nightly'; revision = 1; status = 'ACTIVE'; type = 'container'; image = (Get-TestImageUri 'batch') }) }
    $pr12 = $scenario.stacks | Where-Object name -EQ 'HelpmatonStagingPR12'
    $pr12.resources += @(
        @{ logicalId = 'Nightly'; type = 'AWS::Batch::JobDefinition'; physicalId = "arn:aws:batch:eu-west-2:123456789012:job-definition/nightly:1" }
        @{ logicalId = 'Model'; type = 'AWS::SageMaker::Model'; physicalId = 'pr12-model'; properties = @{ PrimaryContainer = @{ Image = @{ 'Fn::Sub' = '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:model-1' } } } }
    )
    if (-not $WithoutStackTaskDefinition) {
        $production = $scenario.stacks | Where-Object name -EQ 'HelpmatonProduction'
        $production.resources += @(@{ logicalId = 'WorkerTask'; type = 'AWS::ECS::TaskDefinition'; physicalId = "$arn`:task-definition/worker:5" })
    }
    $scenario
}

# The protection scenario with two more repositories production runs from: 'jobs' (a function of the production stack
# and one of PR 12's) and 'web' (an ECS-free second production function), each with builds of the production history,
# an old pull request's image and an untagged one. -Unused adds a fourth repository production runs nothing from.
function New-SeveralRepositoriesScenario([switch] $Unused) {
    $scenario = New-ProtectionScenario
    $image = { param($repository, $label, $age, $tags) @{ digest = (Get-TestDigest "$repository-$label"); tags = @($tags); ageHours = $age; sizeBytes = 200000000 } }
    $tag = { param($repository, $label) "$repository-" + (Get-TestSha $label).Substring(0, 7) }
    foreach ($repository in 'jobs', 'web') {
        $scenario.repositories += @{ name = $repository; images = @(
                & $image $repository 'c0' 30 @(& $tag $repository 'c0')
                & $image $repository 'c1' 54 @(& $tag $repository 'c1')
                & $image $repository 'c4' 126 @(& $tag $repository 'c4')
                & $image $repository 'closed-pr' 150 @(& $tag $repository 'closed-pr')
                & $image $repository 'untagged' 120 @()
            ) }
        $function = "prod-$repository"
        $scenario.stacks[0].resources += @{ logicalId = "${repository}Function"; type = 'AWS::Lambda::Function'; physicalId = $function }
        $scenario.functions += @{ name = $function; packageType = 'Image'; resolvedDigest = (Get-TestDigest "$repository-c0")
            imageUri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/${repository}:$(& $tag $repository 'c0')" }
    }
    $scenario.repositories[1].images += & $image 'jobs' 'pr12' 60 @(& $tag 'jobs' 'pr12')
    $scenario.stacks[2].resources += @{ logicalId = 'JobsFunction'; type = 'AWS::Lambda::Function'; physicalId = 'pr12-jobs' }
    $scenario.functions += @{ name = 'pr12-jobs'; packageType = 'Image'; resolvedDigest = (Get-TestDigest 'jobs-pr12')
        imageUri = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/jobs:$(& $tag 'jobs' 'pr12')" }
    if ($Unused) {
        $scenario.repositories += @{ name = 'unused'; images = @(& $image 'unused' 'c4' 126 @(& $tag 'unused' 'c4')) }
    }
    $scenario
}

# An account as tab completion reads it: a few repositories and stacks, no images. The nested stack and the deleted
# one are not offered; the stacks that end in a number give their prefixes.
function New-AccountScenario {
    @{
        repositories = @('app', 'apple', 'team/api', 'web' | ForEach-Object { @{ name = $_; images = @() } })
        stacks       = @(
            @{ name = 'HelpmatonProduction'; status = 'UPDATE_COMPLETE'; resources = @(
                    @{ logicalId = 'Workers'; type = 'AWS::CloudFormation::Stack'; physicalId = 'HelpmatonProduction-Workers-12' }
                ) }
            @{ name = 'HelpmatonProduction-Workers-12'; status = 'UPDATE_COMPLETE'; resources = @() }
            @{ name = 'HelpmatonStagingPR12'; status = 'CREATE_COMPLETE'; resources = @() }
            @{ name = 'HelpmatonStagingPR13'; status = 'UPDATE_ROLLBACK_COMPLETE'; resources = @() }
            @{ name = 'HelpmatonStagingPR90'; status = 'DELETE_COMPLETE'; resources = @() }
            @{ name = 'ReviewApp7'; status = 'CREATE_COMPLETE'; resources = @() }
        )
    }
}

Export-ModuleMember -Function Get-TestDigest, Get-TestSha, Get-TestTag, Get-TestImageUri, New-ProtectionScenario, New-WorkloadScenario, New-SeveralRepositoriesScenario, New-AccountScenario
