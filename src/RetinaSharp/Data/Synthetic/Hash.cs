namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Stateless per-pixel pseudo-random values from (x, y, seed): grain that does not depend on the order
/// in which pixels are visited.
/// </summary>
internal static class Hash
{
    public static uint Mix(int x, int y, uint seed)
    {
        uint h = seed ^ ((uint)x * 0x9E3779B1u) ^ ((uint)y * 0x85EBCA77u);
        h ^= h >> 16;
        h *= 0x7FEB352Du;
        h ^= h >> 15;
        h *= 0x846CA68Bu;
        h ^= h >> 16;
        return h;
    }

    /// <summary>Uniform in [-1, 1].</summary>
    public static float Signed(int x, int y, uint seed) => (Mix(x, y, seed) >> 8) * (2f / 16777215f) - 1f;
}
