using L = Spark.Connect.Expression.Types.Literal;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// Converts between .NET values and the literals ML messages carry: param values going out, model attributes and
/// metrics coming back. Vectors and matrices travel as structs shaped like their Spark SQL types (VectorUDT's
/// <c>type, size, indices, values</c>; MatrixUDT's <c>type, numRows, numCols, colPtrs, rowIndices, values,
/// isTransposed</c>); arrays as plain or specialized arrays, depending on what the server chose.
/// </summary>
internal static class MlValues
{
    /// <summary>The literal for a param value.</summary>
    internal static L ToLiteral(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            // Spark params are typed on the JVM side (IntParam, DoubleParam, ...): send exactly the .NET type given.
            Vector v => VectorLiteral(v),
            _ => Literals.Convert(value).Literal,
        };
    }

    private static L VectorLiteral(Vector v)
    {
        var s = new L.Types.Struct();
        switch (v)
        {
            case DenseVector d:
                s.Elements.Add(new L { Byte = 1 });
                s.Elements.Add(new L { Null = Literals.Types.Integer() });
                s.Elements.Add(new L { Null = new P.DataType { Array = new P.DataType.Types.Array { ElementType = Literals.Types.Integer() } } });
                s.Elements.Add(Literals.Convert(d.Values.ToArray()).Literal);
                break;
            case SparseVector sp:
                s.Elements.Add(new L { Byte = 0 });
                s.Elements.Add(new L { Integer = sp.Size });
                s.Elements.Add(Literals.Convert(sp.Indices.ToArray()).Literal);
                s.Elements.Add(Literals.Convert(sp.Values.ToArray()).Literal);
                break;
        }
        return new L { Struct = s };
    }

    /// <summary>The .NET value of a literal: double, int, long, bool, string, arrays of them, <see cref="Vector"/>, <see cref="Matrix"/>.</summary>
    internal static object? FromLiteral(L literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.LiteralTypeCase switch
        {
            L.LiteralTypeOneofCase.Null or L.LiteralTypeOneofCase.None => null,
            L.LiteralTypeOneofCase.Boolean => literal.Boolean,
            L.LiteralTypeOneofCase.Byte => (sbyte)literal.Byte,
            L.LiteralTypeOneofCase.Short => (short)literal.Short,
            L.LiteralTypeOneofCase.Integer => literal.Integer,
            L.LiteralTypeOneofCase.Long => literal.Long,
            L.LiteralTypeOneofCase.Float => literal.Float,
            L.LiteralTypeOneofCase.Double => literal.Double,
            L.LiteralTypeOneofCase.String => literal.String,
            L.LiteralTypeOneofCase.Array => ArrayOf(literal.Array.Elements.Select(FromLiteral).ToList()),
            L.LiteralTypeOneofCase.SpecializedArray => Specialized(literal.SpecializedArray),
            L.LiteralTypeOneofCase.Struct => StructValue(literal.Struct),
            _ => throw new NotSupportedException($"An ML result of literal kind {literal.LiteralTypeCase} is not supported."),
        };
    }

    private static object Specialized(L.Types.SpecializedArray a) => a.ValueTypeCase switch
    {
        L.Types.SpecializedArray.ValueTypeOneofCase.Doubles => a.Doubles.Values.ToArray(),
        L.Types.SpecializedArray.ValueTypeOneofCase.Floats => a.Floats.Values.ToArray(),
        L.Types.SpecializedArray.ValueTypeOneofCase.Ints => a.Ints.Values.ToArray(),
        L.Types.SpecializedArray.ValueTypeOneofCase.Longs => a.Longs.Values.ToArray(),
        L.Types.SpecializedArray.ValueTypeOneofCase.Bools => a.Bools.Values.ToArray(),
        L.Types.SpecializedArray.ValueTypeOneofCase.Strings => a.Strings.Values.ToArray(),
        _ => Array.Empty<object>(),
    };

    /// <summary>A typed array when every element has the same type (double[], string[], Vector[]...), else object?[].</summary>
    private static object ArrayOf(List<object?> items)
    {
        if (items.Count > 0 && items.All(i => i is double)) return items.Cast<double>().ToArray();
        if (items.Count > 0 && items.All(i => i is int)) return items.Cast<int>().ToArray();
        if (items.Count > 0 && items.All(i => i is long)) return items.Cast<long>().ToArray();
        if (items.Count > 0 && items.All(i => i is string)) return items.Cast<string>().ToArray();
        if (items.Count > 0 && items.All(i => i is Vector)) return items.Cast<Vector>().ToArray();
        if (items.Count > 0 && items.All(i => i is double[])) return items.Cast<double[]>().ToArray();
        if (items.Count > 0 && items.All(i => i is string[])) return items.Cast<string[]>().ToArray();
        return items.ToArray();
    }

    private static object StructValue(L.Types.Struct s)
    {
        var e = s.Elements.Select(FromLiteral).ToList();
        // VectorUDT: (type: byte, size: int, indices: array<int>, values: array<double>); type 0 sparse, 1 dense.
        if (e.Count == 4 && e[0] is sbyte vt)
        {
            var values = Doubles(e[3]);
            return vt == 1 ? new DenseVector(values) : new SparseVector(Convert.ToInt32(e[1]), Ints(e[2]), values);
        }

        // MatrixUDT: (type, numRows, numCols, colPtrs, rowIndices, values, isTransposed); type 0 sparse, 1 dense.
        if (e.Count == 7 && e[0] is sbyte mt)
        {
            int rows = Convert.ToInt32(e[1]), cols = Convert.ToInt32(e[2]);
            var values = Doubles(e[5]);
            var transposed = e[6] is true;
            var m = new double[rows, cols];
            if (mt == 1)
            {
                for (var r = 0; r < rows; r++)
                    for (var c = 0; c < cols; c++)
                        m[r, c] = transposed ? values[(r * cols) + c] : values[(c * rows) + r];
            }
            else
            {
                // Compressed sparse column (or row, when transposed).
                var ptrs = Ints(e[3]);
                var idx = Ints(e[4]);
                var outer = transposed ? rows : cols;
                for (var o = 0; o < outer; o++)
                    for (var k = ptrs[o]; k < ptrs[o + 1]; k++)
                    {
                        if (transposed) m[o, idx[k]] = values[k];
                        else m[idx[k], o] = values[k];
                    }
            }
            return new Matrix(m);
        }

        return e.ToArray();
    }

    private static double[] Doubles(object? o) => o switch
    {
        double[] d => d,
        float[] f => f.Select(x => (double)x).ToArray(),
        null => [],
        object?[] a when a.Length == 0 => [],
        _ => throw new NotSupportedException($"Expected an array of doubles in an ML result, got {o.GetType().Name}."),
    };

    private static int[] Ints(object? o) => o switch
    {
        int[] i => i,
        null => [],
        object?[] a when a.Length == 0 => [],
        _ => throw new NotSupportedException($"Expected an array of ints in an ML result, got {o.GetType().Name}."),
    };
}
