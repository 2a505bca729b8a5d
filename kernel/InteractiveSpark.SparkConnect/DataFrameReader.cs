using System.Text;
using System.Text.Json;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Reads files and tables into a <see cref="DataFrame"/> (Spark's DataFrameReader):
/// <c>session.Read.Option("header", true).Schema("id INT, name STRING").Csv(path)</c>. Settings accumulate on this
/// reader; nothing is read until an action runs on the DataFrame.
/// </summary>
public sealed class DataFrameReader
{
    private readonly SparkSession _session;
    private string? _format;
    private string? _schema;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);

    internal DataFrameReader(SparkSession session) => _session = session;

    /// <summary>The data source: <c>parquet</c> (Spark's default), <c>csv</c>, <c>json</c>, <c>orc</c>, <c>text</c>, <c>avro</c>, <c>jdbc</c>, ...</summary>
    public DataFrameReader Format(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        _format = source;
        return this;
    }

    /// <summary>A data source option (keys are case-insensitive); booleans and numbers are written as Spark expects.</summary>
    public DataFrameReader Option(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _options[key] = Literals.OptionText(value);
        return this;
    }

    /// <summary>Several data source options.</summary>
    public DataFrameReader Options(IEnumerable<KeyValuePair<string, string>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (k, v) in options) Option(k, v);
        return this;
    }

    /// <summary>The schema as a DDL string, e.g. <c>"id INT, name STRING, ts TIMESTAMP"</c> (skips inference).</summary>
    public DataFrameReader Schema(string ddl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ddl);
        _schema = ddl;
        return this;
    }

    /// <summary>The schema (skips inference).</summary>
    public DataFrameReader Schema(StructType schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = TypeStrings.Json(schema.ToProto());
        return this;
    }

    /// <summary>Loads the paths with the configured format (a source such as jdbc takes no path).</summary>
    public DataFrame Load(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var ds = new P.Read.Types.DataSource();
        if (_format is not null) ds.Format = _format;
        if (_schema is not null) ds.Schema = _schema;
        ds.Options.Add(_options);
        ds.Paths.AddRange(paths);
        return new DataFrame(_session, DataFrame.NewRelation(_session, r => r.Read = new P.Read { DataSource = ds }));
    }

    /// <summary>Reads a table or view of the catalog (options are passed to the source).</summary>
    public DataFrame Table(string tableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var nt = new P.Read.Types.NamedTable { UnparsedIdentifier = tableName };
        nt.Options.Add(_options);
        return new DataFrame(_session, DataFrame.NewRelation(_session, r => r.Read = new P.Read { NamedTable = nt }));
    }

    /// <summary>Reads CSV files (options such as <c>header</c>, <c>inferSchema</c>, <c>sep</c>).</summary>
    public DataFrame Csv(params string[] paths) => Format("csv").Load(paths);
    /// <summary>Reads JSON Lines files (one object per line; option <c>multiLine</c> for whole-file JSON).</summary>
    public DataFrame Json(params string[] paths) => Format("json").Load(paths);
    /// <summary>Reads Parquet files.</summary>
    public DataFrame Parquet(params string[] paths) => Format("parquet").Load(paths);
    /// <summary>Reads ORC files.</summary>
    public DataFrame Orc(params string[] paths) => Format("orc").Load(paths);
    /// <summary>Reads text files: one row per line, a string column named <c>value</c>.</summary>
    public DataFrame Text(params string[] paths) => Format("text").Load(paths);
}

/// <summary>Spark's JSON spelling of data types (DataType.json), for schemas sent as strings.</summary>
internal static class TypeStrings
{
    public static string Json(P.DataType type)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            Write(w, type);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Write(Utf8JsonWriter w, P.DataType t)
    {
        switch (t.KindCase)
        {
            case P.DataType.KindOneofCase.Array:
                w.WriteStartObject();
                w.WriteString("type", "array");
                w.WritePropertyName("elementType");
                Write(w, t.Array.ElementType);
                w.WriteBoolean("containsNull", t.Array.ContainsNull);
                w.WriteEndObject();
                return;
            case P.DataType.KindOneofCase.Map:
                w.WriteStartObject();
                w.WriteString("type", "map");
                w.WritePropertyName("keyType");
                Write(w, t.Map.KeyType);
                w.WritePropertyName("valueType");
                Write(w, t.Map.ValueType);
                w.WriteBoolean("valueContainsNull", t.Map.ValueContainsNull);
                w.WriteEndObject();
                return;
            case P.DataType.KindOneofCase.Struct:
                w.WriteStartObject();
                w.WriteString("type", "struct");
                w.WriteStartArray("fields");
                foreach (var f in t.Struct.Fields)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    w.WritePropertyName("type");
                    Write(w, f.DataType);
                    w.WriteBoolean("nullable", f.Nullable);
                    w.WritePropertyName("metadata");
                    if (f.HasMetadata && !string.IsNullOrWhiteSpace(f.Metadata)) w.WriteRawValue(f.Metadata);
                    else { w.WriteStartObject(); w.WriteEndObject(); }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                return;
            default:
                w.WriteStringValue(DataType.FromProto(t) switch
                {
                    NullType => "void",
                    var other => other.TypeName,
                });
                return;
        }
    }
}
