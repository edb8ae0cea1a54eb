package dev.depot.health.control;

import dev.depot.storage.control.SchemaMigrations;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Is the database usable? A connection from the server's default data source must answer within a few
 * seconds, and the schema must be at the version this build migrates to (a failed migration is tried
 * again here, so Depot recovers by itself once the database is back).
 */
@ApplicationScoped
public class DatabaseProbe {

  private static final Logger LOG = Logger.getLogger(DatabaseProbe.class.getName());

  /** How long a connection may take to prove it is alive. */
  static final int VALIDATION_TIMEOUT_SECONDS = 5;

  @Resource(lookup = "java:comp/DefaultDataSource")
  DataSource dataSource;

  @Inject SchemaMigrations migrations;

  private final AtomicReference<String> lastProblem = new AtomicReference<>();

  /**
   * Creates this bean while the application starts, so {@link #dataSource} is injected then. WildFly
   * runs health checks on a management thread, where the application's {@code java:comp} namespace is
   * not available: a bean first created there fails its {@code @Resource} injection and readiness
   * stays DOWN (with the check's class name instead of {@code depot-database}).
   */
  void createAtStartup(@Observes Startup startup) {
    LOG.fine("Depot database probe ready");
  }

  /** The verdict; {@code problem} is null when the database is usable. */
  public record Report(String product, String schemaVersion, String problem) {
    public boolean up() {
      return problem == null;
    }
  }

  public Report probe() {
    String product;
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
        return verdict(new Report(null, null, "the database does not answer"), "isValid() is false");
      }
      product = connection.getMetaData().getDatabaseProductName();
    } catch (SQLException | RuntimeException e) {
      return verdict(new Report(null, null, "the database is not reachable"), e.toString());
    }
    SchemaMigrations.Status schema = migrations.migrate();
    if (!schema.current()) {
      return verdict(new Report(product, null, "the schema could not be migrated"), schema.failure().orElse("?"));
    }
    return verdict(new Report(product, schema.version().orElseThrow(), null), null);
  }

  private Report verdict(Report report, String detail) {
    String before = lastProblem.getAndSet(report.problem());
    if (report.problem() != null && !report.problem().equals(before)) {
      LOG.severe(() -> "Depot database is not ready: " + report.problem() + " (" + detail + ")");
    } else if (report.problem() == null && before != null) {
      LOG.info("Depot database is ready again");
    }
    return report;
  }
}
