package dev.depot.storage.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the database schema to the version this build expects, with Flyway, when Depot is deployed
 * and before any upload is recorded: the tables are created by the versioned scripts in {@code
 * db/depot} (H2 and PostgreSQL alike), never by JPA DDL generation. A database product may have
 * scripts of its own as well, in {@code db/vendor/<product>} (see {@link #VENDOR_LOCATIONS}).
 *
 * <p>The data source is the server's default ({@code java:comp/DefaultDataSource}), the same one the
 * persistence unit uses, so pointing the server's default at PostgreSQL moves both. A failure (the
 * database is down at deploy time) does not fail the deployment: it is logged, the readiness check
 * reports it, and every readiness check tries again until the schema is current. Flyway runs outside
 * any JTA transaction: it commits each migration itself.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SchemaMigrations {

  /** Where the migration scripts for every database live in the WAR. */
  static final String LOCATION = "classpath:db/depot";

  /**
   * Scripts that run on one database product only, by JDBC product name: PostgreSQL's V3 gives the
   * path column the "C" collation, which H2 has no notion of. Flyway's open-source core has no {@code
   * {vendor}} placeholder (that is Spring Boot's), so Depot picks the folder itself.
   *
   * <p>The folders are not below {@link #LOCATION}, because Flyway scans a location with all its
   * subfolders (H2 would then run PostgreSQL's scripts). Versions form one sequence across all folders:
   * a number is used once, in one folder, so every database applies its scripts in the same order and
   * a later script for all databases comes after every vendor one ({@code SchemaMigrationsTest} checks
   * that no number is used twice). A database skips the numbers of other products' scripts, which
   * Flyway allows.
   */
  static final Map<String, String> VENDOR_LOCATIONS = Map.of("PostgreSQL", "classpath:db/vendor/postgresql");

  /** Depot's own history table, so that it cannot meet another application's Flyway history. */
  static final String HISTORY_TABLE = "depot_schema_history";

  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

  @Resource(lookup = "java:comp/DefaultDataSource")
  DataSource dataSource;

  private String version;
  private String failure;

  /** The schema as Depot last saw it: its version, or why it could not be migrated. */
  public record Status(Optional<String> version, Optional<String> failure) {
    public boolean current() {
      return failure.isEmpty() && version.isPresent();
    }
  }

  @PostConstruct
  void atDeployment() {
    migrate();
  }

  /** Migrates if the last attempt failed (or never ran); cheap once the schema is current. */
  @Lock(LockType.WRITE)
  public Status migrate() {
    if (version != null && failure == null) {
      return status();
    }
    try {
      Flyway flyway = flyway();
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      version = current == null ? "none" : current.getVersion().getVersion();
      failure = null;
      LOG.info(() -> "Depot schema is at version " + version + " (" + result.migrationsExecuted + " migration(s) applied now, database "
          + result.databaseType + ")");
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (!reason.equals(failure)) {
        LOG.log(Level.SEVERE, "Depot could not migrate its database schema; uploads will fail until it can", e);
      }
      failure = reason;
    }
    return status();
  }

  @Lock(LockType.READ)
  public Status status() {
    return new Status(Optional.ofNullable(version), Optional.ofNullable(failure));
  }

  private Flyway flyway() {
    return configuration(dataSource).load();
  }

  /**
   * Depot's Flyway configuration for {@code dataSource}: what the deployment runs, and what the tests
   * that need Depot's schema elsewhere (ListingPlanServerIT) run, so they cannot drift apart.
   *
   * @throws FlywayException if the database cannot be asked which product it is
   */
  static FluentConfiguration configuration(DataSource dataSource) {
    return Flyway.configure(SchemaMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(locations(productOf(dataSource)))
        .table(HISTORY_TABLE)
        // A schema that already holds other tables (a shared default database) gets a baseline below
        // version 1, so Depot's own migrations still run on it.
        .baselineOnMigrate(true)
        .baselineVersion("0");
  }

  /** The script folders for a database whose JDBC product name is {@code product}. */
  static String[] locations(String product) {
    String vendor = VENDOR_LOCATIONS.get(product);
    return vendor == null ? new String[] {LOCATION} : new String[] {LOCATION, vendor};
  }

  private static String productOf(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw new FlywayException("Unable to ask the database which product it is: " + e.getMessage(), e);
    }
  }
}
