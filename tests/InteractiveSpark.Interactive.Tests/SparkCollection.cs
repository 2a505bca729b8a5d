namespace InteractiveSpark.Interactive.Tests;

/// <summary>The tests that need Spark share one server (SparkServerFixture of tests/InteractiveSpark.Testing) and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SparkCollection : ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Spark";
}
