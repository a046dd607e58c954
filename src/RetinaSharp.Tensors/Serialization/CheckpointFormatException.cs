namespace RetinaSharp.Tensors.Serialization;

/// <summary>A weights file is malformed, unsupported, or asks for something the safe loader refuses.</summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message) : base(message) { }
    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }
}
