using System.Globalization;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A Spark ML vector (<c>org.apache.spark.ml.linalg.Vector</c>), as model attributes return it: dense or sparse.
/// <see cref="ToArray"/> gives every element either way.
/// </summary>
public abstract class Vector
{
    private protected Vector() { }

    /// <summary>The number of elements (including the zeros a sparse vector leaves out).</summary>
    public abstract int Size { get; }

    /// <summary>Element <paramref name="index"/>.</summary>
    public abstract double this[int index] { get; }

    /// <summary>All elements, zeros included.</summary>
    public abstract double[] ToArray();

    /// <summary>Spark's own notation: <c>[1.0,2.0]</c> or <c>(3,[0,2],[1.0,2.0])</c>.</summary>
    public abstract override string ToString();

    internal static string Format(IEnumerable<double> values) =>
        "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}

/// <summary>A dense vector: every element stored.</summary>
public sealed class DenseVector : Vector
{
    private readonly double[] values;

    /// <summary>A vector holding a copy of <paramref name="values"/>.</summary>
    public DenseVector(IEnumerable<double> values) => this.values = (values ?? throw new ArgumentNullException(nameof(values))).ToArray();

    /// <summary>The elements.</summary>
    public IReadOnlyList<double> Values => values;

    /// <inheritdoc />
    public override int Size => values.Length;

    /// <inheritdoc />
    public override double this[int index] => values[index];

    /// <inheritdoc />
    public override double[] ToArray() => (double[])values.Clone();

    /// <inheritdoc />
    public override string ToString() => Format(values);
}

/// <summary>A sparse vector: its size plus the indices and values of the non-zero elements.</summary>
public sealed class SparseVector : Vector
{
    private readonly int size;
    private readonly int[] indices;
    private readonly double[] values;

    /// <summary>A vector of <paramref name="size"/> elements, zero except at <paramref name="indices"/>.</summary>
    public SparseVector(int size, IEnumerable<int> indices, IEnumerable<double> values)
    {
        this.size = size;
        this.indices = indices.ToArray();
        this.values = values.ToArray();
        if (this.indices.Length != this.values.Length)
            throw new ArgumentException($"A sparse vector needs as many indices as values ({this.indices.Length} vs {this.values.Length}).");
    }

    /// <summary>Where the non-zero elements are, ascending.</summary>
    public IReadOnlyList<int> Indices => indices;

    /// <summary>The non-zero elements.</summary>
    public IReadOnlyList<double> Values => values;

    /// <inheritdoc />
    public override int Size => size;

    /// <inheritdoc />
    public override double this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
            var at = Array.BinarySearch(indices, index);
            return at >= 0 ? values[at] : 0.0;
        }
    }

    /// <inheritdoc />
    public override double[] ToArray()
    {
        var all = new double[size];
        for (var i = 0; i < indices.Length; i++) all[indices[i]] = values[i];
        return all;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"({size},[{string.Join(",", indices)}],{Format(values)})";
}

/// <summary>A Spark ML matrix (<c>org.apache.spark.ml.linalg.Matrix</c>), e.g. a multinomial model's coefficients, as a dense array.</summary>
public sealed class Matrix
{
    private readonly double[,] values;

    /// <summary>A matrix holding a copy of <paramref name="values"/>.</summary>
    public Matrix(double[,] values) => this.values = (double[,])(values ?? throw new ArgumentNullException(nameof(values))).Clone();

    /// <summary>Rows.</summary>
    public int NumRows => values.GetLength(0);

    /// <summary>Columns.</summary>
    public int NumCols => values.GetLength(1);

    /// <summary>Element at <paramref name="row"/>, <paramref name="col"/>.</summary>
    public double this[int row, int col] => values[row, col];

    /// <summary>A copy of the elements.</summary>
    public double[,] ToArray() => (double[,])values.Clone();

    /// <summary>Row <paramref name="row"/>.</summary>
    public double[] Row(int row) => Enumerable.Range(0, NumCols).Select(c => values[row, c]).ToArray();

    /// <summary>One line per row.</summary>
    public override string ToString() =>
        string.Join("\n", Enumerable.Range(0, NumRows).Select(r => Vector.Format(Row(r))));
}
