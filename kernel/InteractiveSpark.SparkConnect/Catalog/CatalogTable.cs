namespace InteractiveSpark.SparkConnect;

/// <summary>A table or view of the catalog, as <see cref="Catalog.ListTablesAsync"/> lists it (PySpark's <c>Table</c>).</summary>
/// <param name="Name">The table's name, without its catalog or database.</param>
/// <param name="CatalogName">The catalog that holds it (null for a temporary view).</param>
/// <param name="Namespace">Its namespace in the catalog, usually one element: the database (empty for a temporary view).</param>
/// <param name="Description">The table's comment, if any.</param>
/// <param name="TableType">MANAGED, EXTERNAL, VIEW or TEMPORARY.</param>
/// <param name="IsTemporary">Whether it is a temporary view of the session.</param>
public sealed record CatalogTable(string Name, string? CatalogName, IReadOnlyList<string> Namespace, string? Description, string? TableType, bool IsTemporary)
{
    /// <summary>The database (the last element of <see cref="Namespace"/>), or null for a temporary view.</summary>
    public string? Database => Namespace.Count > 0 ? Namespace[^1] : null;
}
