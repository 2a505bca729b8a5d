using System.Data.SqlTypes;
using Apache.Arrow;
using Grpc.Core;
using Grpc.Net.Client;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect.Tests;

/// <summary>
/// Arrow results decoded to .NET values, value by value, against the real server: every Spark SQL type from SQL
/// literals and casts, nested and null, across many batches, chunked batches, and without a Spark schema.
/// </summary>
[Collection(SparkCollection.Name)]
public sealed class ArrowDecodingTests(SparkServerFixture spark)
{
    [Fact]
    public async Task Integers_and_booleans_decode_to_their_exact_NET_types()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT CAST(1 AS TINYINT), CAST(-128 AS TINYINT), CAST(127 AS TINYINT), CAST(-32768 AS SMALLINT), CAST(32767 AS SMALLINT), " +
            "-2147483648, 2147483647, -9223372036854775808L, 9223372036854775807L, true, false, " +
            "CAST(NULL AS TINYINT), CAST(NULL AS SMALLINT), CAST(NULL AS INT), CAST(NULL AS BIGINT), CAST(NULL AS BOOLEAN)");

        row[0].Should().BeOfType<sbyte>().Which.Should().Be(1);
        row[1].Should().Be((sbyte)-128);
        row[2].Should().Be((sbyte)127);
        row[3].Should().BeOfType<short>().Which.Should().Be(short.MinValue);
        row[4].Should().Be(short.MaxValue);
        row[5].Should().BeOfType<int>().Which.Should().Be(int.MinValue);
        row[6].Should().Be(int.MaxValue);
        row[7].Should().BeOfType<long>().Which.Should().Be(long.MinValue);
        row[8].Should().Be(long.MaxValue);
        row[9].Should().Be(true);
        row[10].Should().Be(false);
        for (int i = 11; i <= 15; i++) row[i].Should().BeNull();
        row.Schema.Fields.Select(f => f.DataType).Should().Equal(
            ByteType.Instance, ByteType.Instance, ByteType.Instance, ShortType.Instance, ShortType.Instance,
            IntegerType.Instance, IntegerType.Instance, LongType.Instance, LongType.Instance, BooleanType.Instance, BooleanType.Instance,
            ByteType.Instance, ShortType.Instance, IntegerType.Instance, LongType.Instance, BooleanType.Instance);
    }

    [Fact]
    public async Task Floats_and_doubles_keep_NaN_infinities_and_negative_zero_exactly()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT CAST('NaN' AS DOUBLE), CAST('-0.0' AS DOUBLE), CAST('Infinity' AS DOUBLE), CAST('-Infinity' AS DOUBLE), " +
            "0.1D, 4.9E-324D, 1.7976931348623157E308D, CAST(1.5 AS FLOAT), CAST('NaN' AS FLOAT), CAST('-0.0' AS FLOAT), " +
            "CAST('-Infinity' AS FLOAT), CAST(0.1 AS FLOAT), CAST(NULL AS DOUBLE), CAST(NULL AS FLOAT)");

        row[0].Should().BeOfType<double>().Which.Should().Be(double.NaN);
        var negativeZero = row.Get<double>(1);
        negativeZero.Should().Be(0.0);
        double.IsNegative(negativeZero).Should().BeTrue("-0.0 keeps its sign");
        row[2].Should().Be(double.PositiveInfinity);
        row[3].Should().Be(double.NegativeInfinity);
        row[4].Should().Be(0.1);
        row[5].Should().Be(double.Epsilon);
        row[6].Should().Be(double.MaxValue);
        row[7].Should().BeOfType<float>().Which.Should().Be(1.5f);
        float.IsNaN(row.Get<float>(8)).Should().BeTrue();
        float.IsNegative(row.Get<float>(9)).Should().BeTrue();
        row.Get<float>(9).Should().Be(0f);
        row[10].Should().Be(float.NegativeInfinity);
        row[11].Should().Be(0.1f);
        row[12].Should().BeNull();
        row[13].Should().BeNull();
    }

    [Fact]
    public async Task Decimals_up_to_precision_28_are_System_Decimal_with_their_scale()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT 1.50BD, -0.001BD, CAST(0 AS DECIMAL(10,2)), CAST('9999999999999999999999999999' AS DECIMAL(28,0)), " +
            "CAST('-0.9999999999999999999999999999' AS DECIMAL(28,28)), CAST('12345678.90' AS DECIMAL(10,2)), CAST(NULL AS DECIMAL(5,2))");

        row[0].Should().BeOfType<decimal>().Which.Should().Be(1.50m);
        row[0]!.ToString().Should().Be("1.50", "the scale is kept");
        row[1].Should().Be(-0.001m);
        row[2]!.ToString().Should().Be("0.00");
        row[3].Should().Be(9999999999999999999999999999m);
        row[4].Should().Be(-0.9999999999999999999999999999m);
        row[5].Should().Be(12345678.90m);
        row[6].Should().BeNull();
        row.Schema[0].DataType.Should().Be(new DecimalType(3, 2));
        row.Schema[3].DataType.Should().Be(new DecimalType(28, 0));
    }

    [Fact]
    public async Task Decimals_above_precision_28_are_SqlDecimal_for_every_value_and_stay_exact()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT 1234567890123456789012345678.0123456789BD, CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)), " +
            "CAST('-99999999999999999999999999999999999999' AS DECIMAL(38,0)), CAST(1 AS DECIMAL(38,2)), " +
            "CAST('0.00000000000000000000000000000000000001' AS DECIMAL(38,38)), CAST(NULL AS DECIMAL(30,1)), CAST('-12.5' AS DECIMAL(29,1))");

        row.Schema[0].DataType.Should().Be(new DecimalType(38, 10));
        row[0].Should().BeOfType<SqlDecimal>().Which.ToString().Should().Be("1234567890123456789012345678.0123456789");
        row[1].Should().BeOfType<SqlDecimal>().Which.ToString().Should().Be("99999999999999999999999999999999999999");
        row[2].Should().BeOfType<SqlDecimal>().Which.ToString().Should().Be("-99999999999999999999999999999999999999");
        var one = row[3].Should().BeOfType<SqlDecimal>().Subject;
        one.ToString().Should().Be("1.00", "a small value of a wide column is still SqlDecimal, with its scale");
        one.Value.Should().Be(1m);
        row[4].Should().BeOfType<SqlDecimal>().Which.ToString().Should().Be("0.00000000000000000000000000000000000001");
        row[5].Should().BeNull();
        row[6].Should().BeOfType<SqlDecimal>().Which.ToString().Should().Be("-12.5");
        row.Get<decimal>(6).Should().Be(-12.5m);
    }

    [Fact]
    public async Task Strings_chars_varchars_and_binary()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT 'héllo wörld ✓ 𝄞', '', CAST('x' AS CHAR(3)), CAST('y' AS VARCHAR(5)), X'0102FF', X'', " +
            "CAST(NULL AS STRING), CAST(NULL AS BINARY), 'a' COLLATE UTF8_LCASE, repeat('ab', 50000), length(CAST('x' AS CHAR(3)))");

        row[0].Should().Be("héllo wörld ✓ 𝄞");
        row[1].Should().BeOfType<string>().Which.Should().BeEmpty();
        row.Get<string>(2).Should().StartWith("x").And.HaveLength(row.Get<int>(10), "as long as Spark says (padded or not)");
        row[3].Should().Be("y");
        row[4].Should().BeOfType<byte[]>().Which.Should().Equal(0x01, 0x02, 0xFF);
        row[5].Should().BeOfType<byte[]>().Which.Should().BeEmpty();
        row[6].Should().BeNull();
        row[7].Should().BeNull();
        row[8].Should().Be("a");
        row.Schema[8].DataType.Should().Be(new StringType("UTF8_LCASE"));
        row.Get<string>(9).Should().HaveLength(100000).And.StartWith("abab");
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public async Task Compressed_results_decode_like_uncompressed_ones(string codec)
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.execution.arrow.compression.codec", codec);
        var rows = await (await session.SqlAsync("SELECT id, concat('row-', id) AS s FROM range(50000)")).CollectAsync();
        rows.Should().HaveCount(50000);
        rows.Select(r => (long)r[0]!).Sum().Should().Be(49999L * 50000 / 2);
        rows[12345]["s"].Should().Be("row-12345");
    }

    [Fact]
    public async Task Large_Arrow_string_and_binary_types_decode_the_same()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.execution.arrow.useLargeVarTypes", "true");
        const string query = "SELECT 'héllo' AS s, X'01FF' AS b, parse_json('{\"a\":[1]}') AS v, " +
                             "ST_GeomFromWKB(X'0101000000000000000000F03F0000000000000040') AS g, array('x', NULL) AS a, " +
                             "map('k', X'02') AS m, CAST(NULL AS STRING) AS n";
        StructType? sparkSchema = null;
        var batches = new List<RecordBatch>();
        await foreach (var b in ArrowResults.ReadBatchesAsync(session.Client.ExecuteAsync(TestPlans.Sql(query), null, default), s => sparkSchema = s))
        {
            batches.Add(b);
        }
        var batch = batches.Single(b => b.Length > 0);
        batch.Column(0).Should().BeOfType<LargeStringArray>("the server honours useLargeVarTypes");
        batch.Column(1).Should().BeOfType<LargeBinaryArray>();

        foreach (var schema in new[] { sparkSchema!, RowDecoder.ResolveSchema(batch, null) })
        {
            var row = RowDecoder.Decode(batch, schema).Single();
            row["s"].Should().Be("héllo");
            row["b"].Should().BeOfType<byte[]>().Which.Should().Equal(0x01, 0xFF);
            row["v"].Should().BeOfType<VariantValue>().Which.ToJson().Should().Be("""{"a":[1]}""");
            row["g"].Should().BeOfType<Geometry>().Which.Wkb.Length.Should().Be(21);
            row["a"].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().Equal(new object?[] { "x", null });
            row.Get<IReadOnlyDictionary<object, object?>>("m")["k"].Should().BeOfType<byte[]>().Which.Should().Equal(0x02);
            row["n"].Should().BeNull();
        }
    }

    [Fact]
    public async Task Dates_cover_the_whole_range_exactly()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT DATE'0001-01-01', DATE'9999-12-31', DATE'1970-01-01', DATE'1969-12-31', DATE'2024-02-29', DATE'1582-10-10', CAST(NULL AS DATE)");

        row[0].Should().BeOfType<DateOnly>().Which.Should().Be(new DateOnly(1, 1, 1));
        row[1].Should().Be(new DateOnly(9999, 12, 31));
        row[2].Should().Be(new DateOnly(1970, 1, 1));
        row[3].Should().Be(new DateOnly(1969, 12, 31));
        row[4].Should().Be(new DateOnly(2024, 2, 29));
        row[5].Should().Be(new DateOnly(1582, 10, 10), "Spark's dates are proleptic Gregorian, as DateOnly");
        row[6].Should().BeNull();
    }

    [Fact]
    public async Task Timestamps_are_UTC_instants_whatever_the_session_time_zone()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.session.timeZone", "America/Los_Angeles");
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT TIMESTAMP'2020-06-01 12:34:56.123456', TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'1969-12-31 15:59:59.999999', " +
            "CAST(NULL AS TIMESTAMP), TIMESTAMP_NTZ'2020-06-01 12:34:56.123456', CAST(NULL AS TIMESTAMP_NTZ)");

        var summer = row[0].Should().BeOfType<DateTimeOffset>().Subject;
        summer.Offset.Should().Be(TimeSpan.Zero);
        summer.Should().Be(new DateTimeOffset(2020, 6, 1, 19, 34, 56, TimeSpan.Zero).AddTicks(1234560), "12:34:56.123456 in Los Angeles (PDT) is 19:34:56.123456 UTC");
        row[1].Should().Be(new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero));
        row[2].Should().Be(DateTimeOffset.UnixEpoch.AddTicks(-10), "one microsecond before the epoch");
        row[3].Should().BeNull();
        var ntz = row[4].Should().BeOfType<DateTime>().Subject;
        ntz.Kind.Should().Be(DateTimeKind.Unspecified);
        ntz.Should().Be(new DateTime(2020, 6, 1, 12, 34, 56).AddTicks(1234560), "timestamp_ntz is wall-clock time, no zone applied");
        row[5].Should().BeNull();
    }

    [Fact]
    public async Task Timestamps_at_the_ends_of_the_range_are_exact()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.session.timeZone", "UTC");
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT TIMESTAMP'0001-01-01 00:00:00', TIMESTAMP'9999-12-31 23:59:59.999999', " +
            "TIMESTAMP_NTZ'0001-01-01 00:00:00', TIMESTAMP_NTZ'9999-12-31 23:59:59.999999'");

        row[0].Should().Be(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero));
        row[1].Should().Be(new DateTimeOffset(DateTime.MaxValue.Ticks - 9, TimeSpan.Zero));
        row[2].Should().Be(new DateTime(1, 1, 1));
        row[3].Should().Be(new DateTime(DateTime.MaxValue.Ticks - 9));
    }

    [Theory]
    [InlineData("date_add(DATE'9999-12-31', 1)", "date")]
    [InlineData("timestamp_micros(253402300800000000)", "timestamp")]
    [InlineData("CAST(timestamp_micros(-62135596800000001) AS TIMESTAMP_NTZ)", "timestamp")]
    [InlineData("INTERVAL '106751991' DAY", "day-time interval")]
    public async Task Values_beyond_the_NET_types_range_fail_the_read_with_a_clear_error(string expression, string what)
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.session.timeZone", "UTC");

        var read = () => ArrowQuery.SingleRowAsync(session, $"SELECT {expression}");

        (await read.Should().ThrowAsync<OverflowException>()).Which.Message.Should().Contain(what).And.Contain("range");
    }

    [Fact]
    public async Task Time_values_are_TimeOnly()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.timeType.enabled", "true");
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT TIME'12:34:56.123456', CAST(TIME'01:02:03.456789' AS TIME(3)), TIME'00:00:00', TIME'23:59:59.999999', CAST(NULL AS TIME)");

        row.Schema[0].DataType.Should().Be(new TimeType(6));
        row.Schema[1].DataType.Should().Be(new TimeType(3));
        row[0].Should().BeOfType<TimeOnly>().Which.Should().Be(new TimeOnly(12, 34, 56).Add(TimeSpan.FromTicks(1234560)));
        row[1].Should().Be(new TimeOnly(1, 2, 3, 456));
        row[2].Should().Be(TimeOnly.MinValue);
        row[3].Should().Be(new TimeOnly(TimeOnly.MaxValue.Ticks - 9));
        row[4].Should().BeNull();
    }

    [Fact]
    public async Task Calendar_intervals_decode_and_print_like_Spark()
    {
        await using var session = await spark.ConnectAsync();
        string[] intervals =
        [
            "make_interval(1, 2, 3, 4, 5, 6, 7.000008)", "make_interval(0, 0, 0, 0, -1, 0, -0.5)", "make_interval(0, 0, 0, 0, 0, 0, 0)",
            "make_interval(-3, 0, 0, -2, 0, 0, 0)", "make_interval(0, 1, 0, 1)", "make_interval(0, 0, 0, 0, 0, 1, 0.25)",
        ];
        var row = await ArrowQuery.SingleRowAsync(session, $"SELECT {string.Join(", ", intervals)}, CAST(NULL AS INTERVAL)");
        var texts = await ArrowQuery.SingleRowAsync(session, "SELECT " + string.Join(", ", intervals.Select(e => $"CAST({e} AS STRING)")));

        row.Schema[0].DataType.Should().Be(CalendarIntervalType.Instance);
        row[0].Should().BeOfType<CalendarInterval>().Which.Should().Be(
            new CalendarInterval(14, 25, ((5L * 60 + 6) * 60 + 7) * 1_000_000 + 8));
        row[1].Should().Be(new CalendarInterval(0, 0, -3_600_500_000L));
        row[2].Should().Be(new CalendarInterval(0, 0, 0));
        row[3].Should().Be(new CalendarInterval(-36, -2, 0));
        row[4].Should().Be(new CalendarInterval(1, 1, 0));
        row[5].Should().Be(new CalendarInterval(0, 0, 60_250_000));
        row[6].Should().BeNull();
        for (int i = 0; i < texts.Count; i++)
        {
            row[i]!.ToString().Should().Be(texts.Get<string>(i), $"interval {i} prints as Spark's CAST AS STRING");
        }
        texts.Get<string>(0).Should().Be("1 years 2 months 25 days 5 hours 6 minutes 7.000008 seconds");
    }

    [Fact]
    public async Task Day_time_intervals_are_TimeSpan_and_year_month_intervals_YearMonthInterval()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '3' HOUR, INTERVAL '-10:20' MINUTE TO SECOND, INTERVAL '106751991' DAY / 10, " +
            "INTERVAL '1-2' YEAR TO MONTH, INTERVAL '-1-2' YEAR TO MONTH, INTERVAL '1' MONTH, INTERVAL '5' YEAR, " +
            "CAST(NULL AS INTERVAL DAY TO SECOND), CAST(NULL AS INTERVAL YEAR TO MONTH), " +
            "CAST(INTERVAL '1-2' YEAR TO MONTH AS STRING), CAST(INTERVAL '-1-2' YEAR TO MONTH AS STRING), CAST(INTERVAL '1' MONTH AS STRING), CAST(INTERVAL '5' YEAR AS STRING)");

        row.Schema[0].DataType.Should().Be(new DayTimeIntervalType(DayTimeIntervalField.Day, DayTimeIntervalField.Second));
        row.Schema[1].DataType.Should().Be(new DayTimeIntervalType(DayTimeIntervalField.Hour, DayTimeIntervalField.Hour));
        row[0].Should().BeOfType<TimeSpan>().Which.Should().Be(new TimeSpan(1, 2, 3, 4, 500));
        row[1].Should().Be(TimeSpan.FromHours(3));
        row[2].Should().Be(-(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20)));
        row[3].Should().Be(TimeSpan.FromTicks(922_337_202_240_000_000L * 10), "a tenth of the largest day-time interval");
        row.Schema[4].DataType.Should().Be(new YearMonthIntervalType(YearMonthIntervalField.Year, YearMonthIntervalField.Month));
        row.Schema[6].DataType.Should().Be(new YearMonthIntervalType(YearMonthIntervalField.Month, YearMonthIntervalField.Month));
        var ym = row[4].Should().BeOfType<YearMonthInterval>().Subject;
        ym.TotalMonths.Should().Be(14);
        (ym.Years, ym.Months).Should().Be((1, 2));
        row[5].Should().Be(new YearMonthInterval(-14));
        row[6].Should().Be(new YearMonthInterval(1));
        row[7].Should().Be(new YearMonthInterval(60));
        row[8].Should().BeNull();
        row[9].Should().BeNull();
        row[4]!.ToString().Should().Be(row.Get<string>(10));
        row[5]!.ToString().Should().Be(row.Get<string>(11));
        ((YearMonthInterval)row[6]!).ToString(YearMonthIntervalField.Month, YearMonthIntervalField.Month).Should().Be(row.Get<string>(12));
        ((YearMonthInterval)row[7]!).ToString(YearMonthIntervalField.Year, YearMonthIntervalField.Year).Should().Be(row.Get<string>(13));
    }

    [Fact]
    public async Task Variants_decode_and_render_JSON_exactly_as_Spark()
    {
        await using var session = await spark.ConnectAsync();
        string[] variants =
        [
            """parse_json('{"a":[1,2,{"b":null}]}')""",
            """parse_json('{"z":1,"a":"x\\n\\u0001\\"/é","m":{"k":[true,false,null]}}')""",
            """parse_json('[1.50, 100.0, -0.0, 1e10, 1.5e-5, 12345678.9e0, 123456789012345678901234567890, -7, 300, 70000, 5000000000]')""",
            """parse_json('"just a string that is longer than sixty-three bytes, so not a short string"')""",
            "parse_json('null')",
            "parse_json('{}')",
            "parse_json('[]')",
            "to_variant_object(named_struct('t', TIMESTAMP'2020-01-01 01:02:03.5', 'n', TIMESTAMP_NTZ'2020-01-01 01:02:03', 'd', DATE'2020-02-03', " +
                "'b', X'0102', 'f', CAST(1.5 AS FLOAT), 'x', CAST(1e10 AS DOUBLE), 'dec', CAST(1.50 AS DECIMAL(5,2)), " +
                "'big', CAST('12345678901234567890.123' AS DECIMAL(38,3)), 'i8', CAST(-5 AS TINYINT), 'bool', true))",
            "to_variant_object(array(DATE'0001-01-01', DATE'9999-12-31'))",
            "parse_json(concat('[', concat_ws(',', transform(sequence(1, 300), x -> CAST(x * 1000 AS STRING))), ']'))",
            "parse_json(concat('{', concat_ws(',', transform(sequence(1, 300), x -> concat('\"k', x, '\":', x))), '}'))",
        ];
        var select = string.Join(", ", variants.Select((v, i) => $"{v} AS v{i}, to_json({v}) AS s{i}"));
        var row = await ArrowQuery.SingleRowAsync(session, $"SELECT {select}, parse_json(NULL) AS nothing");

        row[0].Should().BeOfType<VariantValue>().Which.ToJson().Should().Be("""{"a":[1,2,{"b":null}]}""");
        row.Schema[0].DataType.Should().Be(VariantType.Instance);
        for (int i = 0; i < variants.Length; i++)
        {
            var v = row.Get<VariantValue>(2 * i);
            v.ToJson().Should().Be(row.Get<string>(2 * i + 1), $"variant {i}, {variants[i]}, renders as Spark renders it");
            v.ToString().Should().Be(v.ToJson());
        }
        row["nothing"].Should().BeNull();
        row.Get<VariantValue>(8).ToJson().Should().NotBeNull().And.Be("null", "a JSON null is a variant, not a SQL NULL");
    }

    [Fact]
    public async Task Variant_timestamps_follow_the_given_time_zone_as_Spark_follows_the_session_time_zone()
    {
        await using var session = await spark.ConnectAsync();
        await session.Conf.SetAsync("spark.sql.session.timeZone", "Asia/Kolkata");
        const string v = "to_variant_object(named_struct('t', TIMESTAMP'2020-06-01 12:00:00.000001', 'n', TIMESTAMP_NTZ'2020-06-01 12:00:00'))";
        var row = await ArrowQuery.SingleRowAsync(session, $"SELECT {v}, to_json({v})");

        var variant = row.Get<VariantValue>(0);
        variant.ToJson(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")).Should().Be(row.Get<string>(1));
        variant.ToJson().Should().Be("""{"n":"2020-06-01 12:00:00","t":"2020-06-01 06:30:00.000001+00:00"}""");
    }

    [Fact]
    public async Task Arrays_maps_and_structs_nest_with_nulls_at_every_level()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT array(1, NULL, 3) AS a, array(array(1L), NULL, array()) AS aa, map('a', 1, 'b', NULL) AS m, " +
            "named_struct('x', 1, 'y', CAST(NULL AS STRING), 'z', named_struct('w', array(map('k', named_struct('q', 1.5BD))))) AS s, " +
            "CAST(NULL AS STRUCT<a:INT>) AS ns, array(named_struct('i', 1), NULL, named_struct('i', NULL)) AS sa, " +
            "map(1, array('x', NULL), 2, NULL) AS ma, CAST(map() AS MAP<STRING,INT>) AS em, CAST(NULL AS ARRAY<INT>) AS na, " +
            "CAST(NULL AS MAP<INT,INT>) AS nm, array() AS ea");

        row["a"].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().Equal(1, null, 3);
        var aa = row.Get<IReadOnlyList<object?>>("aa");
        aa.Should().HaveCount(3);
        aa[0].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().Equal(1L);
        aa[1].Should().BeNull();
        aa[2].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().BeEmpty();

        var m = row.Get<IReadOnlyDictionary<object, object?>>("m");
        m.Keys.Should().Equal("a", "b");
        m["a"].Should().Be(1);
        m.ContainsKey("b").Should().BeTrue();
        m["b"].Should().BeNull();

        var s = row.Get<Row>("s");
        s.Schema.FieldNames.Should().Equal("x", "y", "z");
        s["x"].Should().Be(1);
        s["y"].Should().BeNull();
        var deep = s.Get<Row>("z").Get<IReadOnlyList<object?>>("w");
        deep.Should().HaveCount(1);
        var inner = deep[0].Should().BeAssignableTo<IReadOnlyDictionary<object, object?>>().Subject;
        inner["k"].Should().BeOfType<Row>().Which["q"].Should().Be(1.5m);

        row["ns"].Should().BeNull();
        var sa = row.Get<IReadOnlyList<object?>>("sa");
        sa[0].Should().BeOfType<Row>().Which[0].Should().Be(1);
        sa[1].Should().BeNull();
        sa[2].Should().BeOfType<Row>().Which[0].Should().BeNull();

        var ma = row.Get<IReadOnlyDictionary<object, object?>>("ma");
        ma[1].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().Equal(new object?[] { "x", null });
        ma[2].Should().BeNull();
        row.Get<IReadOnlyDictionary<object, object?>>("em").Should().BeEmpty();
        row["na"].Should().BeNull();
        row["nm"].Should().BeNull();
        row.Get<IReadOnlyList<object?>>("ea").Should().BeEmpty();

        row.Schema["s"].DataType.SimpleString.Should().Be("struct<x:int,y:string,z:struct<w:array<map<string,struct<q:decimal(2,1)>>>>>");
    }

    [Fact]
    public async Task Map_keys_of_any_type_are_found_by_value_and_keep_the_server_order()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT map(X'01', 'one', X'0203', 'two') AS bin, map(array(1, 2), 'v') AS arr, map(named_struct('a', 1), 'r') AS st, " +
            "map_from_arrays(transform(sequence(20, 1, -1), x -> CAST(x AS STRING)), sequence(20, 1, -1)) AS big, " +
            "map(CAST('NaN' AS DOUBLE), 'nan', 1.0D, 'one') AS odd");

        var bin = row.Get<IReadOnlyDictionary<object, object?>>("bin");
        bin[new byte[] { 1 }].Should().Be("one");
        bin[new byte[] { 2, 3 }].Should().Be("two");
        bin.ContainsKey(new byte[] { 2 }).Should().BeFalse();
        row.Get<IReadOnlyDictionary<object, object?>>("arr")[new object?[] { 1, 2 }].Should().Be("v");
        var structKey = new Row(new StructType(new StructField("a", IntegerType.Instance, false)), 1);
        row.Get<IReadOnlyDictionary<object, object?>>("st")[structKey].Should().Be("r");

        var big = row.Get<IReadOnlyDictionary<object, object?>>("big");
        big.Keys.Should().Equal(Enumerable.Range(1, 20).Reverse().Select(i => (object)i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        for (int i = 1; i <= 20; i++) big[i.ToString(System.Globalization.CultureInfo.InvariantCulture)].Should().Be(i);
        big.TryGetValue("21", out _).Should().BeFalse();
        row["odd"].Should().BeAssignableTo<IReadOnlyDictionary<object, object?>>().Which[double.NaN].Should().Be("nan");
    }

    [Fact]
    public async Task Null_and_spatial_types()
    {
        await using var session = await spark.ConnectAsync();
        var row = await ArrowQuery.SingleRowAsync(session,
            "SELECT NULL AS n, ST_GeomFromWKB(X'0101000000000000000000F03F0000000000000040') AS g, " +
            "ST_GeogFromWKB(X'0101000000000000000000F03F0000000000000040') AS h, " +
            "ST_SetSrid(ST_GeomFromWKB(X'0101000000000000000000F03F0000000000000040'), 3857) AS g2, " +
            "CAST(NULL AS STRING) AS s");

        row.Schema["n"].DataType.Should().Be(NullType.Instance);
        row["n"].Should().BeNull();
        var wkb = Convert.FromHexString("0101000000000000000000F03F0000000000000040");
        var g = row["g"].Should().BeOfType<Geometry>().Subject;
        g.Srid.Should().Be(0);
        g.Wkb.ToArray().Should().Equal(wkb);
        row.Schema["g"].DataType.Should().Be(new GeometryType(0));
        var h = row["h"].Should().BeOfType<Geography>().Subject;
        h.Srid.Should().Be(4326);
        h.Wkb.ToArray().Should().Equal(wkb);
        row.Schema["h"].DataType.Should().Be(new GeographyType(4326));
        row.Get<Geometry>("g2").Srid.Should().Be(3857);
        row.Schema["g2"].DataType.SimpleString.Should().Be("geometry(3857)");
    }

    [Fact]
    public async Task Every_value_of_many_batches_is_decoded_in_order()
    {
        const int n = 200_000;
        await using var session = await spark.ConnectAsync();
        var (schema, rows) = await ArrowQuery.CollectAsync(session,
            $"SELECT id, IF(id % 7 = 0, NULL, id * 1.5D) AS d, IF(id % 5 = 0, NULL, concat('s', id)) AS s, " +
            $"IF(id % 3 = 0, NULL, array(id, NULL)) AS a, named_struct('i', CAST(id AS INT), 'b', id % 2 = 0) AS st, " +
            $"IF(id % 11 = 0, NULL, CAST(id AS DECIMAL(12,2)) / 4) AS dec FROM range(0, {n}, 1, 3)");

        schema.SimpleString.Should().Be("struct<id:bigint,d:double,s:string,a:array<bigint>,st:struct<i:int,b:boolean>,dec:decimal(16,6)>");
        rows.Should().HaveCount(n);
        for (int i = 0; i < n; i++)
        {
            var r = rows[i];
            long id = r.Get<long>(0);
            if (id != i) id.Should().Be(i);
            var d = r[1];
            var expectedD = i % 7 == 0 ? null : (object)(i * 1.5);
            var s = r[2];
            var expectedS = i % 5 == 0 ? null : "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var a = (object?[]?)r[3];
            var st = (Row)r[4]!;
            var dec = r[5];
            var expectedDec = i % 11 == 0 ? null : (object)(i / 4m);
            if (!Equals(d, expectedD) || s as string != expectedS || (i % 3 == 0) != (a is null)
                || (a is not null && (a.Length != 2 || !Equals(a[0], (long)i) || a[1] is not null))
                || !Equals(st[0], i) || !Equals(st[1], i % 2 == 0) || !Equals(dec, expectedDec))
            {
                ((object)r).Should().Be(new Row(schema, (long)i, expectedD, expectedS, i % 3 == 0 ? null : new object?[] { (long)i, null },
                    new Row((StructType)schema[4].DataType, i, i % 2 == 0), expectedDec), $"row {i}");
            }
        }
    }

    [Fact]
    public async Task Rows_stream_batch_by_batch_and_batches_are_the_callers_to_keep()
    {
        await using var session = await spark.ConnectAsync();
        const string query = "SELECT id, concat('v', id) AS v FROM range(0, 30000, 1, 3)";

        long count = 0, sum = 0;
        await foreach (var row in ArrowResults.ReadRowsAsync(session.Client.ExecuteAsync(TestPlans.Sql(query), null, default)))
        {
            row.Get<string>("v").Should().Be("v" + row.Get<long>("id").ToString(System.Globalization.CultureInfo.InvariantCulture));
            sum += row.Get<long>(0);
            count++;
        }
        count.Should().Be(30000);
        sum.Should().Be(29999L * 30000 / 2);

        StructType? sparkSchema = null;
        var batches = new List<RecordBatch>();
        await foreach (var batch in ArrowResults.ReadBatchesAsync(session.Client.ExecuteAsync(TestPlans.Sql(query), null, default), s => sparkSchema = s))
        {
            batches.Add(batch);
        }
        sparkSchema!.SimpleString.Should().Be("struct<id:bigint,v:string>");
        batches.Should().HaveCountGreaterThanOrEqualTo(3, "one batch per partition at least");
        batches.Sum(b => b.Length).Should().Be(30000);
        // Kept after the stream ended: still readable.
        var ids = batches.SelectMany(b => ((Int64Array)b.Column(0)).Values.ToArray()).Order().ToList();
        ids.Should().Equal(Enumerable.Range(0, 30000).Select(i => (long)i));
        ((StringArray)batches[^1].Column(1)).GetString(batches[^1].Length - 1).Should().StartWith("v");
        foreach (var b in batches) b.Dispose();
    }

    [Fact]
    public async Task An_empty_result_has_its_schema_and_no_rows()
    {
        await using var session = await spark.ConnectAsync();
        var (schema, rows) = await ArrowQuery.CollectAsync(session, "SELECT 1 AS a, 'x' AS b, array(1.5D) AS c FROM range(10) WHERE id < 0");

        rows.Should().BeEmpty();
        schema.Should().Be(new StructType(
            new StructField("a", IntegerType.Instance, false),
            new StructField("b", StringType.Instance, false),
            new StructField("c", new ArrayType(DoubleType.Instance, false), false)));
    }

    [Fact]
    public async Task Without_a_Spark_schema_the_Arrow_schema_gives_the_same_types_and_values()
    {
        await using var session = await spark.ConnectAsync();
        const string query =
            "SELECT 1Y a, 2S b, 3 c, 4L d, 1.5F e, 2.5D f, 12.34BD g, 'x' h, X'01' i, DATE'2020-01-02' j, TIMESTAMP'2020-01-02 03:04:05' k, " +
            "TIMESTAMP_NTZ'2020-01-02 03:04:05' l, make_interval(1,2) m, INTERVAL '1-2' YEAR TO MONTH n, INTERVAL '1 02:03:04' DAY TO SECOND o, " +
            "parse_json('[1]') p, array(1, NULL) q, map('k', named_struct('v', 1)) r, NULL s, true t, " +
            "1234567890123456789012345678.0123456789BD u";
        StructType? sparkSchema = null;
        var batches = new List<RecordBatch>();
        await foreach (var batch in ArrowResults.ReadBatchesAsync(session.Client.ExecuteAsync(TestPlans.Sql(query), null, default), s => sparkSchema = s))
        {
            batches.Add(batch);
        }
        var batchWithRows = batches.Single(b => b.Length > 0);

        var derived = RowDecoder.ResolveSchema(batchWithRows, null);
        derived.Should().Be(sparkSchema, "for these types Arrow loses nothing Spark's schema says");
        var fromArrow = RowDecoder.Decode(batchWithRows, derived).Single();
        var fromSpark = RowDecoder.Decode(batchWithRows, sparkSchema!).Single();
        ((object)fromArrow).Should().Be(fromSpark);
        fromArrow["p"].Should().BeOfType<VariantValue>().Which.ToJson().Should().Be("[1]");
        fromArrow["u"].Should().BeOfType<SqlDecimal>();
        fromArrow["k"].Should().Be(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task Chunked_Arrow_batches_are_put_back_together()
    {
        // SparkConnectClient.ExecuteAsync does not ask for chunking, so this asks the server directly.
        using var channel = GrpcChannel.ForAddress($"http://{spark.Host}:{spark.Port}");
        var client = new SparkConnectService.SparkConnectServiceClient(channel);
        var request = new ExecutePlanRequest
        {
            SessionId = Guid.NewGuid().ToString(),
            UserContext = new UserContext { UserId = "arrow-tests" },
            ClientType = "InteractiveSpark.Tests",
            Plan = TestPlans.Sql("SELECT id, repeat('x', 100) AS s, array(id, id + 1) AS a FROM range(0, 5000, 1, 2)"),
        };
        request.RequestOptions.Add(new ExecutePlanRequest.Types.RequestOption
        {
            ResultChunkingOptions = new ResultChunkingOptions { AllowArrowBatchChunking = true, PreferredArrowChunkSize = 1024 },
        });
        var headers = new Metadata { { "Authorization", "Bearer " + spark.Token } };
        using var call = client.ExecutePlan(request, headers);
        var responses = new List<ExecutePlanResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync()) responses.Add(response);
        responses.Should().Contain(r => r.ArrowBatch != null && r.ArrowBatch.NumChunksInBatch > 1, "the server chunked the batches");

        var (schema, rows) = await ArrowResults.CollectAsync(responses.AsAsync());

        schema.SimpleString.Should().Be("struct<id:bigint,s:string,a:array<bigint>>");
        rows.Select(r => r.Get<long>(0)).Should().Equal(Enumerable.Range(0, 5000).Select(i => (long)i));
        rows.Should().OnlyContain(r => r.Get<string>(1) == new string('x', 100));
        rows[4999]["a"].Should().BeAssignableTo<IReadOnlyList<object?>>().Which.Should().Equal(4999L, 5000L);
    }
}

/// <summary>Runs SQL through the session's client and decodes the result with <see cref="ArrowResults"/>.</summary>
internal static class ArrowQuery
{
    public static Task<(StructType Schema, IReadOnlyList<Row> Rows)> CollectAsync(SparkSession session, string query) =>
        ArrowResults.CollectAsync(session.Client.ExecuteAsync(TestPlans.Sql(query), null, default));

    public static async Task<Row> SingleRowAsync(SparkSession session, string query)
    {
        var (_, rows) = await CollectAsync(session, query);
        rows.Should().HaveCount(1);
        return rows[0];
    }

    public static async IAsyncEnumerable<T> AsAsync<T>(this IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
