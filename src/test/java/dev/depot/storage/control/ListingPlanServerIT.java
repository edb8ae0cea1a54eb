package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.storage.entity.StoredFile;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.NamedQuery;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listing page costs an index range on PostgreSQL, whatever the database's collation, in the plan a
 * pooled prepared statement ends up with (generic) and in a fresh one (custom); and it lists exactly
 * the keys with the prefix, in code point order, page after page.
 *
 * <p>Not an Arquillian test: it needs a database whose default collation is a linguistic one (ICU
 * en-US, like a production database created with en_US.UTF-8), which the suite's database {@code test}
 * (C.UTF-8) is not, and 100,000 rows, which the server's schema should not get. So it creates a database
 * of its own, named after the suite's schema so that two builds never share it, migrates it with
 * Depot's own Flyway configuration ({@link SchemaMigrations#configuration}), fills and ANALYZEs it,
 * and drops it at the end. It sends the page query as the JPA providers do (their SQL below, with
 * positional parameters bound as varchar and int) and takes its bounds from {@link PrefixRange}, as
 * {@link StoredFiles#page} does; the same listing through EclipseLink and HTTP is in
 * PostgresqlServerIT.
 *
 * <p>What fails without what (checked by hand): without V3 the plans are the same, but the range is
 * wrong under en-US, so {@link #pagesHoldEveryKeyWithThePrefixInCodePointOrder} fails ("logs/z" lists
 * nothing) and so does the collation check. Without the range (the query before it), the generic plan's
 * index condition is only {@code path > $1}: the page walks the index from the cursor and throws away
 * the 50,000 entries before {@link #MIDDLE}, and the plan checks fail; under en-US the custom plan does
 * the same (under "C", PostgreSQL derives the range from a constant LIKE by itself).
 */
public class ListingPlanServerIT {

  /** Rows in the table: 200 folders of 500 files, "d000/f00000.bin" to "d199/f00499.bin". */
  static final int ROWS = 100_000;

  /** A prefix in the middle of the key space: its 500 keys start at row 50,000. */
  static final String MIDDLE = "d100/";

  /** What {@code Listings} asks for: a page of 100, and one row more to know whether another follows. */
  static final int LIMIT = 101;

  /** Keys where orders part: code points against UTF-16 and against linguistic collations (en-US). */
  static final List<String> TRICKY = List.of(
      "logs/y", "logs/z", "logs/z/x", "logs/za", "logs/zb/c", "logs/z{", "logs/Z", "logs/{",
      "x/e", "x/é", "x/f", "x/\uD7FB", "x/\uFF01a", "x/\uFF5E", "x/\uFFFC", "x/😀", "x/😀x", "x/\uD83C\uDFFF",
      "x/\uD83D\uDC00", "x-y", "x.y", "x0");

  /**
   * The JPQL of {@code StoredFile.PAGE} the provider SQL below was taken from: if the query changes,
   * {@link #theProviderSqlIsTheOneForTodaysPageQuery} fails until the SQL is taken again.
   */
  static final String PAGE_JPQL = "SELECT f FROM StoredFile f WHERE f.path > :after AND f.path >= :lower AND f.path < :upper"
      + " AND f.path LIKE :pattern ESCAPE '!' ORDER BY f.path";

  /**
   * {@code StoredFile.PAGE} with {@code setMaxResults} as EclipseLink 4 (Payara) sends it to PostgreSQL,
   * taken from pg_stat_activity; PostgresqlServerIT checks that the server still sends exactly this.
   * EclipseLink binds the ESCAPE character too.
   */
  public static final String ECLIPSELINK_PAGE = "SELECT ID AS a1, content_type AS a2, CREATED AS a3, created_by AS a4, file_mtime_ns AS a5,"
      + " MODIFIED AS a6, modified_by AS a7, original_filename AS a8, PATH AS a9, SHA256 AS a10, size_bytes AS a11, store_id AS a12,"
      + " VERSION AS a13"
      + " FROM stored_file"
      + " WHERE ((((PATH > ?) AND (PATH >= ?)) AND (PATH < ?)) AND PATH LIKE ? ESCAPE ?) ORDER BY PATH LIMIT ? OFFSET ?";

  /**
   * The same as Hibernate 6.6 (WildFly) renders it for PostgreSQL: its PostgreSQL translator writes a
   * row limit as {@code fetch first ? rows only} and the escape character as a literal. (The WildFly
   * suite runs on H2, so this one is read from Hibernate's source, not from a server.)
   */
  static final String HIBERNATE_PAGE = "select sf1_0.id,sf1_0.content_type,sf1_0.created,sf1_0.created_by,sf1_0.file_mtime_ns,sf1_0.modified,"
      + "sf1_0.modified_by,sf1_0.original_filename,sf1_0.path,sf1_0.sha256,sf1_0.size_bytes,sf1_0.store_id,sf1_0.version from stored_file sf1_0"
      + " where sf1_0.path>? and sf1_0.path>=? and sf1_0.path<? and sf1_0.path like ? escape '!'"
      + " order by sf1_0.path fetch first ? rows only";

  /** The page query as each JPA provider sends it, with the types its parameters are bound as (setString, setInt). */
  enum Provider {
    ECLIPSELINK(ECLIPSELINK_PAGE, "varchar, varchar, varchar, varchar, varchar, int4, int4"),
    HIBERNATE(HIBERNATE_PAGE, "varchar, varchar, varchar, varchar, int4");

    final String sql;
    final String parameterTypes;

    Provider(String sql, String parameterTypes) {
      this.sql = sql;
      this.parameterTypes = parameterTypes;
    }

    /** EXECUTE's arguments for a first page of {@code prefix}, bounds as {@link StoredFiles#page} computes them. */
    String arguments(String after, String prefix, int limit) {
      PrefixRange range = PrefixRange.of(prefix);
      String strings = String.join(", ", literal(after), literal(range.lower()), literal(range.upper().orElseThrow()),
          literal(StoredFiles.likePrefix(prefix)));
      return this == ECLIPSELINK ? strings + ", '!', " + limit + ", 0" : strings + ", " + limit;
    }
  }

  enum PlanMode {
    /** What a server-side prepared statement gets after a few runs: one plan for any parameters. */
    GENERIC("force_generic_plan"),
    /** What a statement planned for its parameters gets (the first runs, or an unnamed statement). */
    CUSTOM("force_custom_plan");

    final String setting;

    PlanMode(String setting) {
      this.setting = setting;
    }
  }

  private static final String DATABASE = System.getProperty("depot.server.db.schema", "depot_it") + "_listing";

  @BeforeAll
  static void createMigrateAndFill() throws SQLException {
    try (Connection admin = connect(System.getProperty("depot.server.db.name", "test"));
        Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      sql.execute("CREATE DATABASE " + DATABASE
          + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
    }
    // FluentConfiguration's data source from a URL: the test needs no driver-specific DataSource class
    Flyway flyway = SchemaMigrations.configuration(Flyway.configure().dataSource(url(DATABASE), user(), "").getDataSource()).load();
    flyway.migrate();
    try (Connection db = connect(DATABASE);
        Statement sql = db.createStatement()) {
      sql.execute("INSERT INTO stored_file (id, path, size_bytes, sha256, content_type, created, modified, version)"
          + " SELECT gen_random_uuid()::text, format('d%s/f%s.bin', lpad((i / 500)::text, 3, '0'), lpad((i % 500)::text, 5, '0')),"
          + " i, repeat('0', 64), 'application/octet-stream', now(), now(), 0 FROM generate_series(0, " + (ROWS - 1) + ") i");
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO stored_file (id, path, size_bytes, sha256, content_type,"
          + " created, modified, version) VALUES (gen_random_uuid()::text, ?, 0, repeat('0', 64), 'text/plain', now(), now(), 0)")) {
        for (String key : TRICKY) {
          insert.setString(1, key);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      sql.execute("ANALYZE stored_file");
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    try (Connection admin = connect(System.getProperty("depot.server.db.name", "test"));
        Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  @Test
  void theProviderSqlIsTheOneForTodaysPageQuery() {
    String jpql = Arrays.stream(StoredFile.class.getAnnotationsByType(NamedQuery.class))
        .filter(q -> q.name().equals(StoredFile.PAGE)).findFirst().orElseThrow().query();
    assertEquals(PAGE_JPQL, jpql, "StoredFile.PAGE changed: take the providers' SQL again");
  }

  @Test
  void theDatabaseCollatesLinguisticallyAndThePathByteByByte() throws SQLException {
    try (Connection db = connect(DATABASE);
        Statement sql = db.createStatement();
        ResultSet collations = sql.executeQuery("SELECT (SELECT daticulocale FROM pg_database WHERE datname = current_database()),"
            + " (SELECT collation_name FROM information_schema.columns WHERE table_name = 'stored_file' AND column_name = 'path')")) {
      assertTrue(collations.next());
      assertEquals("en-US", collations.getString(1));
      assertEquals("C", collations.getString(2));
    }
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void theGenericPlanReadsOnlyThePrefixFromThePathIndex(Provider provider) throws SQLException {
    assertRangeScan(provider, PlanMode.GENERIC);
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void aCustomPlanReadsOnlyThePrefixFromThePathIndex(Provider provider) throws SQLException {
    assertRangeScan(provider, PlanMode.CUSTOM);
  }

  /** The listing's answers, page by page with the last path as cursor, are exactly the keys with the prefix, in code point order. */
  @Test
  void pagesHoldEveryKeyWithThePrefixInCodePointOrder() throws SQLException {
    List<String> all = new ArrayList<>(TRICKY);
    for (int i = 50_000; i < 50_500; i++) {
      all.add(String.format("d%03d/f%05d.bin", i / 500, i % 500));
    }
    for (String prefix : List.of("logs/z", "logs/", "x/", "x/\uFF01", "x/😀", "x/\uD83C\uDFFF", "x", MIDDLE, "d100/f0049")) {
      List<String> expected = all.stream().filter(k -> k.startsWith(prefix)).sorted(PrefixRangeTest.CODE_POINTS).toList();

      List<String> listed = new ArrayList<>();
      try (Connection db = connect(DATABASE);
          PreparedStatement page = db.prepareStatement(Provider.ECLIPSELINK.sql)) {
        String after = "";
        for (int pages = 0; pages < 1000; pages++) {
          List<String> rows = page(page, prefix, after, 3);
          listed.addAll(rows);
          if (rows.size() < 3) {
            break;
          }
          after = rows.get(rows.size() - 1);
        }
      }

      assertFalse(expected.isEmpty(), prefix);
      assertEquals(expected, listed, "prefix " + prefix);
    }
  }

  /** The result column of the path in EclipseLink's page query ("PATH AS aN"). */
  private static final int PATH_COLUMN = pathColumn();

  private static int pathColumn() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("PATH AS a(\\d+)").matcher(ECLIPSELINK_PAGE);
    if (!m.find()) {
      throw new AssertionError("no PATH column in " + ECLIPSELINK_PAGE);
    }
    return Integer.parseInt(m.group(1));
  }

  private static List<String> page(PreparedStatement page, String prefix, String after, int limit) throws SQLException {
    PrefixRange range = PrefixRange.of(prefix);
    page.setString(1, after);
    page.setString(2, range.lower());
    page.setString(3, range.upper().orElseThrow());
    page.setString(4, StoredFiles.likePrefix(prefix));
    page.setString(5, "!");
    page.setInt(6, limit);
    page.setInt(7, 0);
    List<String> paths = new ArrayList<>();
    try (ResultSet rows = page.executeQuery()) {
      while (rows.next()) {
        paths.add(rows.getString(PATH_COLUMN));
      }
    }
    return paths;
  }

  /**
   * The page of {@link #MIDDLE} is one Index Scan of the path index with the range in its index
   * condition, under a Limit: no Seq Scan, no Sort, no Bitmap scan; run, it reads no more index entries
   * than it returns.
   */
  private static void assertRangeScan(Provider provider, PlanMode mode) throws SQLException {
    try (Connection db = connect(DATABASE);
        Statement sql = db.createStatement()) {
      sql.execute("SET plan_cache_mode = " + mode.setting);
      sql.execute("PREPARE page (" + provider.parameterTypes + ") AS " + numbered(provider.sql));
      String execute = "EXECUTE page (" + provider.arguments("", MIDDLE, LIMIT) + ")";
      System.out.println(provider + ", " + mode + " plan:\n" + text(sql, "EXPLAIN " + execute));

      JsonObject plan = json(sql, "EXPLAIN (ANALYZE, FORMAT JSON) " + execute);
      List<JsonObject> nodes = nodes(plan, new ArrayList<>());
      List<String> types = nodes.stream().map(n -> n.getString("Node Type")).toList();
      assertEquals(List.of("Limit", "Index Scan"), types, plan::toString);
      JsonObject scan = nodes.get(1);
      assertEquals("uk_stored_file_path", scan.getString("Index Name"), plan::toString);
      String condition = scan.getString("Index Cond");
      assertTrue(Pattern.compile("path\\)?(::text)? >= ").matcher(condition).find(), "lower bound in " + condition);
      assertTrue(Pattern.compile("path\\)?(::text)? < ").matcher(condition).find(), "upper bound in " + condition);
      assertEquals(LIMIT, scan.getInt("Actual Rows"), plan::toString);
      assertEquals(0, scan.getInt("Rows Removed by Filter", 0), "index entries read and thrown away: " + plan);
    }
  }

  /** JDBC's ? placeholders as PREPARE's $1, $2, … (the SQL has no ? in a literal). */
  private static String numbered(String sql) {
    Matcher m = Pattern.compile("\\?").matcher(sql);
    StringBuilder out = new StringBuilder();
    int n = 0;
    while (m.find()) {
      m.appendReplacement(out, "\\$" + ++n);
    }
    return m.appendTail(out).toString();
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String text(Statement sql, String explain) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (ResultSet rows = sql.executeQuery(explain)) {
      while (rows.next()) {
        lines.add(rows.getString(1));
      }
    }
    return lines.stream().collect(Collectors.joining("\n"));
  }

  private static JsonObject json(Statement sql, String explain) throws SQLException {
    try (ResultSet rows = sql.executeQuery(explain)) {
      assertTrue(rows.next());
      JsonArray result = Json.createReader(new StringReader(rows.getString(1))).readArray();
      return result.getJsonObject(0).getJsonObject("Plan");
    }
  }

  /** The plan's nodes, depth first. */
  private static List<JsonObject> nodes(JsonObject node, List<JsonObject> into) {
    into.add(node);
    Optional.ofNullable(node.getJsonArray("Plans")).stream().flatMap(JsonArray::stream).map(JsonValue::asJsonObject)
        .forEach(child -> nodes(child, into));
    return into;
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), user(), "");
  }

  private static String url(String database) {
    return "jdbc:postgresql://" + System.getProperty("depot.server.db.host", "127.0.0.1") + ":"
        + System.getProperty("depot.server.db.port", "5432") + "/" + database;
  }

  private static String user() {
    return System.getProperty("depot.server.db.user", "postgres");
  }
}
