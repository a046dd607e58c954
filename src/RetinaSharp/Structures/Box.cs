namespace RetinaSharp.Structures;

/// <summary>
/// An axis-aligned box in pixel coordinates, corners (X1, Y1) top-left and (X2, Y2) bottom-right,
/// with width X2 − X1 (no +1), as torchvision and detectron2 use. Four floats, so a Box[] can be
/// viewed as a flat float span with MemoryMarshal.Cast.
/// </summary>
public readonly record struct Box(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
    public float Area => Width * Height;

    /// <summary>True when all four coordinates are finite numbers.</summary>
    public bool IsFinite => float.IsFinite(X1) && float.IsFinite(Y1) && float.IsFinite(X2) && float.IsFinite(Y2);

    /// <summary>True when the box has no area: X2 ≤ X1 or Y2 ≤ Y1 (or a coordinate is NaN).</summary>
    public bool IsEmpty => !(X2 > X1) || !(Y2 > Y1);

    public override string ToString() => FormattableString.Invariant($"[{X1}, {Y1}, {X2}, {Y2}]");
}
