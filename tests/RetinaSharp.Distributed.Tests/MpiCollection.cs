using Xunit;

namespace RetinaSharp.Distributed.Tests;

/// <summary>Tests that start MPI jobs run one at a time: each job wants the machine's cores.</summary>
[CollectionDefinition(Name)]
public sealed class MpiCollection
{
    public const string Name = "mpirun";
}
