using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RetinaSharp.Serving;

/// <summary>Checks <c>Authorization: Bearer</c> against the configured token in constant time.</summary>
internal sealed class BearerTokenCheck
{
    private readonly byte[]? _expectedHash;

    public BearerTokenCheck(string? token) =>
        _expectedHash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Required => _expectedHash is not null;

    public bool IsAuthorized(HttpRequest request)
    {
        if (_expectedHash is null) return true;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        // Comparing hashes keeps the time independent of the token's length too, which
        // FixedTimeEquals alone would reveal by returning early on unequal lengths.
        var givenHash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        return CryptographicOperations.FixedTimeEquals(givenHash, _expectedHash);
    }
}
