using Spark.Connect;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Data types against the server: FromProto of the schemas it sends, SimpleString against its <c>typeof</c>,
/// TreeString against its printSchema, ToProto accepted by it (casts come back with the same type).
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class DataTypeTests(SparkServerFixture spark)
{
    private const string Wkb = "X'0101000000000000000000F03F0000000000000040'";

    private static readonly string[] Expressions =
    [
        "1Y", "1S", "1", "1L", "1.5F", "1.5D", "12.34BD", "CAST(1 AS DECIMAL(38,10))", "CAST(1 AS DECIMAL)", "'x'",
        "'x' COLLATE UTF8_LCASE", "'x' COLLATE UNICODE_CI", "X'01'", "DATE'2020-01-01'", "TIMESTAMP'2020-01-01 00:00:00'",
        "TIMESTAMP_NTZ'2020-01-01 00:00:00'", "make_interval(1)", "INTERVAL '1' DAY", "INTERVAL '1' HOUR",
        "INTERVAL '1:2' HOUR TO MINUTE", "INTERVAL '1 2' DAY TO HOUR", "INTERVAL '1:2:3' HOUR TO SECOND", "INTERVAL '1' MINUTE",
        "INTERVAL '1' SECOND", "INTERVAL '1 2:3:4' DAY TO SECOND", "INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '1' YEAR",
        "INTERVAL '1' MONTH", "parse_json('1')", "array(1)", "array(array('a'))", "map('a', 1)",
        "map(1, array(named_struct('x', 1.5D, 'y', CAST(NULL AS BINARY))))", "named_struct('a', 1, 'b', 'x')", "NULL", "array(NULL)",
        $"ST_GeomFromWKB({Wkb})", $"ST_GeogFromWKB({Wkb})", $"ST_SetSrid(ST_GeomFromWKB({Wkb}), 4326)",
        "TIME'12:00:00'", "CAST(TIME'12:00:00' AS TIME(2))",
    ];

    [Fact]
    public async Task SimpleString_of_every_type_is_what_the_server_calls_it()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.timeType.enabled", "true");
        var select = string.Join(", ", Expressions.Select((e, i) => $"{e} AS c{i}, typeof({e}) AS t{i}"));
        var row = await ArrowQuery.SingleRowAsync(session, $"SELECT {select}");

        for (int i = 0; i < Expressions.Length; i++)
        {
            var type = row.Schema[2 * i].DataType;
            type.SimpleString.Should().Be(row.Get<string>(2 * i + 1), $"the type of {Expressions[i]}");
            type.ToString().Should().Be(type.SimpleString);
        }
        row.Schema[0].DataType.Should().BeSameAs(ByteType.Instance);
        row.Schema[12].DataType.Should().Be(new DecimalType(4, 2));
    }

    [Fact]
    public async Task FromProto_then_ToProto_gives_back_the_servers_schema_message()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.timeType.enabled", "true");
        var relation = new Relation { Sql = new SQL { Query = "SELECT " + string.Join(", ", Expressions.Select((e, i) => $"{e} AS c{i}")) + ", 1 AS `we!rd name`" } };

        var proto = await session.Client.SchemaAsync(relation, default);
        var type = DataType.FromProto(proto);

        type.ToProto().Should().Be(proto);
        var st = type.Should().BeOfType<StructType>().Subject;
        st.Count.Should().Be(Expressions.Length + 1);
        st[2].Should().Be(new StructField("c2", IntegerType.Instance, false));
        st["c17"].DataType.Should().Be(new DayTimeIntervalType(DayTimeIntervalField.Day, DayTimeIntervalField.Day));
        st["c32"].DataType.Should().Be(new MapType(IntegerType.Instance,
            new ArrayType(new StructType(new StructField("x", DoubleType.Instance, false), new StructField("y", BinaryType.Instance, true)), false),
            false));
        st["c34"].DataType.Should().Be(NullType.Instance);
        st["we!rd name"].DataType.Should().Be(IntegerType.Instance);
    }

    [Fact]
    public async Task TreeString_is_the_servers_printSchema_at_every_depth()
    {
        await using var session = await spark.ConnectAsync();
        var relation = new Relation
        {
            Sql = new SQL
            {
                Query = "SELECT 1 AS i, CAST(NULL AS STRING) AS s, array(named_struct('a', 1L, 'b', map('k', array(1.5BD)))) AS deep, " +
                        "map(named_struct('x', 1), array(CAST(NULL AS INT))) AS m, named_struct('p', DATE'2020-01-01', 'q', NULL) AS st, " +
                        "INTERVAL '1' HOUR AS h, make_interval(1) AS ci, parse_json('1') AS v, 1Y AS b, 1S AS sh, 1.5F AS f, X'00' AS bin, " +
                        "TIMESTAMP_NTZ'2020-01-01 00:00:00' AS ntz, 'x' COLLATE UTF8_LCASE AS coll, 1 AS `new\nline`",
            },
        };

        var type = (StructType)DataType.FromProto(await session.Client.SchemaAsync(relation, default));

        type.TreeString.Should().Be(await session.Client.TreeStringAsync(relation, null, default));
        for (int level = 1; level <= 4; level++)
        {
            type.BuildTreeString(level).Should().Be(await session.Client.TreeStringAsync(relation, level, default), $"level {level}");
        }
        type.TreeString.Should().StartWith("root\n |-- i: integer (nullable = false)\n |-- s: string (nullable = true)\n |-- deep: array (nullable = false)\n" +
                                           " |    |-- element: struct (containsNull = false)\n |    |    |-- a: long (nullable = false)\n");
    }

    [Fact]
    public async Task ToProto_of_every_type_is_accepted_by_the_server_and_comes_back_equal()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.timeType.enabled", "true");
        DataType[] types =
        [
            BooleanType.Instance, ByteType.Instance, ShortType.Instance, IntegerType.Instance, LongType.Instance, FloatType.Instance,
            DoubleType.Instance, new DecimalType(20, 5), new DecimalType(), new DecimalType(38, 38), StringType.Instance,
            new StringType("UTF8_LCASE"), BinaryType.Instance, DateType.Instance, TimestampType.Instance, TimestampNtzType.Instance,
            new TimeType(3), CalendarIntervalType.Instance, new YearMonthIntervalType(), new YearMonthIntervalType(YearMonthIntervalField.Month, YearMonthIntervalField.Month),
            new DayTimeIntervalType(), new DayTimeIntervalType(DayTimeIntervalField.Hour, DayTimeIntervalField.Minute), VariantType.Instance,
            new ArrayType(IntegerType.Instance), new ArrayType(new ArrayType(StringType.Instance, false)),
            new MapType(StringType.Instance, new StructType(new StructField("a", LongType.Instance), new StructField("b", new ArrayType(DateType.Instance)))),
            new StructType(new StructField("x", new DecimalType(30, 2)), new StructField("y", new MapType(IntegerType.Instance, BinaryType.Instance, false))),
            new GeometryType(4326), new GeographyType(4326),
        ];
        var project = new Project { Input = new Relation { Sql = new SQL { Query = "SELECT 1" } } };
        for (int i = 0; i < types.Length; i++)
        {
            var cast = new Expression { Cast = new Expression.Types.Cast { Expr = new Expression { ExpressionString = new Expression.Types.ExpressionString { Expression = "NULL" } }, Type = types[i].ToProto() } };
            project.Expressions.Add(new Expression { Alias = new Expression.Types.Alias { Expr = cast, Name = { $"c{i}" } } });
        }

        var schema = (StructType)DataType.FromProto(await session.Client.SchemaAsync(new Relation { Project = project }, default));

        schema.Fields.Select(f => f.DataType).Should().Equal(types);
        var (_, rows) = await ArrowResults.CollectAsync(session.Client.ExecuteAsync(new Plan { Root = new Relation { Project = project } }, null, default));
        rows.Single().Should().OnlyContain(v => v == null);
    }

    [Fact]
    public async Task DDL_parsed_by_the_server_converts_to_the_expected_types()
    {
        await using var session = await spark.ConnectAsync();
        var parsed = DataType.FromProto(await session.Client.DdlParseAsync(
            "a INT NOT NULL, b ARRAY<STRUCT<x: STRING, y: DECIMAL(20,4)>>, c MAP<STRING, BINARY>, d INTERVAL DAY TO SECOND, " +
            "e CHAR(5), f VARCHAR(10), g TIMESTAMP_NTZ, h STRING COLLATE UTF8_LCASE, i VARIANT", default));

        parsed.Should().Be(new StructType(
            new StructField("a", IntegerType.Instance, false),
            new StructField("b", new ArrayType(new StructType(new StructField("x", StringType.Instance), new StructField("y", new DecimalType(20, 4))))),
            new StructField("c", new MapType(StringType.Instance, BinaryType.Instance)),
            new StructField("d", new DayTimeIntervalType()),
            new StructField("e", new CharType(5)),
            new StructField("f", new VarcharType(10)),
            new StructField("g", TimestampNtzType.Instance),
            new StructField("h", new StringType("UTF8_LCASE")),
            new StructField("i", VariantType.Instance)));
        parsed.SimpleString.Should().Be(
            "struct<a:int,b:array<struct<x:string,y:decimal(20,4)>>,c:map<string,binary>,d:interval day to second,e:char(5),f:varchar(10)," +
            "g:timestamp_ntz,h:string collate UTF8_LCASE,i:variant>");
        parsed.ToProto().Should().Be(await session.Client.DdlParseAsync(
            "a INT NOT NULL, b ARRAY<STRUCT<x: STRING, y: DECIMAL(20,4)>>, c MAP<STRING, BINARY>, d INTERVAL DAY TO SECOND, " +
            "e CHAR(5), f VARCHAR(10), g TIMESTAMP_NTZ, h STRING COLLATE UTF8_LCASE, i VARIANT", default));
    }

    [Fact]
    public void Types_compare_by_value_and_print_Spark_names()
    {
        new StructType(new StructField("a", new ArrayType(IntegerType.Instance)))
            .Should().Be(new StructType(new StructField("a", new ArrayType(IntegerType.Instance))));
        new StructType(new StructField("a", new ArrayType(IntegerType.Instance))).GetHashCode()
            .Should().Be(new StructType(new StructField("a", new ArrayType(IntegerType.Instance))).GetHashCode());
        new StructType(new StructField("a", IntegerType.Instance)).Should().NotBe(new StructType(new StructField("a", LongType.Instance)));
        new StructType(new StructField("a", IntegerType.Instance)).Should().NotBe(new StructType(new StructField("a", IntegerType.Instance, false)));
        new DecimalType(10, 2).Should().Be(new DecimalType(10, 2)).And.NotBe(new DecimalType(10, 3));
        StringType.Instance.Should().Be(new StringType()).And.NotBe(new StringType("UTF8_LCASE"));

        LongType.Instance.TypeName.Should().Be("long");
        LongType.Instance.SimpleString.Should().Be("bigint");
        new MapType(StringType.Instance, new ArrayType(new DecimalType(10, 2))).ToString().Should().Be("map<string,array<decimal(10,2)>>");
        new StructType().SimpleString.Should().Be("struct<>");
        new StructType().TreeString.Should().Be("root\n");
        new StructType().Add("a", LongType.Instance).Add("b", StringType.Instance, nullable: false).TreeString
            .Should().Be("root\n |-- a: long (nullable = true)\n |-- b: string (nullable = false)\n");
        new UnparsedDataType("array<int>").SimpleString.Should().Be("array<int>");
        new StructField("a", IntegerType.Instance).ToString().Should().Be("StructField(a,int,true)");

        var wide = new StructType(Enumerable.Range(0, 20).Select(i => new StructField("f" + i, IntegerType.Instance)));
        wide.FieldIndex("f13").Should().Be(13);
        wide.TryGetFieldIndex("nope", out var missing).Should().BeFalse();
        missing.Should().Be(-1);
        FluentActions.Invoking(() => wide["nope"]).Should().Throw<KeyNotFoundException>();
    }
}
