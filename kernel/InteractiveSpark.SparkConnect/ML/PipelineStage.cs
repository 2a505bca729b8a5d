using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// What every Spark ML stage has: the JVM class it stands for, a uid, and params (typed properties on each stage;
/// <see cref="Set"/> and <see cref="Get"/> for any param by name). Only explicitly set params travel to the server;
/// Spark applies its own defaults to the rest, which are the ones <see cref="Params"/> shows.
/// </summary>
public abstract class PipelineStage
{
    private static readonly ConcurrentDictionary<Type, Param[]> Declared = new();
    private Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Lock _valuesLock = new();

    /// <summary>A stage of JVM class <paramref name="className"/> with a fresh uid in Spark's style (<c>prefix_12hex</c>).</summary>
    private protected PipelineStage(string className, string? uid)
    {
        ClassName = className;
        Uid = uid ?? NewUid(className);
    }

    /// <summary>The Spark ML class this stage stands for, e.g. <c>org.apache.spark.ml.classification.LogisticRegression</c>.</summary>
    public string ClassName { get; }

    /// <summary>The stage's uid, as Spark shows it in saved metadata and errors.</summary>
    public string Uid { get; }

    internal abstract P.MlOperator.Types.OperatorType OperatorType { get; }

    internal static string NewUid(string className)
    {
        var simple = className[(className.LastIndexOf('.') + 1)..];
        return $"{simple}_{Guid.NewGuid().ToString("N")[..12]}";
    }

    /// <summary>Every param this stage declares (its typed properties), with Spark's doc, default and the current value.</summary>
    public IReadOnlyList<ParamValue> Params => DeclaredParams().Select(p =>
    {
        var set = TryGetSet(p.Name, out var v);
        return new ParamValue(p, set ? v : p.Default, set);
    }).ToArray();

    /// <summary>Like Spark's <c>explainParams()</c>: one line per param with its doc, default and current value.</summary>
    public string ExplainParams()
    {
        var sb = new StringBuilder();
        foreach (var p in Params) sb.Append(p).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>Sets a param by its Spark name (any param the Spark class has, declared here or not); returns this stage.</summary>
    /// <exception cref="ArgumentException">The value has no literal form (null is refused: use <see cref="Clear"/>).</exception>
    public PipelineStage Set(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _ = MlValues.ToLiteral(value); // fail here, not at fit time, for a value that cannot travel
        lock (_valuesLock) _values[name] = value;
        return this;
    }

    /// <summary>Removes an explicitly set value, so Spark's default applies again.</summary>
    public PipelineStage Clear(string name)
    {
        lock (_valuesLock) _values.Remove(name);
        return this;
    }

    /// <summary>The value of a param: the one set, else the declared default (null when neither).</summary>
    public object? Get(string name)
    {
        if (TryGetSet(name, out var v)) return v;
        return DeclaredParams().FirstOrDefault(p => p.Name == name)?.Default;
    }

    /// <summary>Whether <paramref name="name"/> was set explicitly.</summary>
    public bool IsSet(string name) => TryGetSet(name, out _);

    private protected T Get<T>(Param<T> param) => TryGetSet(param.Name, out var v) ? (T)v : param.Default!;

    private protected T? GetOrNull<T>(Param<T> param) where T : class => TryGetSet(param.Name, out var v) ? (T)v : param.Default;

    private protected void SetValue<T>(Param<T> param, T? value)
    {
        if (value is null) Clear(param.Name);
        else Set(param.Name, value);
    }

    private bool TryGetSet(string name, out object value)
    {
        lock (_valuesLock) return _values.TryGetValue(name, out value!);
    }

    /// <summary>The explicitly set values, for copying into another stage (a fitted model takes its estimator's).</summary>
    internal IReadOnlyDictionary<string, object> SetValues()
    {
        lock (_valuesLock) return new Dictionary<string, object>(_values);
    }

    /// <summary>A copy of this stage (same class and uid) with <paramref name="extra"/> set on top of its values, as Spark's <c>copy(extra)</c>.</summary>
    internal PipelineStage CopyWith(IReadOnlyDictionary<string, object> extra)
    {
        var copy = (PipelineStage)MemberwiseClone();
        lock (_valuesLock) copy._values = new Dictionary<string, object>(_values, StringComparer.Ordinal);
        foreach (var (k, v) in extra) copy.Set(k, v);
        return copy;
    }

    internal void CopyValuesFrom(PipelineStage other)
    {
        foreach (var (k, v) in other.SetValues())
            if (!IsSet(k)) Set(k, v);
    }

    /// <summary>The params message: explicitly set values only.</summary>
    internal P.MlParams ToProtoParams()
    {
        var p = new P.MlParams();
        foreach (var (k, v) in SetValues()) p.Params[k] = MlValues.ToLiteral(v);
        return p;
    }

    internal P.MlOperator ToOperator() => new() { Name = ClassName, Uid = Uid, Type = OperatorType };

    /// <summary>Takes values a server reported (e.g. after a load) without overriding ones set here.</summary>
    internal void TakeServerParams(P.MlParams? server)
    {
        if (server is null) return;
        foreach (var (k, lit) in server.Params)
        {
            if (IsSet(k) || MlValues.FromLiteral(lit) is not { } v) continue;
            lock (_valuesLock) _values[k] = Coerce(k, v);
        }
    }

    /// <summary>Server values arrive in the literal's type; bring them to the declared param's type where it differs (long seed, string[]).</summary>
    private object Coerce(string name, object v)
    {
        var declared = DeclaredParams().FirstOrDefault(p => p.Name == name);
        var target = declared?.GetType().GetGenericArguments().FirstOrDefault();
        if (target is null || target.IsInstanceOfType(v)) return v;
        try
        {
            if (target == typeof(string[]) && v is object?[] arr) return arr.Select(x => x?.ToString() ?? "").ToArray();
            if (v is IConvertible) return Convert.ChangeType(v, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            // Keep the server's value as it came.
        }
        return v;
    }

    private Param[] DeclaredParams() => Declared.GetOrAdd(GetType(), t =>
    {
        // A stage declares its params as static Param fields (its own, or SharedParams it takes), in its class or a base class.
        var found = new List<Param>();
        for (var c = t; c is not null && c != typeof(object); c = c.BaseType)
        {
            found.AddRange(c.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => typeof(Param).IsAssignableFrom(f.FieldType))
                .Select(f => (Param)f.GetValue(null)!));
        }
        return found.DistinctBy(p => p.Name).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    });

    /// <summary>The class name and uid.</summary>
    public override string ToString() => $"{ClassName[(ClassName.LastIndexOf('.') + 1)..]} {Uid}";
}
