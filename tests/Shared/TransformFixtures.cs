using System.Text.Json;

namespace RetinaSharp.Testing;

/// <summary>The manifest written by tools/make_transform_fixtures.py.</summary>
internal static class TransformFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Transform");

    private static readonly Lazy<JsonElement> LazyManifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json"))).RootElement);

    public static JsonElement Manifest => LazyManifest.Value;

    public static NpyArray Array(string name) => NpyArray.Load(Path.Combine(Directory, name + ".npy"));
}
