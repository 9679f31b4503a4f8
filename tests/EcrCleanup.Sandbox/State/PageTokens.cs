using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EcrCleanup.Sandbox.State;

/// <summary>
/// Opaque continuation tokens like the services' own: base64 of a position and a MAC binding it to the
/// request it continues (operation, resource, filter) and to the loaded scenario, so a token is only good
/// for the listing it came from.
/// </summary>
internal sealed class PageTokens
{
    readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Issue(string scope, long position)
    {
        var buf = new byte[1 + 8 + 8 + 32];
        buf[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(1), position);
        RandomNumberGenerator.Fill(buf.AsSpan(9, 8));
        Mac(scope, buf.AsSpan(0, 17)).CopyTo(buf.AsSpan(17));
        return Convert.ToBase64String(buf);
    }

    public bool TryRead(string? token, string scope, out long position)
    {
        position = 0;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var buf = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, buf, out var n) || n != 49 || buf[0] != 1)
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(Mac(scope, buf.AsSpan(0, 17)), buf.AsSpan(17, 32)))
        {
            return false;
        }

        position = BinaryPrimitives.ReadInt64BigEndian(buf.AsSpan(1));
        return true;
    }

    byte[] Mac(string scope, ReadOnlySpan<byte> head)
    {
        var scopeBytes = Encoding.UTF8.GetBytes(scope);
        var data = new byte[scopeBytes.Length + head.Length];
        scopeBytes.CopyTo(data, 0);
        head.CopyTo(data.AsSpan(scopeBytes.Length));
        return HMACSHA256.HashData(_key, data);
    }
}
