namespace RetinaSharp.Checkpoints;

/// <summary>
/// The folder where torch hub keeps downloaded weights, found by torch.hub's own rule so that both
/// share one copy: <c>$TORCH_HOME/hub/checkpoints</c>, where TORCH_HOME defaults to
/// <c>$XDG_CACHE_HOME/torch</c> and XDG_CACHE_HOME to <c>~/.cache</c>, with a leading '~' expanded.
/// </summary>
public static class TorchHubCache
{
    public const string TorchHomeVariable = "TORCH_HOME";
    public const string XdgCacheHomeVariable = "XDG_CACHE_HOME";

    /// <summary>The folder for this process's environment (not created).</summary>
    public static string CheckpointsDirectory() =>
        CheckpointsDirectory(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The folder for a given environment and home folder (not created).</summary>
    public static string CheckpointsDirectory(Func<string, string?> environment, string home)
    {
        // As torch.hub, a variable set to the empty string counts as set: the folder is then relative.
        var torchHome = environment(TorchHomeVariable) ?? Path.Combine(environment(XdgCacheHomeVariable) ?? "~/.cache", "torch");
        return Path.Combine(ExpandHome(torchHome, home), "hub", "checkpoints");
    }

    // Python's expanduser for "~" and "~/..."; "~user" forms are left as they are.
    private static string ExpandHome(string path, string home)
    {
        if (path == "~") return home;
        if (path.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && path.StartsWith("~\\", StringComparison.Ordinal)))
            return home.TrimEnd('/', '\\') + path[1..];
        return path;
    }
}
