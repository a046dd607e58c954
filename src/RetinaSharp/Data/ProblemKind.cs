namespace RetinaSharp.Data;

/// <summary>The kinds of trouble a data set can find in its input.</summary>
public enum ProblemKind
{
    MissingImage,
    UnreadableImage,
    MissingAnnotationFile,
    SyntaxError,
    InvalidValue,
    UnknownClass,
    NonFiniteCoordinate,
    PathOutsideRoot,
    DuplicateImageId,
    OrphanAnnotation,
    DegenerateBox,
    BoxClipped,
    ImageSizeMismatch,
}
