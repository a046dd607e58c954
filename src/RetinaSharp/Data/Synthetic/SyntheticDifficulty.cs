namespace RetinaSharp.Data.Synthetic;

/// <summary>Presets for <see cref="SyntheticSettings.ForDifficulty"/>.</summary>
public enum SyntheticDifficulty
{
    /// <summary>Smooth backgrounds, flat high-contrast objects, no overlap, 0–8 objects of 16 px or more.</summary>
    Easy,

    /// <summary>Some texture and clutter, mild occlusion, up to 10 objects of 12 px or more.</summary>
    Standard,

    /// <summary>Textured objects and backgrounds, edge-like clutter, partial occlusion, up to 15 objects from 10 px, noise.</summary>
    Hard,
}
