using System.Text.Json.Nodes;
using EcrCleanup.Aws.Http;

namespace EcrCleanup.Aws.Ecr;

/// <summary>
/// The names an enum's members have on the wire (<c>ARCHIVED</c>), both ways. A name the module does not know is a
/// <see cref="MalformedAnswerException"/>, like any other member that is not what the operation's model says: taken
/// for a member the module knows, it would be decided on as something it is not.
/// </summary>
internal sealed class WireEnum<T>
    where T : struct, Enum
{
    // A handful of members each, searched in order: a dictionary per enum would be compiled for each enum type at
    // the first call of a process, for lookups no faster than these.
    private readonly (T Value, string Name)[] _members;

    public WireEnum(params (T Value, string Name)[] members) => _members = members;

    /// <summary>The member's name on the wire.</summary>
    public string Name(T value)
    {
        foreach (var member in _members)
        {
            if (EqualityComparer<T>.Default.Equals(member.Value, value))
            {
                return member.Name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "The value has no name on the wire.");
    }

    /// <summary>The member <paramref name="name"/> names, which the operation always returns.</summary>
    /// <param name="owner">What the member belongs to, for the error (<c>sha256:…</c>); null for the answer itself.</param>
    public T Read(JsonObject parent, string name, string? owner = null) =>
        ReadOptional(parent, name, owner) ?? throw new MalformedAnswerException($"it has no {name}{For(owner)}");

    /// <summary>The member <paramref name="name"/> names, or null when the operation leaves it out.</summary>
    /// <param name="owner">What the member belongs to, for the error (<c>sha256:…</c>); null for the answer itself.</param>
    public T? ReadOptional(JsonObject? parent, string name, string? owner = null)
    {
        var text = Json.OptionalText(parent, name);
        if (text is null)
        {
            return null;
        }

        foreach (var member in _members)
        {
            if (string.Equals(member.Name, text, StringComparison.Ordinal))
            {
                return member.Value;
            }
        }

        throw new MalformedAnswerException($"its {name}{For(owner)} is '{text}', a value this version of the module does not know ({string.Join(", ", _members.Select(m => m.Name))}); a newer version may");
    }

    private static string For(string? owner) => owner is null ? string.Empty : " for " + owner;
}
