namespace RetinaSharp.Data;

/// <summary>What a data set does with an image whose annotations or file are unusable.</summary>
public enum BadSamplePolicy
{
    /// <summary>Leave the image out, and record why in the <see cref="DatasetReport"/>.</summary>
    Skip,

    /// <summary>Throw a <see cref="BadSampleException"/> at the first bad image.</summary>
    Fail,
}
