#!/usr/bin/env dotnet
// A plain C# file-based app (dotnet run notebooks/hello-spark.cs): InteractiveSpark without any notebook.
// It starts a local Spark Connect server (SPARK_HOME, or the engines in ../shared/engines), connects with its
// token, runs SQL and the DataFrame API, and stops the server. Outside this repository, replace the two
// #:project lines with `#:package InteractiveSpark.SparkConnect@0.1.0` and `#:package InteractiveSpark.Sessions@0.1.0`.
#:project ../kernel/InteractiveSpark.SparkConnect/InteractiveSpark.SparkConnect.csproj
#:project ../kernel/InteractiveSpark.Sessions/InteractiveSpark.Sessions.csproj

using InteractiveSpark.Sessions.Local;
using InteractiveSpark.SparkConnect;
using static InteractiveSpark.SparkConnect.Functions;

Console.WriteLine("starting a local Spark Connect server...");
await using var server = await LocalSparkServer.StartAsync();
await using var spark = await SparkSession.ConnectAsync(server.ConnectionString);
Console.WriteLine($"connected: Spark {await spark.VersionAsync()}, session {spark.SessionId}");

// SQL, with a parameter bound by the server (never concatenated into the text).
await (await spark.SqlAsync("SELECT id, id * id AS square FROM range(5) WHERE id >= ?", [2])).ShowAsync();

// The DataFrame API: a thin builder of Spark plans; nothing runs until an action.
var sales = spark.Range(1, 1001)
    .WithColumn("region", When(Col("id") % 3 == 0, Lit("north")).When(Col("id") % 3 == 1, Lit("south")).Otherwise(Lit("west")))
    .WithColumn("amount", Col("id") * 1.5);
var byRegion = sales.GroupBy("region")
    .Agg(Count(Lit(1)).Alias("orders"), Sum(Col("amount")).Alias("total"))
    .OrderBy(Col("region"));
await byRegion.ShowAsync();

foreach (var row in await byRegion.CollectAsync())
{
    Console.WriteLine($"{row["region"]}: {row["orders"]} orders, {row["total"]:0.0} in total");
}
