using InteractiveSpark.Jupyter.CSharp;

namespace InteractiveSpark.Jupyter.Tests;

/// <summary>One C# kernel (capturing Console, as in the kernel process) and the shared Spark server.</summary>
public sealed class CSharpCellsFixture : IAsyncLifetime
{
    public CSharpCells Cells { get; } = new(captureConsole: true);

    public SparkServerFixture Spark { get; } = new();

    public Task InitializeAsync() => Spark.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Cells.ShutdownAsync(restart: false);
        await Spark.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CSharpCellsCollection : ICollectionFixture<CSharpCellsFixture>
{
    public const string Name = "C# cells";
}
