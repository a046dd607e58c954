using Xunit;

namespace RetinaSharp.Serving.Tests;

/// <summary>One model for every server test; the tests run one after another so that their timings do not fight over the cores.</summary>
[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<TinyModel>
{
    public const string Name = "serving";
}
