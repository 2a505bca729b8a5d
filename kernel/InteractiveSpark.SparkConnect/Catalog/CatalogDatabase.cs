namespace InteractiveSpark.SparkConnect;

/// <summary>A database (namespace) of a catalog, as <see cref="Catalog.ListDatabasesAsync"/> lists it (PySpark's <c>Database</c>).</summary>
/// <param name="Name">The database's name.</param>
/// <param name="CatalogName">The catalog that holds it.</param>
/// <param name="Description">Its comment, if any.</param>
/// <param name="LocationUri">Where its managed tables are stored.</param>
public sealed record CatalogDatabase(string Name, string? CatalogName, string? Description, string? LocationUri);
