namespace InteractiveSpark.Jobs.Tests;

/// <summary>The tests that start kernels run one at a time (2 cores) and share one Spark server (SparkServerFixture of tests/InteractiveSpark.Testing).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JobsCollection : ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Jobs";
}
