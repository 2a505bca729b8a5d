namespace InteractiveSpark.Kafka.Tests;

/// <summary>The tests that use the broker (and Spark) share one of each and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaBrokerFixture>, ICollectionFixture<SparkServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kafka";
}

/// <summary>The broker as the Kafka library reaches it.</summary>
internal static class KafkaBrokerFixtureConnection
{
    extension(KafkaBrokerFixture broker)
    {
        /// <summary>A connection to the broker.</summary>
        public KafkaConnection Connection => new(broker.Bootstrap);
    }
}
