namespace InteractiveSpark.SparkConnect;

/// <summary>A catalog of the session, as <see cref="Catalog.ListCatalogsAsync"/> lists it (PySpark's <c>CatalogMetadata</c>).</summary>
/// <param name="Name">The catalog's name, e.g. <c>spark_catalog</c>.</param>
/// <param name="Description">Its description, if any.</param>
public sealed record CatalogMetadata(string Name, string? Description);
