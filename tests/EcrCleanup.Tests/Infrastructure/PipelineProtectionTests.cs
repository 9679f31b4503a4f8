using System.Management.Automation;
using EcrCleanup.Commands.Infrastructure;
using EcrCleanup.Model;

namespace EcrCleanup.Tests.Infrastructure;

public class PipelineProtectionTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Digest = "sha256:" + Hex;

    /// <summary>An ECS or Kubernetes inventory row as another tool would pipe it: no Source property.</summary>
    private sealed record InventoryEntry(string Repository, string Digest);

    private static PSObject Custom(params (string Name, object? Value)[] properties)
    {
        var item = new PSObject();
        foreach (var (name, value) in properties)
        {
            item.Properties.Add(new PSNoteProperty(name, value));
        }

        return item;
    }

    [Fact]
    public void The_modules_own_protected_image_passes_through_as_it_is()
    {
        var own = new ProtectedImage("helpmaton-lambda-images", Digest, ProtectionReason.Deployed) { FunctionName = "api", Qualifier = "$LATEST" };

        var protection = PipelineProtection.From(PSObject.AsPSObject(own));

        Assert.Same(own, protection);
    }

    [Fact]
    public void An_object_with_repository_and_digest_becomes_an_external_protection_lower_cased_with_its_source()
    {
        var item = Custom(("Repository", "Team/Service"), ("Digest", "sha256:" + Hex.ToUpperInvariant()), ("Source", "ecs-inventory"));

        var protection = PipelineProtection.From(item);

        Assert.NotNull(protection);
        Assert.Equal("team/service", protection.Repository);
        Assert.Equal(Digest, protection.Digest);
        Assert.Equal(ProtectionReason.External, protection.Reason);
        Assert.Equal("ecs-inventory", protection.Source);
    }

    [Fact]
    public void Without_a_source_property_the_source_is_the_objects_type_name()
    {
        var protection = PipelineProtection.From(PSObject.AsPSObject(new InventoryEntry("helpmaton-lambda-images", Digest)));

        Assert.NotNull(protection);
        Assert.Equal(nameof(InventoryEntry), protection.Source);
        Assert.Equal("helpmaton-lambda-images", protection.Repository);
        Assert.Equal(ProtectionReason.External, protection.Reason);
    }

    [Fact]
    public void A_custom_object_without_a_source_is_named_by_its_type()
    {
        var protection = PipelineProtection.From(Custom(("Repository", "app"), ("Digest", Digest)));

        Assert.NotNull(protection);
        Assert.Equal(nameof(PSCustomObject), protection.Source);
    }

    [Fact]
    public void An_object_without_properties_is_no_protection()
    {
        Assert.Null(PipelineProtection.From(new PSObject()));
        Assert.Null(PipelineProtection.From(PSObject.AsPSObject(42)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" " + Digest)]
    [InlineData(Digest + " ")]
    [InlineData("123456789012.dkr.ecr.eu-west-2.amazonaws.com/app@" + Digest)]
    [InlineData("app@" + Digest)]
    [InlineData(Hex)]
    [InlineData("sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData(Digest + "0")]
    [InlineData("sha256:" + "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha512:" + Hex)]
    [InlineData("latest")]
    public void A_digest_that_is_not_exactly_sha256_and_64_hex_is_no_protection(string? digest)
    {
        Assert.Null(PipelineProtection.From(Custom(("Repository", "app"), ("Digest", digest))));
    }

    [Fact]
    public void A_missing_digest_is_no_protection()
    {
        Assert.Null(PipelineProtection.From(Custom(("Repository", "app"))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123456789012.dkr.ecr.eu-west-2.amazonaws.com/app")]
    [InlineData("123456789012.dkr.ecr.eu-west-2.amazonaws.com/app@" + Digest)]
    [InlineData("app:latest")]
    [InlineData("a")]
    [InlineData(" app")]
    public void A_repository_that_is_not_a_repository_name_is_no_protection(string? repository)
    {
        Assert.Null(PipelineProtection.From(Custom(("Repository", repository), ("Digest", Digest))));
    }

    [Fact]
    public void A_missing_repository_is_no_protection()
    {
        Assert.Null(PipelineProtection.From(Custom(("Digest", Digest))));
    }
}
