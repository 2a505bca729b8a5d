namespace InteractiveSpark.SparkConnect;

/// <summary>A value of Spark's <c>geometry</c> type: a spatial reference id and the shape as WKB.</summary>
public sealed class Geometry : IEquatable<Geometry>
{
    private readonly byte[] _wkb;

    /// <summary>A geometry with this SRID and well-known-binary encoding.</summary>
    public Geometry(int srid, byte[] wkb)
    {
        ArgumentNullException.ThrowIfNull(wkb);
        Srid = srid;
        _wkb = wkb;
    }

    /// <summary>The spatial reference id (0 when none was given).</summary>
    public int Srid { get; }

    /// <summary>The shape in OGC well-known binary (WKB).</summary>
    public ReadOnlyMemory<byte> Wkb => _wkb;

    /// <inheritdoc />
    public bool Equals(Geometry? other) => other is not null && Srid == other.Srid && _wkb.AsSpan().SequenceEqual(other._wkb);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Geometry);
    /// <inheritdoc />
    public override int GetHashCode() => SpatialText.Hash(Srid, _wkb);
    /// <summary><c>SRID=4326;WKB=0101...</c> (WKB in hexadecimal).</summary>
    public override string ToString() => SpatialText.Format(Srid, _wkb);
}

/// <summary>A value of Spark's <c>geography</c> type: a spatial reference id and the shape as WKB.</summary>
public sealed class Geography : IEquatable<Geography>
{
    private readonly byte[] _wkb;

    /// <summary>A geography with this SRID and well-known-binary encoding.</summary>
    public Geography(int srid, byte[] wkb)
    {
        ArgumentNullException.ThrowIfNull(wkb);
        Srid = srid;
        _wkb = wkb;
    }

    /// <summary>The spatial reference id (4326 by default in Spark).</summary>
    public int Srid { get; }

    /// <summary>The shape in OGC well-known binary (WKB).</summary>
    public ReadOnlyMemory<byte> Wkb => _wkb;

    /// <inheritdoc />
    public bool Equals(Geography? other) => other is not null && Srid == other.Srid && _wkb.AsSpan().SequenceEqual(other._wkb);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Geography);
    /// <inheritdoc />
    public override int GetHashCode() => SpatialText.Hash(Srid, _wkb);
    /// <summary><c>SRID=4326;WKB=0101...</c> (WKB in hexadecimal).</summary>
    public override string ToString() => SpatialText.Format(Srid, _wkb);
}

internal static class SpatialText
{
    public static string Format(int srid, byte[] wkb) =>
        $"SRID={srid.ToString(System.Globalization.CultureInfo.InvariantCulture)};WKB={Convert.ToHexString(wkb)}";

    public static int Hash(int srid, byte[] wkb)
    {
        var h = new HashCode();
        h.Add(srid);
        h.AddBytes(wkb);
        return h.ToHashCode();
    }
}
