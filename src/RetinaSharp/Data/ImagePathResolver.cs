namespace RetinaSharp.Data;

/// <summary>
/// Turns the image names found in annotation files into full paths under an image root, refusing
/// names that would read files elsewhere (absolute paths, "../" escapes): annotation files often
/// come from strangers.
/// </summary>
internal sealed class ImagePathResolver
{
    private readonly string _root;
    private readonly string _rootWithSeparator;
    private readonly bool _allowOutside;

    public ImagePathResolver(string root, bool allowOutside)
    {
        _root = Path.GetFullPath(root);
        _rootWithSeparator = Path.EndsInDirectorySeparator(_root) ? _root : _root + Path.DirectorySeparatorChar;
        _allowOutside = allowOutside;
    }

    /// <summary>The full path, or null with the reason in <paramref name="error"/>.</summary>
    public string? Resolve(string name, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(name))
        {
            error = "the image file name is empty";
            return null;
        }
        if (name.Contains('\0'))
        {
            error = "the image file name contains a NUL character";
            return null;
        }
        if (Path.IsPathRooted(name) && !_allowOutside)
        {
            error = $"absolute image path \"{name}\" refused (paths must be relative to {_root})";
            return null;
        }
        string full;
        try
        {
            full = Path.GetFullPath(Path.Combine(_root, name));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"invalid image path \"{name}\": {e.Message}";
            return null;
        }
        if (!_allowOutside && !full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            error = $"image path \"{name}\" leads outside the image root {_root}; refused";
            return null;
        }
        return full;
    }
}
