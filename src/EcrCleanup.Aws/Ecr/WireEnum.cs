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
    private readonly Dictionary<T, string> _names;
    private readonly Dictionary<string, T> _values;

    public WireEnum(params (T Value, string Name)[] members)
    {
        _names = members.ToDictionary(m => m.Value, m => m.Name);
        _values = members.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
    }

    /// <summary>The member's name on the wire.</summary>
    public string Name(T value) => _names[value];

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

        return _values.TryGetValue(text, out var value)
            ? value
            : throw new MalformedAnswerException($"its {name}{For(owner)} is '{text}', a value this version of the module does not know ({string.Join(", ", _values.Keys)}); a newer version may");
    }

    private static string For(string? owner) => owner is null ? string.Empty : " for " + owner;
}
