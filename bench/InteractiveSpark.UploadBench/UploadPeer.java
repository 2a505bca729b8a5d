// The peer of InteractiveSpark.UploadBench: Spark 4.2.0's JVM Spark Connect client creating a DataFrame from a local
// collection (java.util.List<Row>, built before the clock starts), then the server's checksum of it.
// usage: spark-connect-jvm UploadPeer.java URL ROWS
// Rows: id (bigint), id * 1.5 (double), concat('row-', id) (string), the same for every client.
// Prints one line: client=jvm rows=... create_s=... checksum_s=... rows_per_s=... peak_heap_mb=... count=... ids=... lengths=...
import org.apache.spark.sql.*;
import org.apache.spark.sql.types.*;
import java.lang.management.*;
import java.util.*;

public class UploadPeer {
  public static void main(String[] args) {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    SparkSession spark = SparkSession.builder().remote(url).getOrCreate();
    spark.sql("select 1").collectAsList(); // warm the session and the channel
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false).add("d", DataTypes.DoubleType, false).add("s", DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>(n);
    for (long i = 0; i < n; i++) rows.add(RowFactory.create(i, i * 1.5, "row-" + i));
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    long before = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
      if (p.getType() == MemoryType.HEAP) before += p.getUsage().getUsed();

    long t0 = System.nanoTime();
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    long t1 = System.nanoTime();
    Row sums = df.selectExpr("count(1)", "sum(id)", "sum(length(s))").collectAsList().get(0);
    long t2 = System.nanoTime();

    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
      if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
    double create = (t1 - t0) / 1e9, checksum = (t2 - t1) / 1e9;
    System.out.printf(Locale.ROOT, "client=jvm rows=%d create_s=%.3f checksum_s=%.3f rows_per_s=%.0f peak_heap_mb=%d count=%d ids=%d lengths=%d%n",
        n, create, checksum, n / (create + checksum), Math.max(0, peak - before) >> 20, sums.getLong(0), sums.getLong(1), sums.getLong(2));
    System.exit(0);
  }
}
