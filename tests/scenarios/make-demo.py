#!/usr/bin/env python3
"""Writes demo.json: a sandbox scenario shaped like the seed's sample report (about 76 images, a production
stack and 11 pull-request environments). Run it again after changing it: python3 make-demo.py > demo.json"""
import hashlib
import json

REPO = "helpmaton-lambda-images"
URI = f"123456789012.dkr.ecr.eu-west-2.amazonaws.com/{REPO}"


def sha(label):
    return hashlib.sha1(label.encode()).hexdigest()


def tag(full_sha):
    return f"lancedb-{full_sha[:7]}"


production = [sha(f"production {i}") for i in range(20)]  # newest first; [0] is live
open_prs = [(100 + i, sha(f"pr {100 + i} head")) for i in range(11)]
young_pr_commits = [sha(f"pr 103 commit {i}") for i in range(2)]
old_pr_commits = [sha(f"closed pr commit {i}") for i in range(39)]

images = []
for i, s in enumerate(production):
    images.append({"tags": [tag(s)], "ageHours": 30 + 24 * i, "sizeBytes": 520_000_000 + i * 1_000_000})
for n, s in open_prs:
    images.append({"tags": [tag(s)], "ageHours": 48 + n % 7 * 10, "sizeBytes": 510_000_000})
for i, s in enumerate(young_pr_commits):
    images.append({"tags": [tag(s)], "ageHours": 3 + i, "sizeBytes": 505_000_000})
for i, s in enumerate(old_pr_commits):
    images.append({"tags": [tag(s)], "ageHours": 78.5 + 12 * i, "sizeBytes": 500_000_000 + i * 500_000})
images.append({"tags": ["lancedb-latest"], "ageHours": 30, "sizeBytes": 520_000_000})
for i in range(3):
    images.append({"tags": [], "ageHours": 120.3 + 24 * i, "sizeBytes": 480_000_000})

stacks = [
    {
        "name": "HelpmatonProduction",
        "status": "UPDATE_COMPLETE",
        "tags": {"CommitSha": production[0]},
        "resources": [
            {"logicalId": "ApiFunction", "type": "AWS::Lambda::Function", "physicalId": "HelpmatonProduction-ApiFunction-1A2B"},
            {"logicalId": "Workers", "type": "AWS::CloudFormation::Stack", "physicalId": "HelpmatonProduction-Workers-9Z"},
            {"logicalId": "Table", "type": "AWS::DynamoDB::Table", "physicalId": "helpmaton-production-table"},
        ],
    },
    {
        "name": "HelpmatonProduction-Workers-9Z",
        "status": "UPDATE_COMPLETE",
        "resources": [
            {"logicalId": "WorkerFunction", "type": "AWS::Lambda::Function", "physicalId": "HelpmatonProduction-WorkerFunction-3C4D"},
        ],
    },
]
functions = [
    {
        "name": "HelpmatonProduction-ApiFunction-1A2B",
        "packageType": "Image",
        "imageUri": f"{URI}:{tag(production[0])}",
        "versions": [{"version": "7", "imageUri": f"{URI}:{tag(production[0])}"}],
        "aliases": [{"name": "live", "version": "7"}],
    },
    {"name": "HelpmatonProduction-WorkerFunction-3C4D", "packageType": "Image", "imageUri": f"{URI}:{tag(production[0])}"},
]
for n, s in open_prs:
    name = f"HelpmatonStagingPR{n}"
    function = f"{name}-ApiFunction-{n}X"
    stacks.append({
        "name": name,
        "status": "CREATE_COMPLETE" if n % 4 else "UPDATE_IN_PROGRESS",
        "resources": [{"logicalId": "ApiFunction", "type": "AWS::Lambda::Function", "physicalId": function}],
    })
    functions.append({"name": function, "packageType": "Image", "imageUri": f"{URI}:{tag(s)}"})
stacks.append({"name": "HelpmatonStagingPR90", "status": "DELETE_COMPLETE", "resources": []})
functions.append({"name": "helpmaton-zip-cron", "packageType": "Zip"})

scenario = {
    "account": "123456789012",
    "region": "eu-west-2",
    "latencyMs": 0,
    "repositories": [{"name": REPO, "tagMutability": "MUTABLE", "images": images}],
    "stacks": stacks,
    "functions": functions,
    "github": {
        "repository": "djinilabs/helpmaton",
        "token": "ghp_sandbox",
        "defaultBranch": "main",
        "commits": production,
        "pullRequests": [
            {"number": n, "state": "open", "headSha": s, "commits": [s] + (young_pr_commits if n == 103 else [])}
            for n, s in open_prs
        ],
        "deployments": [
            {"environment": "production", "sha": s, "createdHoursAgo": 30 + 24 * i} for i, s in enumerate(production)
        ],
    },
}
print(json.dumps(scenario, indent=2))
