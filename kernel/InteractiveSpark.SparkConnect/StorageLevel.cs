using System.Text;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// How a cached DataFrame is stored (Spark's StorageLevel): on disk, in memory, off-heap, deserialized, and how many
/// replicas. Use the presets (<see cref="MemoryAndDisk"/>, <see cref="MemoryOnly"/>, ...) with
/// <see cref="DataFrame.PersistAsync(StorageLevel, CancellationToken)"/>.
/// </summary>
public sealed record StorageLevel(bool UseDisk, bool UseMemory, bool UseOffHeap, bool Deserialized, int Replication = 1)
{
    /// <summary>Not cached.</summary>
    public static StorageLevel None { get; } = new(false, false, false, false);
    /// <summary>Serialized on disk.</summary>
    public static StorageLevel DiskOnly { get; } = new(true, false, false, false);
    /// <summary>Serialized on disk, two replicas.</summary>
    public static StorageLevel DiskOnly2 { get; } = new(true, false, false, false, 2);
    /// <summary>Serialized on disk, three replicas.</summary>
    public static StorageLevel DiskOnly3 { get; } = new(true, false, false, false, 3);
    /// <summary>Deserialized in memory; partitions that do not fit are recomputed.</summary>
    public static StorageLevel MemoryOnly { get; } = new(false, true, false, true);
    /// <summary>Deserialized in memory, two replicas.</summary>
    public static StorageLevel MemoryOnly2 { get; } = new(false, true, false, true, 2);
    /// <summary>Serialized in memory.</summary>
    public static StorageLevel MemoryOnlySer { get; } = new(false, true, false, false);
    /// <summary>Deserialized in memory, spilling to disk (the default for DataFrames).</summary>
    public static StorageLevel MemoryAndDisk { get; } = new(true, true, false, true);
    /// <summary>Deserialized in memory, spilling to disk, two replicas.</summary>
    public static StorageLevel MemoryAndDisk2 { get; } = new(true, true, false, true, 2);
    /// <summary>Serialized in memory, spilling to disk.</summary>
    public static StorageLevel MemoryAndDiskSer { get; } = new(true, true, false, false);
    /// <summary>Same as <see cref="MemoryAndDisk"/> (PySpark's name).</summary>
    public static StorageLevel MemoryAndDiskDeser => MemoryAndDisk;
    /// <summary>Serialized in off-heap memory, spilling to disk.</summary>
    public static StorageLevel OffHeap { get; } = new(true, true, true, false);

    internal P.StorageLevel ToProto() => new()
    {
        UseDisk = UseDisk, UseMemory = UseMemory, UseOffHeap = UseOffHeap, Deserialized = Deserialized, Replication = Replication,
    };

    internal static StorageLevel FromProto(P.StorageLevel p) =>
        new(p.UseDisk, p.UseMemory, p.UseOffHeap, p.Deserialized, p.Replication);

    /// <summary>Spark's description, e.g. <c>Disk Memory Deserialized 1x Replicated</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (UseDisk) sb.Append("Disk ");
        if (UseMemory) sb.Append(UseOffHeap ? "Memory (off heap) " : "Memory ");
        sb.Append(Deserialized ? "Deserialized " : "Serialized ");
        sb.Append(Replication).Append("x Replicated");
        return sb.ToString();
    }
}
