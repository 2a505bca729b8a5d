using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Registers user-defined functions in a session (<c>spark.udf</c>). C# code cannot run on Spark's executors, so a UDF
/// is a Java or Scala class from a jar uploaded with <see cref="SparkSession.AddArtifactsAsync(string[])"/>; once
/// registered it is called by name from SQL (<c>SELECT name(x)</c>) and from DataFrames
/// (<see cref="Functions.Call(string, Column[])"/>).
/// </summary>
public sealed class UdfRegistration
{
    private readonly SparkSession _session;

    internal UdfRegistration(SparkSession session) => _session = session;

    /// <summary>
    /// Registers the Java class <paramref name="className"/> (an implementation of one of Spark's
    /// <c>org.apache.spark.sql.api.java.UDF0</c> ... <c>UDF22</c> interfaces) as the temporary function
    /// <paramref name="name"/> of this session (<c>spark.udf.registerJavaFunction</c>). Without
    /// <paramref name="returnType"/>, Spark infers it from the class's type arguments.
    /// </summary>
    /// <exception cref="SparkException">The class is not on the session's class path or is not a UDF.</exception>
    public async Task RegisterJavaAsync(string name, string className, DataType? returnType = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        var udf = new P.JavaUDF { ClassName = className };
        if (returnType is not null)
        {
            udf.OutputType = returnType.ToProto();
        }

        await RegisterAsync(name, udf, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers the Java class <paramref name="className"/> as the temporary function <paramref name="name"/>, its result
    /// type written in SQL (<c>"bigint"</c>, <c>"array&lt;string&gt;"</c>); see
    /// <see cref="RegisterJavaAsync(string, string, DataType?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="SparkException">The type does not parse, or the class is not on the session's class path or is not a UDF.</exception>
    public async Task RegisterJavaAsync(string name, string className, string returnType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        ArgumentException.ThrowIfNullOrWhiteSpace(returnType);
        var parsed = await _session.Client.DdlParseAsync(returnType, cancellationToken).ConfigureAwait(false);
        await RegisterAsync(name, new P.JavaUDF { ClassName = className, OutputType = parsed }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers the Java class <paramref name="className"/>, a Spark <c>UserDefinedAggregateFunction</c>, as the
    /// temporary aggregate function <paramref name="name"/> (<c>spark.udf.registerJavaUDAF</c>).
    /// </summary>
    /// <exception cref="SparkException">The class is not on the session's class path or is not an aggregate function.</exception>
    public Task RegisterJavaAggregateAsync(string name, string className, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        return RegisterAsync(name, new P.JavaUDF { ClassName = className, Aggregate = true }, cancellationToken);
    }

    private Task RegisterAsync(string name, P.JavaUDF udf, CancellationToken cancellationToken)
    {
        var function = new P.CommonInlineUserDefinedFunction { FunctionName = name, JavaUdf = udf };
        return _session.RunCommandAsync(new P.Command { RegisterFunction = function }, null, cancellationToken);
    }
}
