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
    private readonly double[] _values;

    /// <summary>A vector holding a copy of <paramref name="values"/>.</summary>
    public DenseVector(IEnumerable<double> values) => _values = (values ?? throw new ArgumentNullException(nameof(values))).ToArray();

    /// <summary>The elements.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc />
    public override int Size => _values.Length;

    /// <inheritdoc />
    public override double this[int index] => _values[index];

    /// <inheritdoc />
    public override double[] ToArray() => (double[])_values.Clone();

    /// <inheritdoc />
    public override string ToString() => Format(_values);
}

/// <summary>A sparse vector: its size plus the indices and values of the non-zero elements.</summary>
public sealed class SparseVector : Vector
{
    private readonly int _size;
    private readonly int[] _indices;
    private readonly double[] _values;

    /// <summary>A vector of <paramref name="size"/> elements, zero except at <paramref name="indices"/>.</summary>
    public SparseVector(int size, IEnumerable<int> indices, IEnumerable<double> values)
    {
        _size = size;
        _indices = indices.ToArray();
        _values = values.ToArray();
        if (_indices.Length != _values.Length)
            throw new ArgumentException($"A sparse vector needs as many indices as values ({_indices.Length} vs {_values.Length}).");
    }

    /// <summary>Where the non-zero elements are, ascending.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <summary>The non-zero elements.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc />
    public override int Size => _size;

    /// <inheritdoc />
    public override double this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _size);
            var at = Array.BinarySearch(_indices, index);
            return at >= 0 ? _values[at] : 0.0;
        }
    }

    /// <inheritdoc />
    public override double[] ToArray()
    {
        var all = new double[_size];
        for (var i = 0; i < _indices.Length; i++) all[_indices[i]] = _values[i];
        return all;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"({_size},[{string.Join(",", _indices)}],{Format(_values)})";
}

/// <summary>A Spark ML matrix (<c>org.apache.spark.ml.linalg.Matrix</c>), e.g. a multinomial model's coefficients, as a dense array.</summary>
public sealed class Matrix
{
    private readonly double[,] _values;

    /// <summary>A matrix holding a copy of <paramref name="values"/>.</summary>
    public Matrix(double[,] values) => _values = (double[,])(values ?? throw new ArgumentNullException(nameof(values))).Clone();

    /// <summary>Rows.</summary>
    public int NumRows => _values.GetLength(0);

    /// <summary>Columns.</summary>
    public int NumCols => _values.GetLength(1);

    /// <summary>Element at <paramref name="row"/>, <paramref name="col"/>.</summary>
    public double this[int row, int col] => _values[row, col];

    /// <summary>A copy of the elements.</summary>
    public double[,] ToArray() => (double[,])_values.Clone();

    /// <summary>Row <paramref name="row"/>.</summary>
    public double[] Row(int row) => Enumerable.Range(0, NumCols).Select(c => _values[row, c]).ToArray();

    /// <summary>One line per row.</summary>
    public override string ToString() =>
        string.Join("\n", Enumerable.Range(0, NumRows).Select(r => Vector.Format(Row(r))));
}
