using EcrCleanup.Abstractions;
using EcrCleanup.Diagnostics;
using EcrCleanup.Model;
using EcrCleanup.Sandbox;

namespace EcrCleanup.Aws.Tests;

public class EcrClientTests
{
    private static Scenario Repository(int images) => new()
    {
        Repositories = [new() { Name = "app", Images = Enumerable.Range(0, images).Select(i => new ScenarioImage { Tags = [$"app-{i:x7}"], AgeHours = i }).ToList() }],
    };

    [Fact]
    public async Task Reads_every_page_of_1000_images()
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(2500));
        var ecr = SandboxClients.For(sandbox, new()).CreateEcr();

        var images = await ecr.DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync();

        Assert.Equal(2500, images.Select(i => i.Digest).Distinct().Count());
        Assert.Equal(3, sandbox.CallCount("ecr:DescribeImages"));
        Assert.All(images, i => Assert.InRange(i.PushedAt, DateTimeOffset.UtcNow.AddHours(-2500), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Retries_throttling_to_the_same_answer_and_counts_the_retries()
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(1500));
        sandbox.AddFaults(new ScenarioFault { Service = "ecr", Operation = "DescribeImages", Error = "ThrottlingException", Times = 2 });
        var recorder = new ServiceCallRecorder();

        var images = await SandboxClients.For(sandbox, recorder).CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync();

        Assert.Equal(1500, images.Count);
        Assert.Equal(2, recorder.Retries["ECR:DescribeImages"]);
        Assert.Equal(4, recorder.Calls["ECR:DescribeImages"]);
    }

    [Fact]
    public async Task A_page_whose_images_are_malformed_is_read_again_and_the_next_asked_at_the_token_it_is_finally_read_with()
    {
        // The first answer names the second page's token, which is asked at once, and then lacks an image's digest. The
        // first page is asked again; its new answer names a new token (ECR's, like the sandbox's, differ from answer to
        // answer), so the second page is asked again at that one: 3 pages, the first's retry and the second's second
        // asking. The page asked at the first token asks none ahead of it, not being read.
        await using var sandbox = await SandboxHost.StartAsync(Repository(2500));
        sandbox.AddFaults(new ScenarioFault { Service = "ecr", Operation = "DescribeImages", Malformed = "drop:imageDigest", Times = 1 });
        var recorder = new ServiceCallRecorder();

        var images = await SandboxClients.For(sandbox, recorder).CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync();

        Assert.Equal(2500, images.Select(i => i.Digest).Distinct().Count());
        Assert.Equal(1, recorder.Retries["ECR:DescribeImages"]);
        Assert.Equal(5, sandbox.CallCount("ecr:DescribeImages"));
    }

    [Fact]
    public async Task A_page_whose_images_stay_malformed_fails_the_listing()
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(2500));
        sandbox.AddFaults(new ScenarioFault { Service = "ecr", Operation = "DescribeImages", Malformed = "drop:imageDigest", Times = -1 });

        var e = await Assert.ThrowsAsync<ServiceException>(() => SandboxClients.For(sandbox, new()).CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal(("DescribeImages", "MalformedResponse"), (e.Operation, e.ErrorCode));
        Assert.Contains("imageDigest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_every_repository_of_the_registry_a_page_of_1000_at_a_time()
    {
        var scenario = new Scenario { Repositories = Enumerable.Range(0, 2100).Select(i => new ScenarioRepository { Name = $"team/app-{i:d4}" }).ToList() };
        await using var sandbox = await SandboxHost.StartAsync(scenario);

        var repositories = await SandboxClients.For(sandbox, new()).CreateEcr().ListRepositoriesAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(2100, repositories.Select(r => r.Name).Distinct().Count());
        Assert.Equal(3, sandbox.CallCount("ecr:DescribeRepositories"));
        Assert.Equal("123456789012.dkr.ecr.eu-west-2.amazonaws.com/team/app-0000", repositories.Single(r => r.Name == "team/app-0000").Uri);
    }

    [Fact]
    public async Task An_unknown_repository_fails_with_repository_not_found_naming_it()
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(1));
        var e = await Assert.ThrowsAsync<ServiceException>(() => SandboxClients.For(sandbox, new()).CreateEcr().DescribeRepositoryAsync("nope", CancellationToken.None));
        Assert.Equal(("ECR", "DescribeRepositories", "nope", "RepositoryNotFoundException"), (e.Service, e.Operation, e.Resource, e.ErrorCode));
    }

    [Fact]
    public async Task Deletes_by_digest_and_reports_failures_per_image()
    {
        var child = "sha256:" + new string('c', 64);
        var scenario = new Scenario
        {
            Repositories =
            [
                new()
                {
                    Name = "app",
                    Images =
                    [
                        new() { Digest = "sha256:" + new string('a', 64), Tags = ["one", "two"], AgeHours = 5 },
                        new() { Digest = "sha256:" + new string('b', 64), Tags = ["index"], AgeHours = 5, Children = [child] },
                        new() { Digest = child, AgeHours = 5, MediaType = "application/vnd.oci.image.manifest.v1+json" },
                    ],
                },
            ],
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var ecr = SandboxClients.For(sandbox, new()).CreateEcr();
        var missing = "sha256:" + new string('d', 64);

        var result = await ecr.BatchDeleteImageAsync("app", new[] { "sha256:" + new string('a', 64), child, missing }, CancellationToken.None);

        Assert.Equal(new[] { "sha256:" + new string('a', 64) }, result.Deleted);
        Assert.Equal("ImageReferencedByManifestList", result.Failures.Single(f => f.Digest == child).Code);
        Assert.Equal("ImageNotFound", result.Failures.Single(f => f.Digest == missing).Code);
        var left = await ecr.DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync();
        Assert.DoesNotContain(left, i => i.Tags.Contains("one") || i.Tags.Contains("two"));
    }

    [Fact]
    public async Task Reads_index_children_and_referrer_subjects_from_manifests()
    {
        var subject = "sha256:" + new string('a', 64);
        var scenario = new Scenario
        {
            Repositories =
            [
                new()
                {
                    Name = "app",
                    Images =
                    [
                        new() { Digest = subject, Tags = ["app-1234567"], AgeHours = 5, Children = ["sha256:" + new string('c', 64)] },
                        new() { Digest = "sha256:" + new string('c', 64), AgeHours = 5, MediaType = "application/vnd.oci.image.manifest.v1+json" },
                        new() { Digest = "sha256:" + new string('e', 64), AgeHours = 4, Subject = subject, ArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json" },
                    ],
                },
            ],
        };
        await using var sandbox = await SandboxHost.StartAsync(scenario);
        var ecr = SandboxClients.For(sandbox, new()).CreateEcr();

        var manifests = await ecr.GetManifestsAsync("app", new[] { subject, "sha256:" + new string('e', 64) }, CancellationToken.None);

        Assert.Equal(new[] { "sha256:" + new string('c', 64) }, manifests.Single(m => m.Digest == subject).ChildDigests);
        Assert.Equal(subject, manifests.Single(m => m.Digest == "sha256:" + new string('e', 64)).SubjectDigest);
    }

    [Fact]
    public async Task An_image_whose_manifest_ECR_will_not_give_stops_the_read_naming_it_and_why()
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(3));
        var digests = (await SandboxClients.For(sandbox, new()).CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync()).Select(i => i.Digest).ToArray();
        sandbox.AddFaults(new ScenarioFault { Service = "ecr", Operation = "BatchGetImage", Match = digests[1][7..23], ItemFailure = "KmsError", Times = -1 });

        var e = await Assert.ThrowsAsync<ServiceException>(() => SandboxClients.For(sandbox, new()).CreateEcr().GetManifestsAsync("app", digests, CancellationToken.None));

        Assert.Equal(("ECR", "BatchGetImage", "ManifestUnreadable"), (e.Service, e.Operation, e.ErrorCode));
        Assert.Contains($"{digests[1]} (KmsError: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(digests[0], e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("drop:imageManifest", 1, null)]
    [InlineData("truncate", 1, null)]
    [InlineData("html", -1, "MalformedResponse")]
    [InlineData("emptyJson", -1, "MalformedResponse")]
    [InlineData("drop:imageManifest", -1, "MalformedResponse")]
    public async Task An_answer_that_is_not_BatchGetImages_is_asked_again_then_fails(string malformed, int times, string? errorCode)
    {
        await using var sandbox = await SandboxHost.StartAsync(Repository(2));
        var digests = (await SandboxClients.For(sandbox, new()).CreateEcr().DescribeImagesAsync("app", ImageStatusFilter.Active, CancellationToken.None).ToListAsync()).Select(i => i.Digest).ToArray();
        sandbox.AddFaults(new ScenarioFault { Service = "ecr", Operation = "BatchGetImage", Malformed = malformed, Times = times });
        var recorder = new ServiceCallRecorder();
        var read = SandboxClients.For(sandbox, recorder).CreateEcr().GetManifestsAsync("app", digests, CancellationToken.None);

        if (errorCode is null)
        {
            Assert.Equal(2, (await read).Count);
            Assert.Equal(1, recorder.Retries["ECR:BatchGetImage"]);
        }
        else
        {
            var e = await Assert.ThrowsAsync<ServiceException>(() => read);
            Assert.Equal(errorCode, e.ErrorCode);
            Assert.Contains("not the BatchGetImage answer", e.Message, StringComparison.Ordinal);
        }
    }
}
