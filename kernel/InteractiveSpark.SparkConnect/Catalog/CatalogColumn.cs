namespace InteractiveSpark.SparkConnect;

/// <summary>A column of a table, as <see cref="Catalog.ListColumnsAsync"/> lists it (PySpark's catalog <c>Column</c>).</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Description">Its comment, if any.</param>
/// <param name="DataType">Its Spark SQL type as text, e.g. <c>bigint</c> or <c>array&lt;string&gt;</c>.</param>
/// <param name="Nullable">Whether it may hold NULL.</param>
/// <param name="IsPartition">Whether the table is partitioned by it.</param>
/// <param name="IsBucket">Whether the table is bucketed by it.</param>
/// <param name="IsCluster">Whether the table is clustered by it.</param>
public sealed record CatalogColumn(string Name, string? Description, string DataType, bool Nullable, bool IsPartition, bool IsBucket, bool IsCluster);
