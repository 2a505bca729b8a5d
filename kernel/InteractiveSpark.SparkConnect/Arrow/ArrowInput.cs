using System.Runtime.CompilerServices;
using Apache.Arrow;
using AT = Apache.Arrow.Types;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Record batches a caller gives to <c>CreateDataFrameAsync</c>: the Spark schema they stand for, and the check that every
/// column is an Arrow type Spark reads as sent (the batches travel as they are, never re-encoded).
/// </summary>
internal static class ArrowInput
{
    /// <summary>The Spark schema of <paramref name="schema"/>; throws one line naming the first column Spark would not read as sent.</summary>
    public static StructType SparkSchema(Schema schema)
    {
        foreach (var field in schema.FieldsList)
        {
            DataType? type = null;
            try
            {
                type = ArrowTypeMapping.FromArrowType(field.DataType, field);
                if (Same(LocalArrow.ArrowType(type), field.DataType)) continue;
            }
            catch (NotSupportedException)
            {
            }

            var expected = type is null ? "" : $" (for {type.SimpleString} Spark reads {Describe(LocalArrow.ArrowType(type))})";
            throw new ArgumentException(
                $"CreateDataFrame: column '{field.Name}' is Arrow {Describe(field.DataType)}, which Spark does not read as sent{expected}; cast it first.");
        }

        return ArrowTypeMapping.FromArrowSchema(schema);
    }

    /// <summary>The first batch, then the rest of <paramref name="rest"/>, each checked to have the first one's schema.</summary>
    public static async IAsyncEnumerable<RecordBatch> Checked(RecordBatch first, IAsyncEnumerator<RecordBatch> rest,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return first;
        long index = 1;
        while (await rest.MoveNextAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = rest.Current;
            if (!ReferenceEquals(batch.Schema, first.Schema) && !SameSchema(batch.Schema, first.Schema))
                throw new ArgumentException($"CreateDataFrame: record batch {index} has a schema other than the first batch's; every batch must have the same columns and types.");
            yield return batch;
            index++;
        }
    }

    private static bool SameSchema(Schema a, Schema b) =>
        a.FieldsList.Count == b.FieldsList.Count
        && a.FieldsList.Zip(b.FieldsList).All(p => p.First.Name == p.Second.Name && Same(p.First.DataType, p.Second.DataType));

    /// <summary>Whether two Arrow types are the same as far as Spark's reader cares (any time zone is an instant).</summary>
    private static bool Same(AT.IArrowType a, AT.IArrowType b) => (a, b) switch
    {
        (AT.TimestampType x, AT.TimestampType y) => x.Unit == y.Unit && string.IsNullOrEmpty(x.Timezone) == string.IsNullOrEmpty(y.Timezone),
        (AT.Time64Type x, AT.Time64Type y) => x.Unit == y.Unit,
        (AT.Decimal128Type x, AT.Decimal128Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
        (AT.ListType x, AT.ListType y) => Same(x.ValueDataType, y.ValueDataType),
        (AT.MapType x, AT.MapType y) => Same(x.KeyField.DataType, y.KeyField.DataType) && Same(x.ValueField.DataType, y.ValueField.DataType),
        (AT.StructType x, AT.StructType y) => x.Fields.Count == y.Fields.Count && x.Fields.Zip(y.Fields).All(p => Same(p.First.DataType, p.Second.DataType)),
        _ => a.TypeId == b.TypeId && a is not (AT.TimestampType or AT.Time64Type or AT.Decimal128Type or AT.ListType or AT.MapType or AT.StructType),
    };

    private static string Describe(AT.IArrowType t) => t switch
    {
        AT.TimestampType ts => $"timestamp[{ts.Unit.ToString().ToLowerInvariant()}{(string.IsNullOrEmpty(ts.Timezone) ? "" : ", " + ts.Timezone)}]",
        AT.Time64Type t64 => $"time64[{t64.Unit.ToString().ToLowerInvariant()}]",
        AT.Time32Type t32 => $"time32[{t32.Unit.ToString().ToLowerInvariant()}]",
        AT.Decimal128Type d => $"decimal128({d.Precision}, {d.Scale})",
        AT.ListType l => $"list<{Describe(l.ValueDataType)}>",
        _ => t.Name,
    };
}
