namespace InteractiveSpark.SparkConnect;

/// <summary>A function, as <see cref="Catalog.ListFunctionsAsync"/> lists it (PySpark's <c>Function</c>).</summary>
/// <param name="Name">The function's name.</param>
/// <param name="CatalogName">The catalog that holds it (null for a built-in or temporary function).</param>
/// <param name="Namespace">Its namespace (empty for a built-in or temporary function).</param>
/// <param name="Description">What it does, if the server says.</param>
/// <param name="ClassName">The class that implements it.</param>
/// <param name="IsTemporary">Whether it is a built-in or temporary function rather than one stored in a database.</param>
public sealed record CatalogFunction(string Name, string? CatalogName, IReadOnlyList<string> Namespace, string? Description, string? ClassName, bool IsTemporary);
