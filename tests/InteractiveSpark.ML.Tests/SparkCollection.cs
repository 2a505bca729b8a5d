namespace InteractiveSpark.ML.Tests;

/// <summary>The collection every test that needs Spark joins; they share one server and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SparkCollection : ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Spark";
}
