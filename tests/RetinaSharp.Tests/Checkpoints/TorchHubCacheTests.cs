using RetinaSharp.Checkpoints;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

/// <summary>torch.hub's rule for its checkpoints folder, with the environment given explicitly.</summary>
public sealed class TorchHubCacheTests
{
    private const string Home = "/home/someone";

    private static string Folder(string? torchHome, string? xdgCacheHome) =>
        TorchHubCache.CheckpointsDirectory(name => name switch
        {
            "TORCH_HOME" => torchHome,
            "XDG_CACHE_HOME" => xdgCacheHome,
            _ => null,
        }, Home);

    [Fact]
    public void Without_either_variable_it_is_under_the_home_cache() =>
        Assert.Equal(Path.Combine(Home, ".cache", "torch", "hub", "checkpoints"), Folder(null, null));

    [Fact]
    public void Xdg_cache_home_moves_the_torch_folder() =>
        Assert.Equal(Path.Combine("/var/cache", "torch", "hub", "checkpoints"), Folder(null, "/var/cache"));

    [Fact]
    public void Torch_home_wins_over_xdg_cache_home() =>
        Assert.Equal(Path.Combine("/data/torch", "hub", "checkpoints"), Folder("/data/torch", "/var/cache"));

    [Fact]
    public void A_leading_tilde_is_the_home_folder()
    {
        Assert.Equal(Path.Combine(Home, "models", "hub", "checkpoints"), Folder("~/models", null));
        Assert.Equal(Path.Combine(Home, "hub", "checkpoints"), Folder("~", null));
        Assert.Equal(Path.Combine(Home, "xdg", "torch", "hub", "checkpoints"), Folder(null, "~/xdg"));
        Assert.Equal(Path.Combine("~other", "hub", "checkpoints"), Folder("~other", null));
    }

    [Fact]
    public void An_empty_variable_counts_as_set_as_in_torch_hub()
    {
        Assert.Equal(Path.Combine("hub", "checkpoints"), Folder("", "/var/cache"));
        Assert.Equal(Path.Combine("torch", "hub", "checkpoints"), Folder(null, ""));
    }
}
