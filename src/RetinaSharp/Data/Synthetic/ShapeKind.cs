namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// The object classes of the synthetic data set. The COCO category id of a kind is its position in
/// <see cref="SyntheticSettings.Shapes"/> plus one; its COCO name is <see cref="ShapeKinds.CategoryName"/>.
/// </summary>
public enum ShapeKind
{
    /// <summary>A disc. Always round, so it has no rotation and a 1:1 box.</summary>
    Circle,

    /// <summary>A square at any rotation; its box stays square.</summary>
    Square,

    /// <summary>An isosceles triangle, base:height from 1:3 to 3:1, at any rotation.</summary>
    Triangle,

    /// <summary>A circular annulus with a visible hole; no rotation.</summary>
    Ring,

    /// <summary>A plus sign whose two arms may differ in length (1:3 to 3:1), at any rotation.</summary>
    Cross,

    /// <summary>An ellipse whose axes differ by at least 1.5:1 (up to 3:1), at any rotation.</summary>
    Ellipse,

    /// <summary>A sharp-cornered rectangle with sides from 2:1 to 3:1, at any rotation.</summary>
    Bar,

    /// <summary>A five-pointed star at any rotation.</summary>
    Star,
}

/// <summary>Names and lists of <see cref="ShapeKind"/> values.</summary>
public static class ShapeKinds
{
    /// <summary>Every kind, in declaration order (the default category order).</summary>
    public static IReadOnlyList<ShapeKind> All { get; } =
        [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Ring, ShapeKind.Cross, ShapeKind.Ellipse, ShapeKind.Bar, ShapeKind.Star];

    /// <summary>The COCO category name: the kind in lower case, e.g. "circle".</summary>
    public static string CategoryName(this ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => "circle",
        ShapeKind.Square => "square",
        ShapeKind.Triangle => "triangle",
        ShapeKind.Ring => "ring",
        ShapeKind.Cross => "cross",
        ShapeKind.Ellipse => "ellipse",
        ShapeKind.Bar => "bar",
        ShapeKind.Star => "star",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown shape kind."),
    };

    /// <summary>Whether the kind is drawn with different side lengths (its box aspect ratio varies).</summary>
    public static bool IsStretchable(this ShapeKind kind) =>
        kind is ShapeKind.Triangle or ShapeKind.Cross or ShapeKind.Ellipse or ShapeKind.Bar;
}
